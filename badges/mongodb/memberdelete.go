package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// DeleteMember removes a member and frees its e-mail address and slug.
//
// Its search row and its count go first and the member last, so that a
// step that fails leaves the member in place, its row and count put back,
// and the request that is tried again does every step again: once the
// member is gone nothing would find it to finish them, and it would stay
// in searches and in the count for good. The member's lock is held
// throughout, so that an update finishing meanwhile cannot index it again.
func (s *MemberService) DeleteMember(ctx context.Context, id string) error {
	if !badges.ValidID(id) {
		return badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
	}
	defer s.db.LockDoc(database.Members, id)()
	r, err := s.record(ctx, id)
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx) // the steps, once begun, are finished or undone
	if err := s.changeIndex(ctx, []*memberRecord{r}, true); err != nil {
		return err
	}
	if _, err := s.db.IncCounter(ctx, membersCounter(r.Issuer), "count", -1); err != nil {
		_ = s.indexMembers(ctx, []*memberRecord{r})
		return err
	}
	res, err := s.db.Collection(database.Members).DeleteOne(ctx, database.ByID(id))
	s.db.Changed(database.Members, id)
	switch {
	case err != nil:
		s.undoDelete(ctx, r, true)
		return database.Wrap(err, "delete member")
	case res.DeletedCount == 0: // another process deleted it first, and counted it
		s.undoDelete(ctx, r, false)
		return badges.Errorf(badges.ENOTFOUND, "No member with id %q.", id)
	}
	s.release(ctx, memberKeys(r), r.ID)
	s.unlist(ctx, []*memberRecord{r})
	return nil
}

// undoDelete counts again a member whose delete failed and, when it is
// still stored, puts its search row back. It is done as well as it can
// be: the error returned is the delete's.
func (s *MemberService) undoDelete(ctx context.Context, r *memberRecord, stored bool) {
	_, _ = s.db.IncCounter(ctx, membersCounter(r.Issuer), "count", 1)
	if stored {
		_ = s.indexMembers(ctx, []*memberRecord{r})
	}
}
