package mongodb_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func newOutcome(issuerID, name string) *badges.Outcome {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &badges.Outcome{ID: badges.NewID(), IssuerID: issuerID, Name: name, Behaviours: []string{"posted"},
		Status: badges.OutcomeActive, CreatedAt: now, UpdatedAt: now}
}

func TestOutcomeStore(t *testing.T) {
	s := mongodb.NewOutcomeStore(mongotest.NewDB(t))
	ctx := t.Context()
	first, second := newOutcome(issuerA, "Practice"), newOutcome(issuerA, "Welcome")
	for _, o := range []*badges.Outcome{first, second, newOutcome(issuerB, "Elsewhere")} {
		if err := s.CreateOutcome(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Outcome(ctx, first.ID)
	if err != nil || got.Name != "Practice" || got.IssuerID != issuerA || fmt.Sprint(got.Behaviours) != "[posted]" || !got.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("read %+v, %v", got, err)
	}
	list, err := s.Outcomes(ctx, issuerA)
	if err != nil || len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID {
		t.Fatalf("list %v, %v", list, err)
	}
	up, err := s.UpdateOutcome(ctx, second.ID, func(o *badges.Outcome) error { o.Status = badges.OutcomeArchived; return nil })
	if err != nil || up.Status != badges.OutcomeArchived {
		t.Fatalf("update %+v, %v", up, err)
	}
	refused := badges.Errorf(badges.ECONFLICT, "No.")
	if _, err := s.UpdateOutcome(ctx, second.ID, func(o *badges.Outcome) error { o.Name = "X"; return refused }); !errors.Is(err, refused) {
		t.Fatalf("a refused change: %v", err)
	}
	if got, _ := s.Outcome(ctx, second.ID); got.Name != "Welcome" || got.Status != badges.OutcomeArchived {
		t.Fatalf("after a refused change %+v", got)
	}
	for _, id := range []string{"nope", badges.NewID()} {
		if _, err := s.Outcome(ctx, id); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("read %q: %v", id, err)
		}
		if _, err := s.UpdateOutcome(ctx, id, func(*badges.Outcome) error { return nil }); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("update %q: %v", id, err)
		}
	}
}

// TestOutcomeStore_Bound creates outcomes at once past the bound: exactly
// MaxOutcomes are kept and listed, the rest refused.
func TestOutcomeStore_Bound(t *testing.T) {
	s := mongodb.NewOutcomeStore(mongotest.NewDB(t))
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, badges.MaxOutcomes+10)
	for i := range badges.MaxOutcomes + 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.CreateOutcome(ctx, newOutcome(issuerA, fmt.Sprint("Outcome ", i)))
		}()
	}
	wg.Wait()
	close(errs)
	refused := 0
	for err := range errs {
		switch {
		case badges.ErrorCode(err) == badges.ECONFLICT:
			refused++
		case err != nil:
			t.Fatal(err)
		}
	}
	list, err := s.Outcomes(ctx, issuerA)
	if err != nil || refused != 10 || len(list) != badges.MaxOutcomes {
		t.Fatalf("%d refused, %d listed, %v", refused, len(list), err)
	}
}
