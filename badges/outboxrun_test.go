package badges_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// countingStore counts the worker's looks for new messages and takes
// every message queued.
type countingStore struct {
	badges.MessageStore
	lists atomic.Int32
}

func (s *countingStore) ListQueued(context.Context) (int, error) {
	s.lists.Add(1)
	return 0, nil
}

func (s *countingStore) AddMessages(_ context.Context, ms []*badges.Message) ([]bool, error) {
	return make([]bool, len(ms)), nil
}

// TestOutbox_RunListsOnlyWhatIsNew: the worker reads the queue for new
// messages at start, when a message is queued, and every minute for those
// other processes queue, not at every tick: on the embedded engine each
// look reads the whole queue, which without a mail server keeps every
// message.
func TestOutbox_RunListsOnlyWhatIsNew(t *testing.T) {
	store := &countingStore{}
	var clock atomic.Int64 // nanoseconds since a fixed instant, advanced by hand
	var looks atomic.Int32
	start := time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)
	o := &badges.Outbox{Store: store, Composer: plainComposer{}, Now: func() time.Time {
		looks.Add(1)
		return start.Add(time.Duration(clock.Load()))
	}}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); o.Run(ctx, time.Millisecond) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "the first look", func() bool { return store.lists.Load() == 1 })
	seen := looks.Load()
	waitFor(t, "twenty ticks", func() bool { return looks.Load() >= seen+20 })
	if n := store.lists.Load(); n != 1 {
		t.Fatalf("after twenty ticks with nothing queued the queue was read %d times, want once", n)
	}
	n := badges.Notification{Key: "earned:1", Kind: badges.MailEarned, IssuerID: "iss", To: "ada@example.org"}
	if err := o.Notify(t.Context(), n); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a look after Notify", func() bool { return store.lists.Load() == 2 })
	clock.Add(int64(time.Minute))
	waitFor(t, "a look a minute later", func() bool { return store.lists.Load() == 3 })
}

// waitFor polls cond until it holds, failing the test after a generous
// bound: what it waits for happens within a few ticks.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 30 s for %s", what)
		}
	}
}
