package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/api"
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

// gatedImages is an image store that fails its next fail reads and, with
// a gate, holds every read until release is closed (or the read's context
// ends), saying on arrived that one came.
type gatedImages struct {
	badges.ImageStore
	fail    atomic.Int32
	arrived chan struct{}
	release chan struct{}
}

func (g *gatedImages) Image(ctx context.Context, sha256 string) (*badges.Image, error) {
	if g.fail.Add(-1) >= 0 {
		return nil, errors.New("the database is briefly out of reach")
	}
	if g.release != nil {
		select {
		case g.arrived <- struct{}{}:
		default:
		}
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.ImageStore.Image(ctx, sha256)
}

// redPreview is a credential of a badge with red art, and a second server
// on the same database that reads badge images through images.
func redPreview(t *testing.T, images *gatedImages) (srv *api.Server, path string) {
	t.Helper()
	c := newCommunity(t)
	c.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + c.badge + "/image", body: solidPNG(t, 64, 64, red), contentType: "image/png"}).want(t, 200)
	var m struct{ ID string }
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "red@example.org", "displayName": "Red"}}).want(t, 201).JSON(t, &m)
	svc := newLaurel(t, c.ts.db).Services()
	images.ImageStore, svc.Images = svc.Images, images
	srv, err := api.NewServer(api.Config{BaseURL: baseURL, Logger: testLogger(t)}, svc)
	if err != nil {
		t.Fatal(err)
	}
	return srv, "/credentials/" + c.award(t, m.ID, nil) + "/preview.png"
}

var red = color.NRGBA{0xd0, 0x10, 0x10, 0xff}

// getPreview asks srv for a preview within ctx.
func getPreview(ctx context.Context, srv *api.Server, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil))
	return w
}

// wantRedBadge fails the test unless w is a preview showing the red art.
func wantRedBadge(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("preview → %d: %s", w.Code, w.Body)
	}
	img, err := png.Decode(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := color.NRGBAModel.Convert(img.At(270, 321)).(color.NRGBA); got != red {
		t.Fatalf("the badge's centre is %v, want the art's %v", got, red)
	}
}

// TestCredentialPreview_FirstVisitorLeaves: the first visitor of a
// preview leaves while its badge art is being read. The art is read
// anyway, for everyone asking: no placeholder is drawn, and none is kept
// for the visitors after.
func TestCredentialPreview_FirstVisitorLeaves(t *testing.T) {
	images := &gatedImages{arrived: make(chan struct{}, 1), release: make(chan struct{})}
	srv, path := redPreview(t, images)
	ctx, leave := context.WithCancel(context.Background())
	first := make(chan *httptest.ResponseRecorder, 1)
	go func() { first <- getPreview(ctx, srv, path) }()
	<-images.arrived
	leave()
	close(images.release)
	<-first
	wantRedBadge(t, getPreview(context.Background(), srv, path))
}

// TestCredentialPreview_StoreErrorNotKept: a preview whose art cannot be
// read for a moment is an error, not a placeholder kept for good; the
// next request draws the art.
func TestCredentialPreview_StoreErrorNotKept(t *testing.T) {
	images := &gatedImages{}
	images.fail.Store(1)
	srv, path := redPreview(t, images)
	if w := getPreview(context.Background(), srv, path); w.Code != http.StatusInternalServerError {
		t.Fatalf("preview while the store fails → %d, want 500", w.Code)
	}
	wantRedBadge(t, getPreview(context.Background(), srv, path))
}
