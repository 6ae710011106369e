package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

const injected = `<script>alert(1)</script>`

// TestConsoleBadges_List: the list shows every badge of the community
// with its status, level, holders and whether a rule awards it, filters
// by status and by name, escapes names, and offers "New badge" to admins
// only.
func TestConsoleBadges_List(t *testing.T) {
	ts := newTestServer(t)
	iss, hosting := hostingCommunity(t, ts, "active")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + hosting + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	mustAchievement(t, ts, iss, map[string]any{"name": "Mentor " + injected, "level": "leadership"})
	old := mustAchievement(t, ts, iss, map[string]any{"name": "Old Timer", "status": "active"})["id"].(string)
	ts.do(t, req{method: "POST", path: "/api/v1/achievements/" + old + "/archive"}).want(t, 200)
	other := mustIssuer(t, ts)
	mustAchievement(t, ts, other, map[string]any{"name": "Elsewhere Badge"})

	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	w := viewer.get(t, "/admin/c/"+iss+"/badges")
	w.wantPage(t, http.StatusOK, "Session Host", "Mentor "+injected, "Old Timer", "Leadership", "Its rule", "Hand only", "Archived", "Draft", "Active")
	if strings.Contains(w.Body, injected) || strings.Contains(w.Body, "Elsewhere Badge") || strings.Contains(w.Body, "New badge") {
		t.Fatalf("the list shows a raw name, another community's badge or a viewer's New badge: %s", w.Body)
	}
	viewer.get(t, "/admin/c/"+iss+"/badges?status=draft").wantPage(t, http.StatusOK, "Mentor "+injected)
	if w := viewer.get(t, "/admin/c/"+iss+"/badges?status=draft"); strings.Contains(w.Body, "Old Timer") {
		t.Fatal("the draft filter lists an archived badge")
	}
	if w := viewer.get(t, "/admin/c/"+iss+"/badges?q=timer"); !strings.Contains(w.Body, "Old Timer") || strings.Contains(w.Body, "Session Host") {
		t.Fatalf("searching for timer: %s", w.Body)
	}
	viewer.get(t, "/admin/c/"+iss+"/badges?status=gone").wantPage(t, http.StatusBadRequest, "draft, active or archived")

	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	admin.get(t, "/admin/c/"+iss+"/badges").wantPage(t, http.StatusOK, "New badge")
}

// TestConsoleBadges_Empty: a community without badges is told what to do.
func TestConsoleBadges_Empty(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ts.consoleAs(t, badges.RoleAdmin, iss).get(t, "/admin/c/"+iss+"/badges").wantPage(t, http.StatusOK, "No badges yet", "Create the first badge")
	ts.consoleAs(t, badges.RoleViewer, iss).get(t, "/admin/c/"+iss+"/badges").wantPage(t, http.StatusOK, "No badges yet", "An admin of")
}

// TestConsoleBadges_Detail: a badge's page shows its facts, its rule in
// words with a link to the rule builder, and no buttons to a viewer; a
// badge of another community is not found.
func TestConsoleBadges_Detail(t *testing.T) {
	ts := newTestServer(t)
	iss, ach := hostingCommunity(t, ts, "active")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json",
		body: `{"condition":{"all":[{"count":{"behaviour":"hosted-session","min":4,"withinDays":90}},{"streak":{"min":3,"unit":"weeks"}}]}}`}).want(t, 200)
	waitReevaluation(t, ts, latestReevaluation(t, ts, iss).ID)
	path := "/admin/c/" + iss + "/badges/" + ach

	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	w := viewer.get(t, path)
	w.wantPage(t, http.StatusOK, "Session Host", "Hosted a session.", "All of these:", "Hosted a session at least 4 times in the last 90 days.",
		"Was active 3 weeks in a row.", "Edit rule", path+"/rule", "Open its public page", "Recent re-evaluations", "Its rule changed")
	for _, button := range []string{path + "/edit", path + "/archive", path + "/reevaluate", path + "/image"} {
		if strings.Contains(w.Body, `href="`+button+`"`) {
			t.Errorf("a viewer is offered %s", button)
		}
	}
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	admin.get(t, path).wantPage(t, http.StatusOK, path+"/edit", path+"/archive", path+"/reevaluate", path+"/image")

	other := mustIssuer(t, ts)
	foreign := mustAchievement(t, ts, other, map[string]any{"name": "Elsewhere Badge"})["id"].(string)
	for _, p := range []string{"", "/edit", "/image", "/archive", "/activate", "/reevaluate", "/art.png"} {
		admin.get(t, "/admin/c/"+iss+"/badges/"+foreign+p).wantPage(t, http.StatusNotFound)
	}
	admin.post(t, "/admin/c/"+iss+"/badges/"+foreign+"/archive", nil).wantPage(t, http.StatusNotFound)
	admin.get(t, "/admin/c/"+iss+"/badges/preview?badge="+foreign).wantPage(t, http.StatusNotFound)
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + foreign}).want(t, 200) // untouched
}

