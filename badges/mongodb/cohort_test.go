package mongodb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func newCohort(iss, name string) *badges.Cohort {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &badges.Cohort{ID: badges.NewID(), IssuerID: iss, Name: name, CreatedAt: now, UpdatedAt: now}
}

// TestCohortStore_Names: names are unique per community whatever their
// case, one of many creations at once wins, and a rename moves the key.
func TestCohortStore_Names(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewCohortStore(mongotest.NewDB(t))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateCohort(ctx, newCohort("iss", fmt.Sprintf("Spring %c", "sS"[i%2])))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case badges.ErrorCode(err) != badges.ECONFLICT || badges.ErrorField(err) != "name":
			t.Fatalf("CreateCohort: %v", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d creations of one name succeeded", won)
	}
	if err := s.CreateCohort(ctx, newCohort("other", "SPRING S")); err != nil {
		t.Fatalf("another community's cohort of the same name: %v", err)
	}
	c, err := s.CohortByName(ctx, "iss", "spring s")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateCohort(ctx, c.ID, func(c *badges.Cohort) error { c.Name = "Autumn"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CohortByName(ctx, "iss", "Spring S"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("the old name still finds the cohort: %v", err)
	}
	if got, err := s.CohortByName(ctx, "iss", "AUTUMN"); err != nil || got.ID != c.ID {
		t.Fatalf("the new name: %+v, %v", got, err)
	}
	if err := s.CreateCohort(ctx, newCohort("iss", "spring s")); err != nil {
		t.Fatalf("the old name is not free: %v", err)
	}
	if list, err := s.Cohorts(ctx, "iss"); err != nil || len(list) != 2 || list[0].Name != "Autumn" || list[1].Name != "spring s" {
		t.Fatalf("Cohorts: %+v, %v", list, err)
	}
}

// TestCohortStore_Join: membership is kept on both sides, a member is in
// at most MaxRecordCohorts cohorts, and leaving clears both sides.
func TestCohortStore_Join(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewCohortStore(mongotest.NewDB(t))
	var ids []string
	for i := range badges.MaxRecordCohorts + 1 {
		c := newCohort("iss", fmt.Sprint("c", i))
		if err := s.CreateCohort(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	for _, id := range ids[:badges.MaxRecordCohorts] {
		if errs, err := s.JoinCohort(ctx, id, []string{"ada", "bob"}); err != nil || errs[0] != nil || errs[1] != nil {
			t.Fatalf("JoinCohort: %v, %v", errs, err)
		}
	}
	errs, err := s.JoinCohort(ctx, ids[badges.MaxRecordCohorts], []string{"ada"})
	if err != nil || badges.ErrorCode(errs[0]) != badges.ECONFLICT || badges.ErrorField(errs[0]) != "memberId" {
		t.Fatalf("a member past %d cohorts: %v, %v", badges.MaxRecordCohorts, errs, err)
	}
	if errs, err := s.JoinCohort(ctx, ids[0], []string{"ada"}); err != nil || errs[0] != nil {
		t.Fatalf("joining again: %v, %v", errs, err)
	}
	if m, err := s.CohortMembers(ctx, ids[0]); err != nil || fmt.Sprint(m) != "[ada bob]" {
		t.Fatalf("CohortMembers: %v, %v", m, err)
	}
	if m, err := s.CohortMembers(ctx, ids[badges.MaxRecordCohorts]); err != nil || len(m) != 0 {
		t.Fatalf("the cohort Ada could not join lists %v, %v", m, err)
	}
	if err := s.LeaveCohort(ctx, ids[0], "ada"); err != nil {
		t.Fatal(err)
	}
	mine, err := s.MemberCohorts(ctx, "ada")
	if err != nil || len(mine) != badges.MaxRecordCohorts-1 {
		t.Fatalf("Ada's cohorts after leaving one: %d, %v", len(mine), err)
	}
	if c, err := s.Cohort(ctx, ids[0]); err != nil || c.Members != 1 {
		t.Fatalf("the cohort Ada left: %+v, %v", c, err)
	}
}
