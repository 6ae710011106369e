package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// newAwarder is an awarder on the stores of db that issues and reads
// holdings with the given functions.
func newAwarder(db *database.DB, issue badges.IssueFunc, holdings badges.HoldingsFunc) *badges.Awarder {
	achievements := mongodb.NewAchievementService(db)
	return &badges.Awarder{
		Catalogue:    badges.NewCatalogue(mongodb.NewBehaviourStore(db), mongodb.NewRuleStore(db), achievements),
		Activities:   mongodb.NewActivityStore(db),
		Batches:      mongodb.NewBatchStore(db),
		Records:      mongodb.NewRecordStore(db),
		Queue:        mongodb.NewQueueStore(db),
		Stats:        mongodb.NewStatsStore(db),
		Members:      mongodb.NewMemberService(db),
		Achievements: achievements,
		Issue:        issue,
		Holdings:     holdings,
		Now:          time.Now,
	}
}

// queueFixture is an awarder on a fresh database whose issuing is counted
// (by idempotency key) and who holds nothing.
type queueFixture struct {
	aw     *badges.Awarder
	issuer string

	mu     sync.Mutex
	issued map[string]int
}

func newQueueFixture(t *testing.T) *queueFixture {
	t.Helper()
	f := &queueFixture{issuer: issuerA, issued: map[string]int{}}
	f.aw = newAwarder(mongotest.NewDB(t), func(_ context.Context, _ string, in badges.AwardInput) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.issued[in.IdempotencyKey]++
		return "cred-" + in.IdempotencyKey, nil
	}, func(context.Context, string) (map[string]bool, error) { return nil, nil })
	return f
}

func (f *queueFixture) issuedCount() (keys, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.issued {
		total += n
	}
	return len(f.issued), total
}

// forgetAwards is the record store of a bug fixed before: the member's
// record does not remember awards made by rule, so evaluating it after an
// award queues the award again.
type forgetAwards struct{ badges.RecordStore }

func (s forgetAwards) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	return s.RecordStore.UpdateRecord(ctx, memberID, func(r *badges.MemberRecord) error {
		err := change(r)
		r.Awarded = nil
		return err
	})
}

