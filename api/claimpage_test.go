package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/issuer"
)

// claimLinks signs claim links as the test server does (newLaurelWith's
// master key).
func claimLinks(t *testing.T) *issuer.LinkSigner {
	t.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return sealer.LinkSigner("claim")
}

func claimPath(t *testing.T, credentialID string) string {
	t.Helper()
	return "/claim/" + credentialID + "/" + claimLinks(t).Code(credentialID)
}

// claimVisit is a browser on a claim page: the CSRF cookie the page set
// and the token its form carries.
type claimVisit struct {
	cookie *http.Cookie
	csrf   string
	body   string
}

func (c *community) openClaim(t *testing.T, path string, status int) claimVisit {
	t.Helper()
	r := c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, status)
	v := claimVisit{body: string(r.body), csrf: between(string(r.body), `name="csrf" value="`, `"`)}
	for _, ck := range r.Result().Cookies() {
		if ck.Name == "laurel-signin" || ck.Name == "__Host-laurel-signin" {
			v.cookie = ck
		}
	}
	return v
}

// accept posts the claim form with the visit's cookie and token.
func (c *community) accept(t *testing.T, path string, v claimVisit, form url.Values) *resp {
	t.Helper()
	h := accept("text/html")
	if v.cookie != nil {
		h.Set("Cookie", v.cookie.Name+"="+v.cookie.Value)
	}
	return c.ts.do(t, req{method: "POST", path: path, token: "-", header: h, body: form.Encode(),
		contentType: "application/x-www-form-urlencoded"})
}

func (c *community) credentialJSON(t *testing.T, id string) (visibility string, accepted bool) {
	t.Helper()
	var j struct {
		Visibility string  `json:"visibility"`
		AcceptedAt *string `json:"acceptedAt"`
	}
	c.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + id}).want(t, 200).JSON(t, &j)
	return j.Visibility, j.AcceptedAt != nil
}

func TestClaimPage(t *testing.T) {
	c := newCommunity(t)
	path := claimPath(t, c.adaCred)

	v := c.openClaim(t, path, 200)
	wantIn(t, v.body, "<h1>Session Host</h1>", `<strong id="claim-member">Ada Lovelace</strong>`, "Gophers of Lyon",
		"Hosted a session.", `id="claim-accept"`, "Accept your badge", "Show it on my public profile",
		"Only people I share the link with", "Keep my name off its page", `value="public" checked`)
	wantNotIn(t, v.body, "linkedin-add", "ada@example.org", "Wallet")
	if v.cookie == nil || len(v.csrf) != 43 || v.cookie.Value != v.csrf || !v.cookie.HttpOnly {
		t.Fatalf("CSRF cookie %+v and field %q", v.cookie, v.csrf)
	}

	t.Run("403/CSRF", func(t *testing.T) {
		form := url.Values{"visibility": {"hidden"}, "csrf": {v.csrf}}
		c.accept(t, path, claimVisit{}, form).want(t, 403) // no cookie: another site's form
		c.accept(t, path, claimVisit{cookie: &http.Cookie{Name: v.cookie.Name, Value: strings.Repeat("x", 43)}}, form).want(t, 403)
		c.accept(t, path, v, url.Values{"visibility": {"hidden"}}).want(t, 403)
		if vis, accepted := c.credentialJSON(t, c.adaCred); vis != "public" || accepted {
			t.Fatalf("a forged form changed the credential: %s, accepted %v", vis, accepted)
		}
	})
	t.Run("400/no choice", func(t *testing.T) {
		r := c.accept(t, path, v, url.Values{"csrf": {v.csrf}}).want(t, 400)
		wantIn(t, string(r.body), `id="claim-problem"`, "Choose who sees your badge")
	})
	t.Run("accept", func(t *testing.T) {
		r := c.accept(t, path, v, url.Values{"csrf": {v.csrf}, "visibility": {"hidden"}}).want(t, 303)
		if loc := r.Header().Get("Location"); loc != path {
			t.Fatalf("Location %q, want %q", loc, path)
		}
		if vis, accepted := c.credentialJSON(t, c.adaCred); vis != "hidden" || !accepted {
			t.Fatalf("after accepting: %s, accepted %v", vis, accepted)
		}
		after := c.openClaim(t, path, 200)
		credURL := baseURL + "/credentials/" + c.adaCred
		wantIn(t, after.body, "Your badge is accepted", "Its page does not show your name.", `id="linkedin-add" href="https://www.linkedin.com/profile/add?`,
			`href="`+credURL+`/badge.svg" download`, `href="`+credURL+`.json" download`, `href="/me/signin" id="claim-signin"`,
			`value="`+credURL+`"`, `value="hidden" checked`)
		wantNotIn(t, after.body, `id="claim-accept"`, "Wallet")
		// The public page at once keeps the name off, and the profile
		// leaves the badge out.
		wantNotIn(t, c.page(t, "/credentials/"+c.adaCred, 200), "Ada")
		wantNotIn(t, c.page(t, "/members/ada", 200), c.adaCred)
		// Changing the choice later keeps the acceptance.
		c.accept(t, path, after, url.Values{"csrf": {after.csrf}, "visibility": {"public"}}).want(t, 303)
		if vis, accepted := c.credentialJSON(t, c.adaCred); vis != "public" || !accepted {
			t.Fatalf("after changing: %s, accepted %v", vis, accepted)
		}
		wantIn(t, c.page(t, "/credentials/"+c.adaCred, 200), `id="recipient">Ada Lovelace</a>`)
	})
	t.Run("headers", func(t *testing.T) {
		r := c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, 200)
		if r.Header().Get("Referrer-Policy") != "no-referrer" || r.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("headers %v", r.Header())
		}
	})
}

