package badges

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// DeliveryStore keeps the webhook outbox: the queue of events published
// and not yet fanned out, each delivery by id with its log, the queue of
// deliveries not yet done (small: entries leave when their delivery is
// done), each endpoint's deliveries in order, and the leases that keep
// one worker per endpoint.
type DeliveryStore interface {
	// AddEvents queues events with one write.
	AddEvents(ctx context.Context, events []CommunityEvent) error
	// QueuedEvents lists the events of up to limit writes of AddEvents,
	// oldest first.
	QueuedEvents(ctx context.Context, limit int) ([]QueuedEvent, error)
	// AddDeliveries stores new deliveries (one stored before, by id, stays
	// as it is), queues the pending ones, lists them under their
	// endpoints, then removes the events of keys from the event queue.
	// Storing a delivery is the idempotency guard of its event.
	AddDeliveries(ctx context.Context, ds []*WebhookDelivery, keys []string) error
	// Delivery reads one delivery (ENOTFOUND when there is none).
	Delivery(ctx context.Context, id string) (*WebhookDelivery, error)
	// DeliveriesOf is a page of an endpoint's deliveries, newest first.
	DeliveriesOf(ctx context.Context, endpointID string, o ListOptions) (*Page[*WebhookDelivery], error)
	// DeliveriesBetween lists the ids of an endpoint's deliveries created
	// in [from, to), oldest first, at most limit.
	DeliveriesBetween(ctx context.Context, endpointID string, from, to time.Time, limit int) ([]string, error)
	// DueDeliveries lists up to limit queued deliveries due at now,
	// oldest first.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]QueuedDelivery, error)
	// LeaseEndpoint keeps an endpoint's deliveries from other workers
	// until until, unless another holds them at now; Release ends it.
	LeaseEndpoint(ctx context.Context, endpointID string, now, until time.Time) (bool, error)
	ReleaseEndpoint(ctx context.Context, endpointID string) error
	// UpdateDelivery changes a delivery with change (which may run more
	// than once) and keeps its queue entry in step: due at NextAttemptAt
	// while pending, gone once done.
	UpdateDelivery(ctx context.Context, id string, change func(d *WebhookDelivery) error) (*WebhookDelivery, error)
	// RecordDeliveries is UpdateDelivery for a worker's batch of queued
	// deliveries: the store may remove the queue entries of those done
	// together. A delivery whose change fails is left as it was.
	RecordDeliveries(ctx context.Context, qs []QueuedDelivery, change func(d *WebhookDelivery) error) error
	// RequeueDeliveries queues deliveries again, due at now, with one
	// write; the worker starts each one's attempts afresh.
	RequeueDeliveries(ctx context.Context, ds []QueuedDelivery, now time.Time) error
	// DropQueued removes a queue entry whose delivery is gone or given up.
	DropQueued(ctx context.Context, q QueuedDelivery) error
	// SweepDeleted removes, in batches of about limit documents, what the
	// endpoints deleted before before leave: their delivery lists, their
	// deliveries and those deliveries' queue entries. It reports whether
	// more is left.
	SweepDeleted(ctx context.Context, before time.Time, limit int) (more bool, err error)
}

// QueuedEvent is an event waiting to be fanned out; Key names the write
// that queued it, with others.
type QueuedEvent struct {
	Key string
	CommunityEvent
}

// QueuedDelivery is a delivery's entry in the queue of those due, with
// what the worker needs to send it.
type QueuedDelivery struct {
	ID         string
	EndpointID string
	CreatedAt  time.Time
	Due        time.Time
	Payload    []byte // nil in an entry a replay queued: read from the delivery
	MediaType  string
	// Again marks an entry a replay queued for a delivery done before.
	Again bool
	// Queue names the queue entry that holds it with others of its
	// endpoint's, made together; "" when the entry is its own.
	Queue string
}

// WebhookSender POSTs a delivery to its endpoint. An error is a failure
// with no answer (refused, unreachable, timed out); an answer of any
// status is a WebhookAnswer.
type WebhookSender interface {
	Post(ctx context.Context, url string, body []byte, mediaType string, headers map[string]string) (*WebhookAnswer, error)
}

// WebhookAnswer is what an endpoint answered.
type WebhookAnswer struct {
	Status int
	Body   string // the first MaxAnswerDetail bytes
}

// MaxAnswerDetail bounds what a delivery's log keeps of an answer.
const MaxAnswerDetail = 1024

// DeliveryID is the id of the delivery of an event to an endpoint, its
// webhook-id: the same event is delivered once to each endpoint, however
// often it was published.
func DeliveryID(endpointID, eventID string) string {
	sum := sha256.Sum256([]byte(endpointID + "\x00" + eventID))
	return "msg_" + hex.EncodeToString(sum[:16])
}

