package mongodb

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// The credential index (collection credentialindex) holds, per community,
// what credential lists filter on, as computed documents read by _id:
//
//	"head:<issuer>"                      the ids of the issuer's chunks
//	"chunk:<issuer>:<list>:<block>"      the entries of credentials whose
//	                                     status index is in that block of
//	                                     that revocation list
//	"meta"                               the layout's version, once built
//
// A credential's status position is unique in its issuer and never
// changes, so it names the one chunk its entry lives in, and a chunk
// holds at most indexBlock entries. Entries are packed in fixed-width rows
// (see entryRow) that a list scans without decoding anything.
const (
	indexBlock   = 1024 // entries a chunk holds at most
	indexVersion = 1    // the layout; a database with another is rebuilt
	metaID       = "meta"
)

// Layout of one packed entry: three ids of badges.NewID's 20 characters,
// then award, expiry and revocation times in Unix milliseconds (0: none).
const (
	idLen      = 20
	offMember  = idLen
	offAch     = 2 * idLen
	offAwarded = 3 * idLen
	offValid   = offAwarded + 8
	offRevoked = offValid + 8
	rowLen     = offRevoked + 8
)

type indexHead struct {
	Chunks []string `bson:"chunks"`
}

type indexChunk struct {
	Rows []byte `bson:"rows"` // rowLen bytes an entry
}

type indexMeta struct {
	Version int `bson:"version"`
}

func headID(issuerID string) string { return "head:" + issuerID }

func chunkID(c *issuer.Credential) string {
	return "chunk:" + c.IssuerID + ":" + strconv.Itoa(c.StatusList) + ":" + strconv.Itoa(c.StatusIndex/indexBlock)
}

// entryRow packs a credential's entry.
func entryRow(c *issuer.Credential) ([]byte, error) {
	if len(c.ID) != idLen || len(c.MemberID) != idLen || len(c.AchievementID) != idLen {
		return nil, fmt.Errorf("index credential %q: ids must have %d characters", c.ID, idLen)
	}
	row := make([]byte, 0, rowLen)
	row = append(append(append(row, c.ID...), c.MemberID...), c.AchievementID...)
	for _, t := range []time.Time{c.AwardedAt, c.ValidUntil, c.RevokedAt} {
		row = binary.BigEndian.AppendUint64(row, uint64(millis(t)))
	}
	return row, nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func rowTime(row []byte, off int) int64 { return int64(binary.BigEndian.Uint64(row[off : off+8])) }

func rowEntry(issuerID string, row []byte) issuer.CredentialEntry {
	return issuer.CredentialEntry{ID: string(row[:idLen]), IssuerID: issuerID, MemberID: string(row[offMember:offAch]),
		AchievementID: string(row[offAch:offAwarded]), AwardedAt: fromMillis(rowTime(row, offAwarded)),
		ValidUntil: fromMillis(rowTime(row, offValid)), RevokedAt: fromMillis(rowTime(row, offRevoked))}
}

// merge puts row into rows: a new entry is appended, a known one keeps its
// revocation (a revoked credential stays revoked, whatever order the
// writes of an issue and a revocation arrive in). It reports whether rows
// changed.
func merge(rows, row []byte) ([]byte, bool) {
	for at := 0; at+rowLen <= len(rows); at += rowLen {
		old := rows[at : at+rowLen]
		if !bytes.Equal(old[:idLen], row[:idLen]) {
			continue
		}
		if rowTime(old, offRevoked) != 0 || rowTime(row, offRevoked) == 0 {
			return rows, false
		}
		copy(old[offRevoked:], row[offRevoked:])
		return rows, true
	}
	return append(rows, row...), true
}

// IndexCredentials lists credentials in their issuers' indexes, or marks
// them revoked there. It is idempotent, and safe with concurrent issues
// and revocations: each chunk is changed with database.Modify.
func (s *CredentialStore) IndexCredentials(ctx context.Context, cs []*issuer.Credential) error {
	byChunk := map[string][]byte{}
	var order []string
	for _, c := range cs {
		row, err := entryRow(c)
		if err != nil {
			return err
		}
		id := chunkID(c)
		if _, ok := byChunk[id]; !ok {
			order = append(order, id)
			if err := s.listChunk(ctx, c.IssuerID, id); err != nil {
				return err
			}
		}
		byChunk[id] = append(byChunk[id], row...)
	}
	for _, id := range order {
		if err := s.mergeRows(ctx, id, byChunk[id]); err != nil {
			return err
		}
	}
	return nil
}

// mergeRows merges packed rows into a chunk.
func (s *CredentialStore) mergeRows(ctx context.Context, id string, rows []byte) error {
	return database.Modify(ctx, s.db, database.CredentialIndex, id, func(d *indexChunk, _ bool) error {
		for at := 0; at+rowLen <= len(rows); at += rowLen {
			d.Rows, _ = merge(d.Rows, rows[at:at+rowLen])
		}
		return nil
	})
}

// listChunk adds a chunk to its issuer's head before the chunk is
// written, so that a list never misses a chunk; a chunk listed but not
// written yet reads as empty.
func (s *CredentialStore) listChunk(ctx context.Context, issuerID, id string) error {
	h, _, err := database.ReadKept[indexHead](ctx, s.db, database.CredentialIndex, headID(issuerID))
	if err != nil || slices.Contains(h.Chunks, id) {
		return err
	}
	return database.Modify(ctx, s.db, database.CredentialIndex, headID(issuerID), func(h *indexHead, _ bool) error {
		if !slices.Contains(h.Chunks, id) {
			h.Chunks = append(h.Chunks, id)
		}
		return nil
	})
}

// chunks reads an issuer's index: the packed rows of each chunk as the
// cache keeps them, not copied (a list reads every chunk, and copying
// them was most of its cost), so they must not be changed.
func (s *CredentialStore) chunks(ctx context.Context, issuerID string) ([][]byte, error) {
	h, _, err := database.ReadKept[indexHead](ctx, s.db, database.CredentialIndex, headID(issuerID))
	if err != nil {
		return nil, err
	}
	contents, err := database.ReadKeptContents(ctx, s.db, database.CredentialIndex, h.Chunks)
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(contents))
	for i, c := range contents {
		if out[i], err = database.BinaryField(c, "rows"); err != nil {
			return nil, fmt.Errorf("read %s: %w", h.Chunks[i], err)
		}
	}
	return out, nil
}

// indexState remembers, per store, that its database's index is built,
// so that only the first list asks.
type indexState struct {
	mu    sync.Mutex
	built bool
}
