package badges_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestActivityIndex_AddAndPage keeps each activity once, newest first,
// pages through them with cursors, and lists the live ones in the order
// they were recorded.
func TestActivityIndex_AddAndPage(t *testing.T) {
	var idx badges.ActivityIndex
	act := func(id string, hoursAgo int, recorded int) badges.Activity {
		return badges.Activity{ID: id, Behaviour: "posted", At: t0.Add(-time.Duration(hoursAgo) * time.Hour), RecordedAt: t0.Add(time.Duration(recorded) * time.Minute)}
	}
	if !idx.Add([]badges.Activity{act("b", 2, 1), act("a", 1, 2), act("c", 3, 0)}) {
		t.Fatal("Add of new activities = false")
	}
	if idx.Add([]badges.Activity{act("a", 1, 2)}) {
		t.Fatal("Add of an indexed activity = true")
	}
	var seen []string
	o := badges.ListOptions{Limit: 2}
	for {
		p, err := idx.Page(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Items {
			seen = append(seen, e.ID)
		}
		if p.Total != 3 || p.NextCursor == "" {
			break
		}
		o.Cursor = p.NextCursor
	}
	if !slices.Equal(seen, []string{"a", "b", "c"}) {
		t.Fatalf("pages %v, want newest first", seen)
	}
	if !idx.MarkVoided("b") || idx.MarkVoided("zz") {
		t.Fatal("MarkVoided")
	}
	if live := idx.Live(); !slices.Equal(live, []string{"c", "a"}) {
		t.Fatalf("Live = %v, want c then a (by recording)", live)
	}
	if _, err := idx.Page(badges.ListOptions{Cursor: "!!"}); badges.ErrorField(err) != "cursor" {
		t.Fatalf("bad cursor: %v", err)
	}
}

// TestActivityIndex_Bound keeps the newest MaxIndexedActivities and counts
// the ones it drops.
func TestActivityIndex_Bound(t *testing.T) {
	var idx badges.ActivityIndex
	acts := make([]badges.Activity, badges.MaxIndexedActivities+2)
	for i := range acts {
		acts[i] = badges.Activity{ID: fmt.Sprint("a", i), Behaviour: "posted", At: t0.Add(time.Duration(i) * time.Minute)}
	}
	idx.Add(acts)
	if len(idx.Entries) != badges.MaxIndexedActivities || idx.Dropped != 2 || idx.Entries[len(idx.Entries)-1].ID != "a2" {
		t.Fatalf("%d entries, %d dropped, oldest %s", len(idx.Entries), idx.Dropped, idx.Entries[len(idx.Entries)-1].ID)
	}
}

// TestReviews_OpenAndResolve opens one review per member and badge,
// resolves it once, and keeps the bounds.
func TestReviews_OpenAndResolve(t *testing.T) {
	var rs badges.Reviews
	first := rs.Open(badges.Review{ID: "r1", MemberID: "m", AchievementID: "a", CreatedAt: t0})
	if again := rs.Open(badges.Review{ID: "r2", MemberID: "m", AchievementID: "a", CreatedAt: t0}); again.ID != first.ID || len(rs.Items) != 1 {
		t.Fatalf("second review of the same badge: %+v, %d reviews", again, len(rs.Items))
	}
	if r, err := rs.Resolve("r1", badges.ReviewDismissed, "Fine.", t0); err != nil || r.Status != badges.ReviewDismissed || r.Note != "Fine." {
		t.Fatalf("Resolve = %+v, %v", r, err)
	}
	if _, err := rs.Resolve("r1", badges.ReviewRevoked, "", t0); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("resolving again: %v", err)
	}
	if _, err := rs.Resolve("nope", badges.ReviewRevoked, "", t0); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("resolving an unknown review: %v", err)
	}
	for i := range badges.MaxOpenReviews + 1 {
		rs.Open(badges.Review{ID: fmt.Sprint("o", i), MemberID: fmt.Sprint("m", i), AchievementID: "a", CreatedAt: t0})
	}
	open := 0
	for _, r := range rs.Items {
		if r.Status == badges.ReviewOpen {
			open++
		}
	}
	if open != badges.MaxOpenReviews || rs.Items[len(rs.Items)-1].Status == badges.ReviewOpen {
		t.Fatalf("%d open reviews, oldest %+v", open, rs.Items[len(rs.Items)-1])
	}
}

// TestParseActivityCSV_Peers reads the peer by e-mail or external id.
func TestParseActivityCSV_Peers(t *testing.T) {
	rows, err := badges.ParseActivityCSV(strings.NewReader("email,behaviour,at,peerEmail,peerExternalId\n"+
		"ada@example.org,mentored-member,2026-05-01T10:00:00Z,bob@example.org,\n"+
		"ada@example.org,mentored-member,2026-05-01T10:00:00Z,,u-bob\n"), 10)
	if err != nil || len(rows) != 2 || rows[0].Err != nil || rows[1].Err != nil {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	if rows[0].Input.PeerEmail != "bob@example.org" || rows[1].Input.PeerExternalID != "u-bob" {
		t.Fatalf("peers %+v / %+v", rows[0].Input, rows[1].Input)
	}
}
