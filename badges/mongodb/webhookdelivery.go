package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// The webhook outbox:
//
//   - webhookevents "<event key>": an event published and not yet fanned
//     out, removed once its deliveries are made. Publishing is one insert.
//   - webhookdeliveries "<delivery id>": a delivery with its body and log
//     (computed, by exact _id), and each endpoint's list of deliveries,
//     newest first (see webhooklist.go).
//   - webhookqueue: the deliveries not yet done (see webhookqueue.go).
//   - webhookleases "<endpoint id>": the endpoint a worker is delivering
//     to, until when.
//
// The event queue, the delivery queue and the leases hold only work not
// yet done, so the worker may read them with a filter.

// eventBatch is one write of Publish: up to maxEventBatch events.
type eventBatch struct {
	ID      string        `bson:"_id"`
	Created time.Time     `bson:"created"`
	Seq     int64         `bson:"seq"`
	Events  []eventRecord `bson:"events"`
}

// maxEventBatch bounds the events of one document: a bulk award's
// batch of 10,000 is ten documents, written with one insert.
const maxEventBatch = 1000

type eventRecord struct {
	ID          string    `bson:"id"`
	Type        string    `bson:"type"`
	Issuer      string    `bson:"issuer"`
	At          time.Time `bson:"at"`
	Credential  string    `bson:"credential,omitempty"`
	Achievement string    `bson:"achievement,omitempty"`
	Member      string    `bson:"member,omitempty"`
	Actor       string    `bson:"actor,omitempty"`
	Nomination  string    `bson:"nomination,omitempty"`
	Measure     string    `bson:"measure,omitempty"`
	Outcome     string    `bson:"outcome,omitempty"`
	Reason      string    `bson:"reason,omitempty"`
}

type hookDeliveryRecord struct {
	Issuer      string          `bson:"issuer"`
	Endpoint    string          `bson:"endpoint"`
	EventID     string          `bson:"eventId"`
	EventType   string          `bson:"eventType"`
	State       string          `bson:"state"`
	Attempts    int             `bson:"attempts"`
	Next        time.Time       `bson:"next"`
	CreatedAt   time.Time       `bson:"createdAt"`
	DeliveredAt time.Time       `bson:"deliveredAt,omitempty"`
	Log         []attemptRecord `bson:"log,omitempty"`
	Payload     []byte          `bson:"payload,omitempty"`
	MediaType   string          `bson:"mediaType,omitempty"`
}

type attemptRecord struct {
	At       time.Time `bson:"at"`
	Status   int       `bson:"status,omitempty"`
	Detail   string    `bson:"detail,omitempty"`
	Duration int64     `bson:"ms"`
}

type leaseRecord struct {
	ID    string    `bson:"_id"`
	Until time.Time `bson:"until"`
}

func deliveryDoc(d *badges.WebhookDelivery) hookDeliveryRecord {
	r := hookDeliveryRecord{Issuer: d.IssuerID, Endpoint: d.EndpointID, EventID: d.EventID, EventType: string(d.EventType),
		State: string(d.State), Attempts: d.Attempts, Next: d.NextAttemptAt.UTC(), CreatedAt: d.CreatedAt.UTC(),
		DeliveredAt: d.DeliveredAt.UTC(), Payload: d.Payload, MediaType: d.MediaType}
	for _, a := range d.Log {
		r.Log = append(r.Log, attemptRecord{At: a.At.UTC(), Status: a.Status, Detail: a.Detail, Duration: a.Duration.Milliseconds()})
	}
	return r
}

func (r *hookDeliveryRecord) delivery(id string) *badges.WebhookDelivery {
	d := &badges.WebhookDelivery{ID: id, IssuerID: r.Issuer, EndpointID: r.Endpoint, EventID: r.EventID, EventType: badges.EventType(r.EventType),
		State: badges.DeliveryState(r.State), Attempts: r.Attempts, NextAttemptAt: r.Next, CreatedAt: r.CreatedAt,
		DeliveredAt: r.DeliveredAt, Payload: r.Payload, MediaType: r.MediaType}
	for _, a := range r.Log {
		d.Log = append(d.Log, badges.DeliveryAttempt{At: a.At, Status: a.Status, Detail: a.Detail, Duration: time.Duration(a.Duration) * time.Millisecond})
	}
	return d
}

func notFoundDelivery(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No delivery with id %q.", id)
}

// AddEvents queues events with one insert of a document per
// maxEventBatch events.
func (s *WebhookStore) AddEvents(ctx context.Context, events []badges.CommunityEvent) error {
	now := s.db.Now()
	var docs []any
	for start := 0; start < len(events); start += maxEventBatch {
		b := eventBatch{ID: badges.NewID(), Created: now, Seq: s.seq.Add(1)}
		for _, e := range events[start:min(start+maxEventBatch, len(events))] {
			b.Events = append(b.Events, eventRecord{ID: e.ID, Type: string(e.Type), Issuer: e.IssuerID, At: e.At.UTC(),
				Credential: e.Subject.CredentialID, Achievement: e.Subject.AchievementID, Member: e.Subject.MemberID, Actor: e.Subject.ActorID,
				Nomination: e.Subject.NominationID, Measure: e.Subject.MeasureID, Outcome: e.Subject.Outcome, Reason: e.Subject.Reason})
		}
		docs = append(docs, b)
	}
	_, err := s.db.Collection(database.WebhookEvents).InsertMany(ctx, docs)
	return database.Wrap(err, "queue events")
}

