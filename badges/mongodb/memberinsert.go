package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// insertMembers lists, counts and stores new members of one issuer whose
// keys are claimed: sequence numbers, list entries and count first, then
// the records with one unordered insert, so that no write that can fail
// follows a stored member. It returns, per member, nil when it is stored
// or why it is not, and whether it is certainly absent: only then may its
// keys be released. A member not stored is unlisted and uncounted again,
// best-effort; a list entry left behind is skipped by lists, and a count
// left wrong is repaired by setting it to the number of the issuer's
// members (the counter "members:<issuer>", field v.count).
func (s *MemberService) insertMembers(ctx context.Context, recs []*memberRecord) (errs []error, absent []bool) {
	fail := func(err error) ([]error, []bool) {
		errs, absent = make([]error, len(recs)), make([]bool, len(recs))
		for i := range recs {
			errs[i], absent[i] = err, true
		}
		return errs, absent
	}
	issuer, n := recs[0].Issuer, int64(len(recs))
	last, err := s.db.IncCounter(ctx, membersCounter(issuer), "seq", n)
	if err != nil {
		return fail(err)
	}
	pages := map[string][]string{}
	docs := make([]any, len(recs))
	for i, r := range recs {
		r.Seq = last - n + 1 + int64(i)
		id := pageID(issuer, r.Seq)
		pages[id] = append(pages[id], pageEntry(r.Seq, r.ID))
		docs[i] = r
	}
	for id, entries := range pages {
		if err := s.pushEntries(ctx, id, entries...); err != nil {
			return fail(err)
		}
	}
	if _, err := s.db.IncCounter(ctx, membersCounter(issuer), "count", n); err != nil {
		s.unlist(ctx, recs)
		return fail(err)
	}
	_, err = s.db.Collection(database.Members).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	errs, absent = s.insertOutcome(ctx, recs, err)
	var gone []*memberRecord
	for i, r := range recs {
		if absent[i] {
			gone = append(gone, r)
		}
	}
	if len(gone) > 0 {
		s.unlist(ctx, gone)
		_, _ = s.db.IncCounter(context.WithoutCancel(ctx), membersCounter(issuer), "count", -int64(len(gone)))
	}
	s.indexStored(ctx, recs, errs)
	return errs, absent
}

// insertOutcome learns which members a failed insert stored by reading
// each back: the insert is unordered, so any of them may be. One found is
// stored after all; one not found is absent. Once a read fails too, the
// rest are unknown and keep their keys and list entries: if such a member
// is in fact absent, its keys are taken over a minute later (see
// database.DB.ClaimKey) and lists skip its entry.
func (s *MemberService) insertOutcome(ctx context.Context, recs []*memberRecord, err error) (errs []error, absent []bool) {
	errs, absent = make([]error, len(recs)), make([]bool, len(recs))
	if err == nil {
		return errs, absent
	}
	err = database.Wrap(err, "store members")
	ctx = context.WithoutCancel(ctx) // the outcome is needed even when the request is gone
	reading := true
	for i, r := range recs {
		if !reading {
			errs[i] = err
			continue
		}
		_, rerr := s.record(ctx, r.ID)
		switch {
		case rerr == nil:
		case badges.ErrorCode(rerr) == badges.ENOTFOUND:
			errs[i], absent[i] = err, true
		default:
			errs[i], reading = err, false
		}
	}
	return errs, absent
}

// pushEntries appends entries to a member list page.
func (s *MemberService) pushEntries(ctx context.Context, page string, entries ...string) error {
	defer s.db.LockDoc(database.MemberPages, page)()
	push := bson.D{{Key: "$push", Value: bson.D{{Key: "ids", Value: bson.D{{Key: "$each", Value: entries}}}}}}
	_, err := s.db.Collection(database.MemberPages).UpdateOne(ctx, database.ByID(page), push, upsert())
	return database.Wrap(err, "list member")
}

// unlist removes members' entries from their list pages, best-effort.
func (s *MemberService) unlist(ctx context.Context, recs []*memberRecord) {
	ctx = context.WithoutCancel(ctx)
	for _, r := range recs {
		page := pageID(r.Issuer, r.Seq)
		unlock := s.db.LockDoc(database.MemberPages, page)
		_, _ = s.db.Collection(database.MemberPages).UpdateOne(ctx, database.ByID(page),
			bson.D{{Key: "$pull", Value: bson.D{{Key: "ids", Value: pageEntry(r.Seq, r.ID)}}}})
		unlock()
	}
}

// indexStored puts the members an insert stored in the member index. If
// that fails, the database's error is reported for them (they are stored,
// and keep their keys) and searches miss them until the index is rebuilt.
func (s *MemberService) indexStored(ctx context.Context, recs []*memberRecord, errs []error) {
	var stored []*memberRecord
	var at []int
	for i, r := range recs {
		if errs[i] == nil {
			stored, at = append(stored, r), append(at, i)
		}
	}
	if len(stored) == 0 {
		return
	}
	if err := s.indexMembers(ctx, stored); err != nil {
		for _, i := range at {
			errs[i] = err
		}
	}
}
