package mongodb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// runUntilDone runs rv as a process does, from its start, until a job of
// the fixture's achievement is done, and stops it; it fails the test if
// none is within a while.
func runUntilDone(tb testing.TB, f *reevalFixture, rv *badges.Reevaluator) *badges.Reevaluation {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); rv.Run(ctx, 20*time.Millisecond, 0) }()
	defer func() { cancel(); wg.Wait() }()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		p, err := f.store.Reevaluations(context.Background(), issuerA, badges.ListOptions{Limit: 10})
		if err != nil {
			tb.Fatal(err)
		}
		for _, j := range p.Items {
			if j.AchievementID == f.ach.ID && j.State == badges.ReevaluationDone {
				return j
			}
		}
	}
	tb.Fatal("no re-evaluation of the rule was started and done at start-up")
	return nil
}

// TestReevaluator_StartUpStartsTheJobAStopLost: a rule stored whose job
// was never started (the process stopped in between) is re-evaluated when
// the re-evaluator next starts, and awards those who qualify; a second
// start-up starts nothing more.
func TestReevaluator_StartUpStartsTheJobAStopLost(t *testing.T) {
	f := newReevalFixture(t, 30) // the rule is stored, and no job started
	j := runUntilDone(t, f, badges.NewReevaluator(f.aw, f.store))
	if j.AwardsQueued != f.want() {
		t.Fatalf("job queued %d awards; want %d", j.AwardsQueued, f.want())
	}
	drainAll(t, f.aw)
	if keys, _ := f.issuedCount(); keys != f.want() {
		t.Fatalf("%d awards issued; want %d", keys, f.want())
	}
	again := badges.NewReevaluator(f.aw, f.store)
	if n, err := again.CatchUp(t.Context()); err != nil || n != 0 {
		t.Fatalf("second start-up: %d jobs started, %v; want none", n, err)
	}
}

// TestReevaluator_CatchUpSkipsWhatCannotAward: drafts, archived
// achievements and rules whose revision had a job start nothing.
func TestReevaluator_CatchUpSkipsWhatCannotAward(t *testing.T) {
	f := newReevalFixture(t, 3)
	rv := badges.NewReevaluator(f.aw, f.store)
	ctx := t.Context()
	runStarted(t, rv, f.ach.ID) // this revision had its job
	draft, err := mongodb.NewAchievementService(f.db).CreateAchievement(ctx, issuerA,
		badges.AchievementInput{Name: "Draft", Description: "D", Criteria: "C", Status: badges.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.aw.Catalogue.SetRule(ctx, draft.ID, f.rule); err != nil {
		t.Fatal(err)
	}
	if n, err := rv.CatchUp(ctx); err != nil || n != 0 {
		t.Fatalf("%d jobs started, %v; want none", n, err)
	}
}

// failCreateOnce is a re-evaluation store whose first job creation fails,
// as a database that is briefly away does.
type failCreateOnce struct {
	badges.ReevaluationStore
	failed bool
}

func (s *failCreateOnce) CreateReevaluation(ctx context.Context, j *badges.Reevaluation) error {
	if !s.failed {
		s.failed = true
		return badges.Errorf(badges.EUNAVAILABLE, "The database is unavailable.")
	}
	return s.ReevaluationStore.CreateReevaluation(ctx, j)
}

// TestReevaluator_RuleChangedThatFailsIsCaughtUp: a rule stored whose
// job could not be started is re-evaluated by the running re-evaluator
// all the same.
func TestReevaluator_RuleChangedThatFailsIsCaughtUp(t *testing.T) {
	f := newReevalFixture(t, 30)
	rv := badges.NewReevaluator(f.aw, &failCreateOnce{ReevaluationStore: f.store})
	rv.RuleChanged(t.Context(), f.ach, badges.ReevaluationRuleChanged)
	if j := runUntilDone(t, f, rv); j.AwardsQueued != f.want() {
		t.Fatalf("job queued %d awards; want %d", j.AwardsQueued, f.want())
	}
}

// TestReevaluator_RestoredWhileJobsFailIsCaughtUp: a badge restored from
// the archive, whose rule had its job before, is re-evaluated when the
// job of its restoring could not start.
func TestReevaluator_RestoredWhileJobsFailIsCaughtUp(t *testing.T) {
	f := newReevalFixture(t, 30)
	ctx := t.Context()
	runStarted(t, badges.NewReevaluator(f.aw, f.store), f.ach.ID)
	achs := mongodb.NewAchievementService(f.db)
	for _, st := range []badges.AchievementStatus{badges.StatusArchived, badges.StatusActive} {
		if _, err := achs.UpdateAchievement(ctx, f.ach.ID, badges.AchievementUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
	}
	rv := badges.NewReevaluator(f.aw, &failCreateOnce{ReevaluationStore: f.store})
	rv.RuleChanged(ctx, f.ach, badges.ReevaluationActivated)
	if n, err := rv.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("%d jobs started, %v; want the restored badge's", n, err)
	}
}
