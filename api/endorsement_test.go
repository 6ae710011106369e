package api_test

import (
	"fmt"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestEndorsements lets a leader endorse members: it counts towards a badge
// that asks for endorsements from leaders, and as the leader's activity.
func TestEndorsements(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	recognised := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Recognised", "level": "contribution"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + recognised + "/rule", contentType: "application/json",
		body: `{"condition":{"endorsements":{"min":2,"fromHolders":"` + leader + `"}}}`}).want(t, 200)
	member := func(email string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": email}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, ben, cat, dan := member("ann@example.org"), member("ben@example.org"), member("cat@example.org"), member("dan@example.org")
	for _, m := range []string{ann, ben} { // the leaders
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": m}}).want(t, 201)
	}
	ingest := mustKey(t, ts, badges.ScopeIngest)
	endorse := func(from, to string) *resp {
		return ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements", token: ingest,
			body: map[string]any{"endorserId": from, "memberId": to, "note": "Great workshop."}})
	}
	var res struct{ Earned, EndorserEarned []string }
	endorse(ann, dan).want(t, 201).JSON(t, &res)
	if len(res.Earned) != 0 {
		t.Fatalf("one endorsement earned %v", res.Earned)
	}
	endorse(ann, dan).wantProblem(t, 409, badges.ECONFLICT, "")          // once a day
	endorse(dan, dan).wantProblem(t, 400, badges.EINVALID, "memberId")   // oneself
	endorse(cat, dan).wantProblem(t, 400, badges.EINVALID, "endorserId") // not a leader
	endorse(ann, "aaaaaaaaaaaaaaaaaaaa").wantProblem(t, 400, badges.EINVALID, "memberId")
	endorse(ben, dan).want(t, 201).JSON(t, &res)
	if fmt.Sprint(res.Earned) != "["+recognised+"]" {
		t.Fatalf("two leaders' endorsements earned %v", res.Earned)
	}
	var progress struct {
		Items []struct {
			AchievementID string
			Held          bool
		}
	}
	waitFor(t, "the endorsed member's badge", func() (string, bool) {
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + dan + "/progress"}).want(t, 200).JSON(t, &progress)
		return fmt.Sprint(progress), len(progress.Items) == 1 && progress.Items[0].Held
	})
}