// QueuedEvents reads the event queue, oldest first.
func (s *WebhookStore) QueuedEvents(ctx context.Context, limit int) ([]badges.QueuedEvent, error) {
	bs, err := database.FindAll[eventBatch](ctx, s.db.Collection(database.WebhookEvents), bson.D{}, "read event queue",
		options.Find().SetSort(bson.D{{Key: "created", Value: 1}, {Key: "seq", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var out []badges.QueuedEvent
	for _, b := range bs {
		for _, r := range b.Events {
			out = append(out, badges.QueuedEvent{Key: b.ID, CommunityEvent: badges.CommunityEvent{ID: r.ID, Type: badges.EventType(r.Type),
				IssuerID: r.Issuer, At: r.At, Subject: badges.EventSubject{CredentialID: r.Credential, AchievementID: r.Achievement,
					MemberID: r.Member, ActorID: r.Actor, NominationID: r.Nomination, MeasureID: r.Measure, Outcome: r.Outcome, Reason: r.Reason}}})
		}
	}
	return out, nil
}

// AddDeliveries stores new deliveries with one insert, queues the pending
// ones in batches with another, lists them under their endpoints, then removes the
// events they were made from. A crash in between makes the same
// deliveries again from the events still queued: those stored already
// are queued (see queueDeliveries) and listed if they are not yet.
func (s *WebhookStore) AddDeliveries(ctx context.Context, ds []*badges.WebhookDelivery, keys []string) error {
	ids, docs := make([]string, len(ds)), make([]hookDeliveryRecord, len(ds))
	for i, d := range ds {
		ids[i], docs[i] = d.ID, deliveryDoc(d)
	}
	existing, err := database.InsertComputed(ctx, s.db, database.WebhookDeliveries, ids, docs)
	if err != nil {
		return err
	}
	stored := make([]bool, len(ds))
	for _, i := range existing {
		if ds[i], err = s.Delivery(ctx, ids[i]); err != nil {
			return err
		}
		stored[i] = true
	}
	if err := s.queueDeliveries(ctx, ds, stored); err != nil {
		return err
	}
	if err := s.listDeliveries(ctx, ds); err != nil {
		return err
	}
	return s.deleteEach(ctx, database.WebhookEvents, keys, "dequeue event")
}

// deleteEach removes documents one by exact _id at a time: the engine
// reads the whole collection for a deleteMany with $in (see
// MessageStore.dequeue).
func (s *WebhookStore) deleteEach(ctx context.Context, collection string, ids []string, doing string) error {
	c := s.db.Collection(collection)
	for _, id := range ids {
		unlock := s.db.LockDoc(collection, id)
		_, err := c.DeleteOne(ctx, database.ByID(id))
		unlock()
		if err != nil {
			return database.Wrap(err, doing)
		}
	}
	return nil
}

// Delivery reads one delivery.
func (s *WebhookStore) Delivery(ctx context.Context, id string) (*badges.WebhookDelivery, error) {
	r, found, err := database.ReadComputed[hookDeliveryRecord](ctx, s.db, database.WebhookDeliveries, id)
	switch {
	case err != nil:
		return nil, err
	case !found || r.Endpoint == "":
		return nil, notFoundDelivery(id)
	}
	return r.delivery(id), nil
}

// UpdateDelivery changes a delivery, then its queue entry: due at its
// next attempt while pending, removed once done. A crash in between
// leaves an entry the worker finds done and drops.
func (s *WebhookStore) UpdateDelivery(ctx context.Context, id string, change func(*badges.WebhookDelivery) error) (*badges.WebhookDelivery, error) {
	out, err := s.changeDelivery(ctx, id, change)
	if err != nil {
		return nil, err
	}
	return out, s.requeue(ctx, out)
}

func (s *WebhookStore) changeDelivery(ctx context.Context, id string, change func(*badges.WebhookDelivery) error) (*badges.WebhookDelivery, error) {
	var out *badges.WebhookDelivery
	err := database.Modify(ctx, s.db, database.WebhookDeliveries, id, func(r *hookDeliveryRecord, exists bool) error {
		if !exists || r.Endpoint == "" {
			return notFoundDelivery(id)
		}
		d := r.delivery(id)
		if err := change(d); err != nil {
			return err
		}
		*r, out = deliveryDoc(d), d
		return nil
	})
	return out, err
}

// LeaseEndpoint takes an endpoint's lease: a new lease document, or one
// whose time is up. On MongoDB the write repeats the check; on the
// embedded engine the document's lock makes it atomic.
func (s *WebhookStore) LeaseEndpoint(ctx context.Context, endpointID string, now, until time.Time) (bool, error) {
	c := s.db.Collection(database.WebhookLeases)
	defer s.db.LockDoc(database.WebhookLeases, endpointID)()
	_, err := c.InsertOne(ctx, leaseRecord{ID: endpointID, Until: until.UTC()})
	if err == nil || !database.IsDuplicate(err) {
		return err == nil, database.Wrap(err, "lease endpoint")
	}
	var r leaseRecord
	if err := c.FindOne(ctx, database.ByID(endpointID)).Decode(&r); err != nil {
		return false, database.Wrap(err, "lease endpoint")
	}
	if r.Until.After(now) {
		return false, nil
	}
	res, err := c.UpdateOne(ctx, s.db.Guarded(endpointID, bson.E{Key: "until", Value: r.Until}),
		bson.D{{Key: "$set", Value: bson.D{{Key: "until", Value: until.UTC()}}}})
	if err != nil {
		return false, database.Wrap(err, "lease endpoint")
	}
	return res.MatchedCount == 1, nil
}

// ReleaseEndpoint ends an endpoint's lease.
func (s *WebhookStore) ReleaseEndpoint(ctx context.Context, endpointID string) error {
	return s.deleteEach(ctx, database.WebhookLeases, []string{endpointID}, "release endpoint")
}
