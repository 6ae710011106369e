package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// RecordDeliveries changes each delivery of a worker's batch, requeues
// those still pending (a retry, rare), then removes the queue entries of
// those done with one bulk write. A delivery whose change fails is left
// as it was; the others are still recorded and the errors are returned
// joined.
func (s *WebhookStore) RecordDeliveries(ctx context.Context, qs []badges.QueuedDelivery, change func(*badges.WebhookDelivery) error) error {
	var done []badges.QueuedDelivery
	var errs []error
	for _, q := range qs {
		d, err := s.changeDelivery(ctx, q.ID, change)
		if err == nil && !d.Done() {
			err = s.requeue(ctx, d)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("delivery %s: %w", q.ID, err))
			continue
		}
		if d.Done() {
			done = append(done, q)
		}
	}
	return errors.Join(append(errs, s.dequeueDone(ctx, done))...)
}

// dequeueDone removes the queue entries of deliveries done, each by its
// exact _id, unless a request sent the delivery again meanwhile
// (Redeliver): on MongoDB the delete holds only while the entry is still
// due when the worker read it, which a redelivery moves; on the embedded
// engine the entry's lock is held across a look at the delivery (in the
// engine's cache) and the delete. A bulk write of the deletes would need
// every entry's lock at once, and the locks are striped.
func (s *WebhookStore) dequeueDone(ctx context.Context, qs []badges.QueuedDelivery) error {
	c := s.db.Collection(database.WebhookQueue)
	for _, q := range qs {
		if err := s.dequeueIfDone(ctx, c, q); err != nil {
			return err
		}
	}
	return nil
}

func (s *WebhookStore) dequeueIfDone(ctx context.Context, c *mongo.Collection, q badges.QueuedDelivery) error {
	defer s.db.LockDoc(database.WebhookQueue, q.ID)()
	if d, err := s.Delivery(ctx, q.ID); err == nil && !d.Done() {
		return nil
	}
	_, err := c.DeleteOne(ctx, s.db.Guarded(q.ID, bson.E{Key: "due", Value: q.Due.UTC()}))
	return database.Wrap(err, "dequeue delivery")
}
