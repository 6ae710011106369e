package mongodb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestStatsStore_CohortWeeks: a cohort's weeks count the activities and
// awards given to it, once per batch, apart from its community's and
// from other cohorts'.
func TestStatsStore_CohortWeeks(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewStatsStore(mongotest.NewDB(t))
	monday := time.Date(2026, time.November, 30, 10, 0, 0, 0, time.UTC) // 2026-W49
	before := monday.AddDate(0, 0, -7)                                  // 2026-W48
	acts := []badges.Activity{
		{MemberID: "ada", Behaviour: "posted", At: monday},
		{MemberID: "ada", Behaviour: "replied", At: before},
		{MemberID: "bob", Behaviour: "posted", At: monday},
	}
	for range 2 { // the same batch applied again counts nothing more
		if err := s.CountCohortActivities(ctx, "batch1", map[string][]badges.Activity{"c1": acts, "c2": acts[:1]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CountCohortAwards(ctx, map[string]map[time.Time][]string{"c1": {monday: {"mentor", "mentor"}}}); err != nil {
		t.Fatal(err)
	}
	weeks := []string{"2026-W48", "2026-W49"}
	for cohort, want := range map[string]string{
		"c1": "[2026-W48 map[replied:1] 1 map[] 2026-W49 map[posted:2] 2 map[mentor:2]]",
		"c2": "[2026-W48 map[] 0 map[] 2026-W49 map[posted:1] 1 map[]]",
		"c3": "[2026-W48 map[] 0 map[] 2026-W49 map[] 0 map[]]",
	} {
		ws, err := s.CohortWeeks(ctx, cohort, weeks)
		if err != nil {
			t.Fatal(err)
		}
		var got []any
		for _, w := range ws {
			got = append(got, w.Week, w.Activities, len(w.Members), w.Awards)
		}
		if fmt.Sprint(got) != want {
			t.Errorf("cohort %s: %v, want %v", cohort, got, want)
		}
	}
	if ws, err := s.Weeks(ctx, "c1", weeks); err != nil || len(ws[1].Activities) != 0 {
		t.Fatalf("a community's weeks share a cohort's: %+v, %v", ws, err)
	}
}

// BenchmarkStatsStore_CountCohortActivities is what a batch of 1,000
// activities of random members over 120 days adds to recording when every
// member is in two of three cohorts: each cohort's weeks written once.
func BenchmarkStatsStore_CountCohortActivities(b *testing.B) {
	s := mongodb.NewStatsStore(mongotest.NewDB(b))
	now := time.Now().UTC()
	batch := 0
	for b.Loop() {
		batch++
		byCohort := map[string][]badges.Activity{}
		for i := range 1000 {
			member := i * 7919 % 5000
			a := badges.Activity{MemberID: fmt.Sprintf("m%d", member), Behaviour: "posted", At: now.Add(-time.Duration(i*7%(120*24)) * time.Hour)}
			for c := range 3 {
				if c != member%3 {
					byCohort[fmt.Sprintf("c%d", c)] = append(byCohort[fmt.Sprintf("c%d", c)], a)
				}
			}
		}
		if err := s.CountCohortActivities(b.Context(), fmt.Sprintf("batch%d", batch), byCohort); err != nil {
			b.Fatal(err)
		}
	}
}
