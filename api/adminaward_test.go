package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// awardsFixture is a community with an active badge, Ada, a member whose
// name is an injection attempt, and consoles for an awarder and an admin.
type awardsFixture struct {
	ts               *testServer
	iss, badge, base string
	ada, evil        string
	awarder, admin   *consoleClient
}

const evilName = `<script>alert(1)</script>`

func newAwardsFixture(t *testing.T) *awardsFixture {
	t.Helper()
	ts := newTestServer(t)
	f := &awardsFixture{ts: ts, iss: mustIssuer(t, ts)}
	f.base = "/admin/c/" + f.iss
	f.badge = mustAchievement(t, ts, f.iss, map[string]any{"status": "active"})["id"].(string)
	f.ada = mustMember(t, ts, f.iss, "ada@example.org", "Ada Lovelace")
	f.evil = mustMember(t, ts, f.iss, "evil@example.org", evilName)
	f.awarder = ts.consoleAs(t, badges.RoleAwarder, f.iss)
	f.admin = ts.consoleAs(t, badges.RoleAdmin, f.iss)
	return f
}

// awardByAPI awards the badge to a member through the API: the
// credential's id.
func (f *awardsFixture) awardByAPI(t *testing.T, member string) string {
	t.Helper()
	var c struct{ ID string }
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/awards",
		body: map[string]any{"achievementId": f.badge, "memberId": member}}).want(t, 201).JSON(t, &c)
	return c.ID
}

// credential is what the API says of a credential now.
func (f *awardsFixture) credential(t *testing.T, id string) credentialView {
	t.Helper()
	var c credentialView
	f.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + id}).want(t, 200).JSON(t, &c)
	return c
}

// credentialsOf counts a member's credentials, through the API.
func (f *awardsFixture) credentialsOf(t *testing.T, member string) int {
	t.Helper()
	var l struct{ Total int }
	f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + "/credentials?member=" + member}).want(t, 200).JSON(t, &l)
	return l.Total
}

// wantEscaped checks a page shows evilName escaped, never as markup.
func wantEscaped(t *testing.T, p *page) {
	t.Helper()
	if strings.Contains(p.Body, evilName) {
		t.Fatalf("the page has the member's name unescaped: %s", p.Body)
	}
	p.wantPage(t, p.Code, evilName)
}

// TestConsoleAwards_List lists credentials with names, dates in words and
// status tags, filters them as the API does, pages them and escapes names.
func TestConsoleAwards_List(t *testing.T) {
	f := newAwardsFixture(t)
	viewer := f.ts.consoleAs(t, badges.RoleViewer, f.iss)
	viewer.get(t, f.base+"/awards").wantPage(t, 200, "No badges awarded yet")
	adaCred, evilCred := f.awardByAPI(t, f.ada), f.awardByAPI(t, f.evil)
	f.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + evilCred + "/revoke", body: map[string]any{"reason": "Mistake."}}).want(t, 200)

	list := viewer.get(t, f.base+"/awards")
	list.wantPage(t, 200, "Ada Lovelace", "Session Host", time.Now().UTC().Format("2 January 2006"), "Active", "Revoked",
		"1–2 of 2", f.base+"/members/"+f.ada, f.base+"/awards/"+adaCred, "/credentials/"+adaCred)
	wantEscaped(t, list)
	if strings.Contains(list.Body, "Award a badge") {
		t.Error("a viewer is offered to award a badge")
	}
	f.awarder.get(t, f.base+"/awards").wantPage(t, 200, "Award a badge", "Award from a CSV file")

	revoked := viewer.get(t, f.base+"/awards?status=revoked")
	revoked.wantPage(t, 200, "1–1 of 1")
	revoked.wantHTML(t, `aria-current="true">Revoked`)
	if strings.Contains(revoked.Body, "Ada Lovelace") {
		t.Error("the revoked filter lists an active credential")
	}
	viewer.get(t, f.base+"/awards?member="+f.ada).wantPage(t, 200, "Member: Ada Lovelace", "1–1 of 1")
	viewer.get(t, f.base+"/awards?from=2000-01-01&to=2000-12-31").wantPage(t, 200, "No awards match these filters", "Clear filters")
	viewer.get(t, f.base+"/awards?from=yesterday").wantPage(t, 400, `The query parameter "from" must be a date`)

	first := viewer.get(t, f.base+"/awards?limit=1")
	first.wantPage(t, 200, "1–1 of 2")
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.Body)
	if next == nil {
		t.Fatalf("no next page: %s", first.Body)
	}
	viewer.get(t, strings.ReplaceAll(next[1], "&amp;", "&")).wantPage(t, 200, "2–2 of 2", "First page")

	other := mustIssuer(t, f.ts)
	otherBadge := mustAchievement(t, f.ts, other, map[string]any{"status": "active"})["id"].(string)
	viewer.get(t, f.base+"/awards?achievement="+otherBadge).wantPage(t, 404)
	viewer.get(t, f.base+"/awards?member="+mustMember(t, f.ts, other, "bob@example.org", "Bob")).wantPage(t, 404)
}

