package main

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// frontWorld is a badge world with a second community whose name and
// description are hostile and whose logo is an uploaded SVG, so that the
// front door lists two communities.
type frontWorld struct {
	*badgeWorld
	other string
}

func newFrontWorld(t *testing.T) *frontWorld {
	t.Helper()
	w := &frontWorld{badgeWorld: newBadgeWorld(t)}
	w.other = str(t, w.c.json(t, "POST", "/api/v1/issuers", map[string]any{
		"name":        `Les Développeuses <script>alert(1)</script> 🎉 מפתחים`,
		"description": `Women and friends who write software together, "and" <b>not</b> markup; ` + strings.Repeat("Supercalifragilistic", 6),
		"accentColor": "#fff6b0"}, http.StatusCreated), "id")
	w.c.json(t, "POST", "/api/v1/issuers/"+w.other+"/achievements", map[string]any{
		"name": "First Talk", "description": "Gave a first talk at a meetup.", "level": "participation",
		"criteria": "Give a talk.", "status": "active"}, http.StatusCreated)
	uploadLogo(t, w.c, w.other)
	for i := range 5 {
		w.c.json(t, "POST", "/api/v1/issuers/"+w.other+"/members", map[string]any{"email": fmt.Sprintf("dev%d@example.org", i),
			"displayName": []string{"Zoë Ørsted", "Amira Haddad", "Grace Hopper", "Margaret Hamilton", "Radia Perlman"}[i],
			"slug":        fmt.Sprintf("dev-%d", i), "publicProfile": i != 3}, http.StatusCreated)
	}
	w.c.json(t, "PATCH", "/api/v1/issuers/"+w.issuer, map[string]any{"accentColor": "#0a0a1e"}, http.StatusOK)
	return w
}

// uploadLogo gives a community a small SVG logo.
func uploadLogo(t *testing.T, c *client, issuer string) {
	t.Helper()
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><rect width="120" height="120" rx="24" fill="#7b2cbf"/>` +
		`<circle cx="60" cy="52" r="26" fill="#fff6b0"/><rect x="30" y="86" width="60" height="12" rx="6" fill="#fff6b0"/></svg>`
	req, err := http.NewRequestWithContext(t.Context(), "PUT", c.base+"/api/v1/issuers/"+issuer+"/image", bytes.NewReader([]byte(svg)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "image/svg+xml")
	req.Header.Set("Authorization", "Bearer "+c.key)
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload logo: %d", res.StatusCode)
	}
}

// TestBrowser_PublicFront opens the front door, the community pages, the
// member directory and the 404 pages at both widths in both schemes,
// checks them and photographs them.
func TestBrowser_PublicFront(t *testing.T) {
	t.Parallel()
	w := newFrontWorld(t)
	b := browsertest.New(t)
	photographPages(t, w.base, []appPage{
		{name: "front-door", path: "/"},
		{name: "community", path: "/issuers/" + w.issuer},
		{name: "community-logo", path: "/issuers/" + w.other},
		{name: "directory", path: "/issuers/" + w.other + "/members"},
		{name: "directory-search", path: "/issuers/" + w.other + "/members?q=zoe"},
		{name: "not-found", path: "/no/such/page", status: http.StatusNotFound},
		{name: "not-found-community", path: "/issuers/" + w.other + "/no-such-page", status: http.StatusNotFound},
	}, b, b, checkPublicPage)
	t.Run("front door lists both communities", func(t *testing.T) {
		tab := b.Open(t, w.base+"/", 1280, 800)
		if n := tab.Count(t, ".fd-community"); n != 2 {
			t.Errorf("%d communities listed, want 2", n)
		}
		if n := tab.Count(t, "script:not([src])"); n != 0 {
			t.Errorf("%d inline scripts: a name was rendered as markup", n)
		}
		if got := tab.Attr(t, ".fd-verify a", "href"); got != "/verify" {
			t.Errorf("verify link %q", got)
		}
	})
	t.Run("404 leads back", func(t *testing.T) {
		tab := b.Open(t, w.base+"/issuers/"+w.other+"/no-such-page", 1280, 800)
		if got := tab.Attr(t, ".error-back .primary", "href"); got != w.base+"/issuers/"+w.other {
			t.Errorf("way back %q", got)
		}
	})
}

// wantOnlyProblems fails on any problem the page has, but for the 404
// of the page itself when it is one.
// checkPublicPage is what photographPages checks of every public page: no
// problem in the browser but the 404 a not-found page expects, nothing
// wider than the screen, alternative text on every image.
func checkPublicPage(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
	t.Helper()
	wantOnlyProblems(t, tab, p.status == http.StatusNotFound)
	checkPageBasics(t, tab, v.width, v.scheme)
}

func wantOnlyProblems(t *testing.T, tab *browsertest.Tab, notFound bool) {
	t.Helper()
	for _, p := range tab.Problems() {
		if notFound && strings.Contains(p, "404") && strings.Contains(p, "Document") {
			continue
		}
		t.Errorf("problem: %s", p)
	}
}

// contrastJS measures, in the page, the contrast of an element's text
// colour against a background colour taken from another element; both
// colours as the browser computed them.
const contrastJS = `(() => {
  const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const fg = getComputedStyle(document.querySelector(%q)).color;
  const bg = getComputedStyle(document.querySelector(%q)).backgroundColor;
  return [ratio(rgb(fg), rgb(bg)), fg, bg].join(" ");
})()`

// TestBrowser_AccentContrast measures, for a pale yellow and a very dark
// accent in both schemes, the community's name in its header band and
// the accent written as text on the page: each reads at 4.5:1 or more.
func TestBrowser_AccentContrast(t *testing.T) {
	t.Parallel()
	w := newFrontWorld(t)
	b := browsertest.New(t)
	for _, tc := range []struct{ name, issuer string }{{"pale yellow", w.other}, {"very dark", w.issuer}} {
		for _, scheme := range []browsertest.ColorScheme{browsertest.Light, browsertest.Dark} {
			t.Run(tc.name+"/"+string(scheme), func(t *testing.T) {
				tab := b.Open(t, w.base+"/issuers/"+tc.issuer, 1280, 800, scheme)
				for _, pair := range [][2]string{
					{"header.site .community-brand", "header.site"},  // the name on the band
					{"header.site nav a", "header.site"},             // the header's link
					{".cp-about .kind", "body"},                      // the accent as a heading's text, on the page
					{".cp-about .kind", ".cp-hero"},                  // and on its card
					{".cp-machine a", "body"},                        // a link on the page
					{".cp-actions .primary", ".cp-actions .primary"}, // the accent as a button
				} {
					var out string
					tab.Eval(t, fmt.Sprintf(contrastJS, pair[0], pair[1]), &out)
					var ratio float64
					if _, err := fmt.Sscan(out, &ratio); err != nil || math.IsNaN(ratio) || ratio < 4.5 {
						t.Errorf("%s on %s: %s, want at least 4.5:1", pair[0], pair[1], out)
					}
				}
			})
		}
	}
}
