package badges

import (
	"context"
	"errors"
)

// recordBatch is how many deliveries to one endpoint are sent before
// their attempts are recorded together: a crash resends at most that
// many, and the store removes their queue entries together.
const recordBatch = 50

// deliverEndpoint sends one endpoint's due deliveries, oldest first, under
// a lease that keeps other workers from them. The first failure ends the
// run: the endpoint is likely down, and the others wait for the next
// drain rather than each costing it a request and an attempt now.
//
// Sending and recording overlap: while one batch's attempts are recorded,
// the next batch is sent, on a copy of the endpoint (recording follows
// its health on its own). The database and the receiver are waited for
// at once, and a crash resends at most two batches.
func (w *Webhooks) deliverEndpoint(ctx context.Context, endpointID string, due []QueuedDelivery) error {
	now := w.now()
	ok, err := w.Store.LeaseEndpoint(ctx, endpointID, now, now.Add(endpointLease))
	if err != nil || !ok {
		return err
	}
	defer func() { _ = w.Store.ReleaseEndpoint(context.WithoutCancel(ctx), endpointID) }()
	e, err := w.Store.Endpoint(ctx, endpointID)
	if ErrorCode(err) == ENOTFOUND || err == nil && e.State != EndpointEnabled {
		return w.dropAll(ctx, due)
	}
	if err != nil {
		return err
	}
	sent := make(chan sentBatch, 1)
	stop := make(chan struct{})
	go w.sendBatches(ctx, *e, due, sent, stop)
	var errs []error
	stopped := false
	for b := range sent {
		err := w.recordBatch(ctx, e, b)
		errs = append(errs, err)
		if !stopped && (err != nil || e.State != EndpointEnabled) {
			close(stop) // what was sent already is still recorded
			stopped = true
		}
	}
	return errors.Join(errs...)
}

// sentBatch is a batch of an endpoint's deliveries sent, with their
// attempts in order, and the failure that ended the run, if one did.
type sentBatch struct {
	sent     []QueuedDelivery // to record: those attempted, and those with nothing to send
	attempts map[string]DeliveryAttempt
	order    []DeliveryAttempt
	failed   bool
	err      error
}

// sendBatches sends an endpoint's deliveries batch by batch into out
// until one fails, ctx ends or stop is closed, then closes out.
func (w *Webhooks) sendBatches(ctx context.Context, e StoredEndpoint, due []QueuedDelivery, out chan<- sentBatch, stop <-chan struct{}) {
	defer close(out)
	for start := 0; start < len(due); start += recordBatch {
		select {
		case <-stop:
			return
		default:
		}
		b := w.sendBatch(ctx, &e, due[start:min(start+recordBatch, len(due))])
		out <- b
		if b.failed || b.err != nil || ctx.Err() != nil {
			return
		}
	}
}

// sendBatch sends a batch of an endpoint's deliveries in order until one
// fails.
func (w *Webhooks) sendBatch(ctx context.Context, e *StoredEndpoint, batch []QueuedDelivery) sentBatch {
	b := sentBatch{attempts: map[string]DeliveryAttempt{}}
	for _, q := range batch {
		if ctx.Err() != nil {
			break // shutting down: the rest are tried again after the lease
		}
		d, record, err := w.queued(ctx, q)
		if err != nil {
			b.failed, b.err = true, err
			return b
		}
		if d == nil {
			if record {
				b.sent = append(b.sent, q) // nothing to send: its entry goes
			}
			continue
		}
		a := w.attempt(ctx, e, d)
		if ctx.Err() != nil && !a.Succeeded() {
			break // cut short by the shutdown: tried again after the lease
		}
		b.attempts[q.ID], b.sent, b.order = a, append(b.sent, q), append(b.order, a)
		if b.failed = !a.Succeeded(); b.failed {
			break
		}
	}
	return b
}

// recordBatch records a sent batch's attempts together, then follows the
// endpoint's health.
func (w *Webhooks) recordBatch(ctx context.Context, e *StoredEndpoint, b sentBatch) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookRecordTimeout)
	defer cancel()
	defer w.writing()()
	err := w.Store.RecordDeliveries(rctx, b.sent, func(d *WebhookDelivery) error {
		if a, ok := b.attempts[d.ID]; ok {
			w.record(d, a)
		}
		return nil
	})
	for _, a := range b.order {
		reason, herr := w.endpointHealth(rctx, e, a)
		if herr == nil && reason != "" {
			herr = w.tellOwners(rctx, e, reason)
		}
		err = errors.Join(err, herr)
	}
	return errors.Join(err, b.err, ctx.Err())
}

// queued is the delivery a queue entry asks to send, nil when there is
// none to send: its delivery is gone (the entry is dropped), or skipped,
// or done and not replayed (an entry a crash left between the record and
// its removal: record says to record it, which removes the entry). An
// entry carries its delivery's body, so that the worker reads no more
// than the queue; a replay's entry does not, and the delivery is read.
func (w *Webhooks) queued(ctx context.Context, q QueuedDelivery) (d *WebhookDelivery, record bool, err error) {
	if q.Payload != nil && !q.Again {
		return &WebhookDelivery{ID: q.ID, EndpointID: q.EndpointID, Payload: q.Payload, MediaType: q.MediaType}, true, nil
	}
	d, err = w.Store.Delivery(ctx, q.ID)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return nil, false, w.Store.DropQueued(ctx, q)
	case err != nil:
		return nil, false, err
	case d.State == DeliverySkipped || d.Done() && !q.Again:
		return nil, true, nil
	}
	return d, true, nil
}

// dropAll gives up the queued deliveries of an endpoint deleted or
// disabled while they waited, then drops their entries (one shared with
// others is not removed by the update of its delivery).
func (w *Webhooks) dropAll(ctx context.Context, due []QueuedDelivery) error {
	var errs []error
	for _, q := range due {
		_, err := w.Store.UpdateDelivery(ctx, q.ID, func(d *WebhookDelivery) error {
			if d.State == DeliveryPending {
				d.State = DeliveryFailed
				d.Log = append(d.Log, DeliveryAttempt{At: w.now(), Detail: errEndpointGone.Error()})
			}
			return nil
		})
		if err == nil || ErrorCode(err) == ENOTFOUND {
			err = w.Store.DropQueued(ctx, q)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
