package mongodb_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// testComposer makes a message from its notification's data alone.
type testComposer struct{}

func (testComposer) Compose(_ context.Context, n badges.Notification) (*badges.Message, error) {
	return &badges.Message{Subject: "You earned " + n.Data["badge"], Text: "Well done, " + n.Data["member"] + ".",
		HTML: "<p>Well done.</p>", Unsubscribe: "https://example.org/u"}, nil
}

// testSender records what it is given and answers with err.
type testSender struct {
	mu   sync.Mutex
	sent []*badges.Message
	err  error
}

func (s *testSender) Send(_ context.Context, m *badges.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.sent = append(s.sent, m)
	return nil
}

func (s *testSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// testClock is a clock tests move.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) add(d time.Duration)     { c.t = c.t.Add(d) }
func noJitter(d time.Duration) time.Duration { return d }

func newOutbox(st *mongodb.MessageStore, s badges.Sender, c *testClock) *badges.Outbox {
	o := &badges.Outbox{Store: st, Composer: testComposer{}, Now: c.now, Jitter: noJitter}
	if s != nil {
		o.Sender = s
	}
	return o
}

func earned(i int) badges.Notification {
	return badges.Notification{Key: fmt.Sprintf("earned:%d", i), Kind: badges.MailEarned, IssuerID: issuerA, MemberID: "m",
		To: fmt.Sprintf("Member%d@Example.org", i), Data: map[string]string{"badge": "Host", "member": "Ada"}}
}

// TestOutbox_CrashSendsOnce: a message stored by one process and sent by
// another (a crash between the two) goes out once, however often its
// event is notified.
func TestOutbox_CrashSendsOnce(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	if err := newOutbox(st, &testSender{}, clock).Notify(ctx, earned(1), earned(1)); err != nil {
		t.Fatal(err)
	}
	s := &testSender{}
	after := newOutbox(st, s, clock) // the process after the crash
	if err := after.Notify(ctx, earned(1)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := after.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s.count() != 1 || s.sent[0].To != "member1@example.org" {
		t.Fatalf("sent %d messages; want one to member1@example.org", s.count())
	}
	m, err := after.Message(ctx, issuerA, badges.MessageID(issuerA, "earned:1"))
	if err != nil || m.State != badges.MessageSent || len(m.Log) != 1 || !m.Log[0].OK {
		t.Fatalf("message %+v, %v; want sent with one delivery", m, err)
	}
	if due, _ := st.DueMessages(ctx, clock.t.Add(time.Hour), 10); len(due) != 0 {
		t.Fatalf("queue keeps %v after sending", due)
	}
}

// TestOutbox_Retries: a temporary failure is retried with back-off and
// logged; a refusal fails the message at once; Send again queues it anew.
func TestOutbox_Retries(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	s := &testSender{err: errors.New("dial tcp: connection refused")}
	o := newOutbox(st, s, clock)
	var reported []badges.Notice
	o.Report = func(n badges.Notice) { reported = append(reported, n) }
	if err := o.Notify(ctx, earned(1)); err != nil {
		t.Fatal(err)
	}
	id := badges.MessageID(issuerA, "earned:1")
	for i, wait := range []time.Duration{0, time.Minute, 2 * time.Minute} {
		clock.add(wait - time.Second) // not due yet
		if _, err := o.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		clock.add(time.Second)
		if _, err := o.Drain(ctx); err != nil || len(reported) != i+1 || !errors.Is(reported[i].Err, s.err) {
			t.Fatalf("drain: %v, reported %v; want the failure reported", err, reported)
		}
		m, _ := st.Message(ctx, id)
		if m.Attempts != i+1 || m.State != badges.MessagePending || !m.NextAttemptAt.Equal(clock.t.Add(badges.Backoff(i+1))) {
			t.Fatalf("attempt %d: %+v; want pending, retried after %v", i+1, m, badges.Backoff(i+1))
		}
	}
	s.err = fmt.Errorf("550 no such user: %w", badges.ErrMessageRefused)
	clock.add(4 * time.Minute)
	_, _ = o.Drain(ctx)
	m, _ := st.Message(ctx, id)
	if m.State != badges.MessageFailed || len(m.Log) != 4 || m.Log[3].Detail != s.err.Error() {
		t.Fatalf("refused: %+v; want failed with four deliveries logged", m)
	}
	clock.add(time.Hour)
	if n, _ := o.Drain(ctx); n != 0 {
		t.Fatalf("a failed message was tried again (%d)", n)
	}
	if err := o.SendAgain(ctx, "other", id); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("send again from another community: %v; want not found", err)
	}
	s.err = nil
	if err := o.SendAgain(ctx, issuerA, id); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Drain(ctx); err != nil || s.count() != 1 {
		t.Fatalf("after send again: %d sent, %v; want one", s.count(), err)
	}
	if err := o.SendAgain(ctx, issuerA, id); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("send again of a sent message: %v; want a conflict", err)
	}
}

