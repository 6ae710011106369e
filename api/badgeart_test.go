package api_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

// redDiscSVG is designer-style art: a red disc with a gradient shine, a
// path, a transform and text.
const redDiscSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="300" viewBox="-150 -150 300 300">
<defs><linearGradient id="shine" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity=".3"/><stop offset=".3" stop-color="#fff" stop-opacity="0"/></linearGradient></defs>
<circle r="140" style="fill:#d01010"/><circle r="140" fill="url(#shine)"/>
<g transform="rotate(45)"><path d="M-20 100 h40 v30 h-40 z" fill="#ffffff"/></g>
<text y="-80" text-anchor="middle" font-size="24" font-weight="bold" fill="#fff">TOP</text>
</svg>`

// awardFresh awards the community's badge, as it is now, to a new member.
func awardFresh(t *testing.T, c *community, email string) string {
	t.Helper()
	var m struct{ ID string }
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": email, "displayName": "Fresh"}}).want(t, 201).JSON(t, &m)
	return c.award(t, m.ID, nil)
}

// pixelAt decodes a PNG and returns its size and the colour at (x, y).
func pixelAt(t *testing.T, data []byte, x, y int) (image.Rectangle, color.NRGBA) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img.Bounds(), color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
}

// TestBadgeArt_SVGUpload: uploaded SVG art is drawn when it is uploaded,
// and the PNG is stored beside it; the baked badge.png and the preview
// carry the drawn art.
func TestBadgeArt_SVGUpload(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + c.badge + "/image", body: redDiscSVG, contentType: "image/svg+xml"}).want(t, 200)
	sha := badges.NewImage([]byte(redDiscSVG), badges.ImageSVG).SHA256
	stored, err := newLaurel(t, c.ts.db).Services().Images.Rendition(context.Background(), sha)
	if err != nil || stored == nil {
		t.Fatalf("no PNG stored at upload (%v)", err)
	}
	if b, got := pixelAt(t, stored, 256, 300); b != image.Rect(0, 0, 512, 512) || got != (color.NRGBA{0xd0, 0x10, 0x10, 0xff}) {
		t.Errorf("stored PNG is %v with %v at the disc, want 512×512 and red", b, got)
	}
	cred := awardFresh(t, c, "svg@example.org")
	page := c.ts.do(t, req{method: "GET", path: "/credentials/" + cred, token: "-"}).want(t, 200)
	if !strings.Contains(string(page.body), `/credentials/`+cred+`/badge.png`) {
		t.Error("the credential page offers no PNG badge for SVG art")
	}
	baked := c.ts.do(t, req{method: "GET", path: "/credentials/" + cred + "/badge.png", token: "-"}).want(t, 200)
	if _, got := pixelAt(t, baked.body, 256, 300); got != (color.NRGBA{0xd0, 0x10, 0x10, 0xff}) {
		t.Errorf("baked badge.png has %v at the disc, want the art's red", got)
	}
	if _, got := pixelAt(t, baked.body, 5, 5); got.A != 0 {
		t.Errorf("baked badge.png corner is %v, want transparent", got)
	}
	preview := c.ts.do(t, req{method: "GET", path: "/credentials/" + cred + "/preview.png", token: "-"}).want(t, 200)
	if _, got := pixelAt(t, preview.body, 270, 321); got != (color.NRGBA{0xd0, 0x10, 0x10, 0xff}) {
		t.Errorf("preview has %v at the badge's centre, want the art's red", got)
	}
}

// TestBadgeArt_GeneratedArtKept: Laurel's generated art is drawn the
// first time its PNG is asked for, and kept in the store, where a
// restarted server finds it.
func TestBadgeArt_GeneratedArtKept(t *testing.T) {
	c := newCommunity(t)
	c.ts.do(t, req{method: "GET", path: "/credentials/" + c.adaCred + "/badge.png", token: "-"}).want(t, 200)
	svc := newLaurel(t, c.ts.db).Services()
	var a struct{ Image struct{ SHA256 string } }
	c.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + c.badge}).want(t, 200).JSON(t, &a)
	stored, err := svc.Images.Rendition(context.Background(), a.Image.SHA256)
	if err != nil || stored == nil {
		t.Fatalf("generated art's PNG not kept (%v)", err)
	}
}

// undrawableImages serves, for every SVG, one the rasterizer refuses: art
// stored before uploads were drawn.
type undrawableImages struct{ badges.ImageStore }

func (u undrawableImages) Image(ctx context.Context, sha string) (*badges.Image, error) {
	img, err := u.ImageStore.Image(ctx, sha)
	if err != nil || img.Format != badges.ImageSVG {
		return img, err
	}
	return &badges.Image{SHA256: sha, Format: badges.ImageSVG, Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg">` + strings.Repeat("<g/>", 30000) + `</svg>`)}, nil
}

