package api_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// solidPNG is a w×h PNG of one colour: many pixels in a few kilobytes.
func solidPNG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAchievementImage_PixelLimit uploads badge art whose sides are within
// bounds but whose pixels are too many to decode for every preview.
func TestAchievementImage_PixelLimit(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/achievements/" + mustAchievement(t, ts, mustIssuer(t, ts), nil)["id"].(string) + "/image"
	big := solidPNG(t, 2049, 2048, color.Gray{})
	p := ts.do(t, req{method: "PUT", path: path, body: big, contentType: "image/png"}).wantProblem(t, 400, badges.EINVALID, "image")
	if !strings.Contains(p.Detail, "2049×2048") || !strings.Contains(p.Detail, "the limit is 4194304 pixels") {
		t.Errorf("detail %q does not name the size and the limit", p.Detail)
	}
	ts.do(t, req{method: "PUT", path: path, body: solidPNG(t, 2048, 2048, color.Gray{}), contentType: "image/png"}).want(t, 200)
}

// TestCredentialPreview_UploadedArt draws the previews of two credentials
// of a badge with uploaded art: the art, decoded once, is in both.
func TestCredentialPreview_UploadedArt(t *testing.T) {
	c := newCommunity(t)
	red := color.NRGBA{0xd0, 0x10, 0x10, 0xff}
	c.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + c.badge + "/image", body: solidPNG(t, 64, 64, red), contentType: "image/png"}).want(t, 200)
	for i := range 2 {
		var m struct{ ID string }
		c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
			"email": fmt.Sprintf("m%d@example.org", i), "displayName": fmt.Sprintf("Member %d", i)}}).want(t, 201).JSON(t, &m)
		cred := c.award(t, m.ID, nil)
		r := c.ts.do(t, req{method: "GET", path: "/credentials/" + cred + "/preview.png", token: "-"}).want(t, 200)
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		// The centre of the badge's box on the left of the card.
		if got := color.NRGBAModel.Convert(img.At(270, 321)).(color.NRGBA); got != red {
			t.Errorf("preview %d: the badge's centre is %v, want the art's %v", i, got, red)
		}
	}
}