// TestClaimPage_BadLinks: a link that does not work answers the same page
// whatever is wrong with it, so it never tells whether a credential exists.
func TestClaimPage_BadLinks(t *testing.T) {
	c := newCommunity(t)
	links := claimLinks(t)
	good := c.openClaim(t, claimPath(t, c.adaCred), 200)
	unknown := "aaaaaaaaaaaaaaaaaaaa"
	var bodies []string
	for name, path := range map[string]string{
		"wrong code":                "/claim/" + c.adaCred + "/" + strings.Repeat("A", 22),
		"another credential's code": "/claim/" + c.adaCred + "/" + links.Code(c.bobCred),
		"code for another purpose": "/claim/" + c.adaCred + "/" + func() string {
			s, _ := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
			return s.LinkSigner("unsubscribe").Code(c.adaCred)
		}(),
		"short code":         "/claim/" + c.adaCred + "/x",
		"unknown credential": "/claim/" + unknown + "/" + links.Code(unknown),
	} {
		body := c.openClaim(t, path, 404).body
		wantIn(t, body, "This link does not work", `href="/me/signin"`)
		wantNotIn(t, body, "Session Host", "Ada", `name="csrf"`)
		bodies = append(bodies, body)
		form := url.Values{"csrf": {good.csrf}, "visibility": {"hidden"}}
		if r := c.accept(t, path, good, form); r.Code != 404 {
			t.Errorf("%s: POST → %d, want 404", name, r.Code)
		}
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Fatal("bad links answer different pages")
		}
	}
	if vis, accepted := c.credentialJSON(t, c.adaCred); vis != "public" || accepted {
		t.Fatalf("a bad link changed the credential: %s, accepted %v", vis, accepted)
	}
	// Bob's code opens Bob's page only.
	bob := c.openClaim(t, claimPath(t, c.bobCred), 200).body
	wantIn(t, bob, "Bob Secret")
	wantNotIn(t, bob, "Ada")
}

