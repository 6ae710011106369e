package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// A community's messages are listed in the order they were queued, each
// at a sequence number that never changes: the head "issuer:<issuer>"
// holds the counts by state and the latest ids (from sequence
// N×messageChunk on), and full chunks move to "issuer:<issuer>:<n>",
// written once. Queueing a message rewrites only the small head, however
// many messages a community has; the console reads a page newest first
// from the head and a chunk or two. Only the latest keptMessageChunks
// chunks are listed: the console shows recent mail, not all of it.
const (
	messageChunk      = 100
	keptMessageChunks = 50
)

type messageHead struct {
	N      int            `bson:"n"`   // the number of the chunk the head fills
	IDs    []string       `bson:"ids"` // sequence N×messageChunk onwards
	Counts map[string]int `bson:"counts,omitempty"`
}

func messagesOf(issuerID string) string            { return "issuer:" + issuerID }
func messageChunkOf(issuerID string, n int) string { return fmt.Sprintf("issuer:%s:%d", issuerID, n) }

// maxListed bounds the queue entries one ListQueued reads.
const maxListed = 5000

// ListQueued lists the messages queued since it last ran under their
// communities, oldest first, counting them by state, then marks their
// queue entries listed. It reads the queue (only unsent messages) with a
// filter: it is the worker's, never a request's. A crash before the marks
// lists them again, once: an id in the head already is not added twice.
func (s *MessageStore) ListQueued(ctx context.Context) (int, error) {
	rs, err := database.FindAll[queueRecord](ctx, s.db.Collection(database.MailQueue), bson.D{{Key: "listed", Value: false}},
		"read mail queue", options.Find().SetSort(bson.D{{Key: "created", Value: 1}, {Key: "seq", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(maxListed))
	if err != nil || len(rs) == 0 {
		return 0, err
	}
	by := map[string][]queueRecord{}
	for _, r := range rs {
		by[r.Issuer] = append(by[r.Issuer], r)
	}
	for issuerID, entries := range by {
		if err := s.list(ctx, issuerID, entries); err != nil {
			return 0, err
		}
	}
	c := s.db.Collection(database.MailQueue)
	for _, r := range rs {
		unlock := s.db.LockDoc(database.MailQueue, r.ID)
		_, err := c.UpdateOne(ctx, database.ByID(r.ID), bson.D{{Key: "$set", Value: bson.D{{Key: "listed", Value: true}}}})
		unlock()
		if err != nil {
			return 0, database.Wrap(err, "list message")
		}
	}
	return len(rs), nil
}

// list adds queue entries to their community's head, then moves full
// chunks out.
func (s *MessageStore) list(ctx context.Context, issuerID string, entries []queueRecord) error {
	var full bool
	err := database.Modify(ctx, s.db, database.Messages, messagesOf(issuerID), func(h *messageHead, _ bool) error {
		h.IDs, h.Counts = slices.Clone(h.IDs), cloneCounts(h.Counts)
		for _, e := range entries {
			if !slices.Contains(h.IDs, e.ID) {
				h.IDs = append(h.IDs, e.ID)
				h.Counts[e.State]++
			}
		}
		full = len(h.IDs) >= messageChunk
		return nil
	})
	if err == nil && full {
		err = s.spill(ctx, issuerID)
	}
	return err
}

func cloneCounts(c map[string]int) map[string]int {
	out := make(map[string]int, len(c)+1)
	for k, v := range c {
		out[k] = v
	}
	return out
}

// spill moves the full chunks of a head out: it writes them, then takes
// their ids out of the head. A crash in between writes the same chunks
// again next time. A bulk of ten thousand messages is a hundred chunk
// writes and one write of the head.
func (s *MessageStore) spill(ctx context.Context, issuerID string) error {
	h, _, err := database.ReadComputed[messageHead](ctx, s.db, database.Messages, messagesOf(issuerID))
	if err != nil {
		return err
	}
	n, full := h.N, len(h.IDs)/messageChunk
	for k := range full {
		ids := h.IDs[k*messageChunk : (k+1)*messageChunk]
		err := database.Modify(ctx, s.db, database.Messages, messageChunkOf(issuerID, n+k), func(c *orderedIDs, _ bool) error {
			c.IDs = ids
			return nil
		})
		if err != nil {
			return err
		}
	}
	err = database.Modify(ctx, s.db, database.Messages, messagesOf(issuerID), func(h *messageHead, _ bool) error {
		if h.N == n && len(h.IDs) >= full*messageChunk {
			h.N, h.IDs = n+full, slices.Clone(h.IDs[full*messageChunk:])
		}
		return nil
	})
	if err != nil {
		return err
	}
	for old := max(0, n-keptMessageChunks); old < n+full-keptMessageChunks; old++ {
		if err := s.dropChunk(ctx, issuerID, old); err != nil {
			return err
		}
	}
	return nil
}

func (s *MessageStore) dropChunk(ctx context.Context, issuerID string, n int) error {
	id := messageChunkOf(issuerID, n)
	defer s.db.LockDoc(database.Messages, id)()
	return database.DeleteComputed(ctx, s.db, database.Messages, id)
}

// MessagesOf is a page of a community's latest messages, newest first.
// The cursor is the sequence number of the last message of the page
// before, so that messages queued meanwhile do not shift the pages.
func (s *MessageStore) MessagesOf(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Message], error) {
	h, _, err := database.ReadComputed[messageHead](ctx, s.db, database.Messages, messagesOf(issuerID))
	if err != nil {
		return nil, err
	}
	end := h.N*messageChunk + len(h.IDs) // one past the newest
	first := max(0, (h.N-keptMessageChunks+1)*messageChunk)
	seq := end
	if o.Cursor != "" {
		c, err := badges.DecodeCursor(o.Cursor)
		n, cerr := strconv.Atoi(c)
		if err != nil || cerr != nil || n < first || n > end {
			return nil, badges.FieldErrorf("cursor", "cursor is not one this server issued, or its page is gone")
		}
		seq = n
	}
	p := &badges.Page[*badges.Message]{Items: []*badges.Message{}, Total: end - first}
	chunks := map[int][]string{}
	for ; seq > first && len(p.Items) < o.Limit; seq-- {
		id, err := s.listedAt(ctx, issuerID, &h, chunks, seq-1)
		if err != nil {
			return nil, err
		}
		if id == "" {
			continue
		}
		m, err := s.Message(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, m)
	}
	if seq > first {
		p.NextCursor = badges.EncodeCursor(strconv.Itoa(seq))
	}
	return p, nil
}

// listedAt is the id at a sequence number, from the head or its chunk
// (read once into chunks); "" when its chunk is gone.
func (s *MessageStore) listedAt(ctx context.Context, issuerID string, h *messageHead, chunks map[int][]string, seq int) (string, error) {
	n := seq / messageChunk
	if seq >= h.N*messageChunk {
		return h.IDs[seq-h.N*messageChunk], nil
	}
	ids, ok := chunks[n]
	if !ok {
		c, _, err := database.ReadComputed[orderedIDs](ctx, s.db, database.Messages, messageChunkOf(issuerID, n))
		if err != nil {
			return "", err
		}
		ids, chunks[n] = c.IDs, c.IDs
	}
	if i := seq % messageChunk; i < len(ids) {
		return ids[i], nil
	}
	return "", nil
}
