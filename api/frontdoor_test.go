package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// newPublicCommunity makes a community named name with an active badge.
func newPublicCommunity(t *testing.T, ts *testServer, name, description string) (issuerID, badgeID string) {
	t.Helper()
	var v struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": name, "description": description}}).want(t, 201).JSON(t, &v)
	return v.ID, mustAchievement(t, ts, v.ID, map[string]any{"status": "active"})["id"].(string)
}

func mustMemberOf(t *testing.T, ts *testServer, iss, email, name, slug string, public bool) string {
	t.Helper()
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{
		"email": email, "displayName": name, "slug": slug, "publicProfile": public}}).want(t, 201).JSON(t, &m)
	return m.ID
}

func awardTo(t *testing.T, ts *testServer, iss, badge, member string) string {
	t.Helper()
	var cred struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": badge, "memberId": member}}).want(t, 201).JSON(t, &cred)
	return cred.ID
}

func htmlPage(t *testing.T, ts *testServer, path string, status int) string {
	t.Helper()
	return string(ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, status).body)
}

func TestFrontDoor(t *testing.T) {
	ts := newTestServer(t)
	t.Run("OK/empty", func(t *testing.T) {
		body := htmlPage(t, ts, "/", 200)
		wantIn(t, body, "No community has published a badge here yet", `href="/verify"`, `href="/admin"`)
	})

	evil := `<script>alert(1)</script>"' שלום 🎉 ` + strings.Repeat("W", 80)
	a, aBadge := newPublicCommunity(t, ts, "Lyon Gophers", "Gophers who meet in Lyon.")
	ada := mustMemberOf(t, ts, a, "ada@example.org", "Ada Lovelace", "ada", true)
	bob := mustMemberOf(t, ts, a, "bob@example.org", "Bob Quiet", "bob", false)
	awardTo(t, ts, a, aBadge, ada)
	revoked := awardTo(t, ts, a, aBadge, bob)
	ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + revoked + "/revoke", body: map[string]any{"reason": "Mistake."}}).want(t, 200)
	mustAchievement(t, ts, a, map[string]any{"status": "active", "name": "Mentor"})
	mustAchievement(t, ts, a, map[string]any{"name": "Draft only"})
	t.Run("OK/one public community leads to it", func(t *testing.T) {
		r := ts.do(t, req{method: "GET", path: "/", token: "-", header: accept("text/html")}).want(t, http.StatusFound)
		if loc := r.Header().Get("Location"); loc != baseURL+"/issuers/"+a {
			t.Fatalf("Location %q", loc)
		}
	})

	e, _ := newPublicCommunity(t, ts, "E"+evil, "D"+evil)
	var hidden struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Still Setting Up"}}).want(t, 201).JSON(t, &hidden)
	mustAchievement(t, ts, hidden.ID, map[string]any{"name": "Not yet"})

	body := htmlPage(t, ts, "/", 200)
	t.Run("OK/lists public communities only", func(t *testing.T) {
		wantIn(t, body, `href="`+baseURL+`/issuers/`+a+`"`, `href="`+baseURL+`/issuers/`+e+`"`, "Gophers who meet in Lyon.",
			`href="/verify"`, "Checking someone's badge?")
		wantNotIn(t, body, "Still Setting Up", hidden.ID)
	})
	t.Run("OK/counts", func(t *testing.T) {
		lyon := body[strings.Index(body, "Lyon Gophers"):]
		lyon = lyon[:strings.Index(lyon, "</li>")]
		// Two active badges (the draft is not one), one credential standing
		// (the other revoked), one member of two with a public profile.
		wantIn(t, lyon, "<span>2 badges</span>", "<span>1 awarded</span>", "<span>1 public profile</span>",
			`href="`+baseURL+`/issuers/`+a+`/members"`, `href="`+baseURL+`/issuers/`+a+`/spotlight"`)
	})
	t.Run("OK/escapes", func(t *testing.T) {
		wantNotIn(t, body, "<script>alert(1)</script>")
		wantIn(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39; שלום 🎉")
	})
}

func TestNotFoundPage(t *testing.T) {
	ts := newTestServer(t)
	iss, _ := newPublicCommunity(t, ts, "Lyon Gophers", "")
	t.Run("HTML/way back to the front door", func(t *testing.T) {
		body := htmlPage(t, ts, "/no/such/page", 404)
		wantIn(t, body, "<h1>Not Found</h1>", "There is nothing at this address.", `<a class="button primary" href="/">Go to the front page</a>`)
		wantNotIn(t, body, "/no/such/page")
	})
	t.Run("HTML/way back to the community the address names", func(t *testing.T) {
		body := htmlPage(t, ts, "/issuers/"+iss+"/no-such-page", 404)
		wantIn(t, body, `href="`+baseURL+`/issuers/`+iss+`">Go to Lyon Gophers</a>`, `<header class="site community">`,
			`/issuers/`+iss+`/theme.css`, `href="/">All communities</a>`)
	})
	t.Run("HTML/unknown community: the front door", func(t *testing.T) {
		body := htmlPage(t, ts, "/issuers/aaaaaaaaaaaaaaaaaaaa/members", 404)
		wantIn(t, body, `href="/">Go to the front page</a>`)
	})
	t.Run("JSON/problem unchanged", func(t *testing.T) {
		for _, path := range []string{"/no/such/page", "/issuers/" + iss + "/no-such-page"} {
			p := ts.do(t, req{method: "GET", path: path, token: "-", header: accept("application/json")}).wantProblem(t, 404, badges.ENOTFOUND, "")
			if p.Detail != "There is nothing at this address." || p.Title != "Not Found" {
				t.Fatalf("%s: %+v", path, p)
			}
		}
	})
}

