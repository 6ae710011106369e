package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
)

// RebuildIndex builds the member index from the members when it is
// missing or of another layout (a database from before it, or restored
// from an archive without it), and returns how many members it read. It
// scans the members collection, so it is background work, run at start.
// Members created and changed meanwhile write their rows themselves; a
// row is replaced only by one of a later revision, so the rebuild's older
// copy never undoes a change.
func (s *MemberService) RebuildIndex(ctx context.Context) (int, error) {
	m, found, err := database.ReadComputed[memberIndexMeta](ctx, s.db, database.MemberIndex, indexMetaID)
	if err != nil || found && m.Version == memberIndexLayout {
		return 0, err
	}
	if found {
		// Another layout: its rows cannot be merged into.
		if _, err := s.db.Collection(database.MemberIndex).DeleteMany(ctx, bson.D{}); err != nil {
			return 0, database.Wrap(err, "clear the member index")
		}
	}
	cur, err := s.db.Collection(database.Members).Find(ctx, bson.D{})
	if err != nil {
		return 0, database.Wrap(err, "read members")
	}
	defer cur.Close(ctx)
	const batch = 5000
	n, recs := 0, make([]*memberRecord, 0, batch)
	for cur.Next(ctx) {
		r := new(memberRecord)
		if err := cur.Decode(r); err != nil {
			return n, database.Wrap(err, "read members")
		}
		if recs = append(recs, r); len(recs) == batch {
			if err := s.indexMembers(ctx, recs); err != nil {
				return n, err
			}
			n, recs = n+len(recs), recs[:0]
		}
	}
	if err := cur.Err(); err != nil {
		return n, database.Wrap(err, "read members")
	}
	if err := s.indexMembers(ctx, recs); err != nil {
		return n, err
	}
	return n + len(recs), s.markIndexed(ctx)
}
