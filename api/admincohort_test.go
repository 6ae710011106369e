package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsoleCohorts: an admin creates a cohort (a name taken is refused
// on its field, the value kept), renames it, adds a member found by
// search and others from pasted addresses (those that match no member are
// listed), takes one out after a confirmation, and archives it; the API
// sees each change; names are escaped; a viewer only reads.
func TestConsoleCohorts(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	base := "/admin/c/" + iss
	evil := "<script>alert(1)</script> Ada"
	ada := mustMember(t, ts, iss, "ada@example.org", evil)
	bob := mustMember(t, ts, iss, "bob@example.org", "Bob")
	mustMember(t, ts, iss, "cy@example.org", "Cy")
	mustCohort(t, ts, iss, "Taken")
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)

	admin.get(t, base+"/cohorts").wantPage(t, http.StatusOK, "Taken", "New cohort")
	p := admin.post(t, base+"/cohorts", url.Values{"name": {"taken"}})
	p.wantPage(t, http.StatusConflict, "There is a problem")
	if !strings.Contains(p.Body, `id="f-name-error"`) || !strings.Contains(p.Body, `value="taken"`) {
		t.Fatalf("the conflict is not on the name, or the name is lost: %s", p.Body)
	}
	loc := admin.post(t, base+"/cohorts", url.Values{"name": {"Spring <b>2026</b>"}}).wantRedirect(t, base+"/cohorts/")
	cohortID := strings.TrimPrefix(loc, base+"/cohorts/")
	admin.get(t, loc).wantPage(t, http.StatusOK, "Spring <b>2026</b> is created.", "No members yet")

	admin.post(t, loc, url.Values{"name": {"Spring 2026"}}).wantRedirect(t, loc)
	admin.post(t, loc, url.Values{"name": {""}}).wantPage(t, http.StatusBadRequest, "There is a problem")

	// One found by search, then a pasted list with one unknown address.
	admin.get(t, loc+"?q=alert").wantPage(t, http.StatusOK, evil)
	admin.post(t, loc+"/members", url.Values{"member": {ada}}).wantRedirect(t, loc)
	p = admin.post(t, loc+"/members", url.Values{"emails": {"bob@example.org\ncy@example.org, nobody@example.org"}})
	p.wantPage(t, http.StatusOK, "2 members are in Spring 2026 now.", "nobody@example.org", "No member has this e-mail address.")
	admin.post(t, loc+"/members", url.Values{"emails": {"  "}}).wantPage(t, http.StatusBadRequest, "Paste at least one e-mail address")
	page := admin.get(t, loc)
	page.wantPage(t, http.StatusOK, evil, "Bob", "Cy", "1–3 of 3")
	if strings.Contains(page.Body, "<script>alert(1)") {
		t.Fatal("a member's name is not escaped on the cohort's page")
	}
	var members struct{ Total int }
	ts.do(t, req{method: "GET", path: "/api/v1/cohorts/" + cohortID + "/members"}).want(t, 200).JSON(t, &members)
	if members.Total != 3 {
		t.Fatalf("the API sees %d members, want 3", members.Total)
	}

	// Taking one out, after a confirmation.
	admin.get(t, loc+"/members/"+bob+"/remove").wantPage(t, http.StatusOK, "Take Bob out of Spring 2026?")
	admin.post(t, loc+"/members/"+bob+"/remove", nil).wantRedirect(t, loc)
	ts.do(t, req{method: "GET", path: "/api/v1/cohorts/" + cohortID + "/members"}).want(t, 200).JSON(t, &members)
	if members.Total != 2 {
		t.Fatalf("after taking Bob out the API sees %d members, want 2", members.Total)
	}

	admin.post(t, loc+"/archive", url.Values{"archived": {"true"}}).wantRedirect(t, loc)
	admin.get(t, base+"/cohorts?archived=true").wantPage(t, http.StatusOK, "Spring 2026")
	admin.get(t, base+"/cohorts?archived=maybe").wantPage(t, http.StatusBadRequest)
	admin.post(t, loc+"/members", url.Values{"member": {bob}}).wantPage(t, http.StatusConflict, "archived")

	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	if v := viewer.get(t, loc); v.Code != http.StatusOK || strings.Contains(v.Body, "Take out") {
		t.Fatalf("a viewer's cohort page: %d", v.Code)
	}
	viewer.post(t, base+"/cohorts", url.Values{"name": {"Viewer's"}}).wantPage(t, http.StatusForbidden)

	otherIss := mustIssuer(t, ts)
	other := ts.consoleAs(t, badges.RoleAdmin, otherIss)
	other.get(t, "/admin/c/"+otherIss+"/cohorts/"+cohortID).wantPage(t, http.StatusNotFound)
	other.post(t, "/admin/c/"+otherIss+"/cohorts/"+cohortID+"/members/"+ada+"/remove", nil).wantPage(t, http.StatusNotFound)
}
