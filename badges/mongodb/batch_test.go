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

// errCut is the failure a cutShort store injects.
var errCut = errors.New("the process died")

// cutShort is a record store whose updates fail once after of them were
// written, as if the process died or the client went away part-way
// through a batch: with cancel set it cancels the batch's context,
// otherwise it fails the update. It remembers whose updates were written.
type cutShort struct {
	badges.RecordStore
	after  int
	cancel context.CancelFunc

	mu      sync.Mutex
	written map[string]bool
}

func (c *cutShort) UpdateRecord(ctx context.Context, memberID string, change func(*badges.MemberRecord) error) error {
	c.mu.Lock()
	cut := len(c.written) >= c.after
	c.mu.Unlock()
	switch {
	case cut && c.cancel == nil:
		return errCut
	case cut:
		c.cancel()
	}
	err := c.RecordStore.UpdateRecord(ctx, memberID, change)
	if err == nil {
		c.mu.Lock()
		c.written[memberID] = true
		c.mu.Unlock()
	}
	return err
}

// batchFixture is a community of members on a fresh database and a batch
// of their activity, spread over three weeks.
type batchFixture struct {
	db      *database.DB
	aw      *badges.Awarder
	members []string
	batch   []badges.ActivityInput
	sent    map[string]int // activities sent, by member
	weeks   []string
}

// newBatchFixture makes members and a batch of perMember activities each;
// the first member gets heavy of them instead, more than a record's Seen
// remembers.
func newBatchFixture(t *testing.T, members, perMember, heavy int) *batchFixture {
	t.Helper()
	db := mongotest.NewDB(t)
	f := &batchFixture{db: db, aw: newBatchAwarder(db), sent: map[string]int{}}
	ms := mongodb.NewMemberService(db)
	for i := range members {
		m := mustCreateMember(t, ms, issuerA, badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: fmt.Sprint("M", i)})
		f.members = append(f.members, m.ID)
	}
	now := time.Now().UTC()
	f.weeks = badges.LastWeeks(now, 3)
	for i, m := range f.members {
		n := perMember
		if i == 0 {
			n = heavy
		}
		for j := range n {
			f.batch = append(f.batch, badges.ActivityInput{Activity: badges.Activity{MemberID: m, Behaviour: "attended-session",
				At: now.Add(-time.Duration(j%3) * 7 * 24 * time.Hour).Add(-time.Hour), SourceEventID: fmt.Sprintf("e-%d-%d", i, j)}})
			f.sent[m]++
		}
	}
	return f
}

// newBatchAwarder is an awarder that issues nothing (no rules are set).
func newBatchAwarder(db *database.DB) *badges.Awarder {
	return newAwarder(db, func(context.Context, string, badges.AwardInput) (string, error) {
		return "", errors.New("nothing is awarded in these tests")
	}, func(context.Context, string) (map[string]bool, error) { return nil, nil })
}

// interrupt records the batch with its record updates failing after the
// first after; cancel makes them end the batch's context instead.
func (f *batchFixture) interrupt(t *testing.T, after int, cancel bool) *cutShort {
	t.Helper()
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	cut := &cutShort{RecordStore: f.aw.Records, after: after, written: map[string]bool{}}
	if cancel {
		cut.cancel = stop
	}
	real := f.aw.Records
	f.aw.Records = cut
	defer func() { f.aw.Records = real }()
	if _, err := f.aw.Record(ctx, issuerA, f.batch); err == nil {
		t.Fatal("the interrupted batch was recorded without an error")
	}
	if len(cut.written) == 0 || len(cut.written) == len(f.members) {
		t.Fatalf("%d of %d members' records written; the batch should be cut short", len(cut.written), len(f.members))
	}
	return cut
}

// check fails the test unless every member's record and the week
// counters hold each activity sent exactly once and no batch is left
// unfinished.
func (f *batchFixture) check(t *testing.T) {
	t.Helper()
	ctx := t.Context()
	for _, m := range f.members {
		rec, err := f.aw.Records.Record(ctx, m)
		if err != nil || rec == nil {
			t.Fatalf("record of %s: %v, %v", m, rec, err)
		}
		if got := rec.Behaviours["attended-session"].Count; got != f.sent[m] {
			t.Errorf("member %s: %d activities in the record, %d sent", m, got, f.sent[m])
		}
	}
	ws, err := f.aw.Stats.Weeks(ctx, issuerA, f.weeks)
	if err != nil {
		t.Fatal(err)
	}
	counted, byMember := 0, map[string]int{}
	for _, w := range ws {
		counted += w.Activities["attended-session"]
		for m, n := range w.Members {
			byMember[m] += n
		}
	}
	if counted != len(f.batch) {
		t.Errorf("the week counters count %d activities, %d were sent", counted, len(f.batch))
	}
	for _, m := range f.members {
		if byMember[m] != f.sent[m] {
			t.Errorf("the week counters count %d activities of member %s, %d were sent", byMember[m], m, f.sent[m])
		}
	}
	left, err := f.aw.Batches.UnfinishedBatches(ctx, badges.BatchFilter{})
	if err != nil || len(left) != 0 {
		t.Errorf("unfinished batches: %+v, %v", left, err)
	}
}