// maxEventID bounds an event's idempotency key.
const maxEventID = 300

// Publish queues events for delivery with one write, then wakes the
// worker: the request that causes them waits for nothing else, however
// many endpoints hear of them. An event published before (the same ID in
// its community) is delivered once to each endpoint: its delivery's id
// is derived from the two.
func (w *Webhooks) Publish(ctx context.Context, events ...CommunityEvent) error {
	qs := make([]CommunityEvent, 0, len(events))
	type key struct{ issuer, id string }
	seen := make(map[key]bool, len(events))
	for _, e := range events {
		if err := checkEvent(e); err != nil {
			return err
		}
		if k := (key{e.IssuerID, e.ID}); !seen[k] {
			seen[k] = true
			if e.At.IsZero() {
				e.At = w.now()
			}
			qs = append(qs, e)
		}
	}
	if len(qs) == 0 {
		return nil
	}
	if err := w.Store.AddEvents(ctx, qs); err != nil {
		return err
	}
	w.signal()
	return nil
}

func checkEvent(e CommunityEvent) error {
	switch {
	case e.ID == "" || len(e.ID) > maxEventID:
		return FieldErrorf("id", "An event's id is required and has at most %d characters.", maxEventID)
	case e.IssuerID == "":
		return FieldErrorf("issuerId", "An event's issuerId is required.")
	case !e.Type.Known() && e.Type != EventSpotlightWeekly:
		return FieldErrorf("type", "The event type %q is not a kind of event.", truncateForMessage(string(e.Type)))
	}
	return nil
}

// Deliveries is a page of an endpoint's deliveries, newest first.
func (w *Webhooks) Deliveries(ctx context.Context, issuerID, endpointID string, o ListOptions) (*Page[*WebhookDelivery], error) {
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	if _, err := w.endpoint(ctx, issuerID, endpointID); err != nil {
		return nil, err
	}
	return w.Store.DeliveriesOf(ctx, endpointID, o)
}

// Delivery reads one of a community's deliveries.
func (w *Webhooks) Delivery(ctx context.Context, issuerID, id string) (*WebhookDelivery, error) {
	d, err := w.Store.Delivery(ctx, id)
	if err == nil && d.IssuerID != issuerID {
		err = errNoDelivery(id)
	}
	return d, err
}

func errNoDelivery(id string) error { return Errorf(ENOTFOUND, "No delivery with id %q.", id) }

// Redeliver sends a delivery again, whatever became of it, under the same
// webhook-id, with a fresh set of attempts.
func (w *Webhooks) Redeliver(ctx context.Context, issuerID, id string) (*WebhookDelivery, error) {
	d, err := w.Delivery(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	if _, err := w.enabledEndpoint(ctx, issuerID, d.EndpointID); err != nil {
		return nil, err
	}
	now := w.now()
	d, err = w.Store.UpdateDelivery(ctx, id, func(d *WebhookDelivery) error {
		if d.State == DeliverySkipped {
			return Errorf(ECONFLICT, "Delivery %s was skipped: its endpoint announces nothing of this event.", d.ID)
		}
		d.State, d.Attempts, d.NextAttemptAt = DeliveryPending, 0, now
		return nil
	})
	if err == nil {
		w.signal()
	}
	return d, err
}

// maxReplay bounds the deliveries one Replay queues again.
const maxReplay = 10000

// Replay sends again an endpoint's deliveries created in [from, to), at
// most maxReplay of them, and says how many it queued. Skipped ones are
// counted, and dropped from the queue when their turn comes.
func (w *Webhooks) Replay(ctx context.Context, issuerID, endpointID string, from, to time.Time) (int, error) {
	if !to.After(from) {
		return 0, FieldErrorf("to", "The end of the range, to, must be after its start, from.")
	}
	if _, err := w.enabledEndpoint(ctx, issuerID, endpointID); err != nil {
		return 0, err
	}
	ids, err := w.Store.DeliveriesBetween(ctx, endpointID, from, to, maxReplay)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	now := w.now()
	qs := make([]QueuedDelivery, len(ids))
	for i, id := range ids {
		qs[i] = QueuedDelivery{ID: id, EndpointID: endpointID, Due: now, Again: true}
	}
	if err := w.Store.RequeueDeliveries(ctx, qs, now); err != nil {
		return 0, err
	}
	w.signal()
	return len(ids), nil
}

// enabledEndpoint reads an endpoint that is to receive deliveries.
func (w *Webhooks) enabledEndpoint(ctx context.Context, issuerID, id string) (*StoredEndpoint, error) {
	e, err := w.endpoint(ctx, issuerID, id)
	if err == nil && e.State != EndpointEnabled {
		err = Errorf(ECONFLICT, "Endpoint %s is disabled; enable it before sending to it.", id)
	}
	return e, err
}
