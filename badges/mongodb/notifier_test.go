package mongodb_test

import (
	"context"
	"sync"

	"github.com/laurel-badges/laurel/badges"
)

// recordingNotifier keeps the notifications queued through it, as the
// outbox would, or fails with err when set.
type recordingNotifier struct {
	mu  sync.Mutex
	got []badges.Notification
	err error
}

func (n *recordingNotifier) Notify(_ context.Context, ns ...badges.Notification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	n.got = append(n.got, ns...)
	return nil
}

func (n *recordingNotifier) all() []badges.Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]badges.Notification(nil), n.got...)
}