// TestAwarder_ResendAfterInterruptedBatch: a batch cut short after it was
// logged, part of its members' records written, loses nothing when it is
// sent again: the resend answers "recorded" for the activities that no
// record had, "duplicate" for the others, and records and week counters
// count each activity once.
func TestAwarder_ResendAfterInterruptedBatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cancel bool
	}{{"store fails", false}, {"client goes away", true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newBatchFixture(t, 24, 5, badges.MaxSeenActivities+100)
			cut := f.interrupt(t, 6, tc.cancel)
			res, err := f.aw.Record(t.Context(), issuerA, f.batch)
			if err != nil {
				t.Fatal(err)
			}
			outcome := map[string]badges.ActivityOutcome{}
			for i, r := range res {
				m := f.batch[i].MemberID
				switch {
				case r.Outcome != badges.ActivityRecorded && r.Outcome != badges.ActivityDuplicate:
					t.Fatalf("activity %d: %+v", i, r)
				case cut.written[m] && r.Outcome != badges.ActivityDuplicate:
					t.Errorf("activity %d of member %s, whose record had it, answered %s", i, m, r.Outcome)
				case outcome[m] != "" && outcome[m] != r.Outcome:
					t.Errorf("activities of member %s answered both %s and %s", m, outcome[m], r.Outcome)
				}
				outcome[m] = r.Outcome
			}
			for _, m := range f.members {
				if !cut.written[m] && outcome[m] != badges.ActivityRecorded && !tc.cancel {
					t.Errorf("activities of member %s, whose record lacked them, answered %s", m, outcome[m])
				}
			}
			f.check(t)
			again, err := f.aw.Record(t.Context(), issuerA, f.batch)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range again {
				if r.Outcome != badges.ActivityDuplicate {
					t.Fatalf("a second resend answered activity %d %s", i, r.Outcome)
				}
			}
			f.check(t)
		})
	}
}

// TestAwarder_RecoverAtStart: a batch cut short is applied by the next
// awarder's Recover, as at the next start, and by the award worker once
// it is StaleBatchAge old.
func TestAwarder_RecoverAtStart(t *testing.T) {
	t.Run("at start", func(t *testing.T) {
		f := newBatchFixture(t, 20, 4, 10)
		f.interrupt(t, 5, false)
		next := newBatchAwarder(f.db)
		if n, err := next.Recover(t.Context(), 0); err != nil || n != 1 {
			t.Fatalf("Recover = %d, %v; want the batch recovered", n, err)
		}
		f.check(t)
	})
	t.Run("by the award worker", func(t *testing.T) {
		f := newBatchFixture(t, 20, 4, 10)
		f.interrupt(t, 5, false)
		next := newBatchAwarder(f.db)
		if n, err := next.Recover(t.Context(), badges.StaleBatchAge); err != nil || n != 0 {
			t.Fatalf("Recover = %d, %v; a batch just started may be under way", n, err)
		}
		next.Now = func() time.Time { return time.Now().Add(badges.StaleBatchAge + time.Second) }
		ctx, stop := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { defer close(done); next.Run(ctx, 20*time.Millisecond) }()
		defer func() { stop(); <-done }()
		deadline := time.Now().Add(20 * time.Second)
		for {
			left, err := next.Batches.UnfinishedBatches(t.Context(), badges.BatchFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the award worker did not recover the batch")
			}
			time.Sleep(20 * time.Millisecond)
		}
		f.check(t)
	})
}

