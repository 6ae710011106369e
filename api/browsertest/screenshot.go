package browsertest

import (
	"bytes"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Screenshot writes a full-page PNG to path (creating directories) and
// returns the decoded image's size. The page is captured at its whole
// scrollable size in CSS pixels, so a page wider than the viewport gives a
// wider image; so does, on a mobile viewport, a page without
// <meta name="viewport" content="width=device-width">: it lays out 980 px
// wide, as phones do. Lazy images below the fold are loaded first, as a
// visitor scrolling down sees them.
func (tb *Tab) Screenshot(t testing.TB, path string) (width, height int) {
	t.Helper()
	tb.Eval(t, loadLazyImages, nil)
	m := call(t, tb.ctx, page.GetLayoutMetrics, cdp.Empty{})
	w, h := 0.0, 0.0
	if v := m.CSSLayoutViewport; v != nil {
		w, h = float64(v.ClientWidth), float64(v.ClientHeight)
	}
	if c := m.CSSContentSize; c != nil {
		w, h = max(w, math.Ceil(c.Width)), max(h, math.Ceil(c.Height))
	}
	if w <= 0 || h <= 0 {
		t.Fatalf("%s: the page has no size to capture: %+v", tb.url, m)
	}
	shot := call(t, tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		CaptureBeyondViewport: new(true),
		FromSurface:           new(true),
		Clip:                  &page.Viewport{Width: w, Height: h, Scale: 1},
	})
	cfg, err := png.DecodeConfig(bytes.NewReader(shot.Data))
	if err != nil {
		t.Fatalf("%s: the screenshot is no PNG: %v", tb.url, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

// loadLazyImages makes the page's lazy images load now and waits for them,
// five seconds at most: a full-page picture would otherwise show the
// empty boxes of those below the fold.
const loadLazyImages = `Promise.race([
  Promise.all(Array.from(document.images).filter(i => i.loading === "lazy").map(i => {
    i.loading = "eager";
    return i.complete ? null : new Promise(done => { i.addEventListener("load", done); i.addEventListener("error", done); });
  })),
  new Promise(done => setTimeout(done, 5000)),
]).then(() => true)`

// ScreenshotDir is where tests write screenshots: a directory named after
// the test under t.ArtifactDir(), which is kept under -outputdir when the
// tests run with -artifacts and is temporary otherwise.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.ArtifactDir(), fileName(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes a test name ("TestX/sub test") a file name.
func fileName(name string) string {
	return strings.Trim(unsafeName.ReplaceAllString(name, "_"), "._")
}

// DecodeQR decodes the QR code in a PNG image (any size; the whole image or
// a region of it, such as a page screenshot) and returns its text.
func DecodeQR(t testing.TB, pngData []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("DecodeQR: not a PNG: %v", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	src := gozxing.NewLuminanceSourceFromImage(img)
	// The hybrid binarizer suits pages (uneven backgrounds); the global one
	// catches what it misses.
	var errs []error
	for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
		bmp, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			t.Fatalf("DecodeQR: %v", err)
		}
		res, err := zxingqr.NewQRCodeReader().Decode(bmp, hints)
		if err == nil {
			return res.GetText()
		}
		errs = append(errs, err)
	}
	t.Fatalf("DecodeQR: no QR code found in the %dx%d image: %v", img.Bounds().Dx(), img.Bounds().Dy(), errors.Join(errs...))
	return ""
}