// TestAwarder_DrainStopsAnAwardThatQueuesItself: with an award that queues
// itself again each time it is issued, Drain still returns at once, issues
// the award once and reports the loop instead of running for ever.
func TestAwarder_DrainStopsAnAwardThatQueuesItself(t *testing.T) {
	f := newQueueFixture(t)
	ctx := t.Context()
	ach, err := f.aw.Achievements.CreateAchievement(ctx, f.issuer, badges.AchievementInput{Name: "Volunteer", Description: "D", Criteria: "C", Repeatable: true, Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	rule, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"volunteered","min":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.aw.Catalogue.SetRule(ctx, ach.ID, rule); err != nil {
		t.Fatal(err)
	}
	f.aw.Records = forgetAwards{f.aw.Records}
	res, err := f.aw.Record(ctx, f.issuer, []badges.ActivityInput{{Email: "v@example.org", Name: "V", CreateMember: true,
		Activity: badges.Activity{Behaviour: "volunteered", At: time.Now().Add(-time.Minute)}}})
	if err != nil || len(res[0].Earned) != 1 {
		t.Fatalf("record: %+v, %v", res, err)
	}
	drainCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = f.aw.Drain(drainCtx)
	if drainCtx.Err() != nil {
		t.Fatalf("Drain ran until its context ended: %v", err)
	}
	if !errors.Is(err, badges.ErrAwardRequeued) {
		t.Fatalf("Drain = %v; want the award that queues itself reported", err)
	}
	if keys, total := f.issuedCount(); keys != 1 || total > 2 {
		t.Fatalf("issued %d awards %d times; want one award, at most twice", keys, total)
	}
	left, err := f.aw.Queue.Pending(ctx, time.Now().AddDate(100, 0, 0), 10)
	if err != nil || len(left) != 0 {
		t.Fatalf("left in the queue: %+v, %v", left, err)
	}
}

// TestAwarder_DrainPassesAwardsInBackoff: older awards waiting to be
// retried do not hold up a newer one that is due.
func TestAwarder_DrainPassesAwardsInBackoff(t *testing.T) {
	f := newQueueFixture(t)
	ctx := t.Context()
	now := time.Now().UTC()
	var waiting []badges.PendingAward
	for i := range 120 {
		waiting = append(waiting, badges.PendingAward{ID: fmt.Sprintf("rule:a:m%03d:", i), IssuerID: f.issuer, AchievementID: "a",
			MemberID: fmt.Sprintf("m%03d", i), CreatedAt: now.Add(time.Duration(i-200) * time.Second)})
	}
	if err := f.aw.Queue.Enqueue(ctx, waiting); err != nil {
		t.Fatal(err)
	}
	for _, p := range waiting {
		if err := f.aw.Queue.Retry(ctx, p.ID, "The issuer is unavailable.", now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	due := badges.PendingAward{ID: "rule:a:due:", IssuerID: f.issuer, AchievementID: "a", MemberID: "due", CreatedAt: now}
	if err := f.aw.Queue.Enqueue(ctx, []badges.PendingAward{due}); err != nil {
		t.Fatal(err)
	}
	n, err := f.aw.Drain(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Drain = %d, %v; want the due award issued", n, err)
	}
	if keys, _ := f.issuedCount(); keys != 1 || f.issued[due.ID] != 1 {
		t.Fatalf("issued %v; want only %s", f.issued, due.ID)
	}
}

// TestAwarder_DrainIsBounded: one Drain handles at most MaxDrain queued
// awards, however many are due; the next one goes on.
func TestAwarder_DrainIsBounded(t *testing.T) {
	f := newQueueFixture(t)
	f.aw.Issue = func(context.Context, string, badges.AwardInput) (string, error) {
		return "", badges.Errorf(badges.EINVALID, "The achievement is archived.") // dropped: the cheapest award to handle
	}
	ctx := t.Context()
	now := time.Now().UTC()
	queued := make([]badges.PendingAward, badges.MaxDrain+1)
	for i := range queued {
		queued[i] = badges.PendingAward{ID: fmt.Sprintf("rule:a:m%04d:", i), IssuerID: f.issuer, AchievementID: "a",
			MemberID: fmt.Sprintf("m%04d", i), CreatedAt: now.Add(time.Duration(i-2000) * time.Millisecond)}
	}
	if err := f.aw.Queue.Enqueue(ctx, queued); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{badges.MaxDrain, 1, 0} {
		if n, err := f.aw.Drain(ctx); err != nil || n != want {
			t.Fatalf("Drain = %d, %v; want %d", n, err, want)
		}
	}
}

// TestAwarder_DrainKeepsWhyAnAwardFailed: an award whose issuing fails
// with an internal error is put off with the whole error kept for admins
// (not the message a user is shown) and reported, not lost.
func TestAwarder_DrainKeepsWhyAnAwardFailed(t *testing.T) {
	f := newQueueFixture(t)
	broken := errors.New("read signing key: the master key does not open it")
	f.aw.Issue = func(context.Context, string, badges.AwardInput) (string, error) { return "", broken }
	var reports []badges.Notice
	f.aw.Report = func(n badges.Notice) { reports = append(reports, n) }
	ctx := t.Context()
	p := badges.PendingAward{ID: "rule:a:m:", IssuerID: f.issuer, AchievementID: "a", MemberID: "m", CreatedAt: time.Now().UTC()}
	if err := f.aw.Queue.Enqueue(ctx, []badges.PendingAward{p}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.aw.Drain(ctx); err != nil || n != 0 {
		t.Fatalf("Drain = %d, %v; want nothing issued and no error", n, err)
	}
	left, err := f.aw.Queue.Pending(ctx, time.Now().AddDate(0, 0, 1), 10)
	if err != nil || len(left) != 1 || left[0].Attempts != 1 || left[0].LastError != broken.Error() {
		t.Fatalf("queue after the failure: %+v, %v; want one attempt and the error %q", left, err, broken)
	}
	if len(reports) != 1 || reports[0].Award != p.ID || !errors.Is(reports[0].Err, broken) {
		t.Fatalf("reported %+v; want the failure of %s", reports, p.ID)
	}
}
