package badges

import (
	"context"
	"time"
)

const (
	// sweepEvery is how often the worker removes what deleted endpoints
	// leave: their delivery logs, unreadable once they are gone.
	sweepEvery = 10 * time.Minute
	// maxSweep bounds the documents one sweep removes, so that deliveries
	// wait little for it.
	maxSweep = 500
	// deletedGrace is how long a deleted endpoint's leavings are let be:
	// a fan-out or a worker busy with it when it was deleted is done by
	// then.
	deletedGrace = endpointLease
)

// Sweep removes, in one bounded batch, the delivery lists, deliveries and
// queue entries that endpoints deleted more than deletedGrace ago leave,
// and reports whether more is left.
func (w *Webhooks) Sweep(ctx context.Context) (more bool, err error) {
	return w.Store.SweepDeleted(ctx, w.now().Add(-deletedGrace), maxSweep)
}

// sweeper runs Sweep from the worker's loop: every sweepEvery, and again
// at once while more is left.
type sweeper struct{ last time.Time }

func (s *sweeper) maybe(ctx context.Context, w *Webhooks) {
	now := w.now()
	if !s.last.IsZero() && now.Sub(s.last) < sweepEvery {
		return
	}
	more, err := w.Sweep(ctx)
	if err != nil && ctx.Err() == nil {
		w.report(Notice{Doing: "removing deleted endpoints' deliveries", Err: err})
	}
	if !more {
		s.last = now
	}
}
