package mongodb

import (
	"context"
	"errors"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// The activity index's backfill reads the records and the log whole (see
// badges/activityindex_backfill.go); it runs in the background.

var _ badges.IndexBackfillStore = (*ActivityStore)(nil)

// backfillMark is the id of the document that says a backfill ran to its
// end; it lives among the indexes, whose ids are member ids, which never
// start with "!".
const backfillMark = "!backfilled"

type backfillRecord struct {
	At time.Time
}

// IndexBackfilled reports whether a backfill ran to its end.
func (s *ActivityStore) IndexBackfilled(ctx context.Context) (bool, error) {
	_, found, err := database.ReadComputed[backfillRecord](ctx, s.db, database.ActivityIndex, backfillMark)
	return found, err
}

// MarkIndexBackfilled remembers that a backfill ran to its end.
func (s *ActivityStore) MarkIndexBackfilled(ctx context.Context, at time.Time) error {
	return database.Modify(ctx, s.db, database.ActivityIndex, backfillMark, func(r *backfillRecord, _ bool) error {
		r.At = at.UTC()
		return nil
	})
}

// EachRecord calls each with every member's record.
func (s *ActivityStore) EachRecord(ctx context.Context, each func(*badges.MemberRecord) error) error {
	return database.EachComputed(ctx, s.db, database.Records, func(id string, rec badges.MemberRecord) error {
		if rec.MemberID == "" {
			rec.MemberID = id
		}
		return each(&rec)
	})
}

// EachLogged calls each with every activity in the log.
func (s *ActivityStore) EachLogged(ctx context.Context, each func(badges.LoggedActivity) error) error {
	return database.Each(ctx, s.db, database.Activities, func(r activityRecord) error { return each(r.logged()) })
}

// IndexLogged puts logged activities in a member's index, each once, the
// voided ones marked; an index that has them all is not written.
func (s *ActivityStore) IndexLogged(ctx context.Context, memberID string, ls []badges.LoggedActivity) error {
	err := database.Modify(ctx, s.db, database.ActivityIndex, memberID, func(idx *badges.ActivityIndex, _ bool) error {
		if !idx.AddLogged(ls) {
			return errIndexed
		}
		return nil
	})
	if errors.Is(err, errIndexed) {
		return nil
	}
	return err
}
