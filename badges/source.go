package badges

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges/mapping"
)

// A Source is a tool a community's activity comes in from (a forum, a code
// host, a script): its deliveries are signed with the source's secret and
// mapped to activities by its mapping (see badges/mapping), then recorded
// like any other activity.
type Source struct {
	ID       string
	IssuerID string
	Name     string
	Preset   mapping.Preset // how deliveries are signed, and the mapping unless Mapping is set
	// Mapping is the community's own mapping as JSON, "" for the preset's.
	Mapping        string
	UnknownMembers UnknownMembers
	Enabled        bool
	// Secret signs deliveries; PreviousSecret, after a rotation, still
	// does until PreviousUntil, while the tool is told the new one.
	Secret         string
	PreviousSecret string
	PreviousUntil  time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// UnknownMembers says what becomes of an activity whose member the
// community does not have.
type UnknownMembers string

// The policies for unknown members.
const (
	UnknownSkip   UnknownMembers = "skip"   // recorded as skipped, the delivery succeeds
	UnknownCreate UnknownMembers = "create" // the member is created from the e-mail address (and name) the delivery carries
	UnknownReject UnknownMembers = "reject" // the delivery fails (422), so the tool shows it and can send it again
)

// SecretOverlap is how long a rotated secret still verifies deliveries.
const SecretOverlap = 24 * time.Hour

// MaxSources bounds one community's sources.
const MaxSources = 50

const maxSourceNameLen = 100

// SourceStore keeps sources, and the outcomes of their latest calls.
type SourceStore interface {
	// CreateSource stores a new source.
	CreateSource(ctx context.Context, s *Source) error
	// Source reads one; ENOTFOUND when there is none.
	Source(ctx context.Context, id string) (*Source, error)
	// Sources lists a community's sources, oldest first.
	Sources(ctx context.Context, issuerID string) ([]*Source, error)
	// UpdateSource changes a source atomically; ENOTFOUND when there is none.
	UpdateSource(ctx context.Context, id string, change func(*Source) error) (*Source, error)
	// DeleteSource removes a source and its calls.
	DeleteSource(ctx context.Context, id string) error
	// NoteSourceCall adds a call to the source's latest, keeping keep.
	NoteSourceCall(ctx context.Context, sourceID string, c SourceCall, keep int) error
	// SourceCalls are a source's latest calls, newest first.
	SourceCalls(ctx context.Context, sourceID string) ([]SourceCall, error)
}

// SourceCall is what one delivery came to.
type SourceCall struct {
	At        time.Time
	Status    int // the HTTP status it was answered with
	Recorded  int
	Duplicate int
	Ignored   int
	Skipped   int
	Rejected  int
	Detail    string // why, for a call refused or an item rejected or ignored
}

// KeptSourceCalls is how many calls a source remembers.
const KeptSourceCalls = 20

// SourceInput is a new source.
type SourceInput struct {
	Name           string
	Preset         mapping.Preset
	Mapping        string // JSON; "" for the preset's
	UnknownMembers UnknownMembers
	Disabled       bool
}

// SourceUpdate changes a source; nil fields stay as they are.
type SourceUpdate struct {
	Name           *string
	Mapping        *string // "" goes back to the preset's
	UnknownMembers *UnknownMembers
	Enabled        *bool
}

// Recorder records activities: the one path every activity takes.
type Recorder interface {
	Record(ctx context.Context, issuerID string, ins []ActivityInput) ([]ActivityResult, error)
}

// MemberFinder finds members by e-mail address or external id.
type MemberFinder interface {
	Members(ctx context.Context, f MemberFilter) (*Page[*Member], error)
}

// Sources manages sources and takes their deliveries.
type Sources struct {
	Store      SourceStore
	Recorder   Recorder
	Members    MemberFinder                                                    // for dry runs
	Behaviours func(ctx context.Context, issuerID string) ([]Behaviour, error) // for dry runs
	Now        func() time.Time
}

// Create adds a source, answering it with its secret (shown once).
func (s *Sources) Create(ctx context.Context, issuerID string, in SourceInput) (*Source, error) {
	if in.UnknownMembers == "" {
		in.UnknownMembers = UnknownSkip
	}
	now := s.Now()
	src := &Source{ID: NewID(), IssuerID: issuerID, Name: in.Name, Preset: in.Preset, Mapping: in.Mapping,
		UnknownMembers: in.UnknownMembers, Enabled: !in.Disabled, Secret: newSourceSecret(), CreatedAt: now, UpdatedAt: now}
	if err := validateSource(src); err != nil {
		return nil, err
	}
	existing, err := s.Store.Sources(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxSources {
		return nil, Errorf(ECONFLICT, "A community may have at most %d sources; remove one first.", MaxSources)
	}
	if err := s.Store.CreateSource(ctx, src); err != nil {
		return nil, err
	}
	return src, nil
}

// List is a community's sources.
func (s *Sources) List(ctx context.Context, issuerID string) ([]*Source, error) {
	return s.Store.Sources(ctx, issuerID)
}

// Get reads one of a community's sources; another community's is not
// found.
func (s *Sources) Get(ctx context.Context, issuerID, id string) (*Source, error) {
	src, err := s.Store.Source(ctx, id)
	if err != nil {
		return nil, err
	}
	if issuerID != "" && src.IssuerID != issuerID {
		return nil, notFoundSource(id)
	}
	return src, nil
}

func notFoundSource(id string) error { return Errorf(ENOTFOUND, "No source with id %q.", id) }

// Update changes a source.
func (s *Sources) Update(ctx context.Context, issuerID, id string, u SourceUpdate) (*Source, error) {
	if _, err := s.Get(ctx, issuerID, id); err != nil {
		return nil, err
	}
	return s.Store.UpdateSource(ctx, id, func(src *Source) error {
		if u.Name != nil {
			src.Name = *u.Name
		}
		if u.Mapping != nil {
			src.Mapping = *u.Mapping
		}
		if u.UnknownMembers != nil {
			src.UnknownMembers = *u.UnknownMembers
		}
		if u.Enabled != nil {
			src.Enabled = *u.Enabled
		}
		src.UpdatedAt = s.Now()
		return validateSource(src)
	})
}

// RotateSecret gives a source a new secret, answered once; the old one
// verifies deliveries for SecretOverlap more.
func (s *Sources) RotateSecret(ctx context.Context, issuerID, id string) (*Source, error) {
	if _, err := s.Get(ctx, issuerID, id); err != nil {
		return nil, err
	}
	return s.Store.UpdateSource(ctx, id, func(src *Source) error {
		now := s.Now()
		src.PreviousSecret, src.PreviousUntil = src.Secret, now.Add(SecretOverlap)
		src.Secret, src.UpdatedAt = newSourceSecret(), now
		return nil
	})
}

// Delete removes a source: its deliveries are then refused.
func (s *Sources) Delete(ctx context.Context, issuerID, id string) error {
	if _, err := s.Get(ctx, issuerID, id); err != nil {
		return err
	}
	return s.Store.DeleteSource(ctx, id)
}

// Calls are a source's latest calls, newest first.
func (s *Sources) Calls(ctx context.Context, issuerID, id string) ([]SourceCall, error) {
	if _, err := s.Get(ctx, issuerID, id); err != nil {
		return nil, err
	}
	return s.Store.SourceCalls(ctx, id)
}

// secrets are the secrets that verify a source's deliveries at now.
func (src *Source) secrets(now time.Time) []string {
	if src.PreviousSecret != "" && now.Before(src.PreviousUntil) {
		return []string{src.Secret, src.PreviousSecret}
	}
	return []string{src.Secret}
}

// EffectiveMapping is the mapping a source applies: its own, or its
// preset's.
func (src *Source) EffectiveMapping() (*mapping.Mapping, error) {
	if src.Mapping == "" {
		return mapping.PresetMapping(src.Preset), nil
	}
	m, err := mapping.Parse([]byte(src.Mapping))
	if err != nil {
		return nil, mappingError(err)
	}
	return m, nil
}

// MappingJSON is the mapping a source applies, as JSON.
func (src *Source) MappingJSON() string {
	if src.Mapping == "" {
		return mapping.PresetJSON(src.Preset)
	}
	return src.Mapping
}

// mappingError is a mapping's field error as a domain error, its field
// under "mapping".
func mappingError(err error) error {
	var fe *mapping.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	field := "mapping"
	if fe.Field != "mapping" {
		field += "." + fe.Field
	}
	return &Error{Code: EINVALID, Field: field, Message: fe.Message}
}

// validateSource checks a source before it is stored.
func validateSource(src *Source) error {
	name, err := CheckText("name", src.Name, true, maxSourceNameLen)
	if err != nil {
		return err
	}
	src.Name = name
	if !mapping.ValidPreset(src.Preset) {
		return FieldErrorf("preset", "preset must be discourse, github or generic, not %q", truncateForMessage(string(src.Preset)))
	}
	if !slices.Contains([]UnknownMembers{UnknownSkip, UnknownCreate, UnknownReject}, src.UnknownMembers) {
		return FieldErrorf("unknownMembers", "unknownMembers must be skip, create or reject, not %q", truncateForMessage(string(src.UnknownMembers)))
	}
	if src.Mapping == mapping.PresetJSON(src.Preset) {
		src.Mapping = "" // the preset's, as it is: it follows the preset
	}
	_, err = src.EffectiveMapping()
	return err
}

// newSourceSecret is 32 random bytes, written for a tool's secret field.
func newSourceSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "lsrc_" + base64.RawURLEncoding.EncodeToString(b[:])
}
