package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

const memberInjected = `<script>alert(1)</script>`

// TestConsoleMembers_List lists, searches and pages the members, as a
// page and as the part htmx swaps in while the manager types.
func TestConsoleMembers_List(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	base := "/admin/c/" + iss + "/members"
	viewer.get(t, base).wantPage(t, http.StatusOK, "No members yet", "An admin of the community can add them.")

	var csv strings.Builder
	csv.WriteString("email,displayName,publicProfile\n")
	for i := range 53 {
		fmt.Fprintf(&csv, "m%02d@example.org,Member %02d,%v\n", i, i, i == 0)
	}
	csv.WriteString("ada@example.org,Ada Lovelace,true\nevil@example.org," + memberInjected + ",false\n")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", body: csv.String(), contentType: "text/csv"}).want(t, 200)

	first := viewer.get(t, base)
	first.wantPage(t, http.StatusOK, "1–50 of 55", "Member 00", "m00@example.org", "Next page", "Public", "Private")
	if strings.Contains(first.Body, "Add member") || strings.Contains(first.Body, "Ada Lovelace") {
		t.Errorf("a viewer's first page offers to add, or shows a later member: %s", first.Body)
	}
	href := strings.ReplaceAll(between(first.Body, `<a href="`+base+"?", `" rel="next"`), "&amp;", "&")
	if !strings.Contains(href, "from=51") {
		t.Fatalf("no next page link with its offset: %q", href)
	}
	second := viewer.get(t, base+"?"+href)
	second.wantPage(t, http.StatusOK, "51–55 of 55", "Ada Lovelace", "First page", memberInjected)
	if strings.Contains(second.Body, memberInjected) {
		t.Errorf("a member's name is not escaped: %s", second.Body)
	}

	t.Run("search", func(t *testing.T) {
		viewer.get(t, base+"?q=LOVELACE").wantPage(t, http.StatusOK, "Ada Lovelace", "1–1 of 1")
		viewer.get(t, base+"?q=ada@example.org").wantPage(t, http.StatusOK, "Ada Lovelace", "1–1 of 1")
		viewer.get(t, base+"?q=nobody").wantPage(t, http.StatusOK, "No member matches “nobody”")
		found := viewer.get(t, base+"?q="+url.QueryEscape(memberInjected))
		found.wantPage(t, http.StatusOK, "evil@example.org", "1–1 of 1")
		if strings.Contains(found.Body, memberInjected) {
			t.Errorf("the search or the name is not escaped: %s", found.Body)
		}
	})
	t.Run("as you type", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, base+"?q=member+0", nil)
		r.Header.Set("HX-Request", "true")
		r.Header.Set("HX-Target", "member-results")
		part := viewer.do(t, r)
		part.wantPage(t, http.StatusOK, "Member 01", "1–10 of 10")
		if strings.Contains(part.Body, "<html") || !strings.HasPrefix(strings.TrimSpace(part.Body), `<div id="member-results"`) {
			t.Errorf("the search answers more than its results: %s", part.Body)
		}
	})
	t.Run("bad query", func(t *testing.T) {
		viewer.get(t, base+"?from=x&cursor=y").wantPage(t, http.StatusBadRequest, "from")
		viewer.get(t, base+"?sort=name").wantPage(t, http.StatusBadRequest, "sort")
	})
}

// TestConsoleMembers_CohortChips filters the list by cohort.
func TestConsoleMembers_CohortChips(t *testing.T) {
	ts := newTestServer(t)
	iss, other := mustIssuer(t, ts), mustIssuer(t, ts)
	ada, grace := mustMember(t, ts, iss, "ada@example.org", "Ada Lovelace"), mustMember(t, ts, iss, "grace@example.org", "Grace Hopper")
	spring := mustCohort(t, ts, iss, "Spring "+memberInjected)
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + spring.ID + "/members/" + ada}).want(t, 204)
	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	base := "/admin/c/" + iss + "/members"
	viewer.get(t, base).wantPage(t, http.StatusOK, "All members", "Spring "+memberInjected, "Grace Hopper")
	p := viewer.get(t, base+"?cohort="+spring.ID)
	p.wantPage(t, http.StatusOK, "Ada Lovelace", "1–1 of 1")
	if strings.Contains(p.Body, "Grace Hopper") || strings.Contains(p.Body, memberInjected) {
		t.Errorf("the cohort's list shows another member, or an unescaped name: %s", p.Body)
	}
	_ = grace
	elsewhere := mustCohort(t, ts, other, "Elsewhere")
	viewer.get(t, base+"?cohort="+elsewhere.ID).wantPage(t, http.StatusNotFound)
}

