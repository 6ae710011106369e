package api_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestBehaviours_EditAndRetire edits a default behaviour, retires one
// (new activity and new rules refuse it; the rule that counted it keeps
// its rule, and history stays), and brings it back.
func TestBehaviours_EditAndRetire(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/behaviours/"
	var b struct {
		Key, Name, Category string
		Retired             bool
	}
	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"name": "Posted a thread", "category": "participation"}}).want(t, 200).JSON(t, &b)
	if b.Name != "Posted a thread" || b.Category != "participation" || b.Retired {
		t.Fatalf("edited %+v", b)
	}
	var list struct{ Items []struct{ Key, Name string } }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/behaviours"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != len(badges.DefaultBehaviours()) || list.Items[2].Key != "posted" || list.Items[2].Name != "Posted a thread" {
		t.Fatalf("catalogue %+v", list)
	}
	ts.do(t, req{method: "PATCH", path: path + "no-such", body: map[string]any{"name": "X"}}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"category": "gossip"}}).wantProblem(t, 400, badges.EINVALID, "category")
	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"name": ""}}).wantProblem(t, 400, badges.EINVALID, "name")
	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"key": "other"}}).wantProblem(t, 400, badges.EINVALID, "key")
	ts.do(t, req{method: "PATCH", path: path + "endorsed-peer", body: map[string]any{"retired": true}}).wantProblem(t, 400, badges.EINVALID, "retired")

	counting := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Poster"})["id"].(string)
	rule := `{"condition":{"count":{"behaviour":"posted","min":2}}}`
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + counting + "/rule", contentType: "application/json", body: rule}).want(t, 200)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "ada@example.org", "displayName": "Ada"}}).want(t, 201).JSON(t, &m)
	activity := map[string]any{"memberId": m.ID, "behaviour": "posted", "at": time.Now().Add(-time.Hour)}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: activity}).want(t, 200)

	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"retired": true}}).want(t, 200).JSON(t, &b)
	if !b.Retired {
		t.Fatalf("retired %+v", b)
	}
	p := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: activity}).wantProblem(t, 400, badges.EINVALID, "behaviour")
	wantIn(t, p.Detail, `Behaviour "posted" (Posted a thread) was retired on`, "takes no new activity")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + counting + "/rule", contentType: "application/json", body: `{"condition":{"count":{"behaviour":"posted","min":3}}}`}).want(t, 200)
	other := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Other"})["id"].(string)
	p = ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + other + "/rule", contentType: "application/json", body: rule}).
		wantProblem(t, 400, badges.EINVALID, "rule.condition.count.behaviour")
	wantIn(t, p.Detail, "is retired: a rule cannot start counting it")
	var progress struct {
		Items []struct{ Conditions []struct{ Current float64 } }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + m.ID + "/progress"}).want(t, 200).JSON(t, &progress)
	if len(progress.Items) != 1 || progress.Items[0].Conditions[0].Current != 1 {
		t.Fatalf("history of a retired behaviour: %+v", progress)
	}

	ts.do(t, req{method: "PATCH", path: path + "posted", body: map[string]any{"retired": false}}).want(t, 200)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: activity}).want(t, 200)
}

// TestActivities_PeersAndReciprocal names peers by e-mail and external id,
// refuses peers outside the community on the field that named them, and
// credits the peer with the reciprocal behaviour once, however often the
// activity is sent; voiding the activity voids the reciprocal too.
func TestActivities_PeersAndReciprocal(t *testing.T) {
	ts := newTestServer(t)
	iss, elsewhere := mustIssuer(t, ts), mustIssuer(t, ts)
	member := func(issuer, email, name, external string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuer + "/members", body: map[string]any{"email": email, "displayName": name, "externalId": external}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ada, bob := member(iss, "ada@example.org", "Ada Mentor", "u-ada"), member(iss, "bob@example.org", "Bob Mentee", "u-bob")
	member(elsewhere, "eve@example.org", "Eve Elsewhere", "u-eve")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/behaviours", body: map[string]any{"key": "was-mentored", "name": "Was mentored", "category": "mentoring"}}).want(t, 201)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	activities := "/api/v1/issuers/" + iss + "/activities"
	send := func(body map[string]any) *resp {
		body["behaviour"], body["at"] = "mentored-member", time.Now().Add(-time.Hour)
		return ts.do(t, req{method: "POST", path: activities, token: ingest, body: body})
	}
	var rep struct {
		Recorded, Duplicate int
		Results             []struct{ ID string }
	}
	send(map[string]any{"memberId": ada, "peerId": bob, "sourceEventId": "call-0"}).want(t, 200)
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + iss + "/behaviours/mentored-member", body: map[string]any{"reciprocal": "no-such"}}).
		wantProblem(t, 400, badges.EINVALID, "reciprocal")
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + iss + "/behaviours/mentored-member", body: map[string]any{"reciprocal": "was-mentored"}}).want(t, 200)
	// Resent once the behaviour has its reciprocal, an activity recorded
	// before stays a duplicate and credits the peer.
	send(map[string]any{"memberId": ada, "peerId": bob, "sourceEventId": "call-0"}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 0 || rep.Duplicate != 1 {
		t.Fatalf("resent after the reciprocal was set: %+v", rep)
	}
	send(map[string]any{"externalId": "u-ada", "peerEmail": "BOB@example.org", "sourceEventId": "call-1"}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 {
		t.Fatalf("recorded %+v", rep)
	}
	original := rep.Results[0].ID
	send(map[string]any{"externalId": "u-ada", "peerEmail": "bob@example.org", "sourceEventId": "call-1"}).want(t, 200).JSON(t, &rep)
	if rep.Duplicate != 1 {
		t.Fatalf("resent %+v", rep)
	}
	send(map[string]any{"memberId": bob, "peerExternalId": "u-ada", "sourceEventId": "call-2"}).want(t, 200)
	send(map[string]any{"memberId": ada, "peerEmail": "eve@example.org"}).wantProblem(t, 400, badges.EINVALID, "peerEmail")
	send(map[string]any{"memberId": ada, "peerExternalId": "u-eve"}).wantProblem(t, 400, badges.EINVALID, "peerExternalId")
	send(map[string]any{"memberId": ada, "peerExternalId": "u-ada"}).wantProblem(t, 400, badges.EINVALID, "peerExternalId")
	send(map[string]any{"memberId": ada, "peerId": bob, "peerEmail": "bob@example.org"}).wantProblem(t, 400, badges.EINVALID, "peerId")

	f := &correctionFixture{ts: ts}
	got := f.activities(t, bob, "")
	if got.Total != 3 {
		t.Fatalf("Bob's activities %+v", got)
	}
	var rec activityItem
	for _, a := range got.Items {
		if a.Behaviour == "was-mentored" && a.ReciprocalOf == original {
			rec = a
		}
	}
	if rec.ReciprocalOf != original || rec.PeerID != ada || rec.PeerName != "Ada Mentor" || rec.BehaviourName != "Was mentored" {
		t.Fatalf("Bob's reciprocal activity %+v in %+v", rec, got.Items)
	}
	if ada := f.activities(t, ada, ""); ada.Total != 3 {
		t.Fatalf("Ada's activities (two of hers, and the reciprocal of Bob's) %+v", ada)
	}
	ts.do(t, req{method: "POST", path: voidPath(original), body: map[string]any{"reason": "Logged twice."}}).want(t, 200)
	for _, a := range f.activities(t, bob, "").Items {
		if a.ID == rec.ID && (!a.Voided || a.VoidReason != "Logged twice.") {
			t.Fatalf("the reciprocal was not voided with its activity: %+v", a)
		}
	}
}
