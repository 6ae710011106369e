package mongodb

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// The delivery queue, webhookqueue, holds the deliveries not yet done, in
// small plain documents the worker reads with a filter on their due time:
//
//   - "batch:<first delivery id>": up to queueBatch deliveries to one
//     endpoint made by one fan-out, each with its body, in order. The
//     worker removes the entries it recorded with one write, and the
//     document with the last: a backlog of 10,000 deliveries is 200
//     documents to read and remove rather than 10,000, which the embedded
//     engine reads, sorts and deletes one by one. Only the worker holding
//     the endpoint's lease changes one; a retry leaves it for an entry of
//     its own.
//   - "<delivery id>": one delivery, queued again by a retry, a
//     redelivery or a replay; due at its next attempt.
//
// A batch's id follows from its first delivery, so that a fan-out made
// again after a crash queues the same batch once.
const queueBatch = 50

type hookQueueRecord struct {
	ID        string          `bson:"_id"`
	Endpoint  string          `bson:"endpoint"`
	Due       time.Time       `bson:"due"`
	Created   time.Time       `bson:"created"`
	Seq       int64           `bson:"seq"`
	Again     bool            `bson:"again,omitempty"`
	Payload   []byte          `bson:"payload,omitempty"`
	MediaType string          `bson:"mediaType,omitempty"`
	Batch     []batchedRecord `bson:"batch,omitempty"`
}

type batchedRecord struct {
	ID        string    `bson:"id"`
	Created   time.Time `bson:"created"`
	Payload   []byte    `bson:"payload,omitempty"`
	MediaType string    `bson:"mediaType,omitempty"`
}

// queueEntry is the entry of its own of a pending delivery, with its body.
func queueEntry(d *badges.WebhookDelivery, seq int64) hookQueueRecord {
	return hookQueueRecord{ID: d.ID, Endpoint: d.EndpointID, Due: d.NextAttemptAt.UTC(), Created: d.CreatedAt.UTC(), Seq: seq,
		Payload: d.Payload, MediaType: d.MediaType}
}

// queueDeliveries queues the pending deliveries of ds with one unordered
// insert: those new (stored is false) in batches of each endpoint's, and
// those stored before (an event published again, or fanned out again
// after a crash) in entries of their own without their bodies, so that
// the worker reads the delivery and sends it only if it is still
// pending: it may be queued already, in a batch ahead of the entry. A
// batch or an entry queued before stays as it is.
func (s *WebhookStore) queueDeliveries(ctx context.Context, ds []*badges.WebhookDelivery, stored []bool) error {
	var order []string
	by := map[string][]*badges.WebhookDelivery{}
	seen := map[string]bool{}
	var docs []any
	for i, d := range ds {
		if d.Done() || seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		if stored[i] {
			docs = append(docs, hookQueueRecord{ID: d.ID, Endpoint: d.EndpointID, Due: d.NextAttemptAt.UTC(), Created: s.db.Now().UTC(),
				Seq: s.seq.Add(1)})
			continue
		}
		if _, ok := by[d.EndpointID]; !ok {
			order = append(order, d.EndpointID)
		}
		by[d.EndpointID] = append(by[d.EndpointID], d)
	}
	for _, endpointID := range order {
		for batch := range slices.Chunk(by[endpointID], queueBatch) {
			docs = append(docs, s.batchOf(endpointID, batch))
		}
	}
	_, err := database.InsertNew(ctx, s.db.Collection(database.WebhookQueue), docs, "queue deliveries")
	return err
}

