package api_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestSpotlight celebrates consenting members only: recent awards, the
// most engaged, and a pinned member.
func TestSpotlight(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Attendee"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"attended-session","min":2}}}`}).want(t, 200)
	member := func(email, name string, public bool) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": name, "publicProfile": public}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ada, bob := member("ada@example.org", "Ada Open", true), member("bob@example.org", "Bob Private", false)
	var acts []map[string]any
	for i := range 3 {
		for _, m := range []string{ada, bob, bob} {
			acts = append(acts, map[string]any{"memberId": m, "behaviour": "attended-session", "at": time.Now().Add(-time.Duration(i+1) * time.Hour)})
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": ada, "note": "Ran the newcomers' evening."}}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": "aaaaaaaaaaaaaaaaaaaa"}}).wantProblem(t, 400, badges.EINVALID, "memberId")
	var sp struct {
		Pinned       *struct{ Name, Note string }
		RecentAwards []struct {
			Member      struct{ Name string }
			Achievement string
		}
		ThisWeek, ThisMonth []struct {
			Name       string
			Activities int
		}
	}
	waitFor(t, "both awards", func() (string, bool) {
		r := ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight", token: "-", header: accept("application/json")}).want(t, 200)
		r.JSON(t, &sp)
		return string(r.body), len(sp.RecentAwards) == 1
	})
	if sp.Pinned == nil || sp.Pinned.Name != "Ada Open" || sp.RecentAwards[0].Member.Name != "Ada Open" || sp.RecentAwards[0].Achievement != "Attendee" ||
		len(sp.ThisMonth) != 1 || sp.ThisMonth[0].Name != "Ada Open" || sp.ThisMonth[0].Activities != 3 {
		t.Fatalf("spotlight %+v", sp)
	}
	body := string(ts.do(t, req{method: "GET", path: "/issuers/" + iss + "/spotlight", token: "-", header: accept("text/html")}).want(t, 200).body)
	wantIn(t, body, "<h1>Spotlight</h1>", "Ran the newcomers&#39; evening.", "Ada Open")
	wantNotIn(t, body, "Bob")
	ts.do(t, req{method: "DELETE", path: "/api/v1/issuers/" + iss + "/spotlight"}).want(t, 204)
	ts.do(t, req{method: "GET", path: "/issuers/aaaaaaaaaaaaaaaaaaaa/spotlight", token: "-", header: accept("text/html")}).want(t, 404)
}