// TestOutbox_GivesUp: a message that keeps failing fails after its last
// attempt.
func TestOutbox_GivesUp(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	o := newOutbox(st, &testSender{err: errors.New("421 try later")}, clock)
	if err := o.Notify(ctx, earned(1)); err != nil {
		t.Fatal(err)
	}
	id := badges.MessageID(issuerA, "earned:1")
	_, err := st.UpdateMessage(ctx, id, func(m *badges.Message) error { m.Attempts = badges.MaxMessageAttempts - 1; return nil })
	if err != nil {
		t.Fatal(err)
	}
	_, _ = o.Drain(ctx)
	m, _ := st.Message(ctx, id)
	if m.State != badges.MessageFailed || m.Attempts != badges.MaxMessageAttempts {
		t.Fatalf("%+v; want failed after the last attempt", m)
	}
}

// TestOutbox_Held: with no mail server messages are held, never lost,
// and sent once one is configured.
func TestOutbox_Held(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	held := newOutbox(st, nil, clock)
	if err := held.Notify(ctx, earned(1), earned(2)); err != nil {
		t.Fatal(err)
	}
	if n, err := held.Drain(ctx); n != 0 || err != nil {
		t.Fatalf("drained %d, %v without a mail server", n, err)
	}
	counts, err := held.Counts(ctx, issuerA)
	if err != nil || counts[badges.MessageHeld] != 2 {
		t.Fatalf("counts %v, %v; want two held", counts, err)
	}
	s := &testSender{}
	if _, err := newOutbox(st, s, clock).Drain(ctx); err != nil || s.count() != 2 {
		t.Fatalf("sent %d, %v once configured; want two", s.count(), err)
	}
	counts, _ = held.Counts(ctx, issuerA)
	if counts[badges.MessageHeld] != 0 || counts[badges.MessageSent] != 2 {
		t.Fatalf("counts %v; want two sent", counts)
	}
}

// TestMessageStore_List: a community's messages page newest first across
// chunks, with stable cursors; another community's are not listed.
func TestMessageStore_List(t *testing.T) {
	st, ctx := mongodb.NewMessageStore(mongotest.NewDB(t)), t.Context()
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	o := newOutbox(st, nil, clock)
	var ns []badges.Notification
	for i := range 230 {
		ns = append(ns, earned(i))
	}
	if err := o.Notify(ctx, ns[:150]...); err != nil {
		t.Fatal(err)
	}
	clock.add(time.Second)
	if err := o.Notify(ctx, ns[150:]...); err != nil {
		t.Fatal(err)
	}
	other := earned(0)
	other.IssuerID = "other"
	if err := o.Notify(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Drain(ctx); err != nil { // lists them
		t.Fatal(err)
	}
	var got []string
	opts := badges.ListOptions{Limit: 40}
	for {
		p, err := o.Messages(ctx, issuerA, opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 230 {
			t.Fatalf("total %d; want 230", p.Total)
		}
		for _, m := range p.Items {
			got = append(got, m.To)
		}
		if p.NextCursor == "" {
			break
		}
		opts.Cursor = p.NextCursor
	}
	if len(got) != 230 || got[0] != "member229@example.org" || got[229] != "member0@example.org" {
		t.Fatalf("listed %d, first %v; want 230 newest first", len(got), got[:1])
	}
	if _, err := o.Messages(ctx, issuerA, badges.ListOptions{Cursor: "bm9wZQ"}); badges.ErrorCode(err) != badges.EINVALID {
		t.Fatalf("bad cursor: %v; want invalid", err)
	}
}
