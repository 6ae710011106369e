package mongodb

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// search answers a member search from the member index: members whose
// name, e-mail address or external id contains the folded query, in
// creation order, with the same cursors as the member list.
func (s *MemberService) search(ctx context.Context, f badges.MemberFilter) (*badges.Page[*badges.Member], error) {
	afterSeq, err := cursorSeq(f.Cursor)
	if err != nil {
		return nil, err
	}
	chunks, err := s.memberChunks(ctx, f.IssuerID)
	if err != nil {
		return nil, err
	}
	q := []byte(f.Query)
	var found [][]byte
	var lastSeq int64
	p := &badges.Page[*badges.Member]{Items: []*badges.Member{}}
	for _, rows := range chunks {
		for b := rows; ; {
			row, rest, ok := nextRow(b)
			if !ok {
				break
			}
			b = rest
			if !bytes.Contains(row.key, q) {
				continue
			}
			p.Total++
			if row.seq > afterSeq && len(found) <= f.Limit {
				found = append(found, row.record)
			}
		}
	}
	for i, rec := range found {
		if i == f.Limit {
			last := p.Items[i-1]
			p.NextCursor = badges.EncodeCursor(pageEntry(lastSeq, last.ID))
			break
		}
		var r memberRecord
		if err := bson.Unmarshal(rec, &r); err != nil {
			return nil, database.Wrap(err, "read member index")
		}
		p.Items, lastSeq = append(p.Items, r.member()), r.Seq
	}
	return p, nil
}

// cursorSeq is the seq a member-list cursor stands after (0 for none).
func cursorSeq(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	after, err := badges.DecodeCursor(c)
	if err != nil {
		return 0, err
	}
	seq, err := strconv.ParseInt(after[:min(12, len(after))], 10, 64)
	if err != nil || seq < 1 {
		return 0, badges.FieldErrorf("cursor", "cursor is not one this server issued")
	}
	return seq, nil
}

// MemberNames returns the display names of those of ids that are the
// issuer's members, in one pass over the issuer's member index.
func (s *MemberService) MemberNames(ctx context.Context, issuerID string, ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	err := s.eachIndexed(ctx, issuerID, ids, func(id string, record bson.Raw) error {
		names[id], _ = record.Lookup("name").StringValueOK()
		return nil
	})
	return names, err
}

// MembersByID returns those of ids that are the issuer's members, by id,
// in one pass over the issuer's member index: a page of members costs
// one pass instead of a read each.
func (s *MemberService) MembersByID(ctx context.Context, issuerID string, ids []string) (map[string]*badges.Member, error) {
	out := make(map[string]*badges.Member, len(ids))
	err := s.eachIndexed(ctx, issuerID, ids, func(id string, record bson.Raw) error {
		var r memberRecord
		if err := bson.Unmarshal(record, &r); err != nil {
			return database.Wrap(err, "read member index")
		}
		out[id] = r.member()
		return nil
	})
	return out, err
}

// eachIndexed calls found with the index record of each of ids that is
// the issuer's member, in one pass that ends once all are found.
func (s *MemberService) eachIndexed(ctx context.Context, issuerID string, ids []string, found func(id string, record bson.Raw) error) error {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	chunks, err := s.memberChunks(ctx, issuerID)
	if err != nil {
		return err
	}
	left := len(want)
	for _, rows := range chunks {
		for b := rows; left > 0; {
			row, rest, ok := nextRow(b)
			if !ok {
				break
			}
			b = rest
			if !want[string(row.id)] {
				continue
			}
			left--
			if err := found(string(row.id), row.record); err != nil {
				return err
			}
		}
	}
	return nil
}

// matching keeps the member a lookup found only if it matches a search
// too (q folded; "" keeps it).
func matching(p *badges.Page[*badges.Member], err error) func(q string) (*badges.Page[*badges.Member], error) {
	return func(q string) (*badges.Page[*badges.Member], error) {
		if err != nil || q == "" || len(p.Items) == 0 || strings.Contains(p.Items[0].SearchKey(), q) {
			return p, err
		}
		return &badges.Page[*badges.Member]{Items: []*badges.Member{}}, nil
	}
}