// TestConsoleMembers_Detail shows a member's badges, progress, cohorts
// and activity, the voided marked.
func TestConsoleMembers_Detail(t *testing.T) {
	ts := newTestServer(t)
	iss, other := mustIssuer(t, ts), mustIssuer(t, ts)
	host := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Session Host"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + host + "/rule", contentType: "application/json",
		body: `{"condition":{"count":{"behaviour":"hosted-session","min":3,"withinDays":90}}}`}).want(t, 200)
	mentor := mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Mentor " + memberInjected})["id"].(string)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada "+memberInjected)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": mentor, "memberId": ada}}).want(t, 201)
	spring := mustCohort(t, ts, iss, "Spring 2026")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + spring.ID + "/members/" + ada}).want(t, 204)
	now := time.Now().UTC()
	var rec struct{ Results []struct{ ID string } }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: []map[string]any{
		{"memberId": ada, "behaviour": "hosted-session", "at": now.Add(-48 * time.Hour), "sourceEventId": "e1", "narrative": "Talk " + memberInjected},
		{"memberId": ada, "behaviour": "hosted-session", "at": now.Add(-time.Hour), "sourceEventId": "e2"},
	}}).want(t, 200).JSON(t, &rec)
	ts.do(t, req{method: "POST", path: "/api/v1/activities/" + url.PathEscape(rec.Results[0].ID) + "/void", body: map[string]any{"reason": "Counted twice."}}).want(t, 200)

	viewer := ts.consoleAs(t, badges.RoleViewer, iss)
	p := viewer.get(t, "/admin/c/"+iss+"/members/"+ada)
	p.wantPage(t, http.StatusOK, "Ada "+memberInjected, "ada@example.org", "Has not consented to a public profile", "Mentor "+memberInjected,
		"Session Host", "1 of 3", "Spring 2026", "Voided", "Counted twice.", "Talk "+memberInjected)
	if strings.Contains(p.Body, memberInjected) {
		t.Errorf("a user's text is not escaped: %s", p.Body)
	}
	if strings.Contains(p.Body, "/remove") {
		t.Errorf("a viewer is offered to remove the member")
	}
	if strings.Index(p.Body, "on "+memberDay(now.Add(-time.Hour))) > strings.Index(p.Body, "Talk ") {
		t.Errorf("the activity is not newest first: %s", p.Body)
	}

	ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + ada, body: map[string]any{"publicProfile": true, "slug": "ada"}}).want(t, 200)
	viewer.get(t, "/admin/c/"+iss+"/members/"+ada).wantPage(t, http.StatusOK, "Consents to a public profile", baseURL+"/members/ada")

	stranger := mustMember(t, ts, other, "ada@example.org", "Ada Elsewhere")
	viewer.get(t, "/admin/c/"+iss+"/members/"+stranger).wantPage(t, http.StatusNotFound)
	viewer.get(t, "/admin/c/"+iss+"/members/nosuchmember").wantPage(t, http.StatusNotFound)
}

func memberDay(t time.Time) string { return t.UTC().Format("2 January 2006") }

// TestConsoleMembers_AddEdit adds and changes members through the forms.
func TestConsoleMembers_AddEdit(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/members"
	admin.get(t, base+"/new").wantPage(t, http.StatusOK, "Add a member", "They consent to a public profile")

	loc := admin.post(t, base+"/new", url.Values{"displayName": {"Ada Lovelace"}, "email": {"Ada@Example.org"}, "externalId": {"crm-1"}}).wantRedirect(t, base+"/")
	id := strings.TrimPrefix(loc, base+"/")
	admin.get(t, loc).wantPage(t, http.StatusOK, "Ada Lovelace is added to", "ada@example.org", "crm-1")
	var m struct {
		Email, DisplayName, Slug string
		PublicProfile            bool
	}
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + id}).want(t, 200).JSON(t, &m)
	if m.Email != "ada@example.org" || m.PublicProfile {
		t.Fatalf("created %+v", m)
	}

	t.Run("bad input kept, message on the field", func(t *testing.T) {
		p := admin.post(t, base+"/new", url.Values{"displayName": {memberInjected}, "email": {"not an address"}})
		p.wantPage(t, http.StatusBadRequest, "There is a problem", `"not an address" is not a valid e-mail address.`, memberInjected)
		if strings.Contains(p.Body, memberInjected) || !strings.Contains(p.Body, `id="f-email-error"`) {
			t.Errorf("the error is not on the field, or the value is not escaped: %s", p.Body)
		}
		admin.post(t, base+"/new", url.Values{"displayName": {"Ada Again"}, "email": {"ada@example.org"}}).
			wantPage(t, http.StatusConflict, `The email "ada@example.org" is already used by member`, "Ada Again")
	})

	admin.get(t, base+"/"+id+"/edit").wantPage(t, http.StatusOK, "Change Ada Lovelace", "crm-1", m.Slug)
	admin.post(t, base+"/"+id+"/edit", url.Values{"displayName": {"Ada King"}, "email": {"ada@example.org"}, "slug": {"ada-king"}, "publicProfile": {"true"}}).
		wantRedirect(t, base+"/"+id)
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + id}).want(t, 200).JSON(t, &m)
	if m.DisplayName != "Ada King" || m.Slug != "ada-king" || !m.PublicProfile {
		t.Fatalf("updated %+v", m)
	}
	admin.post(t, base+"/"+id+"/edit", url.Values{"displayName": {"Ada King"}, "email": {"ada@example.org"}, "slug": {""}}).
		wantPage(t, http.StatusBadRequest, "Slug cannot be empty.")

	other := mustIssuer(t, ts)
	stranger := mustMember(t, ts, other, "x@example.org", "Stranger")
	admin.post(t, base+"/"+stranger+"/edit", url.Values{"displayName": {"Mine"}, "email": {"x@example.org"}}).wantPage(t, http.StatusNotFound)
	ts.consoleAs(t, badges.RoleAwarder, iss).post(t, base+"/new", url.Values{"displayName": {"B"}, "email": {"b@example.org"}}).wantPage(t, http.StatusForbidden)
}

