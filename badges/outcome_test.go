package badges_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestOutcomeInput_Validate(t *testing.T) {
	for _, tc := range []struct {
		in    badges.OutcomeInput
		field string
	}{
		{badges.OutcomeInput{Name: "Members apply what they learn", Behaviours: []string{"posted", "posted"}}, ""},
		{badges.OutcomeInput{Name: ""}, "name"},
		{badges.OutcomeInput{Name: "Two\nlines"}, "name"},
		{badges.OutcomeInput{Name: strings.Repeat("n", 201)}, "name"},
		{badges.OutcomeInput{Name: "A", Description: strings.Repeat("d", 5001)}, "description"},
		{badges.OutcomeInput{Name: "A", Behaviours: []string{"Posted"}}, "behaviours"},
		{badges.OutcomeInput{Name: "A", Behaviours: make([]string, 51)}, "behaviours"},
	} {
		err := tc.in.Validate()
		if badges.ErrorField(err) != tc.field {
			t.Errorf("%.60v: %v, want a problem with %q", tc.in, err, tc.field)
		}
		if tc.field == "" && fmt.Sprint(tc.in.Behaviours) != "[posted]" {
			t.Errorf("behaviours not deduplicated: %v", tc.in.Behaviours)
		}
	}
}

func TestOutcome_Apply(t *testing.T) {
	o := &badges.Outcome{ID: "o", Name: "Old", Behaviours: []string{"posted"}, Status: badges.OutcomeActive}
	name, archived, bad := "New", badges.OutcomeArchived, badges.OutcomeStatus("paused")
	n, err := o.Apply(badges.OutcomeUpdate{Name: &name, Status: &archived})
	if err != nil || n.Name != "New" || n.Status != badges.OutcomeArchived || fmt.Sprint(n.Behaviours) != "[posted]" || o.Name != "Old" {
		t.Fatalf("applied %+v, %v (original %+v)", n, err, o)
	}
	if _, err := o.Apply(badges.OutcomeUpdate{Status: &bad}); badges.ErrorField(err) != "status" {
		t.Fatalf("status paused: %v", err)
	}
}

// TestAchievement_ApplyOutcomes: aligning a badge to outcomes changes its
// content (an active badge gets a new version), and the references are
// checked.
func TestAchievement_ApplyOutcomes(t *testing.T) {
	a := &badges.Achievement{ID: "a", Name: "N", Description: "D", Criteria: "C", AchievementType: "Badge", Status: badges.StatusActive}
	refs := []badges.OutcomeRef{{ID: "aaaaaaaaaaaaaaaaaaaa", Name: "Practice"}}
	n, changed, err := a.Apply(badges.AchievementUpdate{Outcomes: &refs})
	if err != nil || !changed || len(n.Outcomes) != 1 {
		t.Fatalf("applied %+v, %v, %v", n, changed, err)
	}
	if _, changed, _ := n.Apply(badges.AchievementUpdate{Outcomes: &refs}); changed {
		t.Error("the same outcomes again count as a change")
	}
	for _, bad := range [][]badges.OutcomeRef{{{ID: "x", Name: "X"}}, {{ID: "aaaaaaaaaaaaaaaaaaaa"}}, make([]badges.OutcomeRef, 21)} {
		if _, _, err := a.Apply(badges.AchievementUpdate{Outcomes: &bad}); badges.ErrorField(err) != "outcomes" {
			t.Errorf("outcomes %v: %v", bad, err)
		}
	}
}

func TestGroupByOutcome(t *testing.T) {
	practice := &badges.Outcome{ID: "p", Name: "Practice", Behaviours: []string{"mentored-member", "gave-feedback"}}
	welcome := &badges.Outcome{ID: "w", Name: "Welcome", Behaviours: []string{"replied"}}
	achievements := []*badges.Achievement{
		{ID: "mentor", Outcomes: []badges.OutcomeRef{{ID: "p"}, {ID: "w"}}},
		{ID: "host", Outcomes: []badges.OutcomeRef{{ID: "p"}}},
		{ID: "other"},
	}
	ws := []badges.WeekStats{
		{Week: "2026-W48", Activities: map[string]int{"mentored-member": 2, "replied": 5, "posted": 9}, Awards: map[string]int{"mentor": 1, "other": 4}},
		{Week: "2026-W49", Activities: map[string]int{"gave-feedback": 1}, Awards: map[string]int{"host": 2}},
	}
	got := badges.GroupByOutcome([]*badges.Outcome{practice, welcome}, achievements, ws)
	if len(got) != 2 || len(got[0].Achievements) != 2 || len(got[1].Achievements) != 1 {
		t.Fatalf("grouped %+v", got)
	}
	if s := fmt.Sprint(got[0].Weeks, got[1].Weeks); s != "[{2026-W48 1 2} {2026-W49 2 1}] [{2026-W48 1 5} {2026-W49 0 0}]" {
		t.Fatalf("weeks %s", s)
	}
}