// batchOf is the queue entry of a batch of an endpoint's new deliveries,
// due when its first is.
func (s *WebhookStore) batchOf(endpointID string, batch []*badges.WebhookDelivery) hookQueueRecord {
	first := batch[0]
	r := hookQueueRecord{ID: "batch:" + first.ID, Endpoint: endpointID, Due: first.NextAttemptAt.UTC(),
		Created: first.CreatedAt.UTC(), Seq: s.seq.Add(1)}
	for _, d := range batch {
		r.Batch = append(r.Batch, batchedRecord{ID: d.ID, Created: d.CreatedAt.UTC(), Payload: d.Payload, MediaType: d.MediaType})
		r.Due = minTime(r.Due, d.NextAttemptAt.UTC())
	}
	return r
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// DueDeliveries reads the queue, which holds only deliveries not yet
// done, oldest first: at most limit documents, of which the first limit
// deliveries are returned. The entries of a batch left out stay queued.
func (s *WebhookStore) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]badges.QueuedDelivery, error) {
	filter := bson.D{{Key: "due", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}}
	rs, err := database.FindAll[hookQueueRecord](ctx, s.db.Collection(database.WebhookQueue), filter, "read delivery queue",
		options.Find().SetSort(bson.D{{Key: "created", Value: 1}, {Key: "seq", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var out []badges.QueuedDelivery
	for _, r := range rs {
		if r.Batch == nil {
			out = append(out, badges.QueuedDelivery{ID: r.ID, EndpointID: r.Endpoint, CreatedAt: r.Created, Due: r.Due, Again: r.Again,
				Payload: r.Payload, MediaType: r.MediaType})
			continue
		}
		for _, b := range r.Batch {
			out = append(out, badges.QueuedDelivery{ID: b.ID, EndpointID: r.Endpoint, CreatedAt: b.Created, Due: r.Due,
				Payload: b.Payload, MediaType: b.MediaType, Queue: r.ID})
		}
	}
	return out[:min(limit, len(out))], nil
}

// batched reports whether a queued delivery is an entry of a batch.
func batched(q badges.QueuedDelivery) bool { return q.Queue != "" && q.Queue != q.ID }

// unbatch takes recorded deliveries out of their batches, with one read
// and one write a batch: the batch is removed with its last entry.
func (s *WebhookStore) unbatch(ctx context.Context, qs []badges.QueuedDelivery) error {
	var order []string
	gone := map[string]map[string]bool{}
	for _, q := range qs {
		if gone[q.Queue] == nil {
			order = append(order, q.Queue)
			gone[q.Queue] = map[string]bool{}
		}
		gone[q.Queue][q.ID] = true
	}
	for _, id := range order {
		if err := s.unbatchOne(ctx, id, gone[id]); err != nil {
			return err
		}
	}
	return nil
}

func (s *WebhookStore) unbatchOne(ctx context.Context, id string, gone map[string]bool) error {
	c := s.db.Collection(database.WebhookQueue)
	defer s.db.LockDoc(database.WebhookQueue, id)()
	var r hookQueueRecord
	err := c.FindOne(ctx, database.ByID(id)).Decode(&r)
	if database.IsNoDocuments(err) {
		return nil
	}
	if err != nil {
		return database.Wrap(err, "dequeue deliveries")
	}
	left := slices.DeleteFunc(r.Batch, func(b batchedRecord) bool { return gone[b.ID] })
	if len(left) == 0 {
		_, err = c.DeleteOne(ctx, database.ByID(id))
	} else {
		_, err = c.UpdateOne(ctx, database.ByID(id), bson.D{{Key: "$set", Value: bson.D{{Key: "batch", Value: left}}}})
	}
	return database.Wrap(err, "dequeue deliveries")
}

// requeue keeps a delivery's entry of its own in step with it.
func (s *WebhookStore) requeue(ctx context.Context, d *badges.WebhookDelivery) error {
	c := s.db.Collection(database.WebhookQueue)
	defer s.db.LockDoc(database.WebhookQueue, d.ID)()
	if d.Done() {
		_, err := c.DeleteOne(ctx, database.ByID(d.ID))
		return database.Wrap(err, "dequeue delivery")
	}
	res, err := c.UpdateOne(ctx, database.ByID(d.ID), bson.D{{Key: "$set", Value: bson.D{
		{Key: "due", Value: d.NextAttemptAt.UTC()}, {Key: "again", Value: false}}}})
	if err != nil || res.MatchedCount > 0 {
		return database.Wrap(err, "queue delivery")
	}
	_, err = c.InsertOne(ctx, queueEntry(d, s.seq.Add(1)))
	return database.Wrap(err, "queue delivery")
}

// RequeueDeliveries queues deliveries again with one unordered insert;
// one queued already stays as it is.
func (s *WebhookStore) RequeueDeliveries(ctx context.Context, ds []badges.QueuedDelivery, now time.Time) error {
	docs := make([]any, len(ds))
	for i, d := range ds {
		docs[i] = hookQueueRecord{ID: d.ID, Endpoint: d.EndpointID, Due: now.UTC(), Created: now.UTC(), Seq: s.seq.Add(1), Again: d.Again}
	}
	_, err := database.InsertNew(ctx, s.db.Collection(database.WebhookQueue), docs, "queue deliveries")
	return err
}

// DropQueued removes a delivery's queue entry.
func (s *WebhookStore) DropQueued(ctx context.Context, q badges.QueuedDelivery) error {
	if batched(q) {
		return s.unbatch(ctx, []badges.QueuedDelivery{q})
	}
	return s.deleteEach(ctx, database.WebhookQueue, []string{q.ID}, "dequeue delivery")
}
