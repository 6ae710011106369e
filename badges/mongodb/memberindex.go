package mongodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// The member index (collection memberindex) holds each community's
// members as a search reads them, in computed documents read by _id:
//
//	"chunk:<issuer>:<n>"  the members with seq n*indexChunk+1 …
//	                      (n+1)*indexChunk, in seq order
//	"meta"                the layout's version, once built
//
// A row is the member's seq and rev, its id, its search key (see
// badges.Member.SearchKey) and its whole stored record, so that a search
// answers without reading members one by one (about 0.5 ms each).
const (
	indexChunk        = 256
	memberIndexLayout = 1
	indexMetaID       = "meta"
)

type memberChunk struct {
	Rows []byte `bson:"rows"`
}

type memberIndexMeta struct {
	Version int `bson:"version"`
}

func memberChunkID(issuer string, seq int64) string {
	return "chunk:" + issuer + ":" + strconv.FormatInt((seq-1)/indexChunk, 10)
}

// indexRow is one member of a chunk, sliced out of its packed bytes.
type indexRow struct {
	seq, rev int64
	id       []byte
	key      []byte
	record   []byte // BSON of the memberRecord
	raw      []byte // the whole row
}

func packRow(r *memberRecord) ([]byte, error) {
	rec, err := bson.Marshal(r)
	if err != nil {
		return nil, database.Wrap(err, "index member")
	}
	key := r.member().SearchKey()
	b := binary.BigEndian.AppendUint64(nil, uint64(r.Seq))
	b = binary.BigEndian.AppendUint64(b, uint64(r.Rev))
	for _, part := range [][]byte{[]byte(r.ID), []byte(key), rec} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b, nil
}

// nextRow reads the row at the start of b; ok is false at the end or on
// damage.
func nextRow(b []byte) (row indexRow, rest []byte, ok bool) {
	if len(b) < 16 {
		return row, nil, false
	}
	row.seq, row.rev = int64(binary.BigEndian.Uint64(b)), int64(binary.BigEndian.Uint64(b[8:]))
	at := 16
	parts := [3]*[]byte{&row.id, &row.key, &row.record}
	for _, p := range parts {
		n, w := binary.Uvarint(b[at:])
		if w <= 0 || uint64(len(b)-at-w) < n {
			return row, nil, false
		}
		*p = b[at+w : at+w+int(n)]
		at += w + int(n)
	}
	row.raw = b[:at]
	return row, b[at:], true
}

// putRow replaces the member's row in a chunk, or inserts it in seq order;
// a row of an older revision never replaces a newer one. With remove, the
// row is taken out instead.
func putRow(rows, packed []byte, remove bool) []byte {
	next, _, _ := nextRow(packed)
	var out []byte
	placed := false
	for b := rows; ; {
		row, rest, ok := nextRow(b)
		if !ok {
			break
		}
		b = rest
		switch {
		case bytes.Equal(row.id, next.id):
			if !remove && row.rev > next.rev {
				out = append(out, row.raw...)
			} else if !remove {
				out = append(out, packed...)
			}
			placed = true
			continue
		case !placed && !remove && row.seq > next.seq:
			out, placed = append(out, packed...), true
		}
		out = append(out, row.raw...)
	}
	if !placed && !remove {
		out = append(out, packed...)
	}
	return out
}

// indexMembers puts members' current records in their chunks.
func (s *MemberService) indexMembers(ctx context.Context, recs []*memberRecord) error {
	return s.changeIndex(ctx, recs, false)
}

func (s *MemberService) changeIndex(ctx context.Context, recs []*memberRecord, remove bool) error {
	ctx = context.WithoutCancel(ctx) // the member is written: its row must follow
	byChunk, order := map[string][][]byte{}, []string(nil)
	for _, r := range recs {
		packed, err := packRow(r)
		if err != nil {
			return err
		}
		id := memberChunkID(r.Issuer, r.Seq)
		if _, ok := byChunk[id]; !ok {
			order = append(order, id)
		}
		byChunk[id] = append(byChunk[id], packed)
	}
	for _, id := range order {
		err := database.Modify(ctx, s.db, database.MemberIndex, id, func(c *memberChunk, _ bool) error {
			for _, p := range byChunk[id] {
				c.Rows = putRow(c.Rows, p, remove)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// memberChunks reads an issuer's index, chunk by chunk, up to the last
// seq handed out: the packed rows as the cache keeps them, which must not
// be changed.
func (s *MemberService) memberChunks(ctx context.Context, issuer string) ([][]byte, error) {
	if err := s.indexReady(ctx); err != nil {
		return nil, err
	}
	counts, err := s.db.Counters(ctx, membersCounter(issuer))
	if err != nil {
		return nil, err
	}
	var ids []string
	for seq := int64(1); seq <= counts["seq"]; seq += indexChunk {
		ids = append(ids, memberChunkID(issuer, seq))
	}
	contents, err := database.ReadKeptContents(ctx, s.db, database.MemberIndex, ids)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(contents))
	for i, c := range contents {
		if out[i], err = database.BinaryField(c, "rows"); err != nil {
			return nil, fmt.Errorf("read member index %s: %w", ids[i], err)
		}
	}
	return out, nil
}

// memberIndexState remembers that the index is built, so that only the
// first search asks.
type memberIndexState struct {
	mu    sync.Mutex
	built bool
}

// indexReady makes sure the index is complete before a search reads it:
// once built (its meta document has this layout), and on a database
// with no members yet. Otherwise a rebuild is under way (RebuildIndex, at
// start) and searches are refused until it is done.
func (s *MemberService) indexReady(ctx context.Context) error {
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	if s.index.built {
		return nil
	}
	m, found, err := database.ReadComputed[memberIndexMeta](ctx, s.db, database.MemberIndex, indexMetaID)
	if err != nil {
		return err
	}
	if !found || m.Version != memberIndexLayout {
		n, err := s.db.Count(ctx, database.Members)
		if err != nil {
			return err
		}
		if n > 0 {
			return badges.Errorf(badges.EUNAVAILABLE, "The member index is being built; try again in a minute.")
		}
		if err := s.markIndexed(ctx); err != nil {
			return err
		}
	}
	s.index.built = true
	return nil
}

func (s *MemberService) markIndexed(ctx context.Context) error {
	return database.Modify(ctx, s.db, database.MemberIndex, indexMetaID, func(m *memberIndexMeta, _ bool) error {
		m.Version = memberIndexLayout
		return nil
	})
}

// PrepareIndex finds out whether the index is complete (see indexReady), before
// anything is written; one that is not waits for RebuildIndex.
func (s *MemberService) PrepareIndex(ctx context.Context) error {
	if err := s.indexReady(ctx); badges.ErrorCode(err) != badges.EUNAVAILABLE {
		return err
	}
	return nil
}
