package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsoleOutcomesMeasures: the page draws each measure's history with
// its target and lists outcomes with their public pages; an admin creates
// and edits an outcome (archiving it), defines, edits and deletes a
// measure (after a confirmation), bad input stays on its field with the
// values kept, the CSV exports answer as the API's, and names are escaped.
func TestConsoleOutcomesMeasures(t *testing.T) {
	w := newMeasureWorld(t)
	ts, base := w.ts, "/admin/c/"+w.issuer
	admin := ts.consoleAs(t, badges.RoleAdmin, w.issuer)
	m := w.measure(t, map[string]any{"name": "Mentoring <i>weekly</i>", "kind": "activity", "behaviours": []string{"mentored-member"}, "period": "week", "target": 2})

	p := admin.get(t, base+"/outcomes")
	p.wantPage(t, http.StatusOK, "Mentoring <i>weekly</i>", "Target 2", "Show the numbers", "Practice", "Define a measure", "New outcome")
	if strings.Contains(p.Body, "<i>weekly") {
		t.Fatal("a measure's name is not escaped")
	}
	if !strings.Contains(p.Body, "/outcomes/"+w.outcome+`"`) || !strings.Contains(p.Body, base+"/measures/"+m.ID+"/history?format=csv") {
		t.Errorf("the page lacks the public outcome page or the history export: %s", p.Body)
	}

	// Outcomes: create (a missing name is refused on its field), then archive.
	admin.post(t, base+"/outcomes", url.Values{"description": {"Kept"}}).wantPage(t, http.StatusBadRequest, "There is a problem", "Kept")
	admin.post(t, base+"/outcomes", url.Values{"name": {"Newcomers <b>at home</b>"}, "behaviours": {"posted"}}).wantRedirect(t, base+"/outcomes")
	var outcomes struct {
		Items []struct{ ID, Name, Status string }
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/outcomes"}).want(t, 200).JSON(t, &outcomes)
	var created string
	for _, o := range outcomes.Items {
		if o.Name == "Newcomers <b>at home</b>" {
			created = o.ID
		}
	}
	if created == "" {
		t.Fatalf("the API does not list the new outcome: %+v", outcomes)
	}
	admin.get(t, base+"/outcomes/"+created).wantPage(t, http.StatusOK, "Newcomers <b>at home</b>", "See its public page")
	admin.post(t, base+"/outcomes/"+created, url.Values{"name": {"Newcomers at home"}, "status": {"archived"}}).wantRedirect(t, base+"/outcomes")
	var o struct{ Name, Status string }
	ts.do(t, req{method: "GET", path: "/api/v1/outcomes/" + created}).want(t, 200).JSON(t, &o)
	if o.Name != "Newcomers at home" || o.Status != "archived" {
		t.Fatalf("after editing, the API says %+v", o)
	}
	admin.post(t, base+"/outcomes/"+created, url.Values{"name": {"X"}, "status": {"maybe"}}).wantPage(t, http.StatusBadRequest, "There is a problem")

	// Measures: a bad target and a kind that takes no behaviours stay on their fields.
	bad := url.Values{"m-name": {"Regulars"}, "m-kind": {"active-members"}, "m-period": {"week"}, "m-target": {"many"}}
	p = admin.post(t, base+"/measures", bad)
	p.wantPage(t, http.StatusBadRequest, "Target must be a whole number")
	if !strings.Contains(p.Body, `id="f-m-target-error"`) || !strings.Contains(p.Body, `value="Regulars"`) {
		t.Fatalf("the target's error is not on its field, or the name is lost: %s", p.Body)
	}
	bad.Set("m-target", "3")
	bad["m-behaviours"] = []string{"posted"}
	if p := admin.post(t, base+"/measures", bad); p.Code != http.StatusBadRequest || !strings.Contains(p.Body, `id="f-m-behaviours-error"`) {
		t.Fatalf("behaviours on a count of members: %d %s", p.Code, p.Body)
	}
	delete(bad, "m-behaviours")
	admin.post(t, base+"/measures", bad).wantRedirect(t, base+"/outcomes")
	var list struct{ Items []measureResp }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.issuer + "/measures"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("the API lists %d measures, want 2", len(list.Items))
	}
	admin.get(t, base+"/measures/"+m.ID).wantPage(t, http.StatusOK, "Save the measure", "Delete this measure")
	admin.post(t, base+"/measures/"+m.ID, url.Values{"m-name": {"Mentoring"}, "m-kind": {"activity"}, "m-period": {"month"}, "m-target": {"8"}, "m-behaviours": {"mentored-member"}}).wantRedirect(t, base+"/outcomes")
	var got measureResp
	ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID}).want(t, 200).JSON(t, &got)
	if got.Name != "Mentoring" || got.Period != "month" || got.Target != 8 || len(got.Behaviours) != 1 {
		t.Fatalf("after editing, the API says %+v", got)
	}
	admin.get(t, base+"/measures/"+m.ID+"/delete").wantPage(t, http.StatusOK, "Delete Mentoring?")
	admin.post(t, base+"/measures/"+m.ID+"/delete", nil).wantRedirect(t, base+"/outcomes")
	ts.do(t, req{method: "GET", path: "/api/v1/measures/" + m.ID}).want(t, 404)

	// The CSV exports, with the console's session.
	viewer := ts.consoleAs(t, badges.RoleViewer, w.issuer)
	csv := viewer.get(t, base+"/export/stats?format=csv")
	if csv.Code != http.StatusOK || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") || !strings.Contains(csv.Body, "week,kind,id,name,value") {
		t.Fatalf("statistics CSV: %d %s", csv.Code, csv.Body)
	}
	regulars := list.Items[0].ID
	if list.Items[0].Name != "Regulars" {
		regulars = list.Items[1].ID
	}
	if h := viewer.get(t, base+"/measures/"+regulars+"/history?format=csv"); h.Code != http.StatusOK || !strings.Contains(h.Body, "measure,period,value,target,met,partial") {
		t.Fatalf("history CSV: %d %s", h.Code, h.Body)
	}
	if v := viewer.get(t, base+"/outcomes"); v.Code != http.StatusOK || strings.Contains(v.Body, "Define a measure") {
		t.Fatalf("a viewer's page: %d", v.Code)
	}
	viewer.post(t, base+"/measures", bad).wantPage(t, http.StatusForbidden)

	otherIss := mustIssuer(t, ts)
	other := ts.consoleAs(t, badges.RoleAdmin, otherIss)
	other.get(t, "/admin/c/"+otherIss+"/measures/"+regulars+"/history?format=csv").wantPage(t, http.StatusNotFound)
	other.get(t, "/admin/c/"+otherIss+"/outcomes/"+w.outcome).wantPage(t, http.StatusNotFound)
}
