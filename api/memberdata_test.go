package api_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/verifier"
)

type exportView struct {
	Member struct {
		ID, Email, DisplayName, Slug string
		ForgottenAt                  *time.Time
	}
	Credentials []struct {
		ID, Status, JWT string
		Credential      map[string]any
	}
	EndorsementsReceived []struct{ From, Note string }
	Cohorts              []struct{ Name string }
	Activities           []struct{ ID, EvidenceURL, Narrative, PeerID, PeerName string }
	ActivitiesNotListed  int
}

// adaHistory gives Ada of newCommunity activities with evidence and a
// narrative naming her, an endorsement from Bob with a note, and a cohort.
func adaHistory(t *testing.T, c *community) {
	t.Helper()
	now := time.Now().UTC()
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/activities", body: []map[string]any{
		{"memberId": c.ada, "behaviour": "hosted-session", "at": now.Add(-48 * time.Hour), "sourceEventId": "e1",
			"narrative": "Ada Lovelace hosted the analytical engine night.", "evidenceUrl": "https://example.org/ada-lovelace"},
		{"memberId": c.ada, "behaviour": "mentored-member", "at": now.Add(-time.Hour), "sourceEventId": "e2", "peerId": c.bob},
	}}).want(t, 200)
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/endorsements",
		body: map[string]any{"endorserId": c.bob, "memberId": c.ada, "note": "Ada Lovelace explains well."}}).want(t, 201)
	spring := mustCohort(t, c.ts, c.issuer, "Spring 2026")
	c.ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + spring.ID + "/members/" + c.ada}).want(t, 204)
}

func (c *community) export(t *testing.T, member string) exportView {
	t.Helper()
	r := c.ts.do(t, req{method: "GET", path: "/api/v1/members/" + member + "/export"}).want(t, 200)
	if cd := r.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	var v exportView
	r.JSON(t, &v)
	return v
}

// TestMemberExport: the export holds the member, their credential with
// its signed document and JWT, endorsements, cohorts and activities, and
// names other members by id only; it needs the admin scope.
func TestMemberExport(t *testing.T) {
	c := newCommunity(t)
	adaHistory(t, c)
	v := c.export(t, c.ada)
	if v.Member.ID != c.ada || v.Member.Email != "ada@example.org" || v.Member.DisplayName != "Ada Lovelace" {
		t.Errorf("member %+v", v.Member)
	}
	if len(v.Credentials) != 1 || v.Credentials[0].ID != c.adaCred || v.Credentials[0].Status != "active" ||
		v.Credentials[0].JWT != c.jwt(t, c.adaCred) || v.Credentials[0].Credential["proof"] == nil {
		t.Errorf("credentials %+v", v.Credentials)
	}
	if len(v.EndorsementsReceived) != 1 || v.EndorsementsReceived[0].From != c.bob || len(v.Cohorts) != 1 || v.Cohorts[0].Name != "Spring 2026" {
		t.Errorf("endorsements %+v, cohorts %+v", v.EndorsementsReceived, v.Cohorts)
	}
	if len(v.Activities) != 2 || v.Activities[0].PeerID != c.bob || v.Activities[0].PeerName != "" ||
		v.Activities[1].EvidenceURL != "https://example.org/ada-lovelace" { // newest first; the endorsement is Bob's activity
		t.Errorf("activities %+v; want two, newest first, the other member named by id only", v.Activities)
	}
	c.ts.do(t, req{method: "GET", path: "/api/v1/members/" + c.ada + "/export", token: mustKey(t, c.ts, badges.ScopeRead)}).want(t, 403)
	c.ts.do(t, req{method: "GET", path: "/api/v1/members/" + strings.Repeat("z", 20) + "/export"}).want(t, 404)
}

