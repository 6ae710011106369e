package mongodb

import (
	"context"
	"errors"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// MeasureStore keeps measures of success as computed documents of the
// measures collection, by id, listed per community (see addListed). Their
// values are not stored: they are computed from the weekly counters.
type MeasureStore struct{ db *database.DB }

var _ badges.MeasureStore = (*MeasureStore)(nil)

// NewMeasureStore returns the measure store of db.
func NewMeasureStore(db *database.DB) *MeasureStore { return &MeasureStore{db: db} }

type measureRecord struct {
	Issuer       string    `bson:"issuer"`
	Name         string    `bson:"name"`
	Description  string    `bson:"description,omitempty"`
	Kind         string    `bson:"kind"`
	Behaviours   []string  `bson:"behaviours,omitempty"`
	Achievements []string  `bson:"achievements,omitempty"`
	Cohort       string    `bson:"cohort,omitempty"`
	Period       string    `bson:"period"`
	Target       int       `bson:"target"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
	Deleted      bool      `bson:"deleted,omitempty"` // a tombstone
}

func newMeasureRecord(m *badges.Measure) measureRecord {
	return measureRecord{Issuer: m.IssuerID, Name: m.Name, Description: m.Description, Kind: string(m.Kind),
		Behaviours: m.Behaviours, Achievements: m.Achievements, Cohort: m.Cohort, Period: string(m.Period),
		Target: m.Target, CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC()}
}

func (r *measureRecord) measure(id string) *badges.Measure {
	return &badges.Measure{ID: id, IssuerID: r.Issuer, Name: r.Name, Description: r.Description, Kind: badges.MeasureKind(r.Kind),
		Behaviours: r.Behaviours, Achievements: r.Achievements, Cohort: r.Cohort, Period: badges.MeasurePeriod(r.Period),
		Target: r.Target, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func notFoundMeasure(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No measure with id %q.", id)
}

// CreateMeasure stores a new measure.
func (s *MeasureStore) CreateMeasure(ctx context.Context, m *badges.Measure) error {
	full := badges.Errorf(badges.ECONFLICT, "The community has %d measures already, the most it may have; delete or edit one instead.", badges.MaxMeasures)
	return addListed(ctx, s.db, database.Measures, m.IssuerID, m.ID, newMeasureRecord(m), badges.MaxMeasures, full)
}

// Measure reads one.
func (s *MeasureStore) Measure(ctx context.Context, id string) (*badges.Measure, error) {
	r, err := readOne[measureRecord](ctx, s.db, database.Measures, id, notFoundMeasure(id))
	if err != nil {
		return nil, err
	}
	if r.Deleted {
		return nil, notFoundMeasure(id)
	}
	return r.measure(id), nil
}

// Measures lists a community's measures, oldest first.
func (s *MeasureStore) Measures(ctx context.Context, issuerID string) ([]*badges.Measure, error) {
	ids, err := listedIDs(ctx, s.db, database.Measures, issuerID)
	if err != nil {
		return nil, err
	}
	out := make([]*badges.Measure, 0, len(ids))
	for _, id := range ids {
		m, err := s.Measure(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // listed, but its write failed or it was being deleted
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// UpdateMeasure changes a measure atomically.
func (s *MeasureStore) UpdateMeasure(ctx context.Context, id string, change func(*badges.Measure) error) (*badges.Measure, error) {
	r, err := updateOne(ctx, s.db, database.Measures, id, notFoundMeasure(id), func(r *measureRecord) error {
		if r.Deleted {
			return notFoundMeasure(id)
		}
		m := r.measure(id)
		if err := change(m); err != nil {
			return err
		}
		*r = newMeasureRecord(m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r.measure(id), nil
}

// DeleteMeasure removes a measure: its document becomes a tombstone
// (computed documents are only ever modified, which keeps the process's
// cache of them true), then it leaves its community's list. A delete cut
// short between the two is completed by sending it again: a tombstone
// still listed leaves the list, and only then is a delete a 404.
func (s *MeasureStore) DeleteMeasure(ctx context.Context, id string) error {
	var issuer string
	var deleted bool
	_, err := updateOne(ctx, s.db, database.Measures, id, notFoundMeasure(id), func(r *measureRecord) error {
		if issuer, deleted = r.Issuer, r.Deleted; deleted {
			return errDeletedMeasure
		}
		*r = measureRecord{Issuer: r.Issuer, Deleted: true}
		return nil
	})
	if err != nil && !errors.Is(err, errDeletedMeasure) {
		return err
	}
	listed, err := unlist(ctx, s.db, database.Measures, issuer, id)
	if err == nil && deleted && !listed {
		return notFoundMeasure(id)
	}
	return err
}

// errDeletedMeasure leaves a tombstone as it is.
var errDeletedMeasure = errors.New("deleted already")
