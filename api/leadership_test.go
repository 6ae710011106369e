package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestAchievements_GrantsLeadership: a badge grants leadership by its
// level unless the community chooses, and its holders then endorse
// whatever its level.
func TestAchievements_GrantsLeadership(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	lead := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})
	host := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Host", "level": "contribution"})
	chosen := mustAchievement(t, ts, iss, map[string]any{"name": "Steward", "level": "leadership", "grantsLeadership": false})
	if lead["grantsLeadership"] != true || host["grantsLeadership"] != false || chosen["grantsLeadership"] != false {
		t.Fatalf("grantsLeadership: leadership %v, contribution %v, chosen false %v", lead["grantsLeadership"], host["grantsLeadership"], chosen["grantsLeadership"])
	}
	var got map[string]any
	ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + host["id"].(string), body: map[string]any{"grantsLeadership": true}}).want(t, 200).JSON(t, &got)
	if got["grantsLeadership"] != true || got["version"] != host["version"] {
		t.Fatalf("after the change: grantsLeadership %v, version %v (was %v); want true and the same version", got["grantsLeadership"], got["version"], host["version"])
	}
	member := func(email string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": email}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, ben := member("ann@example.org"), member("ben@example.org")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": host["id"], "memberId": ann}}).want(t, 201)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	endorse := func(from, to string) *resp {
		return ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements", token: ingest, body: map[string]any{"endorserId": from, "memberId": to}})
	}
	endorse(ann, ben).want(t, 201)
	ts.do(t, req{method: "PATCH", path: "/api/v1/achievements/" + host["id"].(string), body: map[string]any{"grantsLeadership": false}}).want(t, 200)
	endorse(ann, ben).wantProblem(t, 400, badges.EINVALID, "endorserId")
}

// TestConsoleBadges_GrantsLeadership: the badge form's checkbox sets
// whether holders may endorse and nominate, shown checked when they may.
func TestConsoleBadges_GrantsLeadership(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	admin.get(t, "/admin/c/"+iss+"/badges/new").wantHTML(t, `<label for="f-grantsLeadership">Holders may endorse and nominate others</label>`)
	form := formOfBadge("Steward")
	form.Set("grantsLeadership", "yes")
	loc := admin.post(t, "/admin/c/"+iss+"/badges/new", form).wantRedirect(t, "/admin/c/"+iss+"/badges/")
	id := loc[strings.LastIndex(loc, "/")+1:]
	var a struct{ GrantsLeadership bool }
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + id}).want(t, 200).JSON(t, &a)
	if !a.GrantsLeadership {
		t.Fatalf("created with the box ticked: grantsLeadership false")
	}
	admin.get(t, loc).wantPage(t, http.StatusOK, "Holders may endorse and nominate others")
	admin.get(t, "/admin/c/"+iss+"/badges/"+id+"/edit").wantHTML(t, `name="grantsLeadership" value="yes" aria-describedby="f-grantsLeadership-hint" checked`)
	form.Del("grantsLeadership")
	admin.post(t, "/admin/c/"+iss+"/badges/"+id+"/edit", form).wantRedirect(t, "/admin/c/"+iss+"/badges/"+id)
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + id}).want(t, 200).JSON(t, &a)
	if a.GrantsLeadership {
		t.Fatalf("saved with the box clear: grantsLeadership true")
	}
}

// TestConsoleMember_Endorsements: a member's console page lists the
// endorsements they received, by the endorser's name, notes escaped.
func TestConsoleMember_Endorsements(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	lead := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	member := func(email, name string) string {
		var m struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": email, "displayName": name}}).want(t, 201).JSON(t, &m)
		return m.ID
	}
	ann, ben := member("ann@example.org", "Ann Leader"), member("ben@example.org", "Ben Member")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": lead, "memberId": ann}}).want(t, 201)
	admin := ts.consoleAs(t, badges.RoleViewer, iss)
	admin.get(t, "/admin/c/"+iss+"/members/"+ben).wantPage(t, http.StatusOK, "Endorsements received", "No one has endorsed Ben Member yet.")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/endorsements", token: mustKey(t, ts, badges.ScopeIngest),
		body: map[string]any{"endorserId": ann, "memberId": ben, "note": "Ran it " + injected}}).want(t, 201)
	p := admin.get(t, "/admin/c/"+iss+"/members/"+ben)
	p.wantPage(t, http.StatusOK, "Ann Leader", "Ran it "+injected)
	if strings.Contains(p.Body, injected) {
		t.Fatalf("the note is not escaped")
	}
}
