package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// pickySender refuses for good the addresses ending in "3@example.org",
// fails for now those ending in "7@example.org", and accepts the rest.
type pickySender struct{ testSender }

func (s *pickySender) Send(ctx context.Context, m *badges.Message) error {
	switch {
	case strings.HasSuffix(m.To, "3@example.org"):
		return fmt.Errorf("550 5.1.1 No such user: %w", badges.ErrMessageRefused)
	case strings.HasSuffix(m.To, "7@example.org"):
		return errors.New("421 4.7.0 Try again later")
	}
	return s.testSender.Send(ctx, m)
}

// TestOutbox_BatchPartlyRefused: a drain of several batches across two
// communities, some of whose messages are refused for good and some
// put off, records each message's own outcome: the refused fail, the put
// off wait for their retry, the rest are sent, each once; the counts of
// each community are right and only the put off stay in the queue.
func TestOutbox_BatchPartlyRefused(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s := &pickySender{}
	o := newOutbox(st, s, clock)
	var ns []badges.Notification
	for i := range 130 {
		n := earned(i)
		if i >= 65 {
			n.IssuerID = issuerB
		}
		ns = append(ns, n)
	}
	if err := o.Notify(ctx, ns...); err != nil {
		t.Fatal(err)
	}
	if n, err := o.Drain(ctx); n != 130 || err != nil {
		t.Fatalf("drained %d, %v; want 130 tried", n, err)
	}
	if s.count() != 104 {
		t.Fatalf("sent %d; want 104", s.count())
	}
	for _, issuerID := range []string{issuerA, issuerB} {
		counts, err := o.Counts(ctx, issuerID)
		want := map[badges.MessageState]int{badges.MessageSent: 52, badges.MessageFailed: 7, badges.MessagePending: 6}
		if issuerID == issuerB {
			want = map[badges.MessageState]int{badges.MessageSent: 52, badges.MessageFailed: 6, badges.MessagePending: 7}
		}
		for state, n := range want {
			if err != nil || counts[state] != n {
				t.Fatalf("counts of %s: %v, %v; want %v", issuerID, counts, err, want)
			}
		}
	}
	checkOutcome := func(i int, state badges.MessageState, next time.Time) {
		t.Helper()
		m, err := st.Message(ctx, badges.MessageID(ns[i].IssuerID, ns[i].Key))
		if err != nil || m.State != state || m.Attempts != 1 || len(m.Log) != 1 || !m.NextAttemptAt.Equal(next) {
			t.Fatalf("message %d: %+v, %v; want %s after one attempt, next at %v", i, m, err, state, next)
		}
	}
	checkOutcome(0, badges.MessageSent, clock.t)
	checkOutcome(3, badges.MessageFailed, clock.t)
	checkOutcome(127, badges.MessagePending, clock.t.Add(badges.FirstRetry))
	due, err := st.DueMessages(ctx, clock.t.Add(time.Hour), 200)
	if err != nil || len(due) != 13 {
		t.Fatalf("queue keeps %d, %v; want the 13 put off", len(due), err)
	}
	if n, err := o.Drain(ctx); n != 0 || err != nil {
		t.Fatalf("drained %d, %v before any retry is due; want none", n, err)
	}
}

// stoppingSender accepts a message, then shuts the drain down.
type stoppingSender struct {
	testSender
	stop context.CancelFunc
}

func (s *stoppingSender) Send(ctx context.Context, m *badges.Message) error {
	err := s.testSender.Send(ctx, m)
	s.stop()
	return err
}

// TestOutbox_ShutdownRecordsSent: a drain shut down in the middle of a
// batch sends no more, but records what it sent, so that the next
// process does not send it again; the rest stay queued.
func TestOutbox_ShutdownRecordsSent(t *testing.T) {
	st := mongodb.NewMessageStore(mongotest.NewDB(t))
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	ctx, stop := context.WithCancel(t.Context())
	s := &stoppingSender{stop: stop}
	o := newOutbox(st, s, clock)
	o.Workers = 1
	if err := o.Notify(ctx, earned(1), earned(2), earned(3)); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Drain(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("drain: %v; want it stopped", err)
	}
	if s.count() != 1 {
		t.Fatalf("sent %d after the shutdown; want 1", s.count())
	}
	m, err := st.Message(t.Context(), s.sent[0].ID)
	if err != nil || m.State != badges.MessageSent {
		t.Fatalf("the message sent: %+v, %v; want recorded as sent", m, err)
	}
	counts, err := o.Counts(t.Context(), issuerA)
	if err != nil || counts[badges.MessageSent] != 1 || counts[badges.MessagePending] != 2 {
		t.Fatalf("counts %v, %v; want one sent, two pending", counts, err)
	}
}