var keyField = regexp.MustCompile(`name="key" value="([^"]+)"`)

// TestConsoleAwards_AwardOne finds the member as they type, picks the
// badge, checks the answers, issues through the API's service, and shows
// problems on their field with the values kept.
func TestConsoleAwards_AwardOne(t *testing.T) {
	f := newAwardsFixture(t)
	c := f.awarder
	found := c.get(t, f.base+"/awards/new?q=ada")
	found.wantPage(t, 200, "Ada Lovelace", "ada@example.org", "member="+f.ada)
	r := httptest.NewRequest(http.MethodGet, f.base+"/awards/new?q=lovelace", nil)
	r.Header.Set("HX-Request", "true")
	if part := c.do(t, r); part.Code != 200 || strings.Contains(part.Body, "<html") || !strings.Contains(part.Body, "Ada Lovelace") {
		t.Fatalf("the search as you type answered %d: %s", part.Code, part.Body)
	}
	c.get(t, f.base+"/awards/new?q=nobody").wantPage(t, 200, "No member matches “nobody”")
	wantEscaped(t, c.get(t, f.base+"/awards/new?q=script"))
	picked := c.get(t, f.base+"/awards/new?member="+f.ada)
	picked.wantPage(t, 200, "Award a badge to Ada Lovelace")
	picked.wantHTML(t, `<option value="`+f.badge+`">Session Host</option>`)

	form := url.Values{"memberId": {f.ada}, "achievementId": {f.badge}, "narrative": {"Hosted **October**."},
		"evidenceUrl": {"https://example.org/oct", "", ""}, "evidenceName": {"Recording", "", ""}}
	check := c.post(t, f.base+"/awards/new", form)
	check.wantPage(t, 200, "Check your answers", "Recording")
	check.wantHTML(t, "Award <strong>Session Host</strong> to <strong>Ada Lovelace</strong>, with this narrative:", "<strong>October</strong>")
	if f.credentialsOf(t, f.ada) != 0 {
		t.Fatal("the check step issued the badge")
	}
	key := keyField.FindStringSubmatch(check.Body)
	if key == nil {
		t.Fatalf("no key on the check page: %s", check.Body)
	}
	form.Set("key", key[1])
	form.Set("step", "issue")
	loc := c.post(t, f.base+"/awards/new", form).wantRedirect(t, f.base+"/awards/")
	c.get(t, loc).wantPage(t, 200, "Session Host is awarded to Ada Lovelace.", "Hosted", "Recording")
	cred := f.credential(t, strings.TrimPrefix(loc, f.base+"/awards/"))
	if cred.MemberID != f.ada || cred.AchievementID != f.badge || cred.Status != "active" {
		t.Fatalf("issued %+v", cred)
	}

	t.Run("already holds", func(t *testing.T) {
		w := c.post(t, f.base+"/awards/new", form)
		w.wantPage(t, 409, "Ada Lovelace already holds Session Host", "nothing new was issued", "See the badge they hold")
		if n := f.credentialsOf(t, f.ada); n != 1 {
			t.Fatalf("Ada has %d credentials", n)
		}
	})
	t.Run("bad evidence", func(t *testing.T) {
		bad := url.Values{"memberId": {f.evil}, "achievementId": {f.badge}, "narrative": {"Kept as typed."},
			"evidenceUrl": {"ftp://example.org/x"}, "evidenceName": {"Old"}}
		w := c.post(t, f.base+"/awards/new", bad)
		w.wantPage(t, 400, "There is a problem", "ftp://example.org/x", "Kept as typed.")
		w.wantHTML(t, `href="#f-evidence"`)
		wantEscaped(t, w)
	})
	t.Run("no badge", func(t *testing.T) {
		draft := mustAchievement(t, f.ts, f.iss, map[string]any{"name": "Draft badge"})["id"].(string)
		for _, id := range []string{"", draft} {
			c.post(t, f.base+"/awards/new", url.Values{"memberId": {f.ada}, "achievementId": {id}}).
				wantPage(t, 400, "Choose the badge to award from the list")
		}
	})
	t.Run("another community's member", func(t *testing.T) {
		bob := mustMember(t, f.ts, mustIssuer(t, f.ts), "bob@example.org", "Bob")
		c.get(t, f.base+"/awards/new?member="+bob).wantPage(t, 404)
		c.post(t, f.base+"/awards/new", url.Values{"memberId": {bob}, "achievementId": {f.badge}}).wantPage(t, 404)
	})
}

