package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// correctionFixture is a community with a badge for two sessions attended
// and a member, Ada, who earned it.
type correctionFixture struct {
	ts            *testServer
	iss, ach, ada string
	acts          []string // Ada's activities, oldest first
}

func newCorrectionFixture(t *testing.T) *correctionFixture {
	t.Helper()
	return newCorrectionFixtureOn(t, newTestServer(t))
}

// newCorrectionFixtureOn is the fixture on a server of the test's own.
func newCorrectionFixtureOn(t *testing.T, ts *testServer) *correctionFixture {
	t.Helper()
	f := &correctionFixture{ts: ts, iss: mustIssuer(t, ts)}
	f.ach = mustAchievement(t, ts, f.iss, map[string]any{"status": "active", "name": "Regular"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.ach + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"attended-session","min":2}}}`}).want(t, 200)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/members", body: map[string]any{"email": "ada@example.org", "displayName": "Ada Lovelace"}}).want(t, 201).JSON(t, &m)
	f.ada = m.ID
	for i := range 2 {
		f.acts = append(f.acts, f.record(t, map[string]any{"memberId": f.ada, "behaviour": "attended-session",
			"at": time.Now().Add(-time.Duration(2-i) * time.Hour), "sourceEventId": fmt.Sprintf("meetup/%d", i)}))
	}
	waitFor(t, "the award", func() (string, bool) {
		r := ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/progress"}).want(t, 200)
		var p struct{ Items []struct{ Held bool } }
		r.JSON(t, &p)
		return string(r.body), len(p.Items) == 1 && p.Items[0].Held
	})
	return f
}

// record records one activity and returns its id.
func (f *correctionFixture) record(t *testing.T, act map[string]any) string {
	t.Helper()
	var rep struct {
		Results []struct{ Outcome, ID string }
	}
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: act}).want(t, 200).JSON(t, &rep)
	return rep.Results[0].ID
}

type activityItem struct {
	ID, Behaviour, BehaviourName, PeerID, PeerName, ReciprocalOf, VoidReason string
	Voided                                                                   bool
}

func (f *correctionFixture) activities(t *testing.T, memberID, query string) (list struct {
	Items      []activityItem
	Total      int
	NextCursor string
	MemberName string
}) {
	t.Helper()
	f.ts.do(t, req{method: "GET", path: "/api/v1/members/" + memberID + "/activities" + query}).want(t, 200).JSON(t, &list)
	return list
}

func voidPath(id string) string { return "/api/v1/activities/" + url.PathEscape(id) + "/void" }

// met reports whether Ada meets the badge's rule now.
func (f *correctionFixture) met(t *testing.T) bool {
	t.Helper()
	var p struct{ Items []struct{ Met bool } }
	f.ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/progress"}).want(t, 200).JSON(t, &p)
	return p.Items[0].Met
}

// TestCorrections_ListAndVoid lists a member's activities newest first
// with names, voids one (the record is rebuilt without it and the badge it
// earned is listed for review, not revoked), voids it again (the same
// answer), and refuses unknown activities and query parameters.
func TestCorrections_ListAndVoid(t *testing.T) {
	f := newCorrectionFixture(t)
	ts := f.ts
	list := f.activities(t, f.ada, "?limit=1")
	if list.Total != 2 || len(list.Items) != 1 || list.Items[0].ID != f.acts[1] || list.Items[0].BehaviourName != "Attended a session" ||
		list.MemberName != "Ada Lovelace" || list.NextCursor == "" {
		t.Fatalf("first page %+v", list)
	}
	if next := f.activities(t, f.ada, "?limit=1&cursor="+list.NextCursor); len(next.Items) != 1 || next.Items[0].ID != f.acts[0] || next.NextCursor != "" {
		t.Fatalf("second page %+v", next)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/activities?behaviour=posted"}).wantProblem(t, 400, badges.EINVALID, "behaviour")
	ts.do(t, req{method: "GET", path: "/api/v1/members/aaaaaaaaaaaaaaaaaaaa/activities"}).wantProblem(t, 404, badges.ENOTFOUND, "")

	var v struct {
		Activity      activityItem
		AlreadyVoided bool
		Reviews       []struct{ ID, MemberName, AchievementName, Status, Summary string }
	}
	ts.do(t, req{method: "POST", path: voidPath(f.acts[0]), body: map[string]any{"reason": "Signed in twice."}}).want(t, 200).JSON(t, &v)
	if v.AlreadyVoided || !v.Activity.Voided || v.Activity.VoidReason != "Signed in twice." || len(v.Reviews) != 1 ||
		v.Reviews[0].MemberName != "Ada Lovelace" || v.Reviews[0].AchievementName != "Regular" || v.Reviews[0].Status != "open" {
		t.Fatalf("void %+v", v)
	}
	if f.met(t) {
		t.Fatal("the rule is still met after the void")
	}
	first := v.Reviews[0].ID
	ts.do(t, req{method: "POST", path: voidPath(f.acts[0])}).want(t, 200).JSON(t, &v)
	if !v.AlreadyVoided || len(v.Reviews) != 1 || v.Reviews[0].ID != first {
		t.Fatalf("void again %+v", v)
	}
	// A resend of the voided activity stays a duplicate.
	var rep struct{ Duplicate int }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: map[string]any{"memberId": f.ada, "behaviour": "attended-session",
		"at": time.Now().Add(-2 * time.Hour), "sourceEventId": "meetup/0"}}).want(t, 200).JSON(t, &rep)
	if rep.Duplicate != 1 || f.met(t) {
		t.Fatalf("resend: %+v, met %v", rep, f.met(t))
	}
	if l := f.activities(t, f.ada, ""); l.Total != 2 || !l.Items[1].Voided || l.Items[0].Voided {
		t.Fatalf("list after the void %+v", l)
	}
	ts.do(t, req{method: "POST", path: voidPath("src:" + f.iss + ":no-such-event")}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "POST", path: voidPath(f.acts[1]), body: map[string]any{"why": "x"}}).wantProblem(t, 400, badges.EINVALID, "why")
	ts.do(t, req{method: "POST", path: voidPath(f.acts[1]), body: map[string]any{"reason": strings.Repeat("x", 501)}}).wantProblem(t, 400, badges.EINVALID, "reason")
	ts.do(t, req{method: "POST", path: voidPath(f.acts[1]), token: mustKey(t, ts, badges.ScopeIngest)}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	// The credential stays until a manager decides.
	var held struct{ Items []struct{ Held bool } }
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/progress"}).want(t, 200).JSON(t, &held)
	if !held.Items[0].Held {
		t.Fatal("the void revoked the badge")
	}
}

// TestCorrections_Reviews resolves reviews: dismissing keeps the badge,
// revoking revokes it; a resolved review cannot be resolved again.
func TestCorrections_Reviews(t *testing.T) {
	f := newCorrectionFixture(t)
	ts := f.ts
	reviews := "/api/v1/issuers/" + f.iss + "/reviews"
	var v struct{ Reviews []struct{ ID string } }
	ts.do(t, req{method: "POST", path: voidPath(f.acts[1]), body: map[string]any{"reason": "Test data."}}).want(t, 200).JSON(t, &v)
	id := v.Reviews[0].ID
	var list struct {
		Items []struct{ ID, Status, Reason, Note string }
		Total int
	}
	ts.do(t, req{method: "GET", path: reviews + "?status=open"}).want(t, 200).JSON(t, &list)
	if list.Total != 1 || list.Items[0].ID != id || list.Items[0].Reason != "Test data." {
		t.Fatalf("open reviews %+v", list)
	}
	ts.do(t, req{method: "GET", path: reviews + "?status=closed"}).wantProblem(t, 400, badges.EINVALID, "status")
	ts.do(t, req{method: "GET", path: reviews + "?state=open"}).wantProblem(t, 400, badges.EINVALID, "state")
	ts.do(t, req{method: "POST", path: reviews + "/" + id + "/revoke", body: map[string]any{}}).wantProblem(t, 400, badges.EINVALID, "reason")
	ts.do(t, req{method: "POST", path: reviews + "/" + id + "/dismiss", body: map[string]any{"reason": "x"}}).wantProblem(t, 400, badges.EINVALID, "reason")
	ts.do(t, req{method: "POST", path: reviews + "/nope/dismiss"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "POST", path: reviews + "/" + id + "/revoke", body: map[string]any{"reason": "Earned on test data."}}).want(t, 200).JSON(t, &list.Items[0])
	if list.Items[0].Status != "revoked" {
		t.Fatalf("revoked review %+v", list.Items[0])
	}
	var p struct{ Items []struct{ Held bool } }
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/progress"}).want(t, 200).JSON(t, &p)
	if p.Items[0].Held {
		t.Fatal("the badge is held after its review was resolved by revoking")
	}
	ts.do(t, req{method: "POST", path: reviews + "/" + id + "/dismiss"}).wantProblem(t, 409, badges.ECONFLICT, "")

	// A second badge lapses; dismissing its review keeps it.
	f2 := newCorrectionFixture(t)
	f2.ts.do(t, req{method: "POST", path: voidPath(f2.acts[0])}).want(t, 200).JSON(t, &v)
	f2.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f2.iss + "/reviews/" + v.Reviews[0].ID + "/dismiss", body: map[string]any{"note": "Attended, forgot to sign in."}}).
		want(t, 200).JSON(t, &list.Items[0])
	if list.Items[0].Status != "dismissed" || list.Items[0].Note != "Attended, forgot to sign in." {
		t.Fatalf("dismissed review %+v", list.Items[0])
	}
}

// TestCorrections_VoidRacesRecording voids activities while new activity
// of the same member is recorded: neither is lost, every round.
func TestCorrections_VoidRacesRecording(t *testing.T) {
	f := newCorrectionFixture(t)
	ts := f.ts
	for round := range 5 {
		extra := f.record(t, map[string]any{"memberId": f.ada, "behaviour": "attended-session", "at": time.Now().Add(-time.Minute), "sourceEventId": fmt.Sprint("extra/", round)})
		rs := atOnce(t,
			call{ts, req{method: "POST", path: voidPath(extra)}},
			call{ts, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: map[string]any{"memberId": f.ada, "behaviour": "attended-session",
				"at": time.Now().Add(-time.Minute), "sourceEventId": fmt.Sprint("race/", round)}}})
		if rs[0].Code != 200 || rs[1].Code != 200 {
			t.Fatalf("round %d: statuses %v", round, statuses(rs))
		}
		var p struct {
			Items []struct{ Conditions []struct{ Current float64 } }
		}
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada + "/progress"}).want(t, 200).JSON(t, &p)
		if want := float64(2 + round + 1); p.Items[0].Conditions[0].Current != want {
			t.Fatalf("round %d: %v sessions counted, want %v", round, p.Items[0].Conditions[0].Current, want)
		}
	}
}

// TestCorrections_NoIndexNoVoid refuses, with a 409 that says why, to
// void activity of a member whose record holds activity their activity
// list lacks (recorded before the list was kept): the record could not be
// rebuilt.
func TestCorrections_NoIndexNoVoid(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "old@example.org", "displayName": "Old Timer"}}).want(t, 201).JSON(t, &m)
	var rep struct{ Results []struct{ ID string } }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: []map[string]any{
		{"memberId": m.ID, "behaviour": "posted", "at": time.Now().Add(-2 * time.Hour), "sourceEventId": "old-1"},
		{"memberId": m.ID, "behaviour": "posted", "at": time.Now().Add(-time.Hour), "sourceEventId": "old-2"}}}).want(t, 200).JSON(t, &rep)
	// The list as a member recorded before it was kept has it: without
	// the second activity.
	err := database.Modify(t.Context(), ts.db, database.ActivityIndex, m.ID, func(idx *badges.ActivityIndex, _ bool) error {
		idx.Entries = idx.Entries[1:]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := ts.do(t, req{method: "POST", path: voidPath(rep.Results[0].ID)}).wantProblem(t, 409, badges.ECONFLICT, "")
	wantIn(t, p.Detail, "cannot be rebuilt")
	var list struct{ Items []activityItem }
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + m.ID + "/activities"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0].Voided {
		t.Fatalf("activities %+v", list.Items)
	}
}