func TestCommunityPage(t *testing.T) {
	ts := newTestServer(t)
	iss, badge := newPublicCommunity(t, ts, "Lyon Gophers", "Gophers who meet in Lyon.")
	mustAchievement(t, ts, iss, map[string]any{"status": "active", "name": "Mentor", "level": "leadership",
		"description": "Mentored three newcomers through their first talk.\nA second line the page leaves out."})
	for i := range 3 {
		m := mustMemberOf(t, ts, iss, fmt.Sprintf("m%d@example.org", i), fmt.Sprintf("Member %d", i), fmt.Sprintf("m%d", i), i == 0)
		awardTo(t, ts, iss, badge, m)
	}
	body := htmlPage(t, ts, "/issuers/"+iss, 200)
	t.Run("OK/figures", func(t *testing.T) {
		wantIn(t, body, "<dt>members</dt><dd>3</dd>", "<dt>badges awarded</dt><dd>3</dd>", "<dt>badges to earn</dt><dd>2</dd>",
			"<dt>public profile</dt><dd>1</dd>")
	})
	t.Run("OK/links and badges", func(t *testing.T) {
		wantIn(t, body, `href="`+baseURL+`/issuers/`+iss+`/spotlight"`, `href="`+baseURL+`/issuers/`+iss+`/members"`,
			`<h2 id="level-leadership">Leadership</h2>`, `<span class="line">Mentored three newcomers through their first talk.</span>`,
			`<span class="line">Hosted a session.</span>`, `href="/issuers/`+iss+`/theme.css?v=laurel"`)
		wantNotIn(t, body, "A second line")
	})
	t.Run("OK/no directory link without public profiles", func(t *testing.T) {
		other, _ := newPublicCommunity(t, ts, "Quiet Folk", "")
		wantNotIn(t, htmlPage(t, ts, "/issuers/"+other, 200), "/issuers/"+other+"/members")
	})
}

func TestDirectory(t *testing.T) {
	ts := newTestServer(t)
	iss, _ := newPublicCommunity(t, ts, "Lyon Gophers", "")
	var csv strings.Builder
	csv.WriteString("email,displayName,slug,publicProfile\n")
	for i := range 65 {
		fmt.Fprintf(&csv, "p%02d@example.org,Person %02d,person-%02d,yes\n", i, i, i)
	}
	csv.WriteString("zoe@example.org,Zoë Ørsted,zoe,yes\nhidden@example.org,Hidden Hannah,hannah,no\n")
	r, rep := importCSV(t, ts, iss, csv.String(), "")
	r.want(t, 200)
	if rep.Created != 67 {
		t.Fatalf("import created %d", rep.Created)
	}
	dir := "/issuers/" + iss + "/members"
	t.Run("OK/first page", func(t *testing.T) {
		body := htmlPage(t, ts, dir, 200)
		wantIn(t, body, "1–60 of 66 members", `href="`+baseURL+`/members/person-00"`, ">Person 59<",
			`href="`+baseURL+dir+`?page=2" rel="next"`, `role="status"`)
		wantNotIn(t, body, "Hidden Hannah", "hannah", "Person 60", `rel="prev"`)
	})
	t.Run("OK/second page", func(t *testing.T) {
		body := htmlPage(t, ts, dir+"?page=2", 200)
		wantIn(t, body, "61–66 of 66 members", ">Person 60<", ">Zoë Ørsted<", `href="`+baseURL+dir+`" rel="prev"`)
		wantNotIn(t, body, ">Person 59<", `rel="next"`, "Hidden Hannah")
	})
	t.Run("OK/search folds case and accents", func(t *testing.T) {
		body := htmlPage(t, ts, dir+"?q=ZOE", 200)
		wantIn(t, body, ">Zoë Ørsted<", "1–1 of 1 member matching this search")
		wantNotIn(t, body, "Person 00")
		wantIn(t, htmlPage(t, ts, dir+"?q=hannah", 200), "No member&#39;s name matches this search.")
	})
	t.Run("OK/consent withdrawn leaves the directory", func(t *testing.T) {
		var m struct{ Items []struct{ ID string } }
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/members?email=zoe@example.org"}).want(t, 200).JSON(t, &m)
		ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + m.Items[0].ID, body: map[string]any{"publicProfile": false}}).want(t, 200)
		wantNotIn(t, htmlPage(t, ts, dir+"?page=2", 200), "Zoë")
	})
	t.Run("400/bad page", func(t *testing.T) {
		for _, bad := range []string{"0", "-1", "two", "1.5", "99999999999"} {
			p := ts.do(t, req{method: "GET", path: dir + "?page=" + bad, token: "-", header: accept("application/json")}).wantProblem(t, 400, badges.EINVALID, "page")
			if !strings.Contains(p.Detail, `"page"`) {
				t.Errorf("page=%s: %q names no parameter", bad, p.Detail)
			}
		}
		wantIn(t, htmlPage(t, ts, dir+"?page=x", 400), "The query parameter &#34;page&#34;", `href="`+baseURL+`/issuers/`+iss+`">Go to Lyon Gophers</a>`)
	})
	t.Run("404/unknown community", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/issuers/aaaaaaaaaaaaaaaaaaaa/members", token: "-", header: accept("application/json")}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
}

