package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestRulePreview evaluates a draft rule without awarding anything.
func TestRulePreview(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	var acts []map[string]any
	for i, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		for range i + 1 { // a hosts once, b twice, c three times
			acts = append(acts, map[string]any{"email": email, "name": email, "createMember": true, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)})
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	var p struct {
		Evaluated int
		Qualify   []struct{ Name string }
		Closest   []struct {
			Name     string
			Fraction float64
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`}).want(t, 200).JSON(t, &p)
	if p.Evaluated != 3 || len(p.Qualify) != 2 || len(p.Closest) != 1 || p.Closest[0].Name != "a@example.org" || p.Closest[0].Fraction != 0.5 {
		t.Fatalf("preview %+v", p)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":-1}}}`}).wantProblem(t, 400, badges.EINVALID, "rule.condition.count.min")
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + ach + "/rule"}).wantProblem(t, 404, badges.ENOTFOUND, "") // nothing stored
	time.Sleep(200 * time.Millisecond)
	if body := string(ts.do(t, req{method: "GET", path: "/achievements/" + ach, token: "-", header: accept("text/html")}).want(t, 200).body); !strings.Contains(body, "Nobody has earned this badge yet.") {
		t.Fatal("a preview awarded something")
	}
}

// TestRulePreview_Revoked: a member whose badge was revoked meets the
// draft rule but is not listed as qualifying, as the awarder would not
// award it again; the other member who meets it is.
func TestRulePreview_Revoked(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	var acts []map[string]any
	for _, email := range []string{"revoked@example.org", "kept@example.org"} {
		acts = append(acts, map[string]any{"email": email, "name": email, "createMember": true, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)})
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: acts}).want(t, 200)
	var cred struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach, "email": "revoked@example.org"}}).want(t, 201).JSON(t, &cred)
	ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + cred.ID + "/revoke", body: map[string]any{"reason": "Awarded by mistake."}}).want(t, 200)
	var p struct {
		Evaluated int
		Qualify   []struct{ Name string }
		Closest   []struct{ Name string }
	}
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + ach + "/preview", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`}).want(t, 200).JSON(t, &p)
	if p.Evaluated != 2 || len(p.Qualify) != 1 || p.Qualify[0].Name != "kept@example.org" || len(p.Closest) != 0 {
		t.Fatalf("preview %+v; want kept@example.org alone to qualify", p)
	}
}