func (u undrawableImages) Rendition(context.Context, string) ([]byte, error) { return nil, nil }

func (u undrawableImages) PutRendition(context.Context, string, []byte) error { return nil }

// TestCredentialPreview_UndrawableArt: stored art the renderer refuses gets
// a placeholder disc in the preview, and no baked PNG.
func TestCredentialPreview_UndrawableArt(t *testing.T) {
	c := newCommunity(t)
	svc := newLaurel(t, c.ts.db).Services()
	svc.Images = undrawableImages{svc.Images}
	srv, err := api.NewServer(api.Config{BaseURL: baseURL, Logger: testLogger(t)}, svc)
	if err != nil {
		t.Fatal(err)
	}
	w := getPreview(context.Background(), srv, "/credentials/"+c.adaCred+"/preview.png")
	if _, got := pixelAt(t, w.Body.Bytes(), 270, 321); got != (color.NRGBA{0xdd, 0xe2, 0xeb, 0xff}) {
		t.Errorf("the badge's centre is %v, want the placeholder's", got)
	}
	if w := getPreview(context.Background(), srv, "/credentials/"+c.adaCred+"/badge.png"); w.Code != 404 {
		t.Errorf("badge.png of undrawable art → %d, want 404", w.Code)
	}
}

// TestAchievementImage_HostileSVG uploads SVG art made to attack the
// browsers that show it or the server that draws it: each is refused,
// naming the image field.
func TestAchievementImage_HostileSVG(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/achievements/" + mustAchievement(t, ts, mustIssuer(t, ts), nil)["id"].(string) + "/image"
	svg := func(body string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">` + body + `</svg>`
	}
	for name, doc := range map[string]string{
		"script":            svg(`<script>alert(1)</script>`),
		"event handler":     svg(`<circle r="5" onload="alert(1)"/>`),
		"external image":    svg(`<image href="http://evil.example/t.png" width="10" height="10"/>`),
		"external xlink":    svg(`<use xlink:href="https://evil.example/a.svg#x"/>`),
		"javascript link":   svg(`<a href="javascript:alert(1)"><circle r="5"/></a>`),
		"foreignObject":     svg(`<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>`),
		"external paint":    svg(`<rect width="10" height="10" fill="url(http://evil.example/p.svg#g)"/>`),
		"style import":      svg(`<style>@import url(https://evil.example/x.css);</style>`),
		"doctype":           `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` + svg(``),
		"entity expansion":  `<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` + svg(`<text>&b;</text>`),
		"deep nesting":      svg(strings.Repeat("<g>", 100) + strings.Repeat("</g>", 100)),
		"too many elements": svg(strings.Repeat(`<rect width="1" height="1"/>`, 25000)),
		"too much painting": svg(strings.Repeat(`<rect width="100" height="100" fill-opacity=".01"/>`, 40)),
	} {
		t.Run(name, func(t *testing.T) {
			ts.do(t, req{method: "PUT", path: path, body: doc, contentType: "image/svg+xml"}).wantProblem(t, 400, badges.EINVALID, "image")
		})
	}
}

// TestAchievementImage_HugeSVG: art declaring a huge size or viewBox is
// drawn at the badge's size, not at its own.
func TestAchievementImage_HugeSVG(t *testing.T) {
	c := newCommunity(t)
	for i, doc := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000"><rect width="100%" height="100%" fill="#d01010"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9999999 9999999"><rect width="9999999" height="9999999" fill="#d01010"/></svg>`,
	} {
		c.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + c.badge + "/image", body: doc, contentType: "image/svg+xml"}).want(t, 200)
		cred := awardFresh(t, c, fmt.Sprintf("huge%d@example.org", i))
		baked := c.ts.do(t, req{method: "GET", path: "/credentials/" + cred + "/badge.png", token: "-"}).want(t, 200)
		if b, got := pixelAt(t, baked.body, 256, 256); b != image.Rect(0, 0, 512, 512) || got != (color.NRGBA{0xd0, 0x10, 0x10, 0xff}) {
			t.Errorf("art %d: baked badge is %v with %v in the middle", i, b, got)
		}
	}
}
