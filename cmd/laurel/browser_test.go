package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// view is a viewport and color scheme a page is checked and photographed
// in.
type view struct {
	name          string // "desktop" or "phone"
	width, height int
	scheme        browsertest.ColorScheme
}

// views are the views every page is checked in: both widths in both
// schemes when screenshots are kept (-artifacts), for people to look at;
// otherwise the wide page light and the narrow one dark, which still meet
// each width and each scheme once, in half the time.
func views() []view {
	desktop := view{"desktop", 1280, 800, browsertest.Light}
	phone := view{"phone", 390, 844, browsertest.Dark}
	if !keepingArtifacts() {
		return []view{desktop, phone}
	}
	desktopDark, phoneLight := desktop, phone
	desktopDark.scheme, phoneLight.scheme = browsertest.Dark, browsertest.Light
	return []view{desktop, desktopDark, phoneLight, phone}
}

// keepingArtifacts reports whether the test run keeps its artifacts.
func keepingArtifacts() bool {
	f := flag.Lookup("test.artifacts")
	return f != nil && f.Value.String() == "true"
}

// badgeWorld is a running Laurel with a community, a badge and two
// awards: to Ada, who consents to a public profile, and to Bob, who does
// not.
type badgeWorld struct {
	base                   string
	c                      *client
	issuer, badge, outcome string
	adaCred, bobCred, bobM string
	m                      *Main
}

func newBadgeWorld(t *testing.T) *badgeWorld {
	t.Helper()
	m, out := startMain(t, t.TempDir(), nil)
	w := &badgeWorld{base: m.URL(), c: newClient(t, m.URL(), adminKey(t, out)), m: m}
	w.issuer = str(t, w.c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers",
		"description": "Go practitioners in Lyon.", "url": "https://gophers.example.org"}, http.StatusCreated), "id")
	w.outcome = str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/outcomes", map[string]any{
		"name": "Members apply what they learn in their practice", "description": "Seen in the work they share and the sessions they run.",
		"behaviours": []string{"hosted-session", "shared-resource"}}, http.StatusCreated), "id")
	w.badge = str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": "Session Host", "description": "Hosted a community session.", "level": "leadership",
		"criteria": "Plan and host a **community session** of at least an hour.", "status": "active", "validityDays": 730,
		"outcomes": []string{w.outcome},
	}, http.StatusCreated), "id")
	ada := str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada", "publicProfile": true}, http.StatusCreated), "id")
	w.bobM = str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "bob@example.org", "displayName": "Bob Private", "slug": "bob"}, http.StatusCreated), "id")
	w.adaCred = str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{
		"achievementId": w.badge, "memberId": ada, "narrative": "Hosted the *October* meetup on generics.",
		"evidence": []map[string]any{{"url": "https://gophers.example.org/meetups/october", "name": "Meetup page"}},
	}, http.StatusCreated), "id")
	w.bobCred = str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{
		"achievementId": w.badge, "memberId": w.bobM}, http.StatusCreated), "id")
	return w
}

// TestBrowser_PublicPages loads every public page in headless Chromium at
// desktop and phone widths: no console errors, failed requests or policy
// violations, nothing wider than the screen, every image with alt text,
// and a screenshot of each, in the light and the dark color scheme.
func TestBrowser_PublicPages(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	b := browsertest.New(t)
	photographPages(t, w.base, []appPage{
		{name: "credential", path: "/credentials/" + w.adaCred},
		{name: "credential-anonymous", path: "/credentials/" + w.bobCred},
		{name: "achievement", path: "/achievements/" + w.badge},
		{name: "outcome", path: "/outcomes/" + w.outcome},
		{name: "issuer", path: "/issuers/" + w.issuer},
		{name: "member", path: "/members/ada"},
		{name: "spotlight", path: "/issuers/" + w.issuer + "/spotlight"},
		{name: "verify", path: "/verify"},
		{name: "verify-with-credential", path: "/verify?credential=" + url.QueryEscape(w.base+"/credentials/"+w.adaCred)},
		{name: "claim", path: w.claimPath(t, w.bobCred)},
		{name: "claim-accepted", path: w.acceptClaim(t, w.adaCred, "public")},
	}, b, b, checkPublicPage)
}

