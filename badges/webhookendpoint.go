package badges

import (
	"context"
	"errors"
)

// deliverEndpoint sends one endpoint's due deliveries, oldest first, under
// a lease that keeps other workers from them. The first failure ends the
// run: the endpoint is likely down, and the others wait for the next
// drain rather than each costing it a request and an attempt now.
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
	for _, q := range due {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failed, err := w.deliverOne(ctx, e, q)
		if err != nil || failed {
			return err
		}
	}
	return nil
}

// deliverOne makes one attempt of a queued delivery and records it, and
// reports whether it failed. A queue entry left behind by a delivery
// done (a crash between its record and its removal) is dropped, unless a
// replay queued it.
func (w *Webhooks) deliverOne(ctx context.Context, e *StoredEndpoint, q QueuedDelivery) (failed bool, err error) {
	d, err := w.Store.Delivery(ctx, q.ID)
	if ErrorCode(err) == ENOTFOUND {
		return false, w.Store.DropQueued(ctx, q.ID)
	}
	if err != nil {
		return false, err
	}
	if d.State == DeliverySkipped || d.Done() && !q.Again {
		_, err := w.Store.UpdateDelivery(ctx, q.ID, func(*WebhookDelivery) error { return nil })
		return false, err
	}
	a := w.attempt(ctx, e, d)
	if ctx.Err() != nil && !a.Succeeded() {
		return true, ctx.Err() // shutting down: the lease ends and it is tried again
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hookRecordTimeout)
	defer cancel()
	if _, err := w.Store.UpdateDelivery(rctx, q.ID, func(d *WebhookDelivery) error {
		w.record(d, a)
		return nil
	}); err != nil {
		return true, err
	}
	reason, err := w.endpointHealth(rctx, e, a)
	if err == nil && reason != "" {
		err = w.tellOwners(rctx, e, reason)
	}
	return !a.Succeeded(), err
}

// dropAll gives up the queued deliveries of an endpoint deleted or
// disabled while they waited.
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
		if ErrorCode(err) == ENOTFOUND {
			err = w.Store.DropQueued(ctx, q.ID)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
