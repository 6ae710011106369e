package api_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestNominations takes a leader's nomination through the admin queue:
// approval awards the badge once; a declined one says why.
func TestNominations(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	leader := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	helper := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
	member := func(email string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": email}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, bo, cy := member("ann@example.org"), member("bo@example.org"), member("cy@example.org")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": ann}}).want(t, 201)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	path := "/api/v1/issuers/" + iss + "/nominations"
	nominate := func(from, to, ach string) *resp {
		return ts.do(t, req{method: "POST", path: path, token: ingest, body: map[string]any{"nominatorId": from, "memberId": to, "achievementId": ach, "note": "Answered every newcomer's question in March."}})
	}
	var n struct{ ID, Status, CredentialID, Reason string }
	nominate(ann, bo, helper).want(t, 201).JSON(t, &n)
	nominate(ann, bo, helper).wantProblem(t, 409, badges.ECONFLICT, "")
	nominate(bo, cy, helper).wantProblem(t, 400, badges.EINVALID, "nominatorId")
	nominate(ann, ann, helper).wantProblem(t, 400, badges.EINVALID, "memberId")
	nominate(ann, cy, "aaaaaaaaaaaaaaaaaaaa").wantProblem(t, 400, badges.EINVALID, "achievementId")
	var second struct{ ID string }
	nominate(ann, cy, helper).want(t, 201).JSON(t, &second)

	var queue struct {
		Items []struct{ ID, Status string }
		Total int
	}
	ts.do(t, req{method: "GET", path: path + "?status=pending"}).want(t, 200).JSON(t, &queue)
	if queue.Total != 2 {
		t.Fatalf("queue %+v", queue)
	}
	ts.do(t, req{method: "GET", path: path + "?status=maybe"}).wantProblem(t, 400, badges.EINVALID, "status")
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve", token: ingest}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve"}).want(t, 200).JSON(t, &n)
	if n.Status != "approved" || n.CredentialID == "" {
		t.Fatalf("approved: %+v", n)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve"}).wantProblem(t, 409, badges.ECONFLICT, "")
	var cred struct {
		MemberID, AchievementID string
		Credential              struct{ CredentialSubject struct{ Narrative string } }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + n.CredentialID}).want(t, 200).JSON(t, &cred)
	if cred.MemberID != bo || cred.AchievementID != helper || !strings.Contains(cred.Credential.CredentialSubject.Narrative, "newcomer") {
		t.Fatalf("credential %+v", cred)
	}
	var declined struct{ Status, CredentialID, Reason string }
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/" + second.ID + "/decline", body: map[string]any{"reason": "Not yet."}}).want(t, 200).JSON(t, &declined)
	if declined.Status != "declined" || declined.Reason != "Not yet." || declined.CredentialID != "" {
		t.Fatalf("declined: %+v", declined)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/nominations/aaaaaaaaaaaaaaaaaaaa/approve"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	ts.do(t, req{method: "GET", path: path + "?status=pending"}).want(t, 200).JSON(t, &queue)
	if queue.Total != 0 {
		t.Fatalf("queue after deciding %+v", queue)
	}
}
