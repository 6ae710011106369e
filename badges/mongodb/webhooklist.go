package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// An endpoint's deliveries are listed in the order they were made, each
// at a sequence number that never changes, as a community's messages are
// (see messagelist.go): the head "list:<endpoint>" holds the latest, from
// sequence N×deliveryChunk on, and full chunks move to
// "list:<endpoint>:<n>", written once. Each entry keeps its delivery's
// creation time, so that a replay finds a time range in the chunks
// without reading the deliveries outside it. Only the latest
// keptDeliveryChunks chunks are kept; the done deliveries of a chunk let
// go are removed with it, so an endpoint keeps a bounded log.
const (
	deliveryChunk      = 100
	keptDeliveryChunks = 50
)

type listedDelivery struct {
	ID string    `bson:"id"`
	At time.Time `bson:"at"`
}

type deliveryList struct {
	N       int              `bson:"n"`
	Entries []listedDelivery `bson:"entries"`
}

func deliveriesOf(endpointID string) string { return "list:" + endpointID }
func deliveryChunkOf(endpointID string, n int) string {
	return fmt.Sprintf("list:%s:%d", endpointID, n)
}

// listDeliveries adds deliveries to their endpoints' heads, each once,
// then moves full chunks out.
func (s *WebhookStore) listDeliveries(ctx context.Context, ds []*badges.WebhookDelivery) error {
	var order []string
	by := map[string][]*badges.WebhookDelivery{}
	for _, d := range ds {
		if _, ok := by[d.EndpointID]; !ok {
			order = append(order, d.EndpointID)
		}
		by[d.EndpointID] = append(by[d.EndpointID], d)
	}
	for _, endpointID := range order {
		var full bool
		err := database.Modify(ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID), func(h *deliveryList, _ bool) error {
			h.Entries = slices.Clone(h.Entries)
			for _, d := range by[endpointID] {
				if !slices.ContainsFunc(h.Entries, func(e listedDelivery) bool { return e.ID == d.ID }) {
					h.Entries = append(h.Entries, listedDelivery{ID: d.ID, At: d.CreatedAt.UTC()})
				}
			}
			full = len(h.Entries) >= deliveryChunk
			return nil
		})
		if err == nil && full {
			err = s.spillDeliveries(ctx, endpointID, pendingOf(by[endpointID]))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pendingOf is the set of the ids of the deliveries of ds not yet done.
func pendingOf(ds []*badges.WebhookDelivery) map[string]bool {
	out := make(map[string]bool, len(ds))
	for _, d := range ds {
		if !d.Done() {
			out[d.ID] = true
		}
	}
	return out
}

// spillDeliveries writes a head's full chunks, then takes them out of
// the head, then lets go of the chunks past keptDeliveryChunks. A crash
// in between writes the same chunks again next time. The deliveries
// pending lists those just made that are not done, which need not be
// read to know it.
func (s *WebhookStore) spillDeliveries(ctx context.Context, endpointID string, pending map[string]bool) error {
	h, _, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID))
	if err != nil {
		return err
	}
	n, full := h.N, len(h.Entries)/deliveryChunk
	for k := range full {
		entries := h.Entries[k*deliveryChunk : (k+1)*deliveryChunk]
		err := database.Modify(ctx, s.db, database.WebhookDeliveries, deliveryChunkOf(endpointID, n+k), func(c *deliveryList, _ bool) error {
			c.N, c.Entries = n+k, entries
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = database.Modify(ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID), func(h *deliveryList, _ bool) error {
		if h.N == n && len(h.Entries) >= full*deliveryChunk {
			h.N, h.Entries = n+full, slices.Clone(h.Entries[full*deliveryChunk:])
		}
		return nil
	})
	if err != nil {
		return err
	}
	for old := max(0, n-keptDeliveryChunks); old < n+full-keptDeliveryChunks; old++ {
		if err := s.dropDeliveryChunk(ctx, endpointID, old, pending); err != nil {
			return err
		}
	}
	return nil
}

// dropDeliveryChunk removes a chunk and its deliveries that are done; a
// pending one, far behind, is still delivered and then left unlisted. A
// bulk award's fan-out lets go of chunks of deliveries it just made:
// those of pending are not read.
func (s *WebhookStore) dropDeliveryChunk(ctx context.Context, endpointID string, n int, pending map[string]bool) error {
	id := deliveryChunkOf(endpointID, n)
	c, found, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, id)
	if err != nil || !found {
		return err
	}
	for _, e := range c.Entries {
		if pending[e.ID] {
			continue
		}
		d, err := s.Delivery(ctx, e.ID)
		if badges.ErrorCode(err) == badges.ENOTFOUND || err == nil && !d.Done() {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.deleteComputed(ctx, e.ID); err != nil {
			return err
		}
	}
	return s.deleteComputed(ctx, id)
}

func (s *WebhookStore) deleteComputed(ctx context.Context, id string) error {
	defer s.db.LockDoc(database.WebhookDeliveries, id)()
	return database.DeleteComputed(ctx, s.db, database.WebhookDeliveries, id)
}

// DeliveriesOf is a page of an endpoint's latest deliveries, newest
// first. The cursor is the sequence number of the last delivery of the
// page before, so that deliveries made meanwhile do not shift the pages.
func (s *WebhookStore) DeliveriesOf(ctx context.Context, endpointID string, o badges.ListOptions) (*badges.Page[*badges.WebhookDelivery], error) {
	h, _, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID))
	if err != nil {
		return nil, err
	}
	end := h.N*deliveryChunk + len(h.Entries)
	first := max(0, (h.N-keptDeliveryChunks+1)*deliveryChunk)
	seq := end
	if o.Cursor != "" {
		c, err := badges.DecodeCursor(o.Cursor)
		n, cerr := strconv.Atoi(c)
		if err != nil || cerr != nil || n < first || n > end {
			return nil, badges.FieldErrorf("cursor", "cursor is not one this server issued, or its page is gone")
		}
		seq = n
	}
	p := &badges.Page[*badges.WebhookDelivery]{Items: []*badges.WebhookDelivery{}, Total: end - first}
	chunks := map[int][]listedDelivery{}
	for ; seq > first && len(p.Items) < o.Limit; seq-- {
		e, err := s.listedDeliveryAt(ctx, endpointID, &h, chunks, seq-1)
		if err != nil {
			return nil, err
		}
		if e.ID == "" {
			continue
		}
		d, err := s.Delivery(ctx, e.ID)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, d)
	}
	if seq > first {
		p.NextCursor = badges.EncodeCursor(strconv.Itoa(seq))
	}
	return p, nil
}

