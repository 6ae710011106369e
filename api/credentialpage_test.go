package api_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

// detailedCredential is a credential that says everything a credential
// can: a badge with a level, tags, alignments, an expiry and a
// prerequisite, awarded with results, a narrative and evidence to Ada, who
// consents to be named and was endorsed by two leaders: Lea, who has a
// public profile, and Quinn, who has not.
type detailedCredential struct {
	ts                   *testServer
	issuer, badge, first string // the badge and its prerequisite
	ada, cred            string
}

// credentialWords are the words a detailed credential is made of; tests
// replace them with hostile ones.
type credentialWords struct {
	issuer, badge, description, criteria, tag, skill, framework  string
	skillText                                                    string
	result, narrative, evidenceName, evidenceText, evidenceStory string
	member, endorser, note                                       string
}

var plainWords = credentialWords{
	issuer: "Gophers of Lyon", badge: "Session Host", description: "Hosted a community session.",
	criteria: "Host **two** sessions.", tag: "public speaking", skill: "Facilitation", framework: "ESCO",
	skillText: "Guiding a group through a discussion.", result: "5 sessions hosted", narrative: "Hosted the October meetup.", evidenceName: "Meetup page",
	evidenceText: "The page of the meetup.", evidenceStory: "Forty people came.",
	member: "Ada Lovelace", endorser: "Lea Leader", note: "A generous host.",
}

func newDetailedCredential(t *testing.T, w credentialWords, mutate ...func(*api.Config)) *detailedCredential {
	t.Helper()
	ts := newTestServer(t, mutate...)
	d := &detailedCredential{ts: ts}
	var v struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": w.issuer, "url": "https://gophers.example.org"}}).want(t, 201).JSON(t, &v)
	d.issuer = v.ID
	d.first = mustAchievement(t, ts, d.issuer, map[string]any{"name": "First Steps", "status": "active", "level": "leadership"})["id"].(string)
	d.badge = mustAchievement(t, ts, d.issuer, map[string]any{"name": w.badge, "description": w.description, "criteria": w.criteria,
		"status": "active", "level": "contribution", "validityDays": 400, "tags": []string{w.tag},
		"alignments": []map[string]any{{"targetName": w.skill, "targetUrl": "https://esco.example.org/skills/facilitation", "targetFramework": w.framework,
			"targetCode": "S1.2", "targetDescription": w.skillText}},
	})["id"].(string)
	member := func(email, name, slug string, public bool) string {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/members", body: map[string]any{
			"email": email, "displayName": name, "slug": slug, "publicProfile": public}}).want(t, 201).JSON(t, &v)
		return v.ID
	}
	d.ada = member("ada@example.org", w.member, "ada", true)
	lea, quinn := member("lea@example.org", w.endorser, "lea", true), member("quinn@example.org", "Quinn Quiet", "quinn", false)
	award := func(achievement, member string, extra map[string]any) string {
		body := map[string]any{"achievementId": achievement, "memberId": member}
		for k, x := range extra {
			body[k] = x
		}
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/awards", body: body}).want(t, 201).JSON(t, &v)
		return v.ID
	}
	for _, m := range []string{d.ada, lea, quinn} { // the leaders, and Ada's prerequisite
		award(d.first, m, nil)
	}
	d.cred = award(d.badge, d.ada, map[string]any{"narrative": w.narrative,
		"results":  []map[string]any{{"value": w.result, "status": "Completed"}, {"value": "Third session", "status": "InProgress"}},
		"evidence": []map[string]any{{"url": "https://gophers.example.org/meetups/october", "name": w.evidenceName, "description": w.evidenceText, "narrative": w.evidenceStory}},
	})
	// The rule is set once Ada holds both, so that nothing is awarded by it.
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + d.badge + "/rule", contentType: "application/json",
		body: `{"condition":{"holds":{"achievement":"` + d.first + `"}}}`}).want(t, 200)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	for _, from := range []string{lea, quinn} {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/endorsements", token: ingest,
			body: map[string]any{"endorserId": from, "memberId": d.ada, "note": w.note}}).want(t, 201)
	}
	return d
}

