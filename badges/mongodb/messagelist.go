package mongodb

import (
	"context"
	"fmt"
	"slices"
	"strconv"

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

// listMessages lists the added messages (and those added before but still
// unsent, unless listed already) under their communities, counting the
// added by state, then moves full chunks out of the heads.
func (s *MessageStore) listMessages(ctx context.Context, ms []*badges.Message, added []bool) error {
	by := map[string][]int{}
	for i, m := range ms {
		if added[i] || unsent(m.State) {
			by[m.IssuerID] = append(by[m.IssuerID], i)
		}
	}
	for issuerID, idx := range by {
		var full bool
		err := database.Modify(ctx, s.db, database.Messages, messagesOf(issuerID), func(h *messageHead, _ bool) error {
			h.IDs, h.Counts = slices.Clone(h.IDs), cloneCounts(h.Counts)
			for _, i := range idx {
				if !added[i] && slices.Contains(h.IDs, ms[i].ID) {
					continue
				}
				h.IDs = append(h.IDs, ms[i].ID)
				h.Counts[string(ms[i].State)]++
			}
			full = len(h.IDs) >= messageChunk
			return nil
		})
		if err == nil && full {
			err = s.spill(ctx, issuerID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func cloneCounts(c map[string]int) map[string]int {
	out := make(map[string]int, len(c)+1)
	for k, v := range c {
		out[k] = v
	}
	return out
}

// spill moves the full chunks of a head out, one at a time: it writes the
// chunk, then takes its ids out of the head. A crash in between writes the
// same chunk again next time.
func (s *MessageStore) spill(ctx context.Context, issuerID string) error {
	for {
		h, _, err := database.ReadComputed[messageHead](ctx, s.db, database.Messages, messagesOf(issuerID))
		if err != nil || len(h.IDs) < messageChunk {
			return err
		}
		n, ids := h.N, h.IDs[:messageChunk]
		err = database.Modify(ctx, s.db, database.Messages, messageChunkOf(issuerID, n), func(c *orderedIDs, _ bool) error {
			c.IDs = ids
			return nil
		})
		if err != nil {
			return err
		}
		err = database.Modify(ctx, s.db, database.Messages, messagesOf(issuerID), func(h *messageHead, _ bool) error {
			if h.N == n && len(h.IDs) >= messageChunk {
				h.N, h.IDs = n+1, slices.Clone(h.IDs[messageChunk:])
			}
			return nil
		})
		if err != nil {
			return err
		}
		if old := n - keptMessageChunks; old >= 0 {
			if err := s.dropChunk(ctx, issuerID, old); err != nil {
				return err
			}
		}
	}
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
