package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// PagedMembers is the member list as the list pages answer it, each
// member read by _id: what the list from the member index must equal.
func (s *MemberService) PagedMembers(ctx context.Context, f badges.MemberFilter) (*badges.Page[*badges.Member], error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	return s.pagedList(ctx, f)
}
