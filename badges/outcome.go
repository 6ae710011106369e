package badges

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// OutcomeStatus is where an outcome is in its life: active while the
// community pursues it, archived when it no longer does. An archived
// outcome keeps its public page, since issued credentials point at it.
type OutcomeStatus string

// The outcome statuses.
const (
	OutcomeActive   OutcomeStatus = "active"
	OutcomeArchived OutcomeStatus = "archived"
)

// Bounds of outcomes.
const (
	// MaxOutcomes is how many outcomes one community may state; a handful
	// is usual, and statistics show every one.
	MaxOutcomes = 100
	// MaxAchievementOutcomes is how many outcomes one badge may align to.
	MaxAchievementOutcomes = 20
	// maxOutcomeBehaviours is how many behaviours one outcome may list.
	maxOutcomeBehaviours = 50
)

// OutcomeTargetType is the Open Badges 3.0 alignment target type of an
// outcome: the standard's list has no such term, so it is an extension.
const OutcomeTargetType = "ext:Outcome"

// Outcome is a result a community wants its members' engagement to lead
// to ("Members apply what they learn in their practice"): the end its
// badges and behaviours are designed for. Badges align to outcomes (see
// Achievement.Outcomes); behaviours are aligned by the outcome itself.
type Outcome struct {
	ID          string
	IssuerID    string
	Name        string
	Description string
	Behaviours  []string // keys of the behaviours that work towards it
	Status      OutcomeStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OutcomeRef is an outcome a badge aligns to, with the name it had when
// the badge was last saved: the name the badge's credentials carry.
type OutcomeRef struct {
	ID   string
	Name string
}

// OutcomeInput states a new outcome.
type OutcomeInput struct {
	Name        string
	Description string
	Behaviours  []string
}

// OutcomeUpdate changes an outcome; nil fields stay as they are.
type OutcomeUpdate struct {
	Name        *string
	Description *string
	Behaviours  *[]string
	Status      *OutcomeStatus
}

// Validate checks and normalises the input.
func (in *OutcomeInput) Validate() error {
	var err error
	if in.Name, err = CheckLine("name", in.Name, true, maxNameLen); err != nil {
		return err
	}
	if in.Description, err = CheckText("description", in.Description, false, maxDescriptionLen); err != nil {
		return err
	}
	if len(in.Behaviours) > maxOutcomeBehaviours {
		return FieldErrorf("behaviours", "behaviours lists more than %d behaviours", maxOutcomeBehaviours)
	}
	var keys []string
	for _, k := range in.Behaviours {
		if !ValidBehaviourKey(k) {
			return FieldErrorf("behaviours", "behaviours has %q, which is not a behaviour key", truncateForMessage(k))
		}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	in.Behaviours = keys
	return nil
}

// Apply returns a copy of o with the update applied and validated.
func (o *Outcome) Apply(u OutcomeUpdate) (*Outcome, error) {
	in := OutcomeInput{Name: o.Name, Description: o.Description, Behaviours: slices.Clone(o.Behaviours)}
	setIf(&in.Name, u.Name)
	setIf(&in.Description, u.Description)
	setIf(&in.Behaviours, u.Behaviours)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	n := *o
	n.Name, n.Description, n.Behaviours = in.Name, in.Description, in.Behaviours
	if u.Status != nil {
		if *u.Status != OutcomeActive && *u.Status != OutcomeArchived {
			return nil, FieldErrorf("status", "status must be active or archived, not %q", truncateForMessage(string(*u.Status)))
		}
		n.Status = *u.Status
	}
	return &n, nil
}

// OutcomeStore keeps outcomes.
type OutcomeStore interface {
	// CreateOutcome stores a new outcome; ECONFLICT when its community
	// has MaxOutcomes already.
	CreateOutcome(ctx context.Context, o *Outcome) error
	// Outcome reads one; ENOTFOUND when there is none.
	Outcome(ctx context.Context, id string) (*Outcome, error)
	// Outcomes lists a community's outcomes, oldest first.
	Outcomes(ctx context.Context, issuerID string) ([]*Outcome, error)
	// UpdateOutcome changes an outcome atomically: change gets the stored
	// outcome and may refuse with an error, and then nothing is written.
	// change may run more than once. ENOTFOUND when there is none.
	UpdateOutcome(ctx context.Context, id string, change func(*Outcome) error) (*Outcome, error)
}

// Outcomes states, edits and archives a community's outcomes, and keeps
// the badges aligned to one naming it as it is now.
type Outcomes struct {
	store        OutcomeStore
	achievements AchievementService
	behaviours   func(ctx context.Context, issuerID string) ([]Behaviour, error)
	now          func() time.Time
}

// NewOutcomes returns the outcomes kept in store. behaviours lists a
// community's behaviours (an outcome may list only those); renaming an
// outcome re-saves the achievements aligned to it.
func NewOutcomes(store OutcomeStore, achievements AchievementService, behaviours func(context.Context, string) ([]Behaviour, error), now func() time.Time) *Outcomes {
	return &Outcomes{store: store, achievements: achievements, behaviours: behaviours, now: now}
}

// Outcome reads one.
func (s *Outcomes) Outcome(ctx context.Context, id string) (*Outcome, error) {
	return s.store.Outcome(ctx, id)
}

// List lists a community's outcomes, oldest first.
func (s *Outcomes) List(ctx context.Context, issuerID string) ([]*Outcome, error) {
	return s.store.Outcomes(ctx, issuerID)
}

// Create states a new, active outcome.
func (s *Outcomes) Create(ctx context.Context, issuerID string, in OutcomeInput) (*Outcome, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkBehaviours(ctx, issuerID, in.Behaviours); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	o := &Outcome{ID: NewID(), IssuerID: issuerID, Name: in.Name, Description: in.Description,
		Behaviours: in.Behaviours, Status: OutcomeActive, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateOutcome(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Update edits an outcome. A name given reaches the badges aligned to it
// that name it otherwise (each saved again, so credentials issued from
// then on carry it); it returns the ids of the achievements it saved.
func (s *Outcomes) Update(ctx context.Context, id string, u OutcomeUpdate) (*Outcome, []string, error) {
	old, err := s.store.Outcome(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if u.Behaviours != nil {
		probe := OutcomeInput{Name: old.Name, Behaviours: *u.Behaviours}
		if err := probe.Validate(); err != nil {
			return nil, nil, err
		}
		if err := s.checkBehaviours(ctx, old.IssuerID, probe.Behaviours); err != nil {
			return nil, nil, err
		}
	}
	o, err := s.store.UpdateOutcome(ctx, id, func(o *Outcome) error {
		n, err := o.Apply(u)
		if err != nil {
			return err
		}
		n.UpdatedAt = s.now().UTC()
		*o = *n
		return nil
	})
	// Realigned whenever a name is given, changed or not: a rename cut
	// short by a failure is finished by sending it again.
	if err != nil || u.Name == nil {
		return o, nil, err
	}
	saved, err := s.realign(ctx, o)
	return o, saved, err
}

// checkBehaviours refuses behaviour keys the community does not have.
func (s *Outcomes) checkBehaviours(ctx context.Context, issuerID string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	bs, err := s.behaviours(ctx, issuerID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if !slices.ContainsFunc(bs, func(b Behaviour) bool { return b.Key == k }) {
			return FieldErrorf("behaviours", "behaviours has %q, which is not a behaviour of this community", k)
		}
	}
	return nil
}

// realign saves again, with o's new name, every achievement of o's
// community aligned to o. Achievements are a small collection per
// community, so listing them is cheap.
func (s *Outcomes) realign(ctx context.Context, o *Outcome) ([]string, error) {
	var saved []string
	opts := ListOptions{Limit: MaxPageSize}
	for {
		page, err := s.achievements.Achievements(ctx, AchievementFilter{IssuerID: o.IssuerID, ListOptions: opts})
		if err != nil {
			return saved, err
		}
		for _, a := range page.Items {
			i := slices.IndexFunc(a.Outcomes, func(r OutcomeRef) bool { return r.ID == o.ID })
			if i < 0 || a.Outcomes[i].Name == o.Name || a.Status == StatusArchived {
				continue
			}
			refs := slices.Clone(a.Outcomes)
			refs[i].Name = o.Name
			if _, err := s.achievements.UpdateAchievement(ctx, a.ID, AchievementUpdate{Outcomes: &refs}); err != nil {
				return saved, fmt.Errorf("align achievement %s to the renamed outcome: %w", a.ID, err)
			}
			saved = append(saved, a.ID)
		}
		if page.NextCursor == "" {
			return saved, nil
		}
		opts.Cursor = page.NextCursor
	}
}

// Resolve turns outcome ids into the references a badge of issuerID
// stores, refusing ids that are repeated, unknown or of another community,
// and archived outcomes the badge is not aligned to already (current).
// field names the input they came from.
func (s *Outcomes) Resolve(ctx context.Context, issuerID, field string, ids []string, current []OutcomeRef) ([]OutcomeRef, error) {
	if len(ids) > MaxAchievementOutcomes {
		return nil, FieldErrorf(field, "%s lists more than %d outcomes", field, MaxAchievementOutcomes)
	}
	refs := make([]OutcomeRef, 0, len(ids))
	for _, id := range ids {
		if slices.ContainsFunc(refs, func(r OutcomeRef) bool { return r.ID == id }) {
			return nil, FieldErrorf(field, "%s lists the outcome %q twice", field, truncateForMessage(id))
		}
		o, err := s.store.Outcome(ctx, id)
		if ErrorCode(err) == ENOTFOUND || (err == nil && o.IssuerID != issuerID) {
			return nil, FieldErrorf(field, "%s lists %q, which is not an outcome of this community", field, truncateForMessage(id))
		}
		if err != nil {
			return nil, err
		}
		if o.Status == OutcomeArchived && !slices.ContainsFunc(current, func(r OutcomeRef) bool { return r.ID == id }) {
			return nil, FieldErrorf(field, "%s lists the archived outcome %q", field, o.Name)
		}
		refs = append(refs, OutcomeRef{ID: o.ID, Name: o.Name})
	}
	return refs, nil
}
