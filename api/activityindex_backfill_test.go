package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// unindexedLog is the activity log as it was before members' activity
// indexes were kept.
type unindexedLog struct{ *mongodb.ActivityStore }

func (unindexedLog) IndexActivities(context.Context, string, []badges.Activity) error { return nil }

// TestActivityIndexBackfill: activity recorded before the activity index
// was kept is not listed and cannot be voided (409); once Laurel starts
// again, the backfill has indexed it, so it is listed and voided, and the
// member's record is rebuilt without it.
func TestActivityIndexBackfill(t *testing.T) {
	f := newCorrectionFixture(t)
	old := newAwarder(t, f.ts.db, newIssuing(t, f.ts.db))
	old.Activities = unindexedLog{mongodb.NewActivityStore(f.ts.db)}
	var oldIDs []string
	for i := range 3 {
		res, err := old.Record(t.Context(), f.iss, []badges.ActivityInput{{Activity: badges.Activity{MemberID: f.ada, Behaviour: "attended-session",
			At: time.Now().Add(-time.Duration(48+i) * time.Hour), SourceEventID: fmt.Sprint("before-", i)}}})
		if err != nil || res[0].Outcome != badges.ActivityRecorded {
			t.Fatalf("record without the index: %+v, %v", res, err)
		}
		oldIDs = append(oldIDs, res[0].ID)
	}
	if list := f.activities(t, f.ada, ""); list.Total != 2 {
		t.Fatalf("before the backfill: %d activities listed; want the 2 indexed", list.Total)
	}
	f.ts.do(t, req{method: "POST", path: voidPath(oldIDs[0]), body: map[string]any{}}).wantProblem(t, 409, badges.ECONFLICT, "")

	// Laurel starts again: its award worker backfills as it starts.
	work, stop := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { defer close(stopped); newLaurel(t, f.ts.db).Awarder.Run(work, time.Minute) }()
	defer func() { stop(); <-stopped }()
	waitFor(t, "the backfill", func() (string, bool) {
		list := f.activities(t, f.ada, "")
		return fmt.Sprint(list), list.Total == 5
	})
	var v struct {
		Activity struct{ ID string }
	}
	f.ts.do(t, req{method: "POST", path: voidPath(oldIDs[0]), body: map[string]any{"reason": "Recorded twice."}}).want(t, 200).JSON(t, &v)
	list := f.activities(t, f.ada, "")
	for _, it := range list.Items {
		if it.Voided != (it.ID == oldIDs[0]) {
			t.Errorf("after voiding %s: %+v", oldIDs[0], it)
		}
	}
	rec, err := f.ts.stores.Records.Record(t.Context(), f.ada)
	if err != nil || rec.Behaviours["attended-session"].Count != 4 {
		t.Fatalf("record after the void: %+v, %v; want 4 sessions", rec, err)
	}
	if done, err := f.ts.stores.Activities.IndexBackfilled(t.Context()); err != nil || !done {
		t.Fatalf("backfill remembered: %v, %v", done, err)
	}
}
