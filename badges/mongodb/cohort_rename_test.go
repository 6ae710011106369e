package mongodb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// racedRules is a rule store in which, once, other requests change rules
// right after a rename of a cohort has read them.
type racedRules struct {
	*mongodb.RuleStore
	meanwhile func()
}

func (r *racedRules) Rules(ctx context.Context, issuerID string) (map[string]*badges.Rule, error) {
	rules, err := r.RuleStore.Rules(ctx, issuerID)
	if f := r.meanwhile; f != nil {
		r.meanwhile = nil
		f()
	}
	return rules, err
}

// renameFixture is a community with a cohort and rules naming it.
type renameFixture struct {
	rules  *racedRules
	store  *mongodb.CohortStore
	cs     *badges.Cohorts
	cohort *badges.Cohort
}

func newRenameFixture(t *testing.T) *renameFixture {
	t.Helper()
	db := mongotest.NewDB(t)
	aw := newBatchAwarder(db)
	f := &renameFixture{rules: &racedRules{RuleStore: mongodb.NewRuleStore(db)}, store: mongodb.NewCohortStore(db)}
	aw.Catalogue = badges.NewCatalogue(mongodb.NewBehaviourStore(db), f.rules, mongodb.NewAchievementService(db))
	f.cs = badges.NewCohorts(f.store, aw)
	var err error
	if f.cohort, err = f.cs.Create(t.Context(), issuerA, "Spring"); err != nil {
		t.Fatal(err)
	}
	return f
}

// set stores a rule of achievement ach naming the cohort by id (as name).
func (f *renameFixture) set(t *testing.T, ach, name, extra string) {
	t.Helper()
	cond := fmt.Sprintf(`{"cohort":{"name":%q,"id":%q}}`, name, f.cohort.ID)
	if extra != "" {
		cond = `{"all":[` + cond + `,` + extra + `]}`
	}
	if err := f.rules.SetRule(t.Context(), issuerA, ach, mustParseRule(t, `{"condition":`+cond+`}`)); err != nil {
		t.Fatal(err)
	}
}

func (f *renameFixture) stored(t *testing.T) map[string]string {
	t.Helper()
	rules, err := f.rules.RuleStore.Rules(t.Context(), issuerA)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for id, r := range rules {
		data, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out[id] = string(data)
	}
	return out
}

// TestCohorts_RenameRace: a rule replaced while a rename of its cohort
// is under way keeps its new content (with the new name), and one removed
// meanwhile stays removed: it must not come back and award.
func TestCohorts_RenameRace(t *testing.T) {
	f := newRenameFixture(t)
	replaced, removed := badges.NewID(), badges.NewID()
	f.set(t, replaced, "Spring", "")
	f.set(t, removed, "Spring", "")
	f.rules.meanwhile = func() {
		f.set(t, replaced, "Spring", `{"count":{"behaviour":"posted","min":3}}`)
		if err := f.rules.SetRule(t.Context(), issuerA, removed, nil); err != nil {
			t.Fatal(err)
		}
	}
	name := "Autumn"
	if _, err := f.cs.Update(t.Context(), f.cohort.ID, badges.CohortUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	got := f.stored(t)
	if _, ok := got[removed]; ok {
		t.Errorf("the rule removed during the rename is back: %s", got[removed])
	}
	if r := got[replaced]; !strings.Contains(r, `"min":3`) || !strings.Contains(r, `"Autumn"`) {
		t.Errorf("the rule replaced during the rename: %s", r)
	}
}

// TestCohorts_RenameAgainRealigns: a rename cut short after the cohort was
// renamed and before its rules were is finished by sending it again.
func TestCohorts_RenameAgainRealigns(t *testing.T) {
	f := newRenameFixture(t)
	ach := badges.NewID()
	f.set(t, ach, "Spring", "")
	if _, err := f.store.UpdateCohort(t.Context(), f.cohort.ID, func(c *badges.Cohort) error { c.Name = "Autumn"; return nil }); err != nil {
		t.Fatal(err)
	}
	name := "Autumn"
	if _, err := f.cs.Update(t.Context(), f.cohort.ID, badges.CohortUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if r := f.stored(t)[ach]; !strings.Contains(r, `"Autumn"`) {
		t.Errorf("the rule after the rename was sent again: %s", r)
	}
}
