package badges

import (
	"context"
	"slices"
	"sync"
	"time"
)

// MeasureKind is what a measure of success counts.
type MeasureKind string

// The measure kinds. Each is computed from the weekly counters kept as
// activity is recorded and credentials issued (see WeekStats), so a
// measure defined today has a history as far back as the counters go.
// Scoped to a cohort, each is computed from the cohort's own weekly
// counters, which count its members as they were when the activity was
// recorded and the credential issued (see CountedAward).
const (
	// MeasureActivity counts activities: of the listed behaviours, or of
	// all.
	MeasureActivity MeasureKind = "activity"
	// MeasureActiveMembers counts the members with any activity.
	MeasureActiveMembers MeasureKind = "active-members"
	// MeasureReturningMembers counts the members active in a period and
	// in the one before it.
	MeasureReturningMembers MeasureKind = "returning-members"
	// MeasureAwards counts credentials issued: of the listed badges, or
	// of all.
	MeasureAwards MeasureKind = "awards"
)

// MeasurePeriod is the period a measure's target is for.
type MeasurePeriod string

// Measures are kept per ISO week or per month; a month is made of the ISO
// weeks whose Thursday falls in it (as ISO weeks are given to years), so
// that every week counts in exactly one month.
const (
	MeasureWeekly  MeasurePeriod = PeriodWeek
	MeasureMonthly MeasurePeriod = PeriodMonth
)

// Bounds of measures.
const (
	// MaxMeasures is how many measures one community may define.
	MaxMeasures = 100
	// MaxHistoryWeeks and MaxHistoryMonths bound a measure's history.
	MaxHistoryWeeks  = 104
	MaxHistoryMonths = 24
	// maxMeasureTargets bounds the behaviours or badges a measure lists.
	maxMeasureTargets = 50
	maxMeasureTarget  = 1_000_000_000
)

// Measure is a measure of success a manager defines: a named count over a
// community's activity or awards, per week or month, with a target.
type Measure struct {
	ID           string
	IssuerID     string
	Name         string
	Description  string
	Kind         MeasureKind
	Behaviours   []string // MeasureActivity: the behaviours counted; all when empty
	Achievements []string // MeasureAwards: the badges counted; all when empty
	// Cohort scopes the measure to one cohort of the community, by id:
	// what its members did while they were in it.
	Cohort    string
	Period    MeasurePeriod
	Target    int // per period
	CreatedAt time.Time
	UpdatedAt time.Time
}

// MeasureInput defines a measure; MeasureUpdate changes one (nil fields
// stay as they are).
type MeasureInput struct {
	Name         string
	Description  string
	Kind         MeasureKind
	Behaviours   []string
	Achievements []string
	Cohort       string // a cohort's id or name; stored as its id
	Period       MeasurePeriod
	Target       int
}

// MeasureUpdate changes a measure; nil fields stay as they are.
type MeasureUpdate struct {
	Name         *string
	Description  *string
	Kind         *MeasureKind
	Behaviours   *[]string
	Achievements *[]string
	Cohort       *string
	Period       *MeasurePeriod
	Target       *int
}

// Validate checks and normalises the input; it checks the shape of ids
// only (see Measures.check for what they name).
func (in *MeasureInput) Validate() error {
	var err error
	if in.Name, err = CheckLine("name", in.Name, true, maxNameLen); err != nil {
		return err
	}
	if in.Description, err = CheckText("description", in.Description, false, maxDescriptionLen); err != nil {
		return err
	}
	switch in.Kind {
	case MeasureActivity, MeasureActiveMembers, MeasureReturningMembers, MeasureAwards:
	case "":
		return FieldErrorf("kind", "kind is required")
	default:
		return FieldErrorf("kind", "kind must be activity, active-members, returning-members or awards, not %q", truncateForMessage(string(in.Kind)))
	}
	switch in.Period {
	case MeasureWeekly, MeasureMonthly:
	case "":
		in.Period = MeasureWeekly
	default:
		return FieldErrorf("period", "period must be week or month, not %q", truncateForMessage(string(in.Period)))
	}
	if in.Target < 0 || in.Target > maxMeasureTarget {
		return FieldErrorf("target", "target must be a whole number from 0 to %d", maxMeasureTarget)
	}
	if in.Behaviours, err = measureTargets("behaviours", in.Behaviours, ValidBehaviourKey, in.Kind == MeasureActivity); err != nil {
		return err
	}
	if in.Achievements, err = measureTargets("achievements", in.Achievements, ValidID, in.Kind == MeasureAwards); err != nil {
		return err
	}
	in.Cohort, err = CheckLine("cohort", in.Cohort, false, maxCohortLen)
	return err
}

