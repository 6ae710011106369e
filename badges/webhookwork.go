package badges

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

const (
	// fanOutWrites is how many of Publish's writes one fan-out handles:
	// each holds up to a bulk award's batch of events.
	fanOutWrites = 10
	// maxFanOuts bounds the fan-outs of one drain, so that deliveries are
	// made while a large backlog of events waits.
	maxFanOuts = 10
	// maxDeliveryDrain bounds the deliveries one drain reads, so that the
	// worker comes back between long runs of work. The embedded engine
	// reads the whole queue to find the due ones (a fan-out's deliveries
	// are queued 50 to a document), so a large bound reads a backlog fewer
	// times: 10,000 deliveries went out at 270 a second with 1,000, at
	// 320-410 with 5,000, when each had a document of its own.
	maxDeliveryDrain = 5000
	// endpointLease is how long a worker holds an endpoint's deliveries:
	// a crash while sending leaves them to another worker after it. It
	// outlasts a drain's sends to one endpoint (a failure ends them).
	endpointLease = 5 * time.Minute
	// hookRecordTimeout bounds the record of an attempt made while the worker
	// shuts down, so that a restart does not send it again.
	hookRecordTimeout = 30 * time.Second
)

// Run fans published events out to endpoints and delivers due
// deliveries until ctx ends: at once when Publish queues events, and
// every interval otherwise (retries fall due with time). Between drains
// it sweeps what deleted endpoints leave, every sweepEvery.
func (w *Webhooks) Run(ctx context.Context, interval time.Duration) {
	w.once.Do(w.init)
	t := time.NewTicker(interval)
	defer t.Stop()
	var sw sweeper
	for {
		n, err := w.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			w.report(Notice{Doing: "delivering webhooks", Err: err})
		}
		sw.maybe(ctx, w)
		if n >= maxDeliveryDrain {
			w.signal() // more may be due: go on after a look at ctx
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

func (w *Webhooks) signal() {
	w.once.Do(w.init)
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *Webhooks) report(n Notice) {
	if w.Report != nil {
		w.Report(n)
	}
}

// Drain fans queued events out, then makes one attempt of each delivery
// due now (at most maxDeliveryDrain), and returns how many it tried.
// Without a Sender, deliveries stay queued.
func (w *Webhooks) Drain(ctx context.Context) (int, error) {
	var errs []error
	for range maxFanOuts {
		n, err := w.fanOut(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		if n == 0 || err != nil {
			break
		}
	}
	if w.Sender == nil {
		return 0, errors.Join(errs...)
	}
	due, err := w.Store.DueDeliveries(ctx, w.now(), maxDeliveryDrain)
	if err != nil || len(due) == 0 {
		return 0, errors.Join(append(errs, err)...)
	}
	return len(due), errors.Join(append(errs, w.deliverAll(ctx, due))...)
}

// fanOut makes the deliveries of the events of up to fanOutWrites of
// Publish's writes, one per endpoint that asked for the event's type,
// then takes the events out of the queue. The events of a write with an
// event that could not be described stay queued, and are fanned out again
// next time: the deliveries made already are made once.
func (w *Webhooks) fanOut(ctx context.Context) (int, error) {
	qs, err := w.Store.QueuedEvents(ctx, fanOutWrites)
	if err != nil || len(qs) == 0 {
		return 0, err
	}
	endpoints := map[string][]*StoredEndpoint{}
	var ds []*WebhookDelivery
	var keys []string
	failed := map[string]bool{}
	var errs []error
	now := w.now()
	for _, q := range qs {
		eps, ok := endpoints[q.IssuerID]
		if !ok {
			if eps, err = w.Store.EndpointsOf(ctx, q.IssuerID); err != nil {
				return 0, err
			}
			endpoints[q.IssuerID] = eps
		}
		made, err := w.deliveriesOf(ctx, q.CommunityEvent, eps, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("event %s: %w", q.ID, err))
			failed[q.Key] = true
			continue
		}
		ds = append(ds, made...)
		if !slices.Contains(keys, q.Key) {
			keys = append(keys, q.Key)
		}
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return failed[k] })
	if err := w.Store.AddDeliveries(ctx, ds, keys); err != nil {
		return 0, err
	}
	return len(qs), errors.Join(errs...)
}

// deliveriesOf makes an event's deliveries to the endpoints that asked
// for it, describing it once.
func (w *Webhooks) deliveriesOf(ctx context.Context, ev CommunityEvent, eps []*StoredEndpoint, now time.Time) ([]*WebhookDelivery, error) {
	var p *EventPayload
	var out []*WebhookDelivery
	for _, e := range eps {
		if !e.wants(ev.Type) {
			continue
		}
		if p == nil {
			var err error
			if p, err = w.describe(ctx, ev); err != nil {
				return nil, err
			}
		}
		d, err := w.deliveryFor(ctx, e, ev, p, now)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// wants reports whether an enabled endpoint asked for events of type t.
func (e *StoredEndpoint) wants(t EventType) bool {
	if e.State != EndpointEnabled {
		return false
	}
	if t == EventSpotlightWeekly {
		return e.Spotlight && e.Kind.Chat()
	}
	return slices.Contains(e.Events, t)
}

// deliveryFor makes the delivery of a described event to an endpoint: the
// event's JSON for a webhook, the formatter's words for a chat channel
// (skipped when it has nothing to say).
func (w *Webhooks) deliveryFor(ctx context.Context, e *StoredEndpoint, ev CommunityEvent, p *EventPayload, now time.Time) (*WebhookDelivery, error) {
	d := &WebhookDelivery{ID: DeliveryID(e.ID, ev.ID), IssuerID: e.IssuerID, EndpointID: e.ID, EventID: ev.ID, EventType: ev.Type,
		State: DeliveryPending, NextAttemptAt: now, CreatedAt: now}
	var err error
	if e.Kind == EndpointWebhook {
		d.Payload, err = json.Marshal(p)
		d.MediaType = "application/json"
		return d, err
	}
	d.Payload, d.MediaType, err = w.Formatter.Format(ctx, &e.Endpoint, p)
	if errors.Is(err, ErrSkipEvent) {
		d.State, d.Payload, err = DeliverySkipped, nil, nil
	}
	return d, err
}

// deliverAll delivers due deliveries, each endpoint's in order by one
// worker, Workers endpoints at a time. A delivery queued twice (in a
// batch, and again when its event was published again) is sent from its
// first entry; the second waits for the next drain, which finds it done
// and drops it: a batch's attempts are recorded after it is sent.
func (w *Webhooks) deliverAll(ctx context.Context, due []QueuedDelivery) error {
	var order []string
	by := map[string][]QueuedDelivery{}
	seen := make(map[string]bool, len(due))
	for _, q := range due {
		if seen[q.ID] {
			continue
		}
		seen[q.ID] = true
		if _, ok := by[q.EndpointID]; !ok {
			order = append(order, q.EndpointID)
		}
		by[q.EndpointID] = append(by[q.EndpointID], q)
	}
	workers := w.Workers
	if workers <= 0 {
		workers = 4
	}
	next := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(workers, len(order)) {
		wg.Go(func() {
			for id := range next {
				if err := w.deliverEndpoint(ctx, id, by[id]); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("endpoint %s: %w", id, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range order {
		if ctx.Err() != nil {
			break
		}
		next <- id
	}
	close(next)
	wg.Wait()
	return errors.Join(append(errs, ctx.Err())...)
}
