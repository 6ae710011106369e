package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsoleDashboard: the dashboard draws the community's counters as
// charts, each with its numbers as a table, a headline row linking to each
// page, a measure with its target, chips per cohort, and the quiet
// members' list; names are escaped.
func TestConsoleDashboard(t *testing.T) {
	w := newMeasureWorld(t)
	ts := w.ts
	w.measure(t, map[string]any{"name": "<b>Weekly</b> regulars", "kind": "active-members", "period": "week", "target": 3})
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.issuer + "/cohorts", body: map[string]any{"name": "Spring <i>2026</i>"}}).want(t, 201)
	base := "/admin/c/" + w.issuer
	viewer := ts.consoleAs(t, badges.RoleViewer, w.issuer)

	p := viewer.get(t, base)
	p.wantPage(t, http.StatusOK, "Members", "Active this week", "Awards this month", "Members gone quiet",
		"Activity by behaviour", "Active members", "Awards", "Pathway", "Show the numbers", "<b>Weekly</b> regulars", "target 3", "Spring <i>2026</i>")
	for _, want := range []string{`<table class="data chart-table">`, `<svg`, `href="` + base + `/quiet-members"`, `href="` + base + `/outcomes"`, `href="` + base + `/awards"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the dashboard lacks %s", want)
		}
	}
	if strings.Contains(p.Body, "<b>Weekly") || strings.Contains(p.Body, "<i>2026") {
		t.Error("a name is not escaped on the dashboard")
	}
	if strings.Contains(p.Body, "Three steps to your first badge") {
		t.Error("a community with activity is shown the first steps")
	}

	// The cohort's own counters (empty: it has no members).
	cohortID := between(p.Body, base+"?cohort=", `"`)
	viewer.get(t, base+"?cohort="+cohortID).wantPage(t, http.StatusOK, "Nothing counted for this cohort yet")
	viewer.get(t, base+"?cohort=aaaaaaaaaaaaaaaaaaaa").wantPage(t, http.StatusNotFound)
	viewer.get(t, base+"?weeks=3").wantPage(t, http.StatusBadRequest, "weeks")

	// Ada has gone quiet; the list names her and links to her page.
	q := viewer.get(t, base+"/quiet-members")
	q.wantPage(t, http.StatusOK, "Members gone quiet", "Ada", "Week of")
	if !strings.Contains(q.Body, base+"/members/"+w.ada) {
		t.Errorf("the quiet list does not link to Ada's page: %s", q.Body)
	}

	// Another community's manager sees nothing of this one.
	other := ts.consoleAs(t, badges.RoleOwner, mustIssuer(t, ts))
	other.get(t, base).wantPage(t, http.StatusForbidden)
}

// TestConsoleDashboard_Empty: a new community is shown its first steps,
// not empty charts.
func TestConsoleDashboard_Empty(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	p := ts.consoleAs(t, badges.RoleAdmin, iss).get(t, "/admin/c/"+iss)
	p.wantPage(t, http.StatusOK, "Three steps to your first badge", "Define a badge")
	if strings.Contains(p.Body, "<svg") {
		t.Error("an empty community is shown charts")
	}
}