// TestConsoleAwards_Revoke: revoking takes a reason and a confirmation
// that says what will happen; without the confirmation nothing changes; a
// private reason never reaches the public page; an awarder cannot revoke.
func TestConsoleAwards_Revoke(t *testing.T) {
	f := newAwardsFixture(t)
	adaCred, evilCred := f.awardByAPI(t, f.ada), f.awardByAPI(t, f.evil)
	path := f.base + "/awards/" + adaCred
	const marker = "Zq7-console-private-reason"

	f.awarder.get(t, path+"/revoke").wantPage(t, 403)
	f.awarder.post(t, path+"/revoke", url.Values{"reason": {marker}, "step": {"confirm"}}).wantPage(t, 403)
	if got := f.credential(t, adaCred); got.Status != "active" {
		t.Fatalf("an awarder revoked: %+v", got)
	}
	if strings.Contains(f.awarder.get(t, path).Body, "Revoke…") {
		t.Error("an awarder is offered to revoke")
	}

	f.admin.get(t, path).wantPage(t, 200, "Session Host of Ada Lovelace", "Active", "Revoke…")
	f.admin.get(t, path+"/revoke").wantPage(t, 200, "Show the reason on the public badge page")
	confirm := f.admin.post(t, path+"/revoke", url.Values{"reason": {"Awarded twice " + marker}, "step": {"check"}})
	confirm.wantPage(t, 200, "Revoke Session Host of Ada Lovelace; the reason stays private.", "Revoke the badge")
	if got := f.credential(t, adaCred); got.Status != "active" {
		t.Fatalf("the revoke form revoked without its confirmation: %+v", got)
	}
	blank := f.admin.post(t, path+"/revoke", url.Values{"reason": {"  "}, "step": {"confirm"}})
	blank.wantPage(t, 400, "There is a problem")
	blank.wantHTML(t, `href="#f-reason"`)

	loc := f.admin.post(t, path+"/revoke", url.Values{"reason": {"Awarded twice " + marker}, "step": {"confirm"}}).wantRedirect(t, path)
	f.admin.get(t, loc).wantPage(t, 200, "Session Host of Ada Lovelace is revoked.", "Revoked", "private: only managers see it", marker)
	if got := f.credential(t, adaCred); got.Status != "revoked" || got.RevocationReasonPublic || !strings.Contains(got.RevocationReason, marker) {
		t.Fatalf("revoked %+v", got)
	}
	public := f.ts.do(t, req{method: "GET", path: "/credentials/" + adaCred, token: "-", header: accept("text/html")}).want(t, 200)
	if strings.Contains(string(public.body), marker) || !strings.Contains(string(public.body), "Revoked on ") {
		t.Fatal("the public page shows the private reason, or not the revocation")
	}
	f.admin.post(t, path+"/revoke", url.Values{"reason": {"Again."}, "step": {"confirm"}}).wantPage(t, 409)

	evilPath := f.base + "/awards/" + evilCred
	published := f.admin.post(t, evilPath+"/revoke", url.Values{"reason": {"Asked by the member."}, "publishReason": {"yes"}, "step": {"check"}})
	published.wantPage(t, 200, "the reason is shown on the public badge page.")
	wantEscaped(t, published)
	f.admin.post(t, evilPath+"/revoke", url.Values{"reason": {"Asked by the member."}, "publishReason": {"yes"}, "step": {"confirm"}}).wantRedirect(t, evilPath)
	if got := f.credential(t, evilCred); !got.RevocationReasonPublic {
		t.Fatalf("published reason not kept: %+v", got)
	}

	other := mustIssuer(t, f.ts)
	otherBadge := mustAchievement(t, f.ts, other, map[string]any{"status": "active"})["id"].(string)
	var otherCred struct{ ID string }
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + other + "/awards",
		body: map[string]any{"achievementId": otherBadge, "email": "bob@example.org", "name": "Bob"}}).want(t, 201).JSON(t, &otherCred)
	f.admin.get(t, f.base+"/awards/"+otherCred.ID).wantPage(t, 404)
	f.admin.post(t, f.base+"/awards/"+otherCred.ID+"/revoke", url.Values{"reason": {"x"}, "step": {"confirm"}}).wantPage(t, 404)
}