// listedDeliveryAt is the entry at a sequence number, from the head or
// its chunk (read once into chunks); a zero entry when its chunk is gone.
func (s *WebhookStore) listedDeliveryAt(ctx context.Context, endpointID string, h *deliveryList, chunks map[int][]listedDelivery, seq int) (listedDelivery, error) {
	if seq >= h.N*deliveryChunk {
		return h.Entries[seq-h.N*deliveryChunk], nil
	}
	n := seq / deliveryChunk
	entries, ok := chunks[n]
	if !ok {
		c, _, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveryChunkOf(endpointID, n))
		if err != nil {
			return listedDelivery{}, err
		}
		entries, chunks[n] = c.Entries, c.Entries
	}
	if i := seq % deliveryChunk; i < len(entries) {
		return entries[i], nil
	}
	return listedDelivery{}, nil
}

// DeliveriesBetween walks an endpoint's list from the newest chunk back
// until it passes from, reading chunks only, and returns the ids made in
// [from, to), oldest first: the oldest limit of them.
func (s *WebhookStore) DeliveriesBetween(ctx context.Context, endpointID string, from, to time.Time, limit int) ([]string, error) {
	h, _, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveriesOf(endpointID))
	if err != nil {
		return nil, err
	}
	var ids []string // newest first
	entries, n := h.Entries, h.N
	for {
		for i := len(entries) - 1; i >= 0; i-- {
			if at := entries[i].At; !at.Before(from) && at.Before(to) {
				ids = append(ids, entries[i].ID)
			}
		}
		if n == 0 || len(entries) > 0 && entries[0].At.Before(from) {
			break
		}
		n--
		c, found, err := database.ReadComputed[deliveryList](ctx, s.db, database.WebhookDeliveries, deliveryChunkOf(endpointID, n))
		if err != nil {
			return nil, err
		}
		if !found {
			break
		}
		entries = c.Entries
	}
	slices.Reverse(ids)
	return ids[:min(limit, len(ids))], nil
}