// TestAwarder_RecoverRaces: recoveries by two awarders and two resends of
// the batch, all at once, and a recovery again afterwards, count each
// activity once.
func TestAwarder_RecoverRaces(t *testing.T) {
	f := newBatchFixture(t, 30, 4, badges.MaxSeenActivities+100)
	f.interrupt(t, 4, false)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			aw := newBatchAwarder(f.db)
			var err error
			if i%2 == 0 {
				_, err = aw.Recover(t.Context(), 0)
			} else {
				_, err = aw.Record(t.Context(), issuerA, f.batch)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	f.check(t)
	if n, err := newBatchAwarder(f.db).Recover(t.Context(), 0); err != nil || n != 0 {
		t.Fatalf("Recover again = %d, %v", n, err)
	}
	f.check(t)
}

// TestAwarder_CreateMemberWhileBeingCreated: an activity that creates its
// member, sent while a creation cut short by a crash still holds the
// member's e-mail address, is refused with a conflict that says so, and
// is recorded once the hold is stale.
func TestAwarder_CreateMemberWhileBeingCreated(t *testing.T) {
	db := mongotest.NewDB(t)
	aw := newBatchAwarder(db)
	ctx := t.Context()
	email := "new@example.org"
	if holder, err := db.ClaimKey(ctx, "email:"+issuerA+":"+database.HashPart(email), badges.NewID(),
		func(string) (bool, error) { return true, nil }); err != nil || holder != "" {
		t.Fatalf("hold the address: %q, %v", holder, err)
	}
	in := []badges.ActivityInput{{Email: email, Name: "New", CreateMember: true,
		Activity: badges.Activity{Behaviour: "attended-session", At: time.Now().Add(-time.Minute), SourceEventID: "s-1"}}}
	res, err := aw.Record(ctx, issuerA, in)
	if err != nil {
		t.Fatal(err)
	}
	pending := badges.UniqueValue{Field: badges.FieldEmail, Scope: issuerA, Value: email}.Pending()
	if r := res[0]; r.Outcome != badges.ActivityRejected || badges.ErrorCode(r.Err) != badges.ECONFLICT ||
		badges.ErrorField(r.Err) != badges.FieldEmail || badges.ErrorMessage(r.Err) != badges.ErrorMessage(pending) {
		t.Fatalf("while the address is held: %+v (%v)", r, r.Err)
	}
	db.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	res, err = aw.Record(ctx, issuerA, in)
	if err != nil || res[0].Outcome != badges.ActivityRecorded {
		t.Fatalf("once the hold is stale: %+v, %v", res, err)
	}
}

// TestAwarder_ResendWhileBatchIsLogged: a resend leaves alone a batch
// whose activities are not all in the log yet (its logging may still be
// under way, and a record given part of it would refuse the rest); once
// the resend has logged the missing ones itself, the batch is recovered.
func TestAwarder_ResendWhileBatchIsLogged(t *testing.T) {
	db := mongotest.NewDB(t)
	aw := newBatchAwarder(db)
	ctx := t.Context()
	m := mustCreateMember(t, mongodb.NewMemberService(db), issuerA, badges.MemberInput{Email: "m@example.org", DisplayName: "M"}).ID
	at := time.Now().UTC().Add(-time.Hour)
	var ins []badges.ActivityInput
	var acts []badges.Activity
	for _, e := range []string{"e1", "e2"} {
		act := badges.Activity{MemberID: m, Behaviour: "attended-session", At: at, SourceEventID: e}
		ins = append(ins, badges.ActivityInput{Activity: act})
		act.ID, act.IssuerID, act.RecordedAt = "src:"+issuerA+":"+e, issuerA, at
		acts = append(acts, act)
	}
	b := badges.Batch{ID: badges.NewID(), IssuerID: issuerA, ActivityIDs: []string{acts[0].ID, acts[1].ID}, StartedAt: time.Now()}
	if err := aw.Batches.StartBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := aw.Activities.LogActivities(ctx, b.ID, acts[:1]); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		rec, err := aw.Records.Record(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if rec == nil || rec.Behaviours["attended-session"] == nil {
			return 0
		}
		return rec.Behaviours["attended-session"].Count
	}
	res, err := aw.Record(ctx, issuerA, ins[:1])
	if err != nil || res[0].Outcome != badges.ActivityDuplicate || count() != 0 {
		t.Fatalf("resend of the logged activity: %+v, %v; %d in the record", res, err, count())
	}
	res, err = aw.Record(ctx, issuerA, ins)
	if err != nil || res[0].Outcome != badges.ActivityRecorded || res[1].Outcome != badges.ActivityRecorded || count() != 2 {
		t.Fatalf("resend of the whole batch: %+v, %v; %d in the record", res, err, count())
	}
	if left, err := aw.Batches.UnfinishedBatches(ctx, badges.BatchFilter{}); err != nil || len(left) != 0 {
		t.Fatalf("unfinished batches: %+v, %v", left, err)
	}
}