// TestBrowser_CredentialPage checks what a visitor of a shared badge sees
// and can do.
func TestBrowser_CredentialPage(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	b := browsertest.New(t)
	pageURL := w.base + "/credentials/" + w.adaCred
	tab := b.Open(t, pageURL, 1280, 900)
	tab.WantNoProblems(t)

	if got := tab.Text(t, "h1"); got != "Session Host" {
		t.Errorf("h1 = %q", got)
	}
	if got := tab.Text(t, "#recipient"); got != "Ada Lovelace" {
		t.Errorf("recipient = %q", got)
	}
	if got := tab.Text(t, "#status"); !strings.HasPrefix(got, "Verified") {
		t.Errorf("status line = %q", got)
	}
	if got := tab.Text(t, ".criteria strong"); got != "community session" {
		t.Errorf("criteria Markdown: <strong> = %q", got)
	}
	if got := tab.Attr(t, "meta[property='og:image']", "content"); got != pageURL+"/preview.png" {
		t.Errorf("og:image = %q", got)
	}

	t.Run("QR code", func(t *testing.T) {
		if got := browsertest.DecodeQR(t, get(t, tab.Attr(t, "#qr", "src"))); got != pageURL {
			t.Errorf("the QR code says %q, want %q", got, pageURL)
		}
	})
	t.Run("LinkedIn", func(t *testing.T) {
		u, err := url.Parse(tab.Attr(t, "#linkedin-add", "href"))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		want := map[string]string{"startTask": "CERTIFICATION_NAME", "name": "Session Host", "organizationName": "Lyon Gophers",
			"certUrl": pageURL, "certId": w.adaCred}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, q.Get(k), v)
			}
		}
		for _, k := range []string{"issueYear", "issueMonth", "expirationYear", "expirationMonth"} {
			if q.Get(k) == "" {
				t.Errorf("no %s in %s", k, u)
			}
		}
		if u.Host != "www.linkedin.com" || u.Path != "/profile/add" {
			t.Errorf("LinkedIn URL %s", u)
		}
	})
	t.Run("downloads", func(t *testing.T) {
		for sel, want := range map[string]string{"#download-png": "image/png", "#download-svg": "image/svg+xml",
			"#download-json": "application/vc+ld+json", "#download-jwt": "application/vc+jwt"} {
			status, ct, size := tab.Fetch(t, tab.Attr(t, sel, "href"))
			if status != 200 || ct != want || size == 0 {
				t.Errorf("%s: %d %q, %d bytes; want 200 %q", sel, status, ct, size, want)
			}
		}
	})
	t.Run("keyboard", func(t *testing.T) {
		tab.Press(t, "Tab")
		if got := tab.Focused(t); !strings.Contains(got, "skip") {
			t.Errorf("the first Tab focuses %s, want the skip link", got)
		}
		for range 3 {
			tab.Press(t, "Tab")
		}
		if got := tab.Focused(t); !strings.HasPrefix(got, "a") {
			t.Errorf("Tab does not move through the links: %s", got)
		}
	})
	t.Run("copy button appears with JavaScript", func(t *testing.T) {
		var hidden bool
		tab.Eval(t, `document.querySelector("button[data-copy]").hidden`, &hidden)
		if hidden {
			t.Error("the copy button stayed hidden")
		}
	})

	t.Run("anonymous recipient", func(t *testing.T) {
		anon := b.Open(t, w.base+"/credentials/"+w.bobCred, 1280, 900)
		anon.WantNoProblems(t)
		if got := anon.Text(t, "#recipient"); got != "a verified recipient" {
			t.Errorf("recipient = %q", got)
		}
		var body string
		anon.Eval(t, "document.documentElement.outerHTML", &body)
		if strings.Contains(body, "Bob") || strings.Contains(body, "/members/bob") {
			t.Error("the page names a member who did not consent")
		}
	})
	t.Run("revocation shows at once", func(t *testing.T) {
		w.c.json(t, "POST", "/api/v1/credentials/"+w.bobCred+"/revoke", map[string]any{"reason": "Awarded by mistake", "publishReason": true}, http.StatusOK)
		rev := b.Open(t, w.base+"/credentials/"+w.bobCred, 1280, 900)
		if got := rev.Text(t, "#status"); !strings.Contains(got, "Revoked") || !strings.Contains(got, "Awarded by mistake") {
			t.Errorf("status after revocation = %q", got)
		}
		verify := b.Open(t, w.base+"/verify?credential="+url.QueryEscape(w.base+"/credentials/"+w.bobCred), 1280, 900)
		if got := verify.Text(t, ".verdict"); !strings.Contains(strings.ToLower(got), "not valid") && !strings.Contains(strings.ToLower(got), "invalid") {
			t.Errorf("verify verdict after revocation = %q", got)
		}
	})
}

// get fetches a URL and returns its body, failing the test on anything
// but 200.
func get(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", u, resp.Status, err)
	}
	return body
}

// TestBrowser_PrintCredential prints a credential page as Chromium does
// and checks the print stylesheet: one A4 page, with the QR code.
func TestBrowser_PrintCredential(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	pdf := filepath.Join(browsertest.ScreenshotDir(t), "credential.pdf")
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browsertest.Chromium(t), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--user-data-dir="+t.TempDir(), "--no-pdf-header-footer", "--print-to-pdf="+pdf, w.base+"/credentials/"+w.adaCred)
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("print to PDF: %v\n%s", err, out)
	}
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(data, -1); len(pages) != 1 {
		t.Fatalf("the printed credential has %d pages, want 1", len(pages))
	}
	if !bytes.Contains(data, []byte("/Subtype /Image")) && !bytes.Contains(data, []byte("/Subtype/Image")) {
		t.Error("the printed page has no image (badge, QR code)")
	}
}

// checkPageBasics checks what every page must be at a viewport width and
// color scheme: it sees the scheme, every image has alt text, it has one
// h1, and nothing is wider than the screen.
func checkPageBasics(t *testing.T, tab *browsertest.Tab, width int, scheme browsertest.ColorScheme) {
	t.Helper()
	var dark bool
	tab.Eval(t, "matchMedia('(prefers-color-scheme: dark)').matches", &dark)
	if dark != (scheme == browsertest.Dark) {
		t.Errorf("the page sees prefers-color-scheme dark = %v", dark)
	}
	if n := tab.Count(t, "img:not([alt])"); n > 0 {
		t.Errorf("%d images without alt text", n)
	}
	if n := tab.Count(t, "h1"); n != 1 {
		t.Errorf("%d h1 headings, want 1", n)
	}
	var overflow bool
	tab.Eval(t, "document.documentElement.scrollWidth > window.innerWidth + 1", &overflow)
	if overflow {
		t.Errorf("the page is wider than the %d px screen", width)
	}
}
