package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

var _ badges.MemberForgetter = (*MemberService)(nil)

// ForgetMember keeps the member as badges.Member.Forget leaves them.
//
// It is not a variant of DeleteMember: a deleted member's record goes,
// with its count and its place in the member list, while a forgotten
// member's record stays under the same id, so that the member count, the
// activity log, statistics, cohorts and the credentials issued to them
// still add up. It is an update instead, through the same save as
// UpdateMember: the forgotten record holds no unique value, so save
// claims nothing and frees the e-mail, slug and external-id keys, and
// the member index is rewritten with the nameless record, so that a
// search by the old name or address finds nothing.
func (s *MemberService) ForgetMember(ctx context.Context, id string) (*badges.Member, error) {
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
	}
	defer s.db.LockDoc(database.Members, id)()
	ctx = context.WithoutCancel(ctx) // once begun, the keys are freed and the index rewritten
	for range memberAttempts {
		old, err := s.record(ctx, id)
		if err != nil {
			return nil, err
		}
		if !old.ForgottenAt.IsZero() {
			return old.member(), nil
		}
		f := old.member().Forget(s.db.Now())
		r := *old
		r.Email, r.DisplayName, r.ExternalID, r.Slug, r.Public, r.DID = f.Email, f.DisplayName, f.ExternalID, f.Slug, f.PublicProfile, f.DID
		r.UpdatedAt, r.ForgottenAt, r.Rev = f.UpdatedAt, f.ForgottenAt, old.Rev+1
		saved, err := s.save(ctx, &r, old)
		if err != nil || saved {
			return r.member(), err
		}
	}
	return nil, badges.Errorf(badges.EUNAVAILABLE, "Member %s is being changed by many requests at once; try again.", id)
}