func TestTheme(t *testing.T) {
	ts := newTestServer(t)
	iss, _ := newPublicCommunity(t, ts, "Lyon Gophers", "")
	ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + iss, body: map[string]any{"accentColor": "#fff6b0"}}).want(t, 200)
	for _, path := range []string{"/issuers/" + iss + "/theme.css?v=fff6b0", "/me/theme/" + iss} {
		r := ts.do(t, req{method: "GET", path: path, token: "-"}).want(t, 200)
		css := string(r.body)
		if ct := r.Header().Get("Content-Type"); ct != "text/css; charset=utf-8" ||
			!strings.Contains(css, "--brand: #fff6b0; --brand-ink: #000000; --brand-text: #736f4f;") ||
			!strings.Contains(css, "@media (prefers-color-scheme: dark) {\n  :root { --brand-text: #fff6b0;") {
			t.Fatalf("%s: %s\n%s", path, ct, css)
		}
	}
	wantIn(t, htmlPage(t, ts, "/issuers/"+iss, 200), `href="/issuers/`+iss+`/theme.css?v=fff6b0"`)
	ts.do(t, req{method: "GET", path: "/issuers/aaaaaaaaaaaaaaaaaaaa/theme.css", token: "-", header: accept("application/json")}).wantProblem(t, 404, badges.ENOTFOUND, "")
}

// TestFrontDoor_Unlisted: a community's admins may keep it off the front
// door, with the API or the console's Settings; its own page stays.
func TestFrontDoor_Unlisted(t *testing.T) {
	ts := newTestServer(t)
	a, _ := newPublicCommunity(t, ts, "Lyon Gophers", "")
	b, _ := newPublicCommunity(t, ts, "Paris Gophers", "")
	var quiet struct {
		ID        string
		FrontDoor bool
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Quiet Circle", "frontDoor": false}}).want(t, 201).JSON(t, &quiet)
	mustAchievement(t, ts, quiet.ID, map[string]any{"status": "active"})
	if quiet.FrontDoor || issuerOf(t, ts, a)["frontDoor"] != true {
		t.Fatalf("frontDoor: %v for the quiet circle, %v for Lyon", quiet.FrontDoor, issuerOf(t, ts, a)["frontDoor"])
	}
	wantIn(t, htmlPage(t, ts, "/", 200), "Lyon Gophers", "Paris Gophers")
	wantNotIn(t, htmlPage(t, ts, "/", 200), "Quiet Circle")

	t.Run("API", func(t *testing.T) {
		ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + b, body: map[string]any{"frontDoor": false}}).want(t, 200)
		ts.do(t, req{method: "GET", path: "/", token: "-", header: accept("text/html")}).want(t, http.StatusFound)
		htmlPage(t, ts, "/issuers/"+b, 200)
		ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + b, body: map[string]any{"description": "Back."}}).want(t, 200)
		if issuerOf(t, ts, b)["frontDoor"] != false {
			t.Fatal("a PATCH without frontDoor changed it")
		}
		ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + b, body: map[string]any{"frontDoor": true}}).want(t, 200)
		wantIn(t, htmlPage(t, ts, "/", 200), "Paris Gophers")
	})
	t.Run("console", func(t *testing.T) {
		owner := ts.consoleAs(t, badges.RoleOwner, a)
		settings := "/admin/c/" + a + "/settings"
		if page := owner.get(t, settings); !strings.Contains(page.Body, `name="frontDoor" value="yes" aria-describedby="f-frontDoor-hint" checked`) {
			t.Fatalf("the box is not ticked: %s", page.Body)
		}
		f := settingsForm("name", "Lyon Gophers")
		owner.post(t, settings, f).wantRedirect(t, settings)
		if issuerOf(t, ts, a)["frontDoor"] != false {
			t.Fatal("unticking the box left the community on the front door")
		}
		ts.do(t, req{method: "GET", path: "/", token: "-", header: accept("text/html")}).want(t, http.StatusFound)
		f.Set("frontDoor", "yes")
		owner.post(t, settings, f).wantRedirect(t, settings)
		wantIn(t, htmlPage(t, ts, "/", 200), "Lyon Gophers")
	})
}
