// Package eventtest records the events a test causes: the one recording
// badges.EventPublisher of the tests of every package.
package eventtest

import (
	"context"
	"slices"
	"sync"

	"github.com/laurel-badges/laurel/badges"
)

// Recorder keeps every call to Publish; Fail, when set, makes the calls
// fail (and records nothing).
type Recorder struct {
	mu    sync.Mutex
	calls [][]badges.CommunityEvent
	Fail  error
}

var _ badges.EventPublisher = (*Recorder)(nil)

// Publish records one call.
func (r *Recorder) Publish(_ context.Context, events ...badges.CommunityEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Fail != nil {
		return r.Fail
	}
	r.calls = append(r.calls, slices.Clone(events))
	return nil
}

// Calls is how many times Publish recorded events.
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

// Events lists every event published, in order.
func (r *Recorder) Events() []badges.CommunityEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []badges.CommunityEvent
	for _, c := range r.calls {
		out = append(out, c...)
	}
	return out
}

// OfType lists the events of type t published, in order.
func (r *Recorder) OfType(t badges.EventType) []badges.CommunityEvent {
	return slices.DeleteFunc(r.Events(), func(e badges.CommunityEvent) bool { return e.Type != t })
}

// IDs lists the ids of the events of type t published, in order.
func (r *Recorder) IDs(t badges.EventType) []string {
	var out []string
	for _, e := range r.OfType(t) {
		out = append(out, e.ID)
	}
	return out
}

// Reset forgets what was recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = nil
}

// Batches lists, per call that published events of type t, how many it
// published.
func (r *Recorder) Batches(t badges.EventType) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, c := range r.calls {
		n := 0
		for _, e := range c {
			if e.Type == t {
				n++
			}
		}
		if n > 0 {
			out = append(out, n)
		}
	}
	return out
}
