package main

import (
	"bytes"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_PublicPreviews opens every public page of a community in
// headless Chromium and checks that its og:image is a 1200×630 PNG,
// declared as a large card; the previews, and the community page showing
// the generated art of each level, are kept with the screenshots.
func TestBrowser_PublicPreviews(t *testing.T) {
	t.Parallel()
	w := newBadgeWorld(t)
	w.c.json(t, "PATCH", "/api/v1/issuers/"+w.issuer, map[string]any{"accentColor": "#25613f"}, http.StatusOK)
	for _, b := range []map[string]any{
		{"name": "First Meetup", "level": "participation"},
		{"name": "Code Reviewer of the Year", "level": "contribution"},
		{"name": "Translator", "level": ""},
	} {
		b["description"], b["criteria"], b["status"] = "A badge of the community.", "Take part.", "active"
		w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", b, http.StatusCreated)
	}
	w.c.json(t, "PUT", "/api/v1/issuers/"+w.issuer+"/spotlight", map[string]any{"memberId": str(t, w.c.json(t, "GET", "/api/v1/credentials/"+w.adaCred, nil, http.StatusOK), "memberId")}, http.StatusOK)
	w.c.json(t, "POST", "/api/v1/credentials/"+w.bobCred+"/revoke", map[string]any{"reason": "Awarded by mistake."}, http.StatusOK)
	// A second public community, so that the front door lists them rather
	// than leading to the one community.
	second := str(t, w.c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Grenoble Rustaceans"}, http.StatusCreated), "id")
	w.c.json(t, "POST", "/api/v1/issuers/"+second+"/achievements", map[string]any{"name": "First Crate", "description": "Published a crate.",
		"criteria": "Publish a crate.", "status": "active"}, http.StatusCreated)
	pages := map[string]string{
		"front":              "/",
		"verify":             "/verify",
		"credential":         "/credentials/" + w.adaCred,
		"credential-revoked": "/credentials/" + w.bobCred,
		"achievement":        "/achievements/" + w.badge,
		"outcome":            "/outcomes/" + w.outcome,
		"issuer":             "/issuers/" + w.issuer,
		"member":             "/members/ada",
		"spotlight":          "/issuers/" + w.issuer + "/spotlight",
	}
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	for name, path := range pages {
		t.Run(name, func(t *testing.T) {
			tab := b.Open(t, w.base+path, 1280, 800, browsertest.Light)
			tab.WantNoProblems(t)
			if got := tab.Attr(t, "meta[name='twitter:card']", "content"); got != "summary_large_image" {
				t.Errorf("twitter:card = %q", got)
			}
			if wd, ht := tab.Attr(t, "meta[property='og:image:width']", "content"), tab.Attr(t, "meta[property='og:image:height']", "content"); wd != "1200" || ht != "630" {
				t.Errorf("og:image is declared %s×%s", wd, ht)
			}
			src := tab.Attr(t, "meta[property='og:image']", "content")
			if !strings.HasPrefix(src, w.base+"/") || !strings.HasSuffix(src, "/preview.png") {
				t.Fatalf("og:image = %q", src)
			}
			data := get(t, src)
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("og:image %s is not a PNG: %v", src, err)
			}
			if bd := img.Bounds(); bd.Dx() != 1200 || bd.Dy() != 630 {
				t.Errorf("og:image %s is %v, want 1200×630", src, bd)
			}
			if err := os.WriteFile(filepath.Join(dir, "preview-"+name+".png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
			if name == "issuer" {
				tab.Screenshot(t, filepath.Join(dir, "issuer-default-art.png"))
			}
		})
	}
}
