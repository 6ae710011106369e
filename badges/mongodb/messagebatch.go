package mongodb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// A drain works in batches: it leases a batch's queue entries, sends the
// messages, then records their outcomes with UpdateMessages. What is per
// message on the embedded engine is what must be: the lease of its queue
// entry and the write of the message with its delivery log. The rest is
// once a batch: the queue entries of the messages sent or given up go in
// one delete (the engine deletes a list of ids in one transaction), and
// each community's counts change in one write.

// LeaseMessages leases each due queue entry of ids (see LeaseMessage) and
// returns the ids leased, in order.
func (s *MessageStore) LeaseMessages(ctx context.Context, ids []string, now, until time.Time) ([]string, error) {
	var leased []string
	for _, id := range ids {
		ok, err := s.LeaseMessage(ctx, id, now, until)
		if err != nil {
			return leased, err
		}
		if ok {
			leased = append(leased, id)
		}
	}
	return leased, nil
}

// UpdateMessages changes each message of ids with change (as
// UpdateMessage does), then removes the queue entries of those now sent
// or given up in one delete, then changes each community's counts once.
// A message whose change fails is left as it was; the others are still
// recorded, and the errors are returned joined. A crash between the
// writes leaves queue entries that the worker finds sent and drops, or
// counts short of a batch.
func (s *MessageStore) UpdateMessages(ctx context.Context, ids []string, change func(*badges.Message) error) ([]*badges.Message, error) {
	var out []*badges.Message
	var done []string
	var errs []error
	deltas := map[string]map[badges.MessageState]int{}
	for _, id := range ids {
		before, m, err := s.changeMessage(ctx, id, change)
		if err == nil && unsent(m.State) {
			err = s.requeue(ctx, m) // a retry: due later, rare
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("message %s: %w", id, err))
			continue
		}
		out = append(out, m)
		if !unsent(m.State) {
			done = append(done, id)
		}
		if before != m.State {
			if deltas[m.IssuerID] == nil {
				deltas[m.IssuerID] = map[badges.MessageState]int{}
			}
			deltas[m.IssuerID][before]--
			deltas[m.IssuerID][m.State]++
		}
	}
	if err := s.dequeue(ctx, done); err != nil {
		return out, errors.Join(append(errs, err)...)
	}
	for issuerID, d := range deltas {
		if err := s.count(ctx, issuerID, d); err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// changeMessage changes one message and returns its state before.
func (s *MessageStore) changeMessage(ctx context.Context, id string, change func(*badges.Message) error) (badges.MessageState, *badges.Message, error) {
	var before badges.MessageState
	var out *badges.Message
	err := database.Modify(ctx, s.db, database.Messages, id, func(r *messageRecord, exists bool) error {
		if !exists {
			return notFoundMessage(id)
		}
		m := r.message()
		before = m.State
		if err := change(m); err != nil {
			return err
		}
		*r, out = messageDoc(m), m
		return nil
	})
	return before, out, err
}

// dequeue removes the queue entries of messages sent or given up: one
// delete by a list of ids, which the engine matches by reading the queue
// (small: the unsent only) and deletes in one transaction, where a
// delete by exact _id is one transaction each.
func (s *MessageStore) dequeue(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.db.Collection(database.MailQueue).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	return database.Wrap(err, "dequeue messages")
}
