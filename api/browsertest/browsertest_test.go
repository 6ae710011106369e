package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

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

// formPage is a form with every kind of field, a live echo of the events
// its fields dispatch, a link and a button that fetches without navigating.
const formPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Form</title></head><body>
<h1>Form</h1>
<form id="f" method="post" action="/submit" enctype="multipart/form-data">
<label for="name">Name</label> <input id="name" name="name">
<label for="bio">Bio</label> <textarea id="bio" name="bio"></textarea>
<label for="size">Size</label> <select id="size" name="size"><option value="s">Small</option><option value="l">Large</option></select>
<label for="ok">OK</label> <input id="ok" name="ok" type="checkbox" value="yes">
<label for="file">File</label> <input id="file" name="file" type="file" multiple>
<button id="send" name="via" value="button" type="submit">Send</button>
</form>
<a id="next" href="/next">Next</a>
<button id="fetch" type="button">Fetch</button>
<p id="events"></p><p id="out"></p>
<script>
const events = document.getElementById("events");
for (const e of ["input", "change"]) {
	document.addEventListener(e, ev => { events.textContent += ev.target.id + ":" + e + " "; });
}
document.getElementById("fetch").addEventListener("click", async () => {
	const r = await fetch("/slow");
	document.getElementById("out").textContent = await r.text();
});
setTimeout(() => { document.body.dataset.late = "yes"; }, 300);
</script>
</body></html>`

// driveServer serves formPage and what its actions reach: /submit echoes
// the form, /login sets a cookie and redirects to /whoami, which shows it.
func driveServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>%s</title></head><body><h1>%s</h1>%s</body></html>`, title, title, body)
	}
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) { page(w, "Form", "") })
	mux.HandleFunc("GET /form/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, formPage)
	})
	mux.HandleFunc("GET /next", func(w http.ResponseWriter, r *http.Request) { page(w, "Next", "") })
	mux.HandleFunc("GET /leave", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Leave", `<a id="away" href="/next">Away</a>`)
	})
	// /hang answers only when the client goes away.
	mux.HandleFunc("GET /hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(200 * time.Millisecond)
		io.WriteString(w, "fetched")
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var files []string
		for _, fh := range r.MultipartForm.File["file"] {
			f, _ := fh.Open()
			b, _ := io.ReadAll(f)
			f.Close()
			files = append(files, fh.Filename+"="+string(b))
		}
		got := fmt.Sprintf("name=%s bio=%q size=%s ok=%s via=%s files=%s", r.FormValue("name"), r.FormValue("bio"),
			r.FormValue("size"), r.FormValue("ok"), r.FormValue("via"), strings.Join(files, ","))
		page(w, "Sent", `<p id="got">`+html.EscapeString(got)+`</p>`)
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/whoami", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Login", `<form method="post" action="/login"><button id="in" type="submit">Sign in</button></form>`)
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("session"); err == nil {
			who = c.Value
		}
		page(w, "Who", `<p id="who">`+html.EscapeString(who)+`</p>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestDrive fills and submits forms, follows links and redirects, waits
// for requests that do not navigate, and shares cookies between tabs.
func TestDrive(t *testing.T) {
	srv := driveServer(t)
	b := New(t)

	t.Run("fill, check, upload and submit", func(t *testing.T) {
		upload := filepath.Join(t.TempDir(), "members.csv")
		if err := os.WriteFile(upload, []byte("email"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, how := range []string{"click", "submit"} {
			tab := b.Open(t, srv.URL+"/form/", 1280, 800)
			tab.Fill(t, "#name", `Ada "<Lovelace>"`)
			tab.Fill(t, "#bio", "line one\nline two")
			tab.Fill(t, "#size", "l")
			tab.Check(t, "#ok", true)
			tab.Check(t, "#ok", true) // already ticked: no second event
			tab.Upload(t, "#file", upload)
			if got, want := tab.Text(t, "#events"), "name:input name:change bio:input bio:change size:input size:change ok:input ok:change file:input file:change"; got != want {
				t.Errorf("%s: events = %q, want %q", how, got, want)
			}
			if how == "click" {
				tab.Click(t, "#send")
			} else {
				tab.Submit(t, "#send")
			}
			want := `name=Ada "<Lovelace>" bio="line one\r\nline two" size=l ok=yes via=button files=members.csv=email`
			if got := tab.Text(t, "#got"); got != want {
				t.Errorf("%s: the server got %q, want %q", how, got, want)
			}
			if got := tab.URL(t); got != srv.URL+"/submit" {
				t.Errorf("%s: URL = %q after submitting", how, got)
			}
			tab.WantNoProblems(t)
		}
	})

	t.Run("unchecking and submitting the form itself", func(t *testing.T) {
		tab := b.Open(t, srv.URL+"/form/", 390, 844)
		tab.Check(t, "#ok", true)
		tab.Check(t, "#ok", false)
		tab.Submit(t, "#f")
		if got := tab.Text(t, "#got"); got != `name= bio="" size=s ok= via= files=` {
			t.Errorf("the server got %q", got)
		}
	})

	t.Run("links, fetches and Go", func(t *testing.T) {
		tab := b.Open(t, srv.URL+"/form/", 1280, 800)
		tab.Click(t, "#fetch") // no navigation: waits for the fetch
		if got := tab.Text(t, "#out"); got != "fetched" {
			t.Errorf("after clicking Fetch, #out = %q", got)
		}
		tab.Click(t, "#next")
		if got := tab.URL(t); got != srv.URL+"/next" {
			t.Errorf("URL after the link = %q", got)
		}
		tab.Go(t, srv.URL+"/form/")
		if got := tab.Text(t, "h1"); got != "Form" {
			t.Errorf("h1 after Go = %q", got)
		}
		tab.WaitFor(t, `document.body.dataset.late === "yes"`, 5*time.Second)
		tab.WantNoProblems(t)
	})

	t.Run("leaving a page with a request in flight", func(t *testing.T) {
		tab := b.Open(t, srv.URL+"/leave", 1280, 800)
		tab.Eval(t, `fetch("/hang"), 0`, nil)
		tab.Click(t, "#away")
		if got := tab.Text(t, "h1"); got != "Next" {
			t.Fatalf("the link led to %q", got)
		}
		if p := tab.pendingRequests(); len(p) > 0 {
			t.Errorf("the next page waits for the request of the page it replaced: %q", p)
		}
	})

	t.Run("tabs share cookies", func(t *testing.T) {
		login := b.Open(t, srv.URL+"/login", 1280, 800)
		login.Click(t, "#in")
		if got := login.Text(t, "#who"); got != "s3cret" {
			t.Fatalf("after the redirect, the signing-in tab is %q", got)
		}
		other := b.Open(t, srv.URL+"/whoami", 390, 844)
		if got := other.Text(t, "#who"); got != "s3cret" {
			t.Errorf("another tab of the browser is %q, want the cookie's s3cret", got)
		}
		fresh := New(t).Open(t, srv.URL+"/whoami", 390, 844)
		if got := fresh.Text(t, "#who"); got != "nobody" {
			t.Errorf("another browser is %q, want nobody", got)
		}
	})

	t.Run("failures name what failed", func(t *testing.T) {
		tab := b.Open(t, srv.URL+"/form/", 1280, 800)
		for _, tc := range []struct {
			name string
			do   func(t testing.TB)
			want string
		}{
			{"WaitFor timeout", func(t testing.TB) { tab.WaitFor(t, `window.never === 1`, 300*time.Millisecond) }, "still false after 300ms: window.never === 1"},
			{"Fill a checkbox", func(t testing.TB) { tab.Fill(t, "#ok", "x") }, `fill "#ok": the element is no text field`},
			{"Fill an unknown option", func(t testing.TB) { tab.Fill(t, "#size", "xl") }, `the select has no option of value "xl"`},
			{"Check a text field", func(t testing.TB) { tab.Check(t, "#name", true) }, `check "#name": the element is no checkbox`},
			{"Click nothing", func(t testing.TB) { tab.Click(t, "#missing") }, `no element matches "#missing"`},
			{"Submit outside a form", func(t testing.TB) { tab.Submit(t, "#next") }, "the element is in no form"},
			{"Upload to a text field", func(t testing.TB) { tab.Upload(t, "#name", "x.csv") }, "the element is no file input"},
		} {
			if got := fatalOf(t, tc.do); !strings.Contains(got, tc.want) {
				t.Errorf("%s: the test failed with %q, want it to contain %q", tc.name, got, tc.want)
			}
		}
	})
}

// fatalRecorder is a testing.TB whose Fatal stops only the goroutine,
// keeping the message.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *fatalRecorder) Fatal(args ...any) {
	r.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// fatalOf runs do and returns the message it failed the test with ("" if
// it did not).
func fatalOf(t *testing.T, do func(t testing.TB)) string {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		do(r)
	}()
	<-done
	return r.msg
}
