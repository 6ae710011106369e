package badges

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Cohort is a named group of a community's members: an intake, a
// programme year, a chapter. Rules name it, and the spotlight and
// statistics can be scoped to it. An archived cohort takes no new members
// but stays valid in rules and history.
type Cohort struct {
	ID        string
	IssuerID  string
	Name      string // unique in the community, compared case-insensitively
	Archived  bool
	Members   int // how many members it has, as read
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Bounds of cohorts. A member's cohorts are bounded by MaxRecordCohorts.
const (
	// MaxCohorts is how many cohorts, archived ones included, one
	// community may have: a community lists them whole.
	MaxCohorts = 1000
	// MaxCohortMembers is how many members one cohort may have: its
	// member list is one document.
	MaxCohortMembers = 50000
	// MaxCohortJoin is how many members one request may add to a cohort.
	MaxCohortJoin = 1000
)

// CohortStore keeps cohorts and who is in them. Names are unique per
// community by FoldCohortName.
type CohortStore interface {
	// CreateCohort stores a new cohort; ECONFLICT on "name" when the
	// community has a cohort of that name.
	CreateCohort(ctx context.Context, c *Cohort) error
	// Cohort reads a cohort with its member count; ENOTFOUND when absent.
	Cohort(ctx context.Context, id string) (*Cohort, error)
	// CohortByName finds a community's cohort by name, case-insensitively;
	// ENOTFOUND when there is none.
	CohortByName(ctx context.Context, issuerID, name string) (*Cohort, error)
	// NamedCohort is CohortByName without the member count (Members is
	// 0), which costs a read of the whole member list.
	NamedCohort(ctx context.Context, issuerID, name string) (*Cohort, error)
	// Cohorts lists a community's cohorts by name, without their member
	// counts (Members is 0).
	Cohorts(ctx context.Context, issuerID string) ([]*Cohort, error)
	// UpdateCohort changes a cohort atomically, moving its name's key when
	// the name changes; change may run more than once.
	UpdateCohort(ctx context.Context, id string, change func(*Cohort) error) (*Cohort, error)
	// JoinCohort adds members to a cohort: errs[i] is why memberIDs[i]
	// was not added, ECONFLICT (a member in MaxRecordCohorts cohorts, a
	// full cohort).
	// A member in it already is no error.
	JoinCohort(ctx context.Context, cohortID string, memberIDs []string) (errs []error, err error)
	// LeaveCohort removes a member from a cohort; leaving one the member
	// is not in is no error.
	LeaveCohort(ctx context.Context, cohortID, memberID string) error
	// ChangeRule changes an achievement's rule, for a rename of a cohort
	// it names, with a compare-and-swap on the rule as read: change says
	// whether it changed it. A rule changed meanwhile is read again; one
	// removed meanwhile stays removed.
	ChangeRule(ctx context.Context, achievementID string, change func(*Rule) bool) error
	// MemberCohorts lists the ids of the cohorts a member is in, sorted.
	MemberCohorts(ctx context.Context, memberID string) ([]string, error)
	// CohortMembers lists the ids of a cohort's members, sorted.
	CohortMembers(ctx context.Context, cohortID string) ([]string, error)
}

// Cohorts manages a community's cohorts and their members. Membership is
// kept by the store and mirrored into each member's record, which is all
// the rules read; every change of a member's cohorts evaluates their rules
// again.
type Cohorts struct {
	store    CohortStore
	awarder  *Awarder
	creating sync.Mutex // see byNameOrNew
}

// NewCohorts returns the cohorts kept in store, on a's records and rules.
// From then on a's catalogue checks the cohorts rules name against store,
// and a's recording joins members to the cohorts their activities name.
func NewCohorts(store CohortStore, a *Awarder) *Cohorts {
	c := &Cohorts{store: store, awarder: a}
	a.Catalogue.cohorts = store
	a.cohorts = c
	return c
}

// Cohorts returns the cohorts NewCohorts gave the awarder; nil if none.
func (a *Awarder) Cohorts() *Cohorts { return a.cohorts }

// FoldCohortName is the form in which cohort names are compared: two names
// that differ only in case are the same cohort.
func FoldCohortName(name string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, name)
}

// CheckCohortName validates a cohort name and returns it trimmed: one line
// of at most 100 characters, without tabs and without ";" or "|", which
// separate cohorts in a member import.
func CheckCohortName(field, name string) (string, error) {
	v, err := CheckLine(field, name, true, maxCohortLen)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(v, "\t;|") {
		return "", FieldErrorf(field, "%s %q must not contain tabs, \";\" or \"|\", which separate cohorts in a member import", field, v)
	}
	return v, nil
}

