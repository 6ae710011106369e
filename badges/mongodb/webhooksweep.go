package mongodb

import (
	"context"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// A deleted endpoint's deliveries are found through its delivery list
// only, so deleting it notes it in webhooks "deleted:endpoints" (computed)
// before it is removed (a crash between leaves nothing unreachable), and
// the worker's sweep (SweepDeleted) removes its list chunk by chunk, each
// chunk's deliveries and their own queue entries, then the note. A noted
// endpoint that is still there, its removal having failed, is let be.
// Entries of a batch (see webhookqueue.go) are dropped by the worker,
// which finds the endpoint gone.
const deletedEndpointsID = "deleted:endpoints"

type deletedEndpoints struct {
	Endpoints []deletedEndpoint `bson:"endpoints"`
}

type deletedEndpoint struct {
	ID string    `bson:"id"`
	At time.Time `bson:"at"`
}

// noteDeleted notes a deleted endpoint for the sweep.
func (s *WebhookStore) noteDeleted(ctx context.Context, id string) error {
	at := s.db.Now().UTC()
	return database.Modify(ctx, s.db, database.Webhooks, deletedEndpointsID, func(x *deletedEndpoints, _ bool) error {
		if !slices.ContainsFunc(x.Endpoints, func(e deletedEndpoint) bool { return e.ID == id }) {
			x.Endpoints = append(slices.Clone(x.Endpoints), deletedEndpoint{ID: id, At: at})
		}
		return nil
	})
}

// SweepDeleted removes what the endpoints deleted before before leave,
// stopping once it removed limit documents or more (a chunk's are
// removed together), and reports whether more is left.
func (s *WebhookStore) SweepDeleted(ctx context.Context, before time.Time, limit int) (bool, error) {
	x, _, err := database.ReadComputed[deletedEndpoints](ctx, s.db, database.Webhooks, deletedEndpointsID)
	if err != nil {
		return false, err
	}
	removed := 0
	for _, e := range x.Endpoints {
		if e.At.After(before) {
			continue
		}
		if removed >= limit {
			return true, nil
		}
		_, err := s.Endpoint(ctx, e.ID)
		if err == nil {
			// noted, then its removal failed: it stays, with its deliveries
			if err := s.forgetDeleted(ctx, e.ID); err != nil {
				return false, err
			}
			continue
		}
		if badges.ErrorCode(err) != badges.ENOTFOUND {
			return false, err
		}
		n, finished, err := s.sweepEndpoint(ctx, e.ID, limit-removed)
		removed += n
		if err != nil || !finished {
			return !finished, err
		}
		if err := s.forgetDeleted(ctx, e.ID); err != nil {
			return false, err
		}
	}
	return false, nil
}

func (s *WebhookStore) forgetDeleted(ctx context.Context, id string) error {
	return database.Modify(ctx, s.db, database.Webhooks, deletedEndpointsID, func(x *deletedEndpoints, _ bool) error {
		x.Endpoints = slices.DeleteFunc(slices.Clone(x.Endpoints), func(e deletedEndpoint) bool { return e.ID == id })
		return nil
	})
}

// sweepEndpoint removes a deleted endpoint's kept chunks, oldest first,
// then its list's head, with what they list, until it removed budget
// documents; finished says it removed the head. A chunk removed before
// is passed over.
func (s *WebhookStore) sweepEndpoint(ctx context.Context, endpointID string, budget int) (n int, finished bool, err error) {
	h, found, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID))
	if err != nil || !found {
		return 0, err == nil, err
	}
	for k := max(0, h.N-keptDeliveryChunks); k < h.N; k++ {
		if n >= budget {
			return n, false, nil
		}
		id := deliveryChunkOf(endpointID, k)
		c, found, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, id)
		if err != nil {
			return n, false, err
		}
		if !found {
			continue
		}
		m, err := s.removeListed(ctx, id, c.Entries)
		if n += m; err != nil {
			return n, false, err
		}
	}
	if n >= budget {
		return n, false, nil
	}
	m, err := s.removeListed(ctx, deliveriesOf(endpointID), h.Entries)
	return n + m, err == nil, err
}

// removeListed removes the deliveries a list document lists, their own
// queue entries, then the list document, and says how many documents it
// removed.
func (s *WebhookStore) removeListed(ctx context.Context, listID string, entries []listedDelivery) (int, error) {
	for _, e := range entries {
		if err := s.deleteComputed(ctx, e.ID); err != nil {
			return 0, err
		}
		if err := s.deleteEach(ctx, database.WebhookQueue, []string{e.ID}, "dequeue delivery"); err != nil {
			return 0, err
		}
	}
	return 2*len(entries) + 1, s.deleteComputed(ctx, listID)
}
