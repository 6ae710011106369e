package mongodb

import (
	"bytes"
	"container/heap"
	"context"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// FindCredentials answers a page of an issuer's credential list from its
// index: every entry is matched in place, and only the page's newest
// entries are kept on the way, so a list costs one pass over packed rows
// (about 8 MB for 100,000 credentials, held in the cache of computed
// documents) whatever its filter.
func (s *CredentialStore) FindCredentials(ctx context.Context, f issuer.CredentialFilter) (*badges.Page[issuer.CredentialEntry], error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	after, err := decodeEntryCursor(f.Cursor)
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	chunks, err := s.chunks(ctx, f.IssuerID)
	if err != nil {
		return nil, err
	}
	m, top := newMatcher(f), &newest{limit: f.Limit + 1}
	total := 0
	for _, rows := range chunks {
		for at := 0; at+rowLen <= len(rows); at += rowLen {
			row := rows[at : at+rowLen]
			if !m.match(row) {
				continue
			}
			total++
			if after == nil || newer(after, row) {
				top.offer(row)
			}
		}
	}
	rows := top.sorted()
	p := &badges.Page[issuer.CredentialEntry]{Items: make([]issuer.CredentialEntry, 0, min(len(rows), f.Limit)), Total: total}
	if len(rows) > f.Limit {
		rows = rows[:f.Limit]
		p.NextCursor = entryCursor(rows[len(rows)-1])
	}
	for _, row := range rows {
		p.Items = append(p.Items, rowEntry(f.IssuerID, row))
	}
	return p, nil
}

// matcher tests packed rows against a filter without decoding them.
type matcher struct {
	member, achievement []byte
	status              issuer.CredentialStatus
	from, to, at        int64 // Unix milliseconds; to is 0 when open
}

func newMatcher(f issuer.CredentialFilter) matcher {
	return matcher{member: []byte(f.MemberID), achievement: []byte(f.AchievementID), status: f.Status,
		from: millis(f.From), to: millis(f.To), at: f.At.UnixMilli()}
}

func (m *matcher) match(row []byte) bool {
	if len(m.member) > 0 && !bytes.Equal(row[offMember:offAch], m.member) ||
		len(m.achievement) > 0 && !bytes.Equal(row[offAch:offAwarded], m.achievement) {
		return false
	}
	if awarded := rowTime(row, offAwarded); awarded < m.from || m.to != 0 && awarded > m.to {
		return false
	}
	return m.status == "" || m.status == m.statusOf(row)
}

func (m *matcher) statusOf(row []byte) issuer.CredentialStatus {
	switch valid := rowTime(row, offValid); {
	case rowTime(row, offRevoked) != 0:
		return issuer.CredentialRevoked
	case valid != 0 && valid <= m.at:
		return issuer.CredentialExpired
	}
	return issuer.CredentialActive
}

// newer reports whether row a comes before row b in a list: awarded
// later, or at the same moment with a greater id.
func newer(a, b []byte) bool {
	ta, tb := rowTime(a, offAwarded), rowTime(b, offAwarded)
	if ta != tb {
		return ta > tb
	}
	return bytes.Compare(a[:idLen], b[:idLen]) > 0
}

// entryCursor is the cursor after a row: its award time and id, which
// stay put while credentials are issued.
func entryCursor(row []byte) string {
	return badges.EncodeCursor(strconv.FormatInt(rowTime(row, offAwarded), 10) + "|" + string(row[:idLen]))
}

// decodeEntryCursor returns the cursor's position as a row to compare
// with (nil for none).
func decodeEntryCursor(c string) ([]byte, error) {
	if c == "" {
		return nil, nil
	}
	key, err := badges.DecodeCursor(c)
	if err != nil {
		return nil, err
	}
	ms, id, ok := strings.Cut(key, "|")
	t, perr := strconv.ParseInt(ms, 10, 64)
	if !ok || perr != nil || len(id) != idLen {
		return nil, badges.FieldErrorf("cursor", "cursor is not one this server issued")
	}
	return entryRow(&issuer.Credential{ID: id, MemberID: id, AchievementID: id, AwardedAt: fromMillis(t)})
}

// newest keeps the limit newest rows offered, in a heap whose root is the
// oldest of them.
type newest struct {
	limit int
	rows  [][]byte
}

func (h *newest) Len() int           { return len(h.rows) }
func (h *newest) Less(i, j int) bool { return newer(h.rows[j], h.rows[i]) }
func (h *newest) Swap(i, j int)      { h.rows[i], h.rows[j] = h.rows[j], h.rows[i] }
func (h *newest) Push(x any)         { h.rows = append(h.rows, x.([]byte)) }
func (h *newest) Pop() any {
	last := h.rows[len(h.rows)-1]
	h.rows = h.rows[:len(h.rows)-1]
	return last
}

func (h *newest) offer(row []byte) {
	switch {
	case len(h.rows) < h.limit:
		heap.Push(h, row)
	case newer(row, h.rows[0]):
		h.rows[0] = row
		heap.Fix(h, 0)
	}
}

// sorted returns the rows kept, newest first.
func (h *newest) sorted() [][]byte {
	out := make([][]byte, len(h.rows))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(h).([]byte)
	}
	return out
}

// ready makes sure the index is complete before it is listed from: it is
// once built (the meta document has this layout's version), and on a
// database with no credentials yet. Otherwise a rebuild (RebuildIndex, at
// start) is under way, and lists are refused until it is done.
func (s *CredentialStore) ready(ctx context.Context) error {
	s.index.mu.Lock()
	defer s.index.mu.Unlock()
	if s.index.built {
		return nil
	}
	m, found, err := database.ReadComputed[indexMeta](ctx, s.db, database.CredentialIndex, metaID)
	if err != nil {
		return err
	}
	if !found || m.Version != indexVersion {
		n, err := s.db.Count(ctx, database.Credentials)
		if err != nil {
			return err
		}
		if n > 0 {
			return badges.Errorf(badges.EUNAVAILABLE, "The credential list is being built from the stored credentials; try again in a minute.")
		}
		if err := s.markBuilt(ctx); err != nil {
			return err
		}
	}
	s.index.built = true
	return nil
}

// markBuilt records that the index holds every credential.
func (s *CredentialStore) markBuilt(ctx context.Context) error {
	return database.Modify(ctx, s.db, database.CredentialIndex, metaID, func(m *indexMeta, _ bool) error {
		m.Version = indexVersion
		return nil
	})
}

// PrepareIndex finds out whether the index is complete (see ready), before
// anything is written; one that is not waits for RebuildIndex.
func (s *CredentialStore) PrepareIndex(ctx context.Context) error {
	if err := s.ready(ctx); badges.ErrorCode(err) != badges.EUNAVAILABLE {
		return err
	}
	return nil
}
