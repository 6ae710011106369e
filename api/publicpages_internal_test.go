package api

import "testing"

// TestAchievementPage_EarnedText counts holders in words, with thousands
// separators.
func TestAchievementPage_EarnedText(t *testing.T) {
	for n, want := range map[int]string{0: "Nobody has earned this badge yet.", 1: "Earned by 1 member.", 2: "Earned by 2 members.",
		1204: "Earned by 1,204 members.", 1234567: "Earned by 1,234,567 members."} {
		if got := (achievementPage{Earned: n}).EarnedText(); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// TestPathway_Summary is the pathway's text equivalent.
func TestPathway_Summary(t *testing.T) {
	step := func(name string) pathwayStep { return pathwayStep{Name: name} }
	for _, tc := range []struct {
		p    pathway
		want string
	}{
		{pathway{Current: step("B")}, ""},
		{pathway{Current: step("B"), Requires: []pathwayStep{step("A")}}, "To earn B, a member first holds A."},
		{pathway{Current: step("C"), Requires: []pathwayStep{step("A"), step("B")}, LeadsTo: []pathwayStep{step("D")}},
			"To earn C, a member first holds A and B. C leads to D."},
		{pathway{Current: step("A"), LeadsTo: []pathwayStep{step("B"), step("C"), step("D")}}, "A leads to B, C and D."},
	} {
		if got := tc.p.Summary(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}

func TestInitial(t *testing.T) {
	for name, want := range map[string]string{"ada": "A", "Émile": "É", "🎉 party": "P", "": "•", "عليّ": "ع"} {
		if got := initial(name); got != want {
			t.Errorf("initial(%q) = %q, want %q", name, got, want)
		}
	}
}
