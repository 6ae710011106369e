package api

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/assets"
)

// vendored reads the "| field | value |" rows of one library's section
// ("## htmx") of assets/static/vendor/VENDORED.md.
func vendored(t *testing.T, section string) map[string]string {
	t.Helper()
	f, err := assets.Static.Open("static/vendor/VENDORED.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]string{}
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "## ") {
			in = line == "## "+section
		}
		cells := strings.Split(sc.Text(), "|")
		if in && len(cells) == 4 {
			rows[strings.TrimSpace(cells[1])] = strings.TrimSpace(cells[2])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestVendoredHashes: the committed htmx and its licence are the files
// VENDORED.md pins, byte for byte.
func TestVendoredHashes(t *testing.T) {
	rows := vendored(t, "htmx")
	for file, row := range map[string]string{"htmx.min.js": "file sha256", "htmx.LICENSE": "licence sha256"} {
		b, err := fs.ReadFile(assets.Static, "static/vendor/"+file)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got, want := hex.EncodeToString(sum[:]), rows[row]; got != want {
			t.Errorf("%s has SHA-256 %s; VENDORED.md pins %q", file, got, want)
		}
	}
	js, _ := fs.ReadFile(assets.Static, "static/vendor/htmx.min.js")
	if v := rows["version"]; v == "" || !strings.Contains(string(js), `version:"`+v+`"`) {
		t.Errorf("htmx.min.js is not the version VENDORED.md names, %q", v)
	}
}

// htmxPage is a console-like page: htmx configured by the meta element the
// console uses (config is "" to leave it out), and a form it enhances.
func htmxPage(config string) string {
	meta := ""
	if config != "" {
		meta = `<meta name="htmx-config" content='` + config + `'>`
	}
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>htmx</title>` + meta +
		`<script src="/static/vendor/htmx.min.js"></script></head><body>
<form action="/htmx-test/greet" method="post" hx-post="/htmx-test/greet" hx-target="#out" hx-swap="innerHTML">
<input name="name" value="Ada &amp; <Grace>"><button id="go">Send</button></form>
<div id="out" role="status"></div></body></html>`
}

// htmxServer is the real server, with its security headers, plus a test
// page and the endpoint its form posts to.
func htmxServer(t *testing.T, config string) *httptest.Server {
	t.Helper()
	s, err := NewServer(Config{BaseURL: "https://badges.example.org", Logger: slog.New(slog.DiscardHandler)}, Services{})
	if err != nil {
		t.Fatal(err)
	}
	s.echo.GET("/htmx-test", func(c echo.Context) error { return c.HTML(http.StatusOK, htmxPage(config)) })
	s.echo.POST("/htmx-test/greet", func(c echo.Context) error {
		if c.Request().Header.Get("HX-Request") != "true" {
			return c.String(http.StatusBadRequest, "not an htmx request")
		}
		return c.HTML(http.StatusOK, `<p class="greeting">Hello, `+html.EscapeString(c.FormValue("name"))+`.</p>`)
	})
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts
}

// TestVendoredStaticServed: the real server serves htmx as JavaScript with
// the caching every static file has.
func TestVendoredStaticServed(t *testing.T) {
	s, err := NewServer(Config{BaseURL: "https://badges.example.org", Logger: slog.New(slog.DiscardHandler)}, Services{})
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	js, css := get("/static/vendor/htmx.min.js"), get("/static/laurel.css")
	want, _ := fs.ReadFile(assets.Static, "static/vendor/htmx.min.js")
	if js.Code != http.StatusOK || !strings.Contains(js.Header().Get("Content-Type"), "javascript") || js.Body.String() != string(want) {
		t.Fatalf("GET htmx.min.js: %d %q, %d bytes", js.Code, js.Header().Get("Content-Type"), js.Body.Len())
	}
	if got, other := js.Header().Get("Cache-Control"), css.Header().Get("Cache-Control"); got != other {
		t.Errorf("htmx.min.js Cache-Control %q, laurel.css %q: static files are cached alike", got, other)
	}
}

// TestVendoredHTMXUnderCSP: htmx loads under the server's own
// Content-Security-Policy with the console's configuration, swaps in the
// answer of an hx-post, and the page reports nothing; without that
// configuration the policy blocks htmx's inline style, which shows the
// check has teeth.
func TestVendoredHTMXUnderCSP(t *testing.T) {
	const config = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}`
	b := browsertest.New(t)
	t.Run("OK", func(t *testing.T) {
		ts := htmxServer(t, config)
		tab := b.Open(t, ts.URL+"/htmx-test", 1024, 768)
		var allowEval bool
		tab.Eval(t, `htmx.config.allowEval`, &allowEval)
		if allowEval {
			t.Fatal("htmx.config.allowEval is true: the meta configuration was not read")
		}
		tab.Eval(t, `document.querySelector("#go").click()`, nil)
		var got string
		tab.Eval(t, `new Promise((done, fail) => {
			const end = Date.now() + 10000;
			const poll = () => {
				const p = document.querySelector("#out p.greeting");
				if (p) done(p.textContent);
				else if (Date.now() > end) fail(new Error("no swap"));
				else setTimeout(poll, 20);
			};
			poll();
		})`, &got)
		if want := "Hello, Ada & <Grace>."; got != want {
			t.Errorf("swapped text %q, want %q", got, want)
		}
		tab.WantNoProblems(t)
	})
	t.Run("ErrWithoutConfig", func(t *testing.T) {
		ts := htmxServer(t, "")
		tab := b.Open(t, ts.URL+"/htmx-test", 1024, 768)
		problems := strings.Join(tab.Problems(), "\n")
		if !strings.Contains(problems, "Content Security Policy") {
			t.Errorf("htmx's default inline style was not refused; problems: %q", problems)
		}
	})
}