// TestMemberForget: once forgotten, Ada's credential still verifies, the
// status list still works, nothing finds her by address or name, her
// public profile is gone, her export says nothing personal, her address
// can join again as a new member, and forgetting again answers the same.
func TestMemberForget(t *testing.T) {
	c := newCommunity(t)
	adaHistory(t, c)
	jwt := c.jwt(t, c.adaCred)
	var f memberView
	c.ts.do(t, req{method: "POST", path: "/api/v1/members/" + c.ada + "/forget"}).want(t, 200).JSON(t, &f)
	if f.DisplayName != badges.FormerMemberName || f.Email != "" || f.Slug != "" || f.ForgottenAt == nil {
		t.Errorf("forgotten %+v", f)
	}
	if got := c.jwt(t, c.adaCred); got != jwt {
		t.Error("the signed credential changed")
	}
	rep, err := c.ts.verifier.Verify(context.Background(), verifier.Input{Data: []byte(jwt)})
	if err != nil || rep.Verdict != verifier.Valid {
		t.Errorf("the credential of a forgotten member: %v, %v", rep, err)
	}
	c.page(t, "/members/ada", 404)
	wantNotIn(t, c.page(t, "/credentials/"+c.adaCred, 200), "Ada", "Lovelace")
	for _, q := range []string{"?email=ada@example.org", "?q=lovelace", "?q=ada"} {
		var list struct{ Items []memberView }
		c.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + c.issuer + "/members" + q}).want(t, 200).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("%s finds %+v", q, list.Items)
		}
	}
	r := c.ts.do(t, req{method: "GET", path: "/api/v1/members/" + c.ada + "/export"}).want(t, 200)
	for _, personal := range []string{"Ada", "Lovelace", "ada@example.org", "ada-lovelace", "explains well"} {
		if bytes.Contains(r.body, []byte(personal)) {
			t.Errorf("the export of a forgotten member holds %q: %s", personal, r.body)
		}
	}
	var again memberView
	c.ts.do(t, req{method: "POST", path: "/api/v1/members/" + c.ada + "/forget"}).want(t, 200).JSON(t, &again)
	if !again.ForgottenAt.Equal(*f.ForgottenAt) {
		t.Errorf("forgetting again changed %v to %v", f.ForgottenAt, again.ForgottenAt)
	}
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/awards",
		body: map[string]any{"achievementId": c.badge, "memberId": c.ada}}).wantProblem(t, 409, badges.ECONFLICT, "member")
	c.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + c.ada, body: map[string]any{"displayName": "Ada"}}).wantProblem(t, 409, badges.ECONFLICT, "member")
	var back memberView
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "ada@example.org", "displayName": "Ada Again", "slug": "ada"}}).want(t, 201).JSON(t, &back)
	if back.ID == c.ada {
		t.Error("the address joined again as the forgotten member")
	}
	c.ts.do(t, req{method: "POST", path: "/api/v1/members/" + c.ada + "/forget", token: mustKey(t, c.ts, badges.ScopeRead)}).want(t, 403)
}

type memberView struct {
	ID, Email, DisplayName, Slug string
	ForgottenAt                  *time.Time
}

// TestMemberExport_Paged: a history longer than one page of the export is
// written whole, page after page, as one valid document.
func TestMemberExport_Paged(t *testing.T) {
	c := newCommunity(t)
	now := time.Now().UTC()
	var rows []map[string]any
	for i := range 450 {
		rows = append(rows, map[string]any{"memberId": c.ada, "behaviour": "posted", "at": now.Add(-time.Duration(i+1) * time.Minute),
			"sourceEventId": "p" + strconv.Itoa(i)})
	}
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/activities", body: rows}).want(t, 200)
	v := c.export(t, c.ada)
	seen := map[string]bool{}
	for _, a := range v.Activities {
		seen[a.ID] = true
	}
	if len(v.Activities) != 450 || len(seen) != 450 || v.ActivitiesNotListed != 0 {
		t.Errorf("%d activities, %d distinct, %d not listed; want 450", len(v.Activities), len(seen), v.ActivitiesNotListed)
	}
}
