package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// RecordDeliveries changes each delivery of a worker's batch, requeues
// those still pending (a retry, rare) in entries of their own, then
// takes the recorded ones out of their batches with one write a batch
// and removes the entries of their own of those done with one bulk
// write. A delivery whose change fails is left as it was, and queued; the
// others are still recorded and the errors are returned joined.
func (s *WebhookStore) RecordDeliveries(ctx context.Context, qs []badges.QueuedDelivery, change func(*badges.WebhookDelivery) error) error {
	var done, recorded []badges.QueuedDelivery
	var errs []error
	for _, q := range qs {
		d, err := s.changeDelivery(ctx, q.ID, change)
		if err == nil && !d.Done() {
			err = s.requeue(ctx, d)
		}
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("delivery %s: %w", q.ID, err))
		case batched(q):
			recorded = append(recorded, q)
		case d.Done():
			done = append(done, q)
		}
	}
	return errors.Join(append(errs, s.unbatch(ctx, recorded), s.dequeueDone(ctx, done))...)
}

// dequeueDone removes the queue entries of deliveries done with one bulk
// write of deletes, each by its exact _id: the engine reads a document by
// _id for each, where a deleteMany with $in would read the whole queue,
// and the write costs one request instead of one a delivery.
//
// A request may send one of the deliveries again meanwhile (Redeliver):
// it makes the delivery pending, then moves or inserts its entry. On
// MongoDB each delete holds only while the entry is still due when the
// worker read it, which a redelivery moves. The embedded engine ignores
// the condition (see Guarded), and the entries' locks cannot be held all
// at once, so the deliveries are looked at again after the write (in the
// engine's cache): one made pending before that look is queued again
// here; one made pending after it is queued by its request, after the
// write.
func (s *WebhookStore) dequeueDone(ctx context.Context, qs []badges.QueuedDelivery) error {
	if len(qs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(qs))
	for i, q := range qs {
		models[i] = mongo.NewDeleteOneModel().SetFilter(s.db.Guarded(q.ID, bson.E{Key: "due", Value: q.Due.UTC()}))
	}
	_, err := s.db.Collection(database.WebhookQueue).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return database.Wrap(err, "dequeue deliveries")
	}
	var errs []error
	for _, q := range qs {
		d, err := s.Delivery(ctx, q.ID)
		if err == nil && !d.Done() {
			err = s.requeue(ctx, d)
		}
		if err != nil && badges.ErrorCode(err) != badges.ENOTFOUND {
			errs = append(errs, fmt.Errorf("delivery %s: %w", q.ID, err))
		}
	}
	return errors.Join(errs...)
}