func (d *detailedCredential) page(t *testing.T) string {
	t.Helper()
	return string(d.ts.do(t, req{method: "GET", path: "/credentials/" + d.cred, token: "-", header: accept("text/html")}).want(t, 200).body)
}

// TestCredentialPage_Everything: the page shows everything the credential
// says, and its badge's prerequisites and the recipient's endorsements.
func TestCredentialPage_Everything(t *testing.T) {
	d := newDetailedCredential(t, plainWords)
	body := d.page(t)
	wantIn(t, body,
		// The level in words, the expiry.
		`<span class="cred-level-name">Contribution level</span>`, "for giving to the community",
		`Expires on <time datetime="`+time.Now().UTC().AddDate(0, 0, 400).Format("2006-01-02"),
		// Skills as chips linked to their definitions, with the framework.
		`<a class="cred-chip" href="https://esco.example.org/skills/facilitation" rel="noopener nofollow"><span class="cred-chip-name">Facilitation</span><span class="cred-chip-framework">ESCO · S1.2</span></a>`,
		`<p class="cred-skill-note"><strong>Facilitation</strong>: Guiding a group through a discussion.</p>`,
		// Tags, without the tag that carries the level.
		`<ul class="tags cred-tags" aria-labelledby="tags"><li>public speaking</li></ul>`,
		// The prerequisite, named and linked.
		`<a class="cred-chip" href="`+baseURL+`/achievements/`+d.first+`">First Steps</a>`,
		// Results, their status in words.
		`<span class="cred-result-value">5 sessions hosted</span><span class="cred-result-status">Completed</span>`,
		`<span class="cred-result-status">In progress</span>`,
		// Evidence.
		"Hosted the October meetup.", `href="https://gophers.example.org/meetups/october" rel="noopener nofollow ugc">Meetup page</a>`,
		"The page of the meetup.", "Forty people came.",
		// Endorsements: Lea by name and link; Quinn, with no public
		// profile, unnamed.
		`<a href="`+baseURL+`/members/lea">Lea Leader</a>`, "A member of Gophers of Lyon",
		`<blockquote class="cred-note">A generous host.</blockquote>`,
		// Who and when.
		`id="recipient">Ada Lovelace</a>`, `id="issuer">Gophers of Lyon</a>`, `<span class="pill">Verified</span>`,
		`id="linkedin-add"`, `id="download-json"`, `id="qr"`)
	wantNotIn(t, body, "level:contribution", "Quinn", "/members/quinn", "cred-banner")
}

// TestCredentialPage_Escapes puts markup, quotes and other hostile text in
// every field the page shows: none of it becomes markup.
func TestCredentialPage_Escapes(t *testing.T) {
	h := func(field string) string {
		return `"><script>alert("` + field + `")</script><img src=x onerror=alert(1)>`
	}
	w := credentialWords{issuer: h("issuer"), badge: h("badge"), description: h("description"), criteria: h("criteria"),
		tag: h("tag"), skill: h("skill"), framework: h("framework"), skillText: h("skillText"), result: h("result"), narrative: h("narrative"),
		evidenceName: h("evidenceName"), evidenceText: h("evidenceText"), evidenceStory: h("evidenceStory"),
		member: h("member"), endorser: h("endorser"), note: h("note") + " \u202eأهلا 🎉 " + strings.Repeat("W", 300)}
	body := newDetailedCredential(t, w).page(t)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatalf("markup from a field reached the page:\n%s", body)
	}
	for _, field := range []string{"issuer", "badge", "description", "criteria", "tag", "skill", "framework", "skillText", "result",
		"narrative", "evidenceName", "evidenceText", "evidenceStory", "member", "endorser", "note"} {
		if !strings.Contains(body, "alert(&#34;"+field+"&#34;)") && !strings.Contains(body, "alert(&quot;"+field+"&quot;)") {
			t.Errorf("the page does not show the %s, escaped", field)
		}
	}
}