// measureTargets checks a list of behaviour keys or badge ids, which only
// some kinds may have (allowed), and removes repeats.
func measureTargets(field string, ids []string, valid func(string) bool, allowed bool) ([]string, error) {
	if len(ids) > 0 && !allowed {
		if field == "behaviours" {
			return nil, FieldErrorf(field, "behaviours may be listed only by a measure of activity: member counts take every behaviour")
		}
		return nil, FieldErrorf(field, "achievements may be listed only by a measure of awards")
	}
	if len(ids) > maxMeasureTargets {
		return nil, FieldErrorf(field, "%s lists more than %d", field, maxMeasureTargets)
	}
	var out []string
	for _, id := range ids {
		if !valid(id) {
			return nil, FieldErrorf(field, "%s has %q, which is not valid", field, truncateForMessage(id))
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// apply returns a copy of m with the update applied and validated.
func (m *Measure) apply(u MeasureUpdate) (*Measure, error) {
	in := MeasureInput{Name: m.Name, Description: m.Description, Kind: m.Kind, Behaviours: slices.Clone(m.Behaviours),
		Achievements: slices.Clone(m.Achievements), Cohort: m.Cohort, Period: m.Period, Target: m.Target}
	setIf(&in.Name, u.Name)
	setIf(&in.Description, u.Description)
	setIf(&in.Kind, u.Kind)
	setIf(&in.Behaviours, u.Behaviours)
	setIf(&in.Achievements, u.Achievements)
	setIf(&in.Cohort, u.Cohort)
	setIf(&in.Period, u.Period)
	setIf(&in.Target, u.Target)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	n := *m
	n.Name, n.Description, n.Kind, n.Behaviours, n.Achievements = in.Name, in.Description, in.Kind, in.Behaviours, in.Achievements
	n.Cohort, n.Period, n.Target = in.Cohort, in.Period, in.Target
	return &n, nil
}

// MeasureStore keeps measures.
type MeasureStore interface {
	// CreateMeasure stores a new measure; ECONFLICT when its community
	// has MaxMeasures already.
	CreateMeasure(ctx context.Context, m *Measure) error
	// Measure reads one; ENOTFOUND when there is none.
	Measure(ctx context.Context, id string) (*Measure, error)
	// Measures lists a community's measures, oldest first.
	Measures(ctx context.Context, issuerID string) ([]*Measure, error)
	// UpdateMeasure changes a measure atomically (see
	// OutcomeStore.UpdateOutcome).
	UpdateMeasure(ctx context.Context, id string, change func(*Measure) error) (*Measure, error)
	// DeleteMeasure removes one; ENOTFOUND when there is none.
	DeleteMeasure(ctx context.Context, id string) error
}

// MeasureDeps are what measures are computed from.
type MeasureDeps struct {
	Store MeasureStore
	Stats StatsStore
	// Member reads a member, to name the quiet ones.
	Member func(ctx context.Context, id string) (*Member, error)
	// MemberNames names many of a community's members at once
	// (MemberService.MemberNames); without it, Member names each.
	MemberNames func(ctx context.Context, issuerID string, ids []string) (map[string]string, error)
	Behaviours  func(ctx context.Context, issuerID string) ([]Behaviour, error)
	// Achievement reads a badge, to check a measure's badges are its
	// community's.
	Achievement func(ctx context.Context, id string) (*Achievement, error)
	// Cohort finds a community's cohort by id or name (Cohorts.Resolve);
	// nil while cohorts are not wired, and then no measure takes a cohort.
	Cohort func(ctx context.Context, issuerID, ref string) (*Cohort, error)
	Now    func() time.Time
	// Events hears of measures reaching their targets (see
	// PublishTargetsMet); nil publishes nothing.
	Events EventPublisher
}

// Measures defines measures of success and computes their history.
type Measures struct {
	d   MeasureDeps
	met sync.Map // measure id → the latest period published as met (measureevents.go)
}

// NewMeasures returns the measures service.
func NewMeasures(d MeasureDeps) *Measures { return &Measures{d: d} }

// Measure reads one.
func (s *Measures) Measure(ctx context.Context, id string) (*Measure, error) {
	return s.d.Store.Measure(ctx, id)
}

// List lists a community's measures, oldest first.
func (s *Measures) List(ctx context.Context, issuerID string) ([]*Measure, error) {
	return s.d.Store.Measures(ctx, issuerID)
}

// Delete removes a measure; its history is computed, so nothing else goes.
func (s *Measures) Delete(ctx context.Context, id string) error {
	return s.d.Store.DeleteMeasure(ctx, id)
}

// Create defines a measure.
func (s *Measures) Create(ctx context.Context, issuerID string, in MeasureInput) (*Measure, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var err error
	if in.Cohort, err = s.cohortID(ctx, issuerID, in.Cohort); err != nil {
		return nil, err
	}
	now := s.d.Now().UTC()
	m := &Measure{ID: NewID(), IssuerID: issuerID, Name: in.Name, Description: in.Description, Kind: in.Kind,
		Behaviours: in.Behaviours, Achievements: in.Achievements, Cohort: in.Cohort, Period: in.Period, Target: in.Target,
		CreatedAt: now, UpdatedAt: now}
	if err := s.check(ctx, m); err != nil {
		return nil, err
	}
	if err := s.d.Store.CreateMeasure(ctx, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Update changes a measure.
func (s *Measures) Update(ctx context.Context, id string, u MeasureUpdate) (*Measure, error) {
	old, err := s.d.Store.Measure(ctx, id)
	if err != nil {
		return nil, err
	}
	if u.Cohort != nil {
		ref, err := CheckLine("cohort", *u.Cohort, false, maxCohortLen)
		if err != nil {
			return nil, err
		}
		if ref, err = s.cohortID(ctx, old.IssuerID, ref); err != nil {
			return nil, err
		}
		u.Cohort = &ref
	}
	probe, err := old.apply(u)
	if err != nil {
		return nil, err
	}
	if err := s.check(ctx, probe); err != nil {
		return nil, err
	}
	return s.d.Store.UpdateMeasure(ctx, id, func(m *Measure) error {
		n, err := m.apply(u)
		if err != nil {
			return err
		}
		n.UpdatedAt = s.d.Now().UTC()
		*m = *n
		return nil
	})
}

// cohortID resolves a cohort given by id or name to its id; "" is no
// cohort. A cohort that is not the community's is refused on "cohort".
func (s *Measures) cohortID(ctx context.Context, issuerID, ref string) (string, error) {
	if ref == "" {
		return "", nil
	}
	if s.d.Cohort == nil {
		return "", FieldErrorf("cohort", "cohort cannot be set: this Laurel keeps no cohorts")
	}
	c, err := s.d.Cohort(ctx, issuerID, ref)
	if ErrorCode(err) == ENOTFOUND {
		return "", FieldErrorf("cohort", "cohort %q is not a cohort of this community", truncateForMessage(ref))
	}
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// check refuses behaviours and badges that are not of the measure's
// community; its cohort is resolved before.
func (s *Measures) check(ctx context.Context, m *Measure) error {
	if len(m.Behaviours) > 0 {
		bs, err := s.d.Behaviours(ctx, m.IssuerID)
		if err != nil {
			return err
		}
		for _, k := range m.Behaviours {
			if !slices.ContainsFunc(bs, func(b Behaviour) bool { return b.Key == k }) {
				return FieldErrorf("behaviours", "behaviours has %q, which is not a behaviour of this community", k)
			}
		}
	}
	for _, id := range m.Achievements {
		a, err := s.d.Achievement(ctx, id)
		if ErrorCode(err) == ENOTFOUND || (err == nil && a.IssuerID != m.IssuerID) {
			return FieldErrorf("achievements", "achievements has %q, which is not a badge of this community", id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
