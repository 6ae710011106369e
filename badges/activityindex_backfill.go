package badges

import (
	"cmp"
	"context"
	"errors"
	"time"
)

// The activity index's backfill. Activity recorded before the index was
// kept is in the log and in the members' records but not in their
// indexes, so it could not be listed, and a record holding it could not be
// rebuilt, so none of that member's activity could be voided. At start,
// in the background, the backfill finds the members whose record holds
// activity their index lacks (a scan of the records) and puts their
// logged activities in their indexes (a scan of the log, by the member's
// id in the log).
//
// It is idempotent: an activity is indexed once, however often it is
// added. It is resumable: what it indexed stays indexed, and a member
// whose index covers their record is not looked at again, so a run cut
// short goes on where it stopped at the next start; once a run over a
// database with records has indexed all it could, that is remembered and
// later starts do nothing (an empty database is left empty: it is looked
// at again at the next start, which costs nothing).
// Its memory is bounded: at most backfillMembers members a pass and
// backfillHeld activities between writes.

// IndexBackfillStore is what the backfill reads and writes. Its scans
// read whole collections: background work only.
type IndexBackfillStore interface {
	// IndexBackfilled reports whether a backfill ran to its end.
	IndexBackfilled(ctx context.Context) (bool, error)
	// MarkIndexBackfilled remembers that one did, at a time.
	MarkIndexBackfilled(ctx context.Context, at time.Time) error
	// EachRecord calls each with every member's record; an error from
	// each stops the scan and is returned.
	EachRecord(ctx context.Context, each func(*MemberRecord) error) error
	// EachLogged calls each with every activity in the log, as EachRecord.
	EachLogged(ctx context.Context, each func(LoggedActivity) error) error
	// IndexLogged puts logged activities in a member's index, each once,
	// the voided ones marked.
	IndexLogged(ctx context.Context, memberID string, ls []LoggedActivity) error
}

// Bounds of the backfill's memory (Awarder.backfill holds smaller ones in
// tests).
const (
	backfillMembers = 50000 // members backfilled per scan of the log
	backfillHeld    = 20000 // activities read before they are indexed
)

// backfillBounds are the bounds of a backfill; zero means the default.
type backfillBounds struct{ members, held int }

// BackfillResult is what a backfill did.
type BackfillResult struct {
	Members    int  // members whose index was backfilled
	Activities int  // activities of theirs read from the log
	Done       bool // a backfill had run to its end before: nothing was read
}

// errEnough stops a scan that found as much as a pass takes.
var errEnough = errors.New("enough for one pass")

// BackfillActivityIndex builds the activity index of every member whose
// record holds activity their index lacks, unless a backfill has run to
// its end before. A nil IndexBackfill store does nothing.
func (a *Awarder) BackfillActivityIndex(ctx context.Context) (BackfillResult, error) {
	st := a.IndexBackfill
	if st == nil {
		return BackfillResult{Done: true}, nil
	}
	done, err := st.IndexBackfilled(ctx)
	if err != nil || done {
		return BackfillResult{Done: done}, err
	}
	var res BackfillResult
	tried := map[string]bool{} // not looked at twice, should their index still fall short
	for {
		lacking, more, seen, err := a.membersLackingIndex(ctx, tried)
		if err != nil {
			return res, err
		}
		if seen == 0 {
			return res, nil // no record: nothing to remember
		}
		n, err := a.indexLogOf(ctx, lacking)
		res.Members, res.Activities = res.Members+len(lacking), res.Activities+n
		if err != nil {
			return res, err
		}
		if !more {
			return res, st.MarkIndexBackfilled(ctx, a.now())
		}
	}
}

// membersLackingIndex returns up to backfillMembers members, not tried
// before, whose record holds activity their index lacks (adding them to
// tried); more says the scan stopped there, seen how many records it read.
func (a *Awarder) membersLackingIndex(ctx context.Context, tried map[string]bool) (lacking map[string]bool, more bool, seen int, err error) {
	lacking = map[string]bool{}
	err = a.IndexBackfill.EachRecord(ctx, func(rec *MemberRecord) error {
		if seen++; tried[rec.MemberID] {
			return nil
		}
		idx, err := a.Activities.ActivityIndex(ctx, rec.MemberID)
		if err != nil {
			return err
		}
		if !idx.lacks(rec) {
			return nil
		}
		lacking[rec.MemberID], tried[rec.MemberID] = true, true
		if len(lacking) >= cmp.Or(a.backfill.members, backfillMembers) {
			return errEnough
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		return lacking, true, seen, nil
	}
	return lacking, false, seen, err
}

// indexLogOf reads the log once and indexes the activities of the given
// members, backfillHeld at a time; it returns how many it read.
func (a *Awarder) indexLogOf(ctx context.Context, members map[string]bool) (int, error) {
	if len(members) == 0 {
		return 0, nil
	}
	st := a.IndexBackfill
	held, read := map[string][]LoggedActivity{}, 0
	flush := func() error {
		for id, ls := range held {
			if err := st.IndexLogged(ctx, id, ls); err != nil {
				return err
			}
		}
		clear(held)
		return nil
	}
	err := st.EachLogged(ctx, func(l LoggedActivity) error {
		if !members[l.MemberID] {
			return nil
		}
		held[l.MemberID] = append(held[l.MemberID], l)
		if read++; read%cmp.Or(a.backfill.held, backfillHeld) == 0 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return read, err
	}
	return read, flush()
}

// backfillInBackground runs the backfill for the award worker, which
// reports what it did or what failed and goes on.
func (a *Awarder) backfillInBackground(ctx context.Context) {
	res, err := a.BackfillActivityIndex(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		a.report(Notice{Doing: "backfilling members' activity lists", Err: err})
	case err == nil && res.Members > 0:
		a.report(Notice{Doing: "backfilled members' activity lists", Members: res.Members})
	}
}