// noSharing are what a page that offers no sharing or download must not
// carry.
var noSharing = []string{"linkedin.com", "x.com/", "facebook.com", "mailto:", `" download`, "data-copy", "/qr.png", "/qr.svg",
	"/badge.png", "/badge.svg", `id="page-url"`, `id="download-`}

// TestCredentialPage_Revoked: a revoked credential's page says so at the
// top, with the date and only a published reason, and offers no sharing or
// download; its baked badges are gone, its signed documents stay.
func TestCredentialPage_Revoked(t *testing.T) {
	for _, publish := range []bool{true, false} {
		d := newDetailedCredential(t, plainWords)
		d.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + d.cred + "/revoke",
			body: map[string]any{"reason": "Zq7 awarded by mistake.", "publishReason": publish}}).want(t, 200)
		body := d.page(t)
		today := time.Now().UTC().Format("2 January 2006")
		wantIn(t, body, `<div class="cred-banner revoked" id="status" role="status">`,
			`<p class="cred-banner-title">Revoked on <time datetime="`, `">`+today+`</time></p>`, "This badge is no longer valid: Gophers of Lyon revoked it.",
			`class="card credential cred cred-gone"`, `<span class="pill">Revoked</span>`, "Verify again")
		wantNotIn(t, body, append(noSharing, "cred-verified")...)
		if strings.Contains(body, "Zq7 awarded by mistake.") != publish {
			t.Errorf("published %v: the page shows the reason: %v", publish, !publish)
		}
		if publish {
			wantIn(t, body, `<p class="cred-reason">The issuer’s reason: Zq7 awarded by mistake.</p>`)
		}
		d.wantGone(t)
	}
}

// wantGone checks that the credential's baked badges are gone while its
// signed documents stay for verifiers.
func (d *detailedCredential) wantGone(t *testing.T) {
	t.Helper()
	base := "/credentials/" + d.cred
	for _, f := range []string{"png", "svg"} {
		d.ts.do(t, req{method: "GET", path: base + "/badge." + f, token: "-", header: accept("application/json")}).wantProblem(t, http.StatusGone, "gone", "")
	}
	for _, doc := range []string{".json", ".jwt"} {
		d.ts.do(t, req{method: "GET", path: base + doc, token: "-"}).want(t, 200)
	}
}

// TestCredentialPage_Expired: past its validUntil by the server's clock, a
// credential's page leads with "Expired on …" and offers no sharing.
func TestCredentialPage_Expired(t *testing.T) {
	var ahead atomic.Int64
	d := newDetailedCredential(t, plainWords, func(c *api.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	wantIn(t, d.page(t), `id="linkedin-add"`, "Expires on ")
	ahead.Store(int64(500 * 24 * time.Hour))
	body := d.page(t)
	until := time.Now().UTC().AddDate(0, 0, 400).Format("2 January 2006")
	wantIn(t, body, `<div class="cred-banner expired" id="status" role="status">`, `<p class="cred-banner-title">Expired on <time datetime="`, `">`+until+`</time></p>`,
		"This badge is no longer valid. It is shown here", `<span class="pill">Expired</span>`, `Expired on <time datetime="`)
	wantNotIn(t, body, noSharing...)
	d.wantGone(t)
}

// TestCredentialPage_NoConsent: a recipient without a public profile is
// not named, and neither are their endorsements shown.
func TestCredentialPage_NoConsent(t *testing.T) {
	d := newDetailedCredential(t, plainWords)
	d.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + d.ada, body: map[string]any{"publicProfile": false}}).want(t, 200)
	body := d.page(t)
	wantIn(t, body, `<span id="recipient">a verified recipient</span>`, "5 sessions hosted", "First Steps")
	wantNotIn(t, body, "Ada", "/members/ada", "ada@example.org", "Endorsements", "A generous host.", "Lea Leader")
}