// TestConsoleMembers_Remove says what removing does, then does it.
func TestConsoleMembers_Remove(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})["id"].(string)
	ada := mustMember(t, ts, iss, "ada@example.org", "Ada "+memberInjected)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": ach, "memberId": ada}}).want(t, 201)
	spring := mustCohort(t, ts, iss, "Spring 2026")
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + spring.ID + "/members/" + ada}).want(t, 204)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/members/" + ada + "/remove"
	p := admin.get(t, path)
	p.wantPage(t, http.StatusOK, "Remove Ada "+memberInjected, "They leave Spring 2026.", "The 1 credential awarded to them is not revoked", "This cannot be undone.")
	if strings.Contains(p.Body, memberInjected) {
		t.Errorf("the name is not escaped: %s", p.Body)
	}
	admin.post(t, path, nil).wantRedirect(t, "/admin/c/"+iss+"/members")
	// The community's last member gone, its search and lists still work.
	admin.get(t, "/admin/c/"+iss+"/members?q=ada").wantPage(t, http.StatusOK, "No member matches")
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + ada}).want(t, 404)
	if got := ts.cohorts(t, "/api/v1/issuers/"+iss+"/cohorts"); got[0].Members != 0 {
		t.Errorf("the member is still in the cohort: %+v", got)
	}
	var creds struct{ Items []struct{ Status string } }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/credentials"}).want(t, 200).JSON(t, &creds)
	if len(creds.Items) != 1 || creds.Items[0].Status != "active" {
		t.Errorf("the credential did not stay as it was: %+v", creds)
	}
	admin.get(t, path).wantPage(t, http.StatusNotFound)
}

// TestConsoleMembers_Import uploads a file of members and starts its job.
func TestConsoleMembers_Import(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	path := "/admin/c/" + iss + "/members/import"
	admin.get(t, path).wantPage(t, http.StatusOK, "displayName", "publicProfile", "Download an example file", "No member import yet.")
	example := admin.get(t, path+"/example.csv")
	if example.Code != 200 || !strings.HasPrefix(example.Body, "email,displayName,externalId,slug,publicProfile,cohorts\n") {
		t.Fatalf("example file: %d %s", example.Code, example.Body)
	}
	rows, err := badges.ParseMemberCSV(strings.NewReader(example.Body), 10)
	if err != nil || len(rows) != 3 || rows[2].Err != nil {
		t.Fatalf("the example file does not parse: %v %+v", err, rows)
	}

	admin.postFile(t, path, url.Values{}, "file", "people.csv", []byte("name\nAda\n")).
		wantPage(t, http.StatusBadRequest, "There is a problem", `The CSV header lacks the required column "email".`)
	admin.post(t, path, nil).wantPage(t, http.StatusBadRequest, "The upload could not be read.")

	loc := admin.postFile(t, path, url.Values{}, "file", "spring <img src=x onerror=alert(1)>.csv", []byte("email,displayName\nada@example.org,Ada\n")).
		wantRedirect(t, "/admin/c/"+iss+"/jobs/")
	admin.get(t, loc).wantPage(t, http.StatusOK, "The file is uploaded")
	p := admin.get(t, path)
	p.wantPage(t, http.StatusOK, "Recent member imports", "spring <img src=x onerror=alert(1)>.csv")
	if strings.Contains(p.Body, "<img src=x") {
		t.Errorf("the file name is not escaped: %s", p.Body)
	}
}
