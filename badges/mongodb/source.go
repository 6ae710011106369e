package mongodb

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// SourceStore keeps the sources of activity, each a computed document by
// id in sources (a community has few, so a list reads them all), and each
// source's latest calls, a bounded list by source id in sourcecalls.
type SourceStore struct{ db *database.DB }

var _ badges.SourceStore = (*SourceStore)(nil)

// NewSourceStore returns the source store of db.
func NewSourceStore(db *database.DB) *SourceStore { return &SourceStore{db: db} }

type sourceRecord struct {
	Issuer         string    `bson:"issuer"`
	Name           string    `bson:"name"`
	Preset         string    `bson:"preset"`
	Mapping        string    `bson:"mapping,omitempty"`
	UnknownMembers string    `bson:"unknownMembers"`
	Enabled        bool      `bson:"enabled"`
	Secret         string    `bson:"secret"`
	PreviousSecret string    `bson:"previousSecret,omitempty"`
	PreviousUntil  time.Time `bson:"previousUntil,omitempty"`
	CreatedAt      time.Time `bson:"createdAt"`
	UpdatedAt      time.Time `bson:"updatedAt"`
}

func sourceRecordOf(s *badges.Source) sourceRecord {
	return sourceRecord{Issuer: s.IssuerID, Name: s.Name, Preset: string(s.Preset), Mapping: s.Mapping,
		UnknownMembers: string(s.UnknownMembers), Enabled: s.Enabled, Secret: s.Secret, PreviousSecret: s.PreviousSecret,
		PreviousUntil: s.PreviousUntil.UTC(), CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func (r *sourceRecord) source(id string) *badges.Source {
	return &badges.Source{ID: id, IssuerID: r.Issuer, Name: r.Name, Preset: mapping.Preset(r.Preset), Mapping: r.Mapping,
		UnknownMembers: badges.UnknownMembers(r.UnknownMembers), Enabled: r.Enabled, Secret: r.Secret,
		PreviousSecret: r.PreviousSecret, PreviousUntil: r.PreviousUntil, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func notFoundSource(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No source with id %q.", id)
}

// errSourceExists stops a creation that found its id taken.
var errSourceExists = errors.New("source exists")

// CreateSource stores a new source.
func (s *SourceStore) CreateSource(ctx context.Context, src *badges.Source) error {
	err := database.Modify(ctx, s.db, database.Sources, src.ID, func(r *sourceRecord, exists bool) error {
		if exists {
			return errSourceExists
		}
		*r = sourceRecordOf(src)
		return nil
	})
	if errors.Is(err, errSourceExists) {
		return badges.Errorf(badges.ECONFLICT, "A source with id %q exists already.", src.ID)
	}
	return err
}

// Source reads one source.
func (s *SourceStore) Source(ctx context.Context, id string) (*badges.Source, error) {
	if !badges.ValidID(id) {
		return nil, notFoundSource(id)
	}
	r, found, err := database.ReadComputed[sourceRecord](ctx, s.db, database.Sources, id)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, notFoundSource(id)
	}
	return r.source(id), nil
}

// Sources lists a community's sources, oldest first, reading them all.
func (s *SourceStore) Sources(ctx context.Context, issuerID string) ([]*badges.Source, error) {
	var out []*badges.Source
	err := database.EachComputed(ctx, s.db, database.Sources, func(id string, r sourceRecord) error {
		if r.Issuer == issuerID {
			out = append(out, r.source(id))
		}
		return nil
	})
	slices.SortFunc(out, func(a, b *badges.Source) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, err
}

// UpdateSource changes a source atomically.
func (s *SourceStore) UpdateSource(ctx context.Context, id string, change func(*badges.Source) error) (*badges.Source, error) {
	if !badges.ValidID(id) {
		return nil, notFoundSource(id)
	}
	var out *badges.Source
	err := database.Modify(ctx, s.db, database.Sources, id, func(r *sourceRecord, exists bool) error {
		if !exists {
			return notFoundSource(id)
		}
		src := r.source(id)
		if err := change(src); err != nil {
			return err
		}
		*r, out = sourceRecordOf(src), src
		return nil
	})
	return out, err
}

// DeleteSource removes a source and its calls.
func (s *SourceStore) DeleteSource(ctx context.Context, id string) error {
	if !badges.ValidID(id) {
		return notFoundSource(id)
	}
	for _, c := range []string{database.Sources, database.SourceCalls} {
		unlock := s.db.LockDoc(c, id)
		err := database.DeleteComputed(ctx, s.db, c, id)
		unlock()
		if err != nil {
			return err
		}
	}
	return nil
}

type sourceCallsRecord struct {
	Calls []sourceCallRecord `bson:"calls"`
}

type sourceCallRecord struct {
	At        time.Time `bson:"at"`
	Status    int       `bson:"status"`
	Recorded  int       `bson:"recorded,omitempty"`
	Duplicate int       `bson:"duplicate,omitempty"`
	Ignored   int       `bson:"ignored,omitempty"`
	Skipped   int       `bson:"skipped,omitempty"`
	Rejected  int       `bson:"rejected,omitempty"`
	Detail    string    `bson:"detail,omitempty"`
}

// NoteSourceCall puts a call first in the source's list, keeping keep.
func (s *SourceStore) NoteSourceCall(ctx context.Context, sourceID string, c badges.SourceCall, keep int) error {
	rec := sourceCallRecord(c)
	rec.At = rec.At.UTC()
	return database.Modify(ctx, s.db, database.SourceCalls, sourceID, func(r *sourceCallsRecord, _ bool) error {
		r.Calls = append([]sourceCallRecord{rec}, r.Calls[:min(len(r.Calls), keep-1)]...)
		return nil
	})
}

// SourceCalls reads a source's latest calls, newest first.
func (s *SourceStore) SourceCalls(ctx context.Context, sourceID string) ([]badges.SourceCall, error) {
	r, _, err := database.ReadComputed[sourceCallsRecord](ctx, s.db, database.SourceCalls, sourceID)
	if err != nil {
		return nil, err
	}
	out := make([]badges.SourceCall, len(r.Calls))
	for i, c := range r.Calls {
		out[i] = badges.SourceCall(c)
	}
	return out, nil
}
