package api_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// putRule gives an achievement a rule, as JSON.
func putRule(t *testing.T, ts *testServer, achievement, rule string) {
	t.Helper()
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + achievement + "/rule", contentType: "application/json", body: rule}).want(t, 200)
}

func holdsRule(achievement string) string {
	return `{"condition":{"all":[{"holds":{"achievement":"` + achievement + `"}},{"count":{"behaviour":"hosted-session","min":1}}]}}`
}

// publicMember adds a member to a community, with a public profile or not.
func publicMember(t *testing.T, ts *testServer, issuerID, slug, name string, public bool) string {
	t.Helper()
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuerID + "/members", body: map[string]any{
		"email": slug + "@example.org", "displayName": name, "slug": slug, "publicProfile": public}}).want(t, 201).JSON(t, &m)
	return m.ID
}

// TestAchievementPage_Pathway shows what a badge needs first and what it
// leads to, as links to active badges only.
func TestAchievementPage_Pathway(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	badge := func(name, status string) string {
		return mustAchievement(t, ts, iss, map[string]any{"status": status, "name": name})["id"].(string)
	}
	first, mid, next, draft, lone := badge("Newcomer", "active"), badge("Regular", "active"), badge("Host", "active"), badge("Secret Plan", "draft"), badge("Lone", "active")
	putRule(t, ts, mid, holdsRule(first))
	putRule(t, ts, next, holdsRule(mid))
	putRule(t, ts, draft, holdsRule(mid))

	body := string(ts.do(t, req{method: "GET", path: "/achievements/" + mid, token: "-", header: accept("text/html")}).want(t, 200).body)
	wantIn(t, body, `<h2 id="pathway">Pathway</h2>`, "To earn Regular, a member first holds Newcomer. Regular leads to Host.",
		`<ul id="pathway-requires"><li><a class="pathway-step" href="`+baseURL+`/achievements/`+first+`">`,
		`<ul id="pathway-leads"><li><a class="pathway-step" href="`+baseURL+`/achievements/`+next+`">`)
	wantNotIn(t, body, "Secret Plan", draft, "Lone")

	body = string(ts.do(t, req{method: "GET", path: "/achievements/" + first, token: "-", header: accept("text/html")}).want(t, 200).body)
	wantIn(t, body, "Newcomer leads to Regular.", `href="`+baseURL+`/achievements/`+mid+`"`)
	wantNotIn(t, body, "pathway-requires", "/achievements/"+next)

	body = string(ts.do(t, req{method: "GET", path: "/achievements/" + lone, token: "-", header: accept("text/html")}).want(t, 200).body)
	wantNotIn(t, body, `id="pathway"`)
}

