package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsoleMembers_Forget says what forgetting removes and what stays,
// then does it; the member stays, nameless, and cannot be forgotten twice
// from the page or edited.
func TestConsoleMembers_Forget(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada "+memberInjected)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": ach, "memberId": ada}}).want(t, 201)
	spring := mustCohort(t, ts, iss, "Spring 2026")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + spring.ID + "/members/" + ada}).want(t, 204)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	member := "/admin/c/" + iss + "/members/" + ada
	admin.get(t, member).wantPage(t, http.StatusOK, "Forget at their request…")
	if p := ts.consoleAs(t, badges.RoleViewer, iss).get(t, member); strings.Contains(p.Body, "/forget") {
		t.Error("a viewer is offered to forget the member")
	}
	p := admin.get(t, member+"/forget")
	p.wantPage(t, http.StatusOK, "Forget Ada "+memberInjected+"?", "What is removed", "What stays", "“Former member”",
		"ada@example.org", "The 1 credential awarded to them is not changed or revoked and still verifies",
		"stay counted in Spring 2026", "This cannot be undone.")
	if strings.Contains(p.Body, memberInjected) {
		t.Errorf("the name is not escaped: %s", p.Body)
	}
	admin.post(t, member+"/forget", nil).wantRedirect(t, member)
	after := admin.get(t, member)
	after.wantPage(t, http.StatusOK, "Former member", "Asked to be forgotten on")
	if strings.Contains(after.Body, "ada@example.org") || strings.Contains(after.Body, "/forget") || strings.Contains(after.Body, "/edit") {
		t.Error("the forgotten member's page shows the address or still offers to forget or edit them")
	}
	admin.get(t, member+"/forget").wantPage(t, http.StatusOK, "there is nothing more to do")
	admin.post(t, member+"/forget", nil).wantRedirect(t, member)
	admin.post(t, member+"/edit", url.Values{"displayName": {"Ada"}, "email": {"ada@example.org"}}).wantPage(t, http.StatusConflict)
	admin.get(t, "/admin/c/"+iss+"/members?q=ada").wantPage(t, http.StatusOK, "No member matches")
	if got := ts.cohorts(t, "/api/v1/issuers/"+iss+"/cohorts"); got[0].Members != 1 {
		t.Errorf("the former member left the cohort: %+v", got)
	}
	ts.consoleAs(t, badges.RoleAwarder, iss).post(t, member+"/forget", nil).wantPage(t, http.StatusForbidden)
}