// TestConsoleAwards_BulkCSV uploads a bulk award file: the job issues the
// good rows, rejects the bad one, and says so in its counts; a file that
// cannot be read is refused on the form.
func TestConsoleAwards_BulkCSV(t *testing.T) {
	f := newAwardsFixture(t)
	c := f.awarder
	page := c.get(t, f.base+"/awards/import")
	page.wantPage(t, 200, "achievementId", "evidenceUrl", f.badge, "No file uploaded yet.")
	example := c.get(t, f.base+"/awards/import/example.csv")
	if example.Code != 200 || !strings.HasPrefix(example.Header().Get("Content-Type"), "text/csv") || !strings.Contains(example.Body, f.badge) {
		t.Fatalf("example file %d %q: %s", example.Code, example.Header().Get("Content-Type"), example.Body)
	}

	csv := "achievementId,email,name\n" + f.badge + ",ada@example.org,Ada Lovelace\n" + f.badge + ",new@example.org,New Member\nnot-a-badge,x@example.org,X\n"
	loc := c.postFile(t, f.base+"/awards/import", url.Values{}, "file", "october.csv", []byte(csv)).wantRedirect(t, f.base+"/jobs/")
	done := waitForJob(t, c, loc)
	done.wantPage(t, 200, "Done.", "Rows that failed")
	wantCount(t, done, "Issued", 2)
	wantCount(t, done, "Rejected", 1)
	if f.credentialsOf(t, f.ada) != 1 {
		t.Fatal("the job did not award Ada")
	}
	c.get(t, f.base+"/awards/import").wantPage(t, 200, "october.csv", "2 issued · 1 rejected")

	w := c.postFile(t, f.base+"/awards/import", url.Values{}, "file", "bad.csv", []byte("email,name\nx@example.org,X\n"))
	w.wantPage(t, 400, "There is a problem", "achievementId")
	w.wantHTML(t, `href="#f-file"`)
	c.post(t, f.base+"/awards/import", url.Values{}).wantPage(t, 400, "The upload could not be read.")
}

// waitForJob looks at a job's page until the job has finished.
func waitForJob(t *testing.T, c *consoleClient, path string) *page {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p := c.get(t, path)
		if strings.Contains(p.Body, "<strong>Done.</strong>") || strings.Contains(p.Body, "The import stopped.") {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job at %s did not finish: %s", path, p.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// wantCount checks one of a job page's counts.
func wantCount(t *testing.T, p *page, label string, n int) {
	t.Helper()
	p.wantHTML(t, "<dt>"+label+"</dt><dd>"+strconv.Itoa(n)+"</dd>")
}