// TestAchievementHolders lists consenting holders 50 to a page; a member
// without a public profile and a credential kept off its member's profile
// never appear, and a bad page is a 400 naming it.
func TestAchievementHolders(t *testing.T) {
	c := newCommunity(t) // Ada consents, Bob does not
	var creds []string
	for i := range 52 {
		m := publicMember(t, c.ts, c.issuer, fmt.Sprintf("m%02d", i), fmt.Sprintf("Member %02d", i), true)
		var extra map[string]any
		if i == 0 {
			extra = map[string]any{"awardedDate": "2026-03-03T10:00:00Z"} // shown as earned, not as issued
		}
		creds = append(creds, c.award(t, m, extra))
	}
	carol := publicMember(t, c.ts, c.issuer, "carol", "Carol Hidden", true)
	carolCred := c.award(t, carol, nil)
	if _, err := newIssuing(t, c.ts.db).SetVisibility(context.Background(), carolCred, carol, issuer.VisibilityHidden); err != nil {
		t.Fatal(err)
	}
	path := "/achievements/" + c.badge + "/holders"

	achievement := c.page(t, "/achievements/"+c.badge, 200)
	wantIn(t, achievement, "Earned by 55 members.", `href="`+baseURL+path+`" id="all-holders"`)

	first := c.page(t, path, 200)
	wantIn(t, first, `<p class="holders-range" id="holders-range" role="status">1–50 of 53</p>`, `rel="next" href="`+baseURL+path+`?page=2"`)
	second := c.page(t, path+"?page=2", 200)
	wantIn(t, second, "51–53 of 53", `rel="prev" href="`+baseURL+path+`"`)
	wantNotIn(t, second, `rel="next"`)
	if n, m := strings.Count(first, `class="holders-name"`), strings.Count(second, `class="holders-name"`); n != 50 || m != 3 {
		t.Errorf("the pages name %d and %d holders, want 50 and 3", n, m)
	}
	both := first + second
	wantIn(t, both, `<a class="holders-name" href="`+baseURL+`/members/ada">Ada Lovelace</a> <a class="holders-cred" href="`+baseURL+`/credentials/`+c.adaCred+`">`)
	wantIn(t, second, `/credentials/`+creds[0]+`">Earned 3 March 2026<`) // earned first of all, so listed last
	if !strings.HasSuffix(strings.TrimSpace(second[:strings.Index(second, "</ol>")]), `Member 00’s credential</span></a></span></li>`) {
		t.Errorf("the holder who earned the badge first is not listed last")
	}
	for i, cred := range creds {
		wantIn(t, both, fmt.Sprintf(`<a class="holders-name" href="%s/members/m%02d">Member %02d</a> <a class="holders-cred" href="%s/credentials/%s">`, baseURL, i, i, baseURL, cred))
	}
	wantNotIn(t, both, "Bob", c.bobCred, "/members/bob", "Carol", carolCred)

	for _, bad := range []string{"0", "-1", "two", "1.5", "4", "99999999999999999999"} {
		c.ts.do(t, req{method: "GET", path: path + "?page=" + url.QueryEscape(bad), token: "-", header: accept("text/html")}).want(t, 400)
		c.ts.do(t, req{method: "GET", path: path + "?page=" + url.QueryEscape(bad), token: "-", header: accept("application/json")}).wantProblem(t, 400, badges.EINVALID, "page")
	}
	c.ts.do(t, req{method: "GET", path: "/achievements/aaaaaaaaaaaaaaaaaaaa/holders", token: "-", header: accept("text/html")}).want(t, 404)

	c.setConsent(t, c.ada, false)
	wantNotIn(t, c.page(t, path, 200)+c.page(t, path+"?page=2", 200), "Ada")
}

// TestMemberPage_LevelsAndSharing groups a member's badges by level,
// newest first within one, and offers LinkedIn's share link for the
// profile.
func TestMemberPage_LevelsAndSharing(t *testing.T) {
	c := newCommunity(t) // Ada holds a leadership badge
	part := mustAchievement(t, c.ts, c.issuer, map[string]any{"status": "active", "name": "Attendee", "level": "participation"})["id"].(string)
	older := c.award(t, c.ada, map[string]any{"achievementId": part, "awardedDate": "2026-01-10T10:00:00Z"})
	newer := mustAchievement(t, c.ts, c.issuer, map[string]any{"status": "active", "name": "Speaker", "level": "participation"})["id"].(string)
	newerCred := c.award(t, c.ada, map[string]any{"achievementId": newer})

	body := c.page(t, "/members/ada", 200)
	profile := baseURL + "/members/ada"
	wantIn(t, body, `id="linkedin-profile" href="https://www.linkedin.com/sharing/share-offsite/?url=`+url.QueryEscape(profile)+`"`,
		`<input id="profile-url" type="url" readonly value="`+profile+`">`, `data-copy="profile-url"`, `data-share="profile-url"`)
	part1 := strings.Index(body, `<h2 id="level-participation">Participation</h2>`)
	lead := strings.Index(body, `<h2 id="level-leadership">Leadership</h2>`)
	if part1 < 0 || lead < part1 {
		t.Fatalf("participation at %d, leadership at %d: want participation first", part1, lead)
	}
	if a, b := strings.Index(body, newerCred), strings.Index(body, older); a < 0 || b < a {
		t.Errorf("the newer badge at %d, the older at %d: want newest first", a, b)
	}
}

