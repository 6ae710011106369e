package mongodb

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
)

var _ badges.MemberDirectory = (*MemberService)(nil)

// PublicMembers reads a community's public directory from its member
// index in one pass, looking at three fields of each record rather than
// decoding it: the index holds every member's record, so the directory
// never reads members one by one.
func (s *MemberService) PublicMembers(ctx context.Context, issuerID string) ([]badges.ListedMember, error) {
	chunks, err := s.memberChunks(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	out := []badges.ListedMember{}
	for _, rows := range chunks {
		for b := rows; ; {
			row, rest, ok := nextRow(b)
			if !ok {
				break
			}
			b = rest
			if m, ok := listedRow(bson.Raw(row.record)); ok {
				out = append(out, m)
			}
		}
	}
	badges.SortListed(out)
	return out, nil
}

// listedRow is a member index record as a directory entry, if the member
// is listed (badges.Member.Listed).
func listedRow(rec bson.Raw) (badges.ListedMember, bool) {
	public, _ := rec.Lookup("public").BooleanOK()
	if !public {
		return badges.ListedMember{}, false
	}
	if _, forgotten := rec.Lookup("forgottenAt").TimeOK(); forgotten {
		return badges.ListedMember{}, false
	}
	name, _ := rec.Lookup("name").StringValueOK()
	slug, _ := rec.Lookup("slug").StringValueOK()
	if strings.TrimSpace(name) == "" || slug == "" {
		return badges.ListedMember{}, false
	}
	return badges.ListedMember{Name: name, Slug: slug, Key: badges.FoldSearch(name)}, true
}
