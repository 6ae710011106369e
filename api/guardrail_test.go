package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestGuardRails_PinNeedsConsent refuses to pin a member who has not
// consented to a public profile, with a 409 that says so.
func TestGuardRails_PinNeedsConsent(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "bo@example.org", "displayName": "Bo Private"}}).want(t, 201).JSON(t, &m)
	p := ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": m.ID}}).wantProblem(t, 409, badges.ECONFLICT, "memberId")
	if !strings.Contains(p.Detail, "Bo Private has not consented to a public profile") {
		t.Fatalf("detail %q", p.Detail)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + m.ID, body: map[string]any{"publicProfile": true}}).want(t, 200)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss + "/spotlight", body: map[string]any{"memberId": m.ID}}).want(t, 200)
}

// TestGuardRails_NominationNamesAndHeldBadge names the members and the
// badge of a nomination, and refuses one for a badge the member holds and
// cannot earn twice (a repeatable one may be nominated again).
func TestGuardRails_NominationNamesAndHeldBadge(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	helper := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
	thanks := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Thanks", "repeatable": true})["id"].(string)
	member := func(email, name string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": name}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, bo := member("ann@example.org", "Ann Leader"), member("bo@example.org", "Bo Helper")
	for _, a := range [][2]string{{leader, ann}, {helper, bo}, {thanks, bo}} {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": a[0], "memberId": a[1]}}).want(t, 201)
	}
	path := "/api/v1/issuers/" + iss + "/nominations"
	p := ts.do(t, req{method: "POST", path: path, body: map[string]any{"nominatorId": ann, "memberId": bo, "achievementId": helper}}).
		wantProblem(t, 409, badges.ECONFLICT, "achievementId")
	if p.Detail != "Bo Helper holds Helper already, and it cannot be earned twice." {
		t.Fatalf("detail %q", p.Detail)
	}
	var n struct{ NominatorName, MemberName, AchievementName string }
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"nominatorId": ann, "memberId": bo, "achievementId": thanks}}).want(t, 201).JSON(t, &n)
	if n.NominatorName != "Ann Leader" || n.MemberName != "Bo Helper" || n.AchievementName != "Thanks" {
		t.Fatalf("nomination names %+v", n)
	}
	var list struct {
		Items []struct{ NominatorName, MemberName, AchievementName string }
	}
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0] != n {
		t.Fatalf("nomination list %+v", list)
	}
}

// TestGuardRails_ProgressNames answers a member's progress with the
// member's name and the names of the behaviours each rule counts.
func TestGuardRails_ProgressNames(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Host"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":3}}}`}).want(t, 200)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "cy@example.org", "displayName": "Cy Host"}}).want(t, 201).JSON(t, &m)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: map[string]any{"memberId": m.ID, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)}}).want(t, 200)
	var p struct {
		MemberID, MemberName string
		Items                []struct {
			Name       string
			Behaviours []struct{ Key, Name string }
		}
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + m.ID + "/progress"}).want(t, 200).JSON(t, &p)
	if p.MemberID != m.ID || p.MemberName != "Cy Host" || len(p.Items) != 1 || p.Items[0].Name != "Host" ||
		len(p.Items[0].Behaviours) != 1 || p.Items[0].Behaviours[0].Key != "hosted-session" || p.Items[0].Behaviours[0].Name != "Hosted a session" {
		t.Fatalf("progress %+v", p)
	}
}