// TestConsoleBadges_Archive: archiving asks first, saying that credentials
// stay valid; the badge is then archived as the API's archive does.
func TestConsoleBadges_Archive(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/badges/" + ach
	admin.get(t, path+"/archive").wantPage(t, http.StatusOK, "is no longer awarded", "The credentials already issued stay valid")
	admin.post(t, path+"/archive", nil).wantRedirect(t, path)
	var a struct{ Status string }
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + ach}).want(t, 200).JSON(t, &a)
	if a.Status != "archived" {
		t.Fatalf("status %q after archiving", a.Status)
	}
	admin.get(t, path+"/archive").wantPage(t, http.StatusOK, "is archived already")
	admin.post(t, path+"/archive", nil).wantPage(t, http.StatusConflict, "is archived already")
	admin.post(t, path+"/edit", formOfBadge("Renamed")).wantPage(t, http.StatusConflict, "archived")

	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	viewer.post(t, path+"/activate", nil).wantPage(t, http.StatusForbidden)
	ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + ach}).want(t, 200).JSON(t, &a)
	if a.Status != "archived" {
		t.Fatalf("a viewer's activation changed the status to %q", a.Status)
	}
}

// TestConsoleBadges_ActivateAndReevaluate: activating a draft with a rule
// awards those who qualify already, as the API's activation does; a
// re-evaluation for everyone shows its progress.
func TestConsoleBadges_ActivateAndReevaluate(t *testing.T) {
	ts := newTestServer(t)
	iss, ach := hostingCommunity(t, ts, "draft")
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/badges/" + ach
	admin.get(t, path+"/reevaluate").wantPage(t, http.StatusOK, "is draft: its rule awards nothing until it is active.")
	admin.get(t, path+"/activate").wantPage(t, http.StatusOK, "Its rule is checked for every member at once")
	admin.post(t, path+"/activate", nil).wantRedirect(t, path)
	first := waitReevaluation(t, ts, latestReevaluation(t, ts, iss).ID)
	if first.Reason != "activated" || first.AwardsQueued != 2 {
		t.Fatalf("after activating: %+v; want 2 awards queued", first)
	}

	admin.get(t, path+"/reevaluate").wantPage(t, http.StatusOK, "checked for each of the 3 members")
	loc := admin.post(t, path+"/reevaluate", nil).wantRedirect(t, path+"/reevaluations/")
	j := waitReevaluation(t, ts, loc[strings.LastIndex(loc, "/")+1:])
	if j.Reason != "requested" || j.State != "done" || j.MembersDone != 3 {
		t.Fatalf("re-evaluated: %+v", j)
	}
	admin.get(t, loc).wantPage(t, http.StatusOK, "Done.", "3 of 3", "Awards queued")
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	r := viewer.get(t, loc)
	r.wantPage(t, http.StatusOK, "Members checked")
	if strings.Contains(r.Body, `hx-trigger="every 1s"`) {
		t.Fatal("a finished re-evaluation's page still polls")
	}
	hx := httptest.NewRequest(http.MethodGet, loc, nil)
	hx.Header.Set("HX-Request", "true")
	if part := viewer.do(t, hx); part.Code != http.StatusOK || strings.Contains(part.Body, "<html") || !strings.Contains(part.Body, `id="reevaluation-progress"`) {
		t.Fatalf("the progress asked for by htmx: %d %s", part.Code, part.Body)
	}
	admin.get(t, "/admin/c/"+iss+"/badges/"+mustAchievement(t, ts, iss, nil)["id"].(string)+"/reevaluations/"+j.ID).wantPage(t, http.StatusNotFound)
}

// TestConsoleBadges_RuleInWords: every kind of condition reads as a
// sentence with names, never keys or ids, and HTML in a name is escaped.
func TestConsoleBadges_RuleInWords(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	first := mustAchievement(t, ts, iss, map[string]any{"name": "Newcomer " + injected})["id"].(string)
	ach := mustAchievement(t, ts, iss, map[string]any{"name": "Pillar", "repeatable": true})["id"].(string)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/cohorts", body: map[string]any{"name": "Spring 2026"}}).want(t, 201)
	rule := `{"period":"month","condition":{"atLeast":{"n":2,"of":[
		{"count":{"behaviour":"attended-session","min":3,"distinct":"weeks","withinDays":60}},
		{"sum":{"behaviour":"volunteered","min":7.5}},
		{"peers":{"behaviour":"mentored-member","min":2}},
		{"holds":{"achievement":"` + first + `"}},
		{"endorsements":{"min":2,"fromHolders":"` + first + `"}},
		{"any":[{"cohort":{"name":"Spring 2026"}},{"tenure":{"days":1}},{"streak":{"behaviour":"posted","min":2,"unit":"months"}}]}]}}}`
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: rule}).want(t, 200)
	w := ts.consoleAs(t, badges.RoleViewer, iss).get(t, "/admin/c/"+iss+"/badges/"+ach)
	w.wantPage(t, http.StatusOK, "once it is active", "At least 2 of these:",
		"Attended a session in at least 3 different weeks in the last 60 days.",
		"Volunteered: at least 7.5 in total.",
		"Mentored a member, with at least 2 different members.",
		"Holds the Newcomer "+injected+" badge.",
		"Endorsed by at least 2 holders of the Newcomer "+injected+" badge.",
		"Any one of these:", "Member of the Spring 2026 cohort.", "A member for at least 1 day.", "Posted 2 months in a row.",
		"It can be earned again every month.")
	if strings.Contains(w.Body, injected) || strings.Contains(w.Body, "attended-session") || strings.Contains(w.Body, ">"+first+"<") {
		t.Fatalf("the rule shows raw HTML, a key or an id: %s", w.Body)
	}
}