// TestClaimPage_Revoked: a revoked badge's claim page says so with its
// date, gives the reason only when the issuer published it, offers nothing
// to accept, share or download, and refuses a form sent before.
func TestClaimPage_Revoked(t *testing.T) {
	c := newCommunity(t)
	path := claimPath(t, c.adaCred)
	v := c.openClaim(t, path, 200)
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke", body: map[string]any{"reason": "Awarded by mistake"}}).want(t, 200)
	body := c.openClaim(t, path, 200).body
	today := time.Now().UTC().Format("2 January 2006")
	wantIn(t, body, `This badge was revoked on <time datetime="`, `">`+today+`</time></h2>`, "There is nothing to accept",
		`class="card claim claim-gone"`, `id="claim-signin"`)
	wantNotIn(t, body, append(noSharing, `id="claim-accept"`, "Awarded by mistake", "The issuer’s reason")...)
	r := c.accept(t, path, v, url.Values{"csrf": {v.csrf}, "visibility": {"public"}}).want(t, 409)
	wantIn(t, string(r.body), "This badge was revoked")
	if _, accepted := c.credentialJSON(t, c.adaCred); accepted {
		t.Fatal("a revoked credential was accepted")
	}
}

// TestClaimPage_RevokedReason: a reason the issuer published is on the
// claim page, as on the credential's own page.
func TestClaimPage_RevokedReason(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke",
		body: map[string]any{"reason": "Awarded for a session that was cancelled.", "publishReason": true}}).want(t, 200)
	body := c.openClaim(t, claimPath(t, c.adaCred), 200).body
	wantIn(t, body, "This badge was revoked on ", `<p class="claim-reason" id="claim-reason">The issuer’s reason: Awarded for a session that was cancelled.</p>`)
	wantNotIn(t, body, append(noSharing, `id="claim-accept"`)...)
}

// TestClaimPage_Expired: an expired badge may still be accepted, to keep it
// with the member's badges and choose who sees its page, but neither page
// offers LinkedIn, sharing or downloads, and both say it expired.
func TestClaimPage_Expired(t *testing.T) {
	var ahead atomic.Int64
	c := newCommunity(t, func(cfg *api.Config) {
		cfg.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	path := claimPath(t, c.adaCred)
	wantIn(t, c.openClaim(t, path, 200).body, `id="claim-accept"`)
	ahead.Store(int64(500 * 24 * time.Hour))
	until := time.Now().UTC().AddDate(0, 0, 400).Format("2 January 2006")
	v := c.openClaim(t, path, 200)
	wantIn(t, v.body, `<div class="claim-notice expired" id="claim-status" role="status">`, `This badge expired on <time datetime="`,
		`">`+until+`</time></p>`, "You can still accept it", `id="claim-accept"`, `class="card claim claim-gone"`)
	wantNotIn(t, v.body, noSharing...)
	c.accept(t, path, v, url.Values{"csrf": {v.csrf}, "visibility": {"link"}}).want(t, 303)
	if vis, accepted := c.credentialJSON(t, c.adaCred); vis != "link" || !accepted {
		t.Fatalf("after accepting an expired badge: %s, accepted %v", vis, accepted)
	}
	after := c.openClaim(t, path, 200).body
	wantIn(t, after, "Your badge is accepted", "This badge expired on ", "It stays with your badges",
		"Only people you share its link with will see it.", `id="claim-page"`, `id="claim-save"`)
	wantNotIn(t, after, append(noSharing, `id="claim-accept"`, "You can still accept it")...)
}

func TestClaimPage_EscapesNames(t *testing.T) {
	ts := newTestServer(t)
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	var iss struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Iss" + evil}}).want(t, 201).JSON(t, &iss)
	ach := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": "A" + evil, "description": "B" + evil})
	var cred struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/awards", body: map[string]any{
		"achievementId": ach["id"], "email": "eve@example.org", "name": "Eve" + evil}}).want(t, 201).JSON(t, &cred)
	c := &community{ts: ts}
	body := c.openClaim(t, claimPath(t, cred.ID), 200).body
	wantNotIn(t, body, "<script>alert", "<img src=x")
	wantIn(t, body, "Eve&lt;script&gt;alert(1)&lt;/script&gt;", "A&lt;script&gt;", "B&lt;script&gt;", "Iss&lt;script&gt;")
}
