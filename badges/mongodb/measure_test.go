package mongodb_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func TestMeasureStore(t *testing.T) {
	s := mongodb.NewMeasureStore(mongotest.NewDB(t))
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Millisecond)
	m := &badges.Measure{ID: badges.NewID(), IssuerID: issuerA, Name: "Returning", Kind: badges.MeasureReturningMembers,
		Cohort: badges.NewID(), Period: badges.MeasureMonthly, Target: 40, CreatedAt: now, UpdatedAt: now}
	other := &badges.Measure{ID: badges.NewID(), IssuerID: issuerA, Name: "Awards", Kind: badges.MeasureAwards,
		Achievements: []string{badges.NewID()}, Period: badges.MeasureWeekly, CreatedAt: now, UpdatedAt: now}
	for _, x := range []*badges.Measure{m, other} {
		if err := s.CreateMeasure(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Measure(ctx, m.ID)
	if err != nil || got.Name != "Returning" || got.Kind != m.Kind || got.Cohort != m.Cohort || got.Period != m.Period || got.Target != 40 {
		t.Fatalf("read %+v, %v", got, err)
	}
	if got, err = s.UpdateMeasure(ctx, m.ID, func(x *badges.Measure) error { x.Target = 50; return nil }); err != nil || got.Target != 50 {
		t.Fatalf("update %+v, %v", got, err)
	}
	if err := s.DeleteMeasure(ctx, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Measure(ctx, m.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("read after delete: %v", err)
	}
	if _, err := s.UpdateMeasure(ctx, m.ID, func(*badges.Measure) error { return nil }); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("update after delete: %v", err)
	}
	if err := s.DeleteMeasure(ctx, m.ID); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}
	list, err := s.Measures(ctx, issuerA)
	if err != nil || len(list) != 1 || list[0].ID != other.ID || list[0].Achievements[0] != other.Achievements[0] {
		t.Fatalf("list %+v, %v", list, err)
	}
	if list, err := s.Measures(ctx, issuerB); err != nil || len(list) != 0 {
		t.Fatalf("another community's list %+v, %v", list, err)
	}
}

// BenchmarkMeasureHistory computes two years of a weekly measure of
// returning members in a community of 2,000 members active every week: 105
// week documents read, each with 2,000 member counts.
func BenchmarkMeasureHistory(b *testing.B) {
	db := mongotest.NewDB(b)
	stats, store := mongodb.NewStatsStore(db), mongodb.NewMeasureStore(db)
	ctx := b.Context()
	now := time.Now().UTC()
	for w := range badges.MaxHistoryWeeks + 1 {
		acts := make([]badges.Activity, 2000)
		for i := range acts {
			acts[i] = badges.Activity{MemberID: fmt.Sprintf("member%014d", i), Behaviour: "posted", At: now.AddDate(0, 0, -7*w)}
		}
		if err := stats.CountActivities(ctx, issuerA, fmt.Sprint("batch", w), acts); err != nil {
			b.Fatal(err)
		}
	}
	svc := badges.NewMeasures(badges.MeasureDeps{Store: store, Stats: stats, Now: func() time.Time { return now }})
	m := &badges.Measure{ID: badges.NewID(), IssuerID: issuerA, Name: "Returning", Kind: badges.MeasureReturningMembers, Period: badges.MeasureWeekly}
	if err := store.CreateMeasure(ctx, m); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		_, points, err := svc.History(ctx, m.ID, badges.MaxHistoryWeeks)
		if err != nil || points[50].Value != 2000 {
			b.Fatalf("%v %+v", err, points[50])
		}
	}
}
