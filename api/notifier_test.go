package api_test

import (
	"context"
	"slices"
	"sync"

	"github.com/laurel-badges/laurel/badges"
)

// recordingNotifier keeps the notifications it is asked to queue, as the
// outbox would: tests read links from it as a member reads the e-mail.
type recordingNotifier struct {
	mu  sync.Mutex
	got []badges.Notification
}

func (r *recordingNotifier) Notify(_ context.Context, ns ...badges.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, ns...)
	return nil
}

// all lists the notifications queued, oldest first.
func (r *recordingNotifier) all() []badges.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// to lists the notifications queued for an address, oldest first.
func (r *recordingNotifier) to(email string) []badges.Notification {
	return slices.DeleteFunc(r.all(), func(n badges.Notification) bool { return n.To != email })
}

// lastLink is the link of the latest notification, or "".
func (r *recordingNotifier) lastLink() string {
	all := r.all()
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1].Data["link"]
}

// byKey counts the notifications queued per key.
func (r *recordingNotifier) byKey() map[string]int {
	out := map[string]int{}
	for _, n := range r.all() {
		out[n.Key]++
	}
	return out
}