// TestSpotlightPage_Cards shows the pinned member's card with their
// latest badges' art and recent awards as badge art; only consenting
// members are named, the pinned one included, and a cohort no cohort
// could be is a 400.
func TestSpotlightPage_Cards(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + c.issuer + "/spotlight", body: map[string]any{"memberId": c.ada, "note": "Ran the newcomers' evening."}}).want(t, 200)
	path := "/issuers/" + c.issuer + "/spotlight"
	body := waitFor(t, "Ada's award in the spotlight", func() (string, bool) {
		b := c.page(t, path, 200)
		return b, strings.Contains(b, `class="spot-award-who"`)
	})
	wantIn(t, body, `<p class="spot-hero-name"><a href="`+baseURL+`/members/ada">Ada Lovelace</a></p>`,
		`<ul class="spot-hero-badges" aria-label="Latest badges">`, `<a href="`+baseURL+`/credentials/`+c.adaCred+`"><img src="`+baseURL+`/images/`,
		`<a class="spot-award-who" href="`+baseURL+`/members/ada">Ada Lovelace</a>`)
	wantNotIn(t, body, "Bob", c.bobCred)

	c.setConsent(t, c.ada, false)
	wantNotIn(t, c.page(t, path, 200), "Ada", "spot-hero", "Ran the newcomers")

	for _, bad := range []string{"a;b", "a|b", "tab\there", "two\nlines", strings.Repeat("x", 101)} {
		c.ts.do(t, req{method: "GET", path: path + "?cohort=" + url.QueryEscape(bad), token: "-", header: accept("application/json")}).wantProblem(t, 400, badges.EINVALID, "cohort")
	}
	c.ts.do(t, req{method: "GET", path: path + "?cohort=Nobody", token: "-", header: accept("text/html")}).want(t, 404)
}

// TestPublicPages_HostileStrings puts markup, quotes, right-to-left text
// and emoji in every name, note, description and cohort the achievement,
// holders, profile and spotlight pages show, and checks each is text.
func TestPublicPages_HostileStrings(t *testing.T) {
	ts := newTestServer(t)
	evil := "<script>alert(1)</script><img src=x onerror=alert(2)>\"' \u202egnp.exe 🎉"
	var iss struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Iss" + evil}}).want(t, 201).JSON(t, &iss)
	first := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": "Pre" + evil, "description": "D" + evil, "level": "participation"})["id"].(string)
	ach := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": "A" + evil, "description": "B" + evil, "tags": []string{"t" + evil}})["id"].(string)
	next := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": "Next" + evil})["id"].(string)
	putRule(t, ts, ach, holdsRule(first))
	putRule(t, ts, next, holdsRule(ach))
	eve := publicMember(t, ts, iss.ID, "eve", "Eve"+evil, true)
	var cohort struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/cohorts", body: map[string]any{"name": "Co" + evil}}).want(t, 201).JSON(t, &cohort)
	ts.do(t, req{method: "PUT", path: "/api/v1/cohorts/" + cohort.ID + "/members/" + eve}).want(t, 204)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/awards", body: map[string]any{"achievementId": ach, "memberId": eve}}).want(t, 201)
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + iss.ID + "/spotlight", body: map[string]any{"memberId": eve, "note": "N" + evil}}).want(t, 200)

	escaped := html.EscapeString(`<script>alert(1)</script>`)
	for _, path := range []string{"/achievements/" + ach, "/achievements/" + ach + "/holders", "/members/eve",
		"/issuers/" + iss.ID + "/spotlight", "/issuers/" + iss.ID + "/spotlight?cohort=" + url.QueryEscape("Co"+evil)} {
		body := string(ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, 200).body)
		wantNotIn(t, body, "<script>alert", "<img src=x", "\"' \u202e")
		if !strings.Contains(body, escaped) {
			t.Errorf("%s lost the escaped text", path)
		}
		if !strings.Contains(body, "🎉") || !strings.Contains(body, "\u202e") {
			t.Errorf("%s lost the emoji or the right-to-left text", path)
		}
	}
}