// Create adds a cohort to a community.
func (cs *Cohorts) Create(ctx context.Context, issuerID, name string) (*Cohort, error) {
	name, err := CheckCohortName("name", name)
	if err != nil {
		return nil, err
	}
	all, err := cs.store.Cohorts(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if len(all) >= MaxCohorts {
		return nil, Errorf(ECONFLICT, "The community has %d cohorts, the most it may have; archived ones count too.", len(all))
	}
	now := cs.awarder.now()
	c := &Cohort{ID: NewID(), IssuerID: issuerID, Name: name, CreatedAt: now, UpdatedAt: now}
	if err := cs.store.CreateCohort(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Cohort returns one cohort.
func (cs *Cohorts) Cohort(ctx context.Context, id string) (*Cohort, error) {
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "No cohort with id %q.", id)
	}
	return cs.store.Cohort(ctx, id)
}

// List returns a community's cohorts by name, with their member counts;
// archived says which (nil: all).
func (cs *Cohorts) List(ctx context.Context, issuerID string, archived *bool) ([]*Cohort, error) {
	all, err := cs.store.Cohorts(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if archived != nil {
		all = slices.DeleteFunc(all, func(c *Cohort) bool { return c.Archived != *archived })
	}
	for _, c := range all {
		ids, err := cs.store.CohortMembers(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		c.Members = len(ids)
	}
	return all, nil
}

// CohortUpdate changes a cohort; nil fields stay as they are.
type CohortUpdate struct {
	Name     *string
	Archived *bool
}

// Update renames, archives or unarchives a cohort. Rules name cohorts by
// id, so a rename keeps them working; their narratives take the new name.
// The rules are realigned whenever a name is given, changed or not, so
// that sending a rename cut short by a failure again finishes it.
func (cs *Cohorts) Update(ctx context.Context, id string, u CohortUpdate) (*Cohort, error) {
	if u.Name != nil {
		name, err := CheckCohortName("name", *u.Name)
		if err != nil {
			return nil, err
		}
		u.Name = &name
	}
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "No cohort with id %q.", id)
	}
	now := cs.awarder.now()
	c, err := cs.store.UpdateCohort(ctx, id, func(c *Cohort) error {
		if u.Name != nil {
			c.Name = *u.Name
		}
		if u.Archived != nil {
			c.Archived = *u.Archived
		}
		c.UpdatedAt = now
		return nil
	})
	if err != nil || u.Name == nil {
		return c, err
	}
	return c, cs.awarder.Catalogue.renameCohort(ctx, c)
}

// Resolve finds a community's cohort by id or, failing that, by name
// (case-insensitively): for statistics, the spotlight and anything else a
// user scopes to a cohort. ENOTFOUND names ref.
func (cs *Cohorts) Resolve(ctx context.Context, issuerID, ref string) (*Cohort, error) {
	if ValidID(ref) {
		c, err := cs.store.Cohort(ctx, ref)
		if err == nil && c.IssuerID == issuerID {
			return c, nil
		}
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
	}
	c, err := cs.store.CohortByName(ctx, issuerID, strings.TrimSpace(ref))
	if ErrorCode(err) == ENOTFOUND {
		return nil, &Error{Code: ENOTFOUND, Field: "cohort", Message: fmt.Sprintf("No cohort named %q in this community.", ref)}
	}
	return c, err
}

// CohortMembers lists the ids of a cohort's members, sorted: one read of
// one document, for statistics and measures scoped to a cohort.
func (cs *Cohorts) CohortMembers(ctx context.Context, cohortID string) ([]string, error) {
	return cs.store.CohortMembers(ctx, cohortID)
}

// MemberCohorts lists the cohorts a member is in, by name.
func (cs *Cohorts) MemberCohorts(ctx context.Context, memberID string) ([]*Cohort, error) {
	if _, err := cs.awarder.memberIssuer(ctx, memberID); err != nil {
		return nil, err
	}
	ids, err := cs.store.MemberCohorts(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]*Cohort, 0, len(ids))
	for _, id := range ids {
		c, err := cs.store.Cohort(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Cohort) int { return strings.Compare(FoldCohortName(a.Name), FoldCohortName(b.Name)) })
	return out, nil
}

// cohortNames reads a list of cohort names separated by ";" or "|", as a
// member import gives them: each is checked, repeats (in any case) are
// dropped, and a member can be put in at most MaxRecordCohorts.
func cohortNames(field, list string) ([]string, error) {
	var names []string
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(list, func(r rune) bool { return r == ';' || r == '|' }) {
		if strings.TrimSpace(part) == "" {
			continue
		}
		name, err := CheckCohortName(field, part)
		if err != nil {
			return nil, err
		}
		if !seen[FoldCohortName(name)] {
			seen[FoldCohortName(name)] = true
			names = append(names, name)
		}
	}
	if len(names) > MaxRecordCohorts {
		return nil, FieldErrorf(field, "%s names %d cohorts; a member can be in at most %d", field, len(names), MaxRecordCohorts)
	}
	return names, nil
}
