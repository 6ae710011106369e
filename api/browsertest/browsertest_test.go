package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"
)

// TestHarness proves the harness against pages whose problems are
// known: it finds none on a clean page and each of four on a broken one.
func TestHarness(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2lnbmF0dXJl"
	pixel := testPNG(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	qrURL := srv.URL + "/credentials/42"
	qrPNG, err := qrcode.Encode(qrURL, qrcode.Medium, 256)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(pattern, contentType, body string, header ...string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Write([]byte(body))
		})
	}
	serve("GET /{$}", "text/html; charset=utf-8", `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laurel harness</title>
<link rel="stylesheet" href="/style.css">
</head><body>
<h1>Open <em>Badges</em></h1>
<p><img src="/pixel.png" alt="a pixel" width="8" height="8"> <a id="link" class="nav" href="/about">About Laurel</a></p>
<ul><li>one</li><li>two</li><li>three</li></ul>
<button id="go" class="btn primary" type="button">Go</button>
</body></html>`)
	serve("GET /style.css", "text/css", `body { font: 16px sans-serif; margin: 2rem; } h1 { color: #234; }`)
	serve("GET /pixel.png", "image/png", string(pixel))
	serve("GET /bad", "text/html; charset=utf-8", `<!doctype html>
<html><head><meta charset="utf-8"><title>broken</title></head><body>
<h1>Broken</h1>
<img src="/missing.png" alt="gone">
<script>document.title = "inline ran";</script>
<script src="/bad.js"></script>
</body></html>`, "Content-Security-Policy", "default-src 'self'")
	serve("GET /bad.js", "text/javascript", `console.error("boom"); throw new Error("kaput");`)
	serve("GET /credential.jwt", "application/vc+jwt", jwt)
	serve("GET /qr.png", "image/png", string(qrPNG))
	serve("GET /qr", "text/html; charset=utf-8", `<!doctype html>
<html><head><meta charset="utf-8"><title>QR</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin: 40px; background: #f4f1ea"><p>Scan to verify:</p>
<img src="/qr.png" alt="QR code" width="256" height="256"></body></html>`)

	b := New(t)

	t.Run("clean page", func(t *testing.T) {
		dir := ScreenshotDir(t)
		for _, vp := range []struct {
			name          string
			width, height int
			mobile        bool
		}{
			{"desktop", 1280, 800, false},
			{"mobile", 390, 844, true},
		} {
			tb := b.Open(t, srv.URL+"/", vp.width, vp.height)
			tb.WantNoProblems(t)
			if got := tb.Text(t, "h1"); got != "Open Badges" {
				t.Errorf("%s: Text(h1) = %q, want %q", vp.name, got, "Open Badges")
			}
			if got := tb.Attr(t, "#link", "href"); got != "/about" {
				t.Errorf("%s: Attr(#link, href) = %q, want /about", vp.name, got)
			}
			if got := tb.Attr(t, "#link", "download"); got != "" {
				t.Errorf("%s: Attr(#link, download) = %q, want \"\" for a missing attribute", vp.name, got)
			}
			if got := tb.Count(t, "li"); got != 3 {
				t.Errorf("%s: Count(li) = %d, want 3", vp.name, got)
			}
			none := new("not null")
			tb.Eval(t, `document.querySelector("table")`, &none)
			if none != nil {
				t.Errorf("%s: Eval(null) = %q, want a nil pointer", vp.name, *none)
			}
			if got := tb.Count(t, "table"); got != 0 {
				t.Errorf("%s: Count(table) = %d, want 0", vp.name, got)
			}
			var page struct {
				Title      string
				Width      int
				Touch      bool
				PixelWidth int
				Color      string
			}
			tb.Eval(t, `({
				title: document.title,
				width: innerWidth,
				touch: navigator.maxTouchPoints > 0,
				pixelWidth: document.images[0].naturalWidth,
				color: getComputedStyle(document.querySelector("h1")).color,
			})`, &page)
			want := struct {
				Title      string
				Width      int
				Touch      bool
				PixelWidth int
				Color      string
			}{"Laurel harness", vp.width, vp.mobile, 8, "rgb(34, 51, 68)"}
			if page != want {
				t.Errorf("%s: Eval = %+v, want %+v", vp.name, page, want)
			}

			path := filepath.Join(dir, vp.name+".png")
			w, h := tb.Screenshot(t, path)
			if w != vp.width || h < vp.height {
				t.Errorf("%s: screenshot is %dx%d, want %d wide and at least %d high", vp.name, w, h, vp.width, vp.height)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Errorf("%s: no screenshot at %s: %v", vp.name, path, err)
			}

			if got := tb.Focused(t); got != "body" {
				t.Errorf("%s: focused before any key = %q, want body", vp.name, got)
			}
			tb.Press(t, "Tab")
			if got, want := tb.Focused(t), `a#link.nav "About Laurel"`; got != want {
				t.Errorf("%s: focused after Tab = %q, want %q", vp.name, got, want)
			}
			tb.Press(t, "Tab")
			if got, want := tb.Focused(t), `button#go.btn.primary "Go"`; got != want {
				t.Errorf("%s: focused after Tab Tab = %q, want %q", vp.name, got, want)
			}
			tb.Press(t, "Shift+Tab")
			if got, want := tb.Focused(t), `a#link.nav "About Laurel"`; got != want {
				t.Errorf("%s: focused after Shift+Tab = %q, want %q", vp.name, got, want)
			}
			tb.WantNoProblems(t)
		}
	})

	t.Run("problems are detected", func(t *testing.T) {
		tb := b.Open(t, srv.URL+"/bad", 1280, 800)
		got := tb.Problems()
		for _, want := range []struct{ what, substr string }{
			{"console.error", `console.error: boom`},
			{"uncaught exception", `uncaught exception: Error: kaput`},
			{"404 image", `404 Not Found: Image GET ` + srv.URL + `/missing.png`},
			{"CSP violation", `Content Security Policy`},
		} {
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, want.substr) }) {
				t.Errorf("Problems() lacks the %s (%q):\n\t%s", want.what, want.substr, strings.Join(got, "\n\t"))
			}
		}
		if len(got) != 4 {
			t.Errorf("Problems() has %d entries, want 4 (one each):\n\t%s", len(got), strings.Join(got, "\n\t"))
		}
		var title string
		tb.Eval(t, `document.title`, &title)
		if title != "broken" {
			t.Errorf("document.title = %q: the inline script ran despite the CSP", title)
		}
	})

	t.Run("fetch", func(t *testing.T) {
		tb := b.Open(t, srv.URL+"/", 1280, 800)
		status, ctype, size := tb.Fetch(t, srv.URL+"/credential.jwt")
		if status != http.StatusOK || ctype != "application/vc+jwt" || size != len(jwt) {
			t.Errorf("Fetch(/credential.jwt) = %d, %q, %d bytes; want 200, application/vc+jwt, %d bytes", status, ctype, size, len(jwt))
		}
		tb.WantNoProblems(t)
		if status, _, _ := tb.Fetch(t, srv.URL+"/nope.jwt"); status != http.StatusNotFound {
			t.Errorf("Fetch(/nope.jwt) status = %d, want 404", status)
		}
		if p := tb.Problems(); len(p) != 1 || !strings.Contains(p[0], "HTTP 404 Not Found: Fetch GET "+srv.URL+"/nope.jwt") {
			t.Errorf("after fetching a missing file, Problems() = %q, want its 404", p)
		}
	})

	t.Run("QR codes", func(t *testing.T) {
		if got := DecodeQR(t, qrPNG); got != qrURL {
			t.Errorf("DecodeQR(generated PNG) = %q, want %q", got, qrURL)
		}
		dir := ScreenshotDir(t)
		for _, vp := range []struct {
			name          string
			width, height int
		}{{"desktop", 1280, 800}, {"mobile", 390, 844}} {
			tb := b.Open(t, srv.URL+"/qr", vp.width, vp.height)
			tb.WantNoProblems(t)
			path := filepath.Join(dir, "qr-"+vp.name+".png")
			if w, _ := tb.Screenshot(t, path); w != vp.width {
				t.Errorf("%s: screenshot is %d wide, want %d", vp.name, w, vp.width)
			}
			shot, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := DecodeQR(t, shot); got != qrURL {
				t.Errorf("%s: DecodeQR(screenshot) = %q, want %q", vp.name, got, qrURL)
			}
		}
	})

	t.Run("closing leaves no process", func(t *testing.T) {
		var dir string
		t.Run("browser", func(t *testing.T) {
			b := New(t)
			b.Open(t, srv.URL+"/", 800, 600)
			dir = b.dataDir
			if len(processes(dir)) == 0 {
				t.Fatal("no Chromium process found for the running browser: the leftover check would see nothing")
			}
		})
		if pids := processes(dir); len(pids) > 0 {
			t.Errorf("Chromium processes %v outlived their test", pids)
		}
	})
}

// testPNG is a small opaque PNG for the clean page.
func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(3, 3, color.RGBA{R: 0x22, G: 0x33, B: 0x44, A: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
