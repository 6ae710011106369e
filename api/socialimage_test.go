package api_test

import (
	"bytes"
	"html"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strings"
	"testing"
)

// ogImage is the og:image of a page, and whether the page declares a
// 1200×630 large card.
func ogImage(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`<meta property="og:image" content="([^"]+)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page has no og:image")
	}
	wantIn(t, body, `<meta property="og:image:width" content="1200">`, `<meta property="og:image:height" content="630">`,
		`<meta name="twitter:card" content="summary_large_image">`, `<meta property="og:image:alt" content="`)
	return html.UnescapeString(m[1])
}

// previewPNG fetches a social preview and decodes it, failing the test
// unless it is a 1200×630 PNG that shows something.
func previewPNG(t *testing.T, ts *testServer, imageURL string) image.Image {
	t.Helper()
	if !strings.HasPrefix(imageURL, baseURL+"/") {
		t.Fatalf("og:image %q is not on this site", imageURL)
	}
	r := ts.do(t, req{method: "GET", path: strings.TrimPrefix(imageURL, baseURL), token: "-", header: accept("image/png")}).want(t, 200)
	if ct, cc := r.Header().Get("Content-Type"), r.Header().Get("Cache-Control"); ct != "image/png" || cc != "public, no-cache" {
		t.Errorf("%s: Content-Type %q, Cache-Control %q", imageURL, ct, cc)
	}
	img, err := png.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("%s: %v", imageURL, err)
	}
	if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
		t.Fatalf("%s is %v, want 1200×630", imageURL, b)
	}
	colours := map[color.Color]bool{}
	for y := 0; y < 630; y += 7 {
		for x := 0; x < 1200; x += 7 {
			colours[img.At(x, y)] = true
		}
	}
	if len(colours) < 20 {
		t.Errorf("%s shows %d colours: it looks blank", imageURL, len(colours))
	}
	return img
}

func TestSocialPreviews_EveryPublicPage(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + c.issuer + "/spotlight", body: map[string]any{"memberId": c.ada, "note": "Hosted ten sessions"}}).want(t, 200)
	pages := map[string]string{
		"/credentials/" + c.adaCred:           "/credentials/" + c.adaCred + "/preview.png",
		"/achievements/" + c.badge:            "/achievements/" + c.badge + "/preview.png",
		"/issuers/" + c.issuer:                "/issuers/" + c.issuer + "/preview.png",
		"/members/ada":                        "/members/ada/preview.png",
		"/issuers/" + c.issuer + "/spotlight": "/issuers/" + c.issuer + "/spotlight/preview.png",
	}
	for path, want := range pages {
		t.Run(path, func(t *testing.T) {
			got := ogImage(t, c.page(t, path, 200))
			if got != baseURL+want {
				t.Errorf("og:image = %q, want %q", got, baseURL+want)
			}
			first := c.ts.do(t, req{method: "GET", path: want, token: "-"}).want(t, 200)
			previewPNG(t, c.ts, got)
			again := c.ts.do(t, req{method: "GET", path: want, token: "-"}).want(t, 200)
			if first.Header().Get("ETag") == "" || first.Header().Get("ETag") != again.Header().Get("ETag") {
				t.Error("the same content gave a different image")
			}
		})
	}
	t.Run("Laurel", func(t *testing.T) {
		previewPNG(t, c.ts, baseURL+"/preview.png")
	})
}

func TestSocialPreviews_Consent(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "GET", path: "/members/bob/preview.png", token: "-"}).want(t, 404)
	c.ts.do(t, req{method: "GET", path: "/members/ada/preview.png", token: "-"}).want(t, 200)
	c.setConsent(t, c.ada, false)
	c.ts.do(t, req{method: "GET", path: "/members/ada/preview.png", token: "-"}).want(t, 404)
	// Without Ada's consent the spotlight shows no one, pinned or not.
	spotlight := func() []byte {
		return c.ts.do(t, req{method: "GET", path: "/issuers/" + c.issuer + "/spotlight/preview.png", token: "-"}).want(t, 200).body
	}
	nobody := spotlight()
	c.setConsent(t, c.ada, true)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + c.issuer + "/spotlight", body: map[string]any{"memberId": c.ada}}).want(t, 200)
	if bytes.Equal(spotlight(), nobody) {
		t.Fatal("the spotlight's image does not show the member pinned")
	}
	c.setConsent(t, c.ada, false)
	if !bytes.Equal(spotlight(), nobody) {
		t.Error("the spotlight's image still shows a member who withdrew consent")
	}
}

func TestSocialPreviews_AccentAndRevocation(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + c.issuer, body: map[string]any{"accentColor": "#25613f"}}).want(t, 200)
	accent := color.NRGBA{0x25, 0x61, 0x3f, 0xff}
	for _, path := range []string{"/issuers/" + c.issuer + "/preview.png", "/credentials/" + c.adaCred + "/preview.png"} {
		img := previewPNG(t, c.ts, baseURL+path)
		if got := color.NRGBAModel.Convert(img.At(3, 3)); got != accent {
			t.Errorf("%s: the band is %v, want the community's %v", path, got, accent)
		}
	}
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke", body: map[string]any{"reason": "Mistake."}}).want(t, 200)
	img := previewPNG(t, c.ts, baseURL+"/credentials/"+c.adaCred+"/preview.png")
	warning := color.NRGBA{0xb4, 0x23, 0x18, 0xff}
	for _, p := range []image.Point{{3, 3}, {1196, 3}, {3, 70}} {
		if got := color.NRGBAModel.Convert(img.At(p.X, p.Y)); got != warning {
			t.Errorf("pixel %v of a revoked credential's preview is %v, want the warning band's %v", p, got, warning)
		}
	}
	white := 0
	for x := 300; x < 900; x++ {
		if c := color.NRGBAModel.Convert(img.At(x, 40)).(color.NRGBA); c.R > 0xf0 && c.G > 0xf0 {
			white++
		}
	}
	if white < 20 {
		t.Error("the warning band says nothing")
	}
}

func TestSocialPreviews_HostileNames(t *testing.T) {
	c := newCommunity(t)
	hostile := `<script>alert("x")</script> مجتمع 🎉 ` + strings.Repeat("Supercalifragilistic", 7) + "\u202e"
	c.ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + c.issuer, body: map[string]any{"name": hostile, "description": hostile}}).want(t, 200)
	c.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + c.ada, body: map[string]any{"displayName": hostile}}).want(t, 200)
	for _, path := range []string{"/issuers/" + c.issuer, "/achievements/" + c.badge, "/members/ada", "/issuers/" + c.issuer + "/spotlight"} {
		body := c.page(t, path, 200)
		wantNotIn(t, body, "<script>alert")
		previewPNG(t, c.ts, ogImage(t, body))
	}
}
