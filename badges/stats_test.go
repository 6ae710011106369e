package badges_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestWeekCounts_Count(t *testing.T) {
	act := func(member, behaviour string) badges.Activity {
		return badges.Activity{MemberID: member, Behaviour: behaviour}
	}
	full := func(n int, name string) map[string]int {
		m := make(map[string]int, n)
		for i := range n {
			m[fmt.Sprint(name, i)] = 1
		}
		return m
	}
	batches := make([]string, badges.MaxWeekBatches)
	for i := range batches {
		batches[i] = fmt.Sprint("b", i)
	}
	for _, tc := range []struct {
		name    string
		week    badges.WeekCounts
		batch   string
		acts    []badges.Activity
		counted bool
		check   func(t *testing.T, w badges.WeekCounts)
	}{
		{"an empty week counts a batch", badges.WeekCounts{}, "b1", []badges.Activity{act("m1", "x"), act("m1", "y"), act("m2", "x")}, true,
			func(t *testing.T, w badges.WeekCounts) {
				if !maps.Equal(w.Activities, map[string]int{"x": 2, "y": 1}) || !maps.Equal(w.Members, map[string]int{"m1": 2, "m2": 1}) ||
					!slices.Equal(w.Batches, []string{"b1"}) || w.Awards == nil {
					t.Errorf("got %+v", w)
				}
			}},
		{"a batch counted already changes nothing", badges.WeekCounts{WeekStats: badges.WeekStats{Activities: map[string]int{"x": 1}, Members: map[string]int{"m1": 1}},
			Batches: []string{"b0", "b1"}}, "b1", []badges.Activity{act("m1", "x")}, false,
			func(t *testing.T, w badges.WeekCounts) {
				if !maps.Equal(w.Activities, map[string]int{"x": 1}) || !maps.Equal(w.Members, map[string]int{"m1": 1}) || len(w.Batches) != 2 {
					t.Errorf("got %+v", w)
				}
			}},
		{"members past the cap are counted by behaviour only", badges.WeekCounts{WeekStats: badges.WeekStats{Activities: map[string]int{"x": badges.MaxWeekMembers},
			Members: full(badges.MaxWeekMembers, "m")}}, "b1", []badges.Activity{act("m0", "x"), act("new", "x")}, true,
			func(t *testing.T, w badges.WeekCounts) {
				if w.Activities["x"] != badges.MaxWeekMembers+2 || w.Members["m0"] != 2 || len(w.Members) != badges.MaxWeekMembers {
					t.Errorf("x = %d, m0 = %d, %d members", w.Activities["x"], w.Members["m0"], len(w.Members))
				}
				if _, ok := w.Members["new"]; ok {
					t.Error("a member past the cap is tracked")
				}
			}},
		{"the oldest batch is forgotten past the cap", badges.WeekCounts{Batches: slices.Clone(batches)}, "new", []badges.Activity{act("m1", "x")}, true,
			func(t *testing.T, w badges.WeekCounts) {
				if len(w.Batches) != badges.MaxWeekBatches || w.Batches[0] != "b1" || w.Batches[len(w.Batches)-1] != "new" {
					t.Errorf("%d batches, from %s to %s", len(w.Batches), w.Batches[0], w.Batches[len(w.Batches)-1])
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.week
			if got := w.Count(tc.batch, tc.acts); got != tc.counted {
				t.Fatalf("Count = %v, want %v", got, tc.counted)
			}
			tc.check(t, w)
		})
	}
}

func TestWeekCounts_CountAwards(t *testing.T) {
	var w badges.WeekCounts
	w.CountAwards([]string{"a", "b", "a"})
	w.CountAwards([]string{"b"})
	if !maps.Equal(w.Awards, map[string]int{"a": 2, "b": 2}) {
		t.Fatalf("awards %v", w.Awards)
	}
}

// awardCounts records what AwardStats passes on.
type awardCounts struct {
	fakeStats
	community map[time.Time][]string
	cohorts   map[string]map[time.Time][]string
}

func (a *awardCounts) CountAwards(_ context.Context, _ string, awards map[time.Time][]string, _ map[string]int) error {
	a.community = awards
	return nil
}

func (a *awardCounts) CountCohortAwards(_ context.Context, byCohort map[string]map[time.Time][]string) error {
	a.cohorts = byCohort
	return nil
}

// TestAwardStats_CountAwards: awards count in the community and in each
// cohort their member is in, each member's cohorts read once.
func TestAwardStats_CountAwards(t *testing.T) {
	monday := time.Date(2026, time.November, 30, 10, 0, 0, 0, time.UTC)
	tuesday := monday.Add(24 * time.Hour)
	stats := &awardCounts{}
	reads := map[string]int{}
	s := &badges.AwardStats{Stats: stats, MemberCohorts: func(_ context.Context, id string) ([]string, error) {
		reads[id]++
		return map[string][]string{"ada": {"c1", "c2"}, "bob": {"c2"}}[id], nil
	}}
	err := s.CountAwards(t.Context(), "iss", []badges.CountedAward{
		{AchievementID: "mentor", MemberID: "ada", At: monday},
		{AchievementID: "host", MemberID: "ada", At: tuesday},
		{AchievementID: "host", MemberID: "bob", At: monday},
		{AchievementID: "host", MemberID: "cy", At: monday},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(stats.community); got != fmt.Sprint(map[time.Time][]string{monday: {"mentor", "host", "host"}, tuesday: {"host"}}) {
		t.Errorf("community awards %s", got)
	}
	want := map[string]map[time.Time][]string{"c1": {monday: {"mentor"}, tuesday: {"host"}}, "c2": {monday: {"mentor", "host"}, tuesday: {"host"}}}
	if fmt.Sprint(stats.cohorts) != fmt.Sprint(want) || fmt.Sprint(reads) != "map[ada:1 bob:1 cy:1]" {
		t.Errorf("cohort awards %v, want %v; reads %v", stats.cohorts, want, reads)
	}
}
