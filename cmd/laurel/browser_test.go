package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumTimeout bounds one browser run; a cold start on a busy machine
// can take many seconds.
const chromiumTimeout = 60 * time.Second

// chromium finds the headless browser. A missing browser fails the test:
// the public pages must be checked as a person's browser renders them.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LAUREL_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("LAUREL_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium not found (tried $LAUREL_CHROMIUM, chromium, chromium-browser): run scripts/install-deps")
	return ""
}

// runChromium runs a fresh headless Chromium with extra arguments and the
// URL, and returns its standard output.
func runChromium(t *testing.T, bin, url string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), chromiumTimeout)
	defer cancel()
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		// A profile of its own, so runs never share or lock one.
		"--user-data-dir=" + t.TempDir(),
	}
	args = append(append(args, extra...), url)
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Helper processes may hold the output pipes after a kill; don't wait forever.
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (context: %v)\nstderr:\n%s", strings.Join(args, " "), err, ctx.Err(), stderr.String())
	}
	return stdout.String()
}

// dumpDOM is the DOM of a page after it loaded.
func dumpDOM(t *testing.T, bin, url string) string {
	t.Helper()
	dom := runChromium(t, bin, url, "--dump-dom")
	if !strings.Contains(dom, "</html>") {
		t.Fatalf("no document dumped for %s:\n%s", url, dom)
	}
	return dom
}

var (
	imgTagRE     = regexp.MustCompile(`<img\b[^>]*>`)
	ogTitleTagRE = regexp.MustCompile(`<meta\b[^>]*property="og:title"[^>]*>`)
)

func wantInDOM(t *testing.T, dom, what, want string) {
	t.Helper()
	if !strings.Contains(dom, want) {
		t.Errorf("rendered page lacks the %s %q:\n%s", what, want, dom)
	}
}

func wantOGTitle(t *testing.T, dom, title string) {
	t.Helper()
	tag := ogTitleTagRE.FindString(dom)
	if tag == "" {
		t.Errorf("rendered page has no og:title meta tag:\n%s", dom)
		return
	}
	if !strings.Contains(tag, `content="`+title+`"`) {
		t.Errorf("og:title tag %s, want content %q", tag, title)
	}
}

// plainText reports whether s renders verbatim in a serialized DOM: no
// markup, Markdown or characters the serializer would escape.
func plainText(s string) bool { return s != "" && !strings.ContainsAny(s, "*_`#[]<>&\"'\n") }

func TestBrowser_PublicPages(t *testing.T) {
	bin := chromium(t)
	m, out := startMain(t, t.TempDir(), func(c *Config) { c.Demo = true })
	c := newClient(t, m.URL(), adminKey(t, out))

	issuers := c.json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)
	items, _ := issuers["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("the demo seeded no issuer: %v", issuers)
	}
	iss := items[0].(map[string]any)
	issuerID, issuerName := str(t, iss, "id"), str(t, iss, "name")

	var ach struct {
		Items []struct {
			ID, Name, Criteria, PublicURL string
			Image                         struct{ URL string }
		}
	}
	body := c.do(t, "GET", "/api/v1/issuers/"+issuerID+"/achievements", "application/json", nil, http.StatusOK)
	if err := json.Unmarshal(body, &ach); err != nil {
		t.Fatalf("decode achievements %s: %v", body, err)
	}
	// An achievement whose criteria are plain text shows them verbatim,
	// however the page chooses to format Markdown.
	pick := -1
	for i, it := range ach.Items {
		if plainText(it.Criteria) && plainText(it.Name) && it.Image.URL != "" {
			pick = i
			break
		}
	}
	if pick < 0 {
		t.Fatalf("no demo achievement with plain-text name and criteria and an image: %s", body)
	}
	a := ach.Items[pick]
	achURL := m.URL() + "/achievements/" + a.ID

	t.Run("issuer page", func(t *testing.T) {
		dom := dumpDOM(t, bin, m.URL()+"/issuers/"+issuerID)
		wantInDOM(t, dom, "issuer name", "<h1>"+issuerName+"</h1>")
		wantOGTitle(t, dom, issuerName)
	})

	t.Run("achievement page", func(t *testing.T) {
		dom := dumpDOM(t, bin, achURL)
		wantInDOM(t, dom, "achievement name", a.Name)
		wantInDOM(t, dom, "issuer name", issuerName)
		wantInDOM(t, dom, "criteria", a.Criteria)
		wantOGTitle(t, dom, a.Name)
		imgFound := false
		for _, tag := range imgTagRE.FindAllString(dom, -1) {
			if strings.Contains(tag, `src="`+a.Image.URL+`"`) {
				imgFound = true
			}
		}
		if !imgFound {
			t.Errorf("no <img> with src %q; images: %q", a.Image.URL, imgTagRE.FindAllString(dom, -1))
		}
	})

	t.Run("achievement page screenshot", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "achievement.png")
		runChromium(t, bin, achURL, "--screenshot="+file, "--window-size=1200,900")
		f, err := os.Open(file)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		b := img.Bounds()
		if b.Dx() != 1200 || b.Dy() < 1 {
			t.Fatalf("screenshot is %dx%d, want 1200 wide", b.Dx(), b.Dy())
		}
		// A blank or failed render is one flat colour; a page has several.
		colours := map[[4]uint32]bool{}
		for y := b.Min.Y; y < b.Max.Y; y += 10 {
			for x := b.Min.X; x < b.Max.X; x += 10 {
				r, g, bl, al := img.At(x, y).RGBA()
				colours[[4]uint32{r, g, bl, al}] = true
			}
		}
		if len(colours) < 3 {
			t.Errorf("screenshot has only %d distinct colours in its samples: nothing rendered", len(colours))
		}
	})

	t.Run("credential page", func(t *testing.T) {
		cred := c.json(t, "POST", "/api/v1/issuers/"+issuerID+"/awards",
			map[string]any{"achievementId": a.ID, "email": "browser@example.org", "name": "Browser Test"}, http.StatusCreated)
		id := str(t, cred, "id")
		dom := dumpDOM(t, bin, m.URL()+"/credentials/"+id)
		wantInDOM(t, dom, "badge name", "<h1>"+a.Name+"</h1>")
		wantInDOM(t, dom, "issuer", issuerName)
		wantInDOM(t, dom, "status", "Issued on")
		wantInDOM(t, dom, "JWT download", "/credentials/"+id+".jwt")

		verify := dumpDOM(t, bin, m.URL()+"/verify?credential="+url.QueryEscape(str(t, cred, "url")))
		wantInDOM(t, verify, "verdict", `class="verdict valid"`)
		wantInDOM(t, verify, "badge on the report", a.Name)
		wantInDOM(t, verify, "proof check", "<td>proof</td><td>pass</td>")

		c.json(t, "POST", "/api/v1/credentials/"+id+"/revoke", map[string]any{"reason": "Test revocation"}, http.StatusOK)
		verify = dumpDOM(t, bin, m.URL()+"/verify?credential="+url.QueryEscape(str(t, cred, "url")))
		wantInDOM(t, verify, "verdict after revocation", `class="verdict invalid"`)
		wantInDOM(t, verify, "status check", "<td>status</td><td>fail</td>")
		dom = dumpDOM(t, bin, m.URL()+"/credentials/"+id)
		wantInDOM(t, dom, "revoked status", "Revoked on")
		wantInDOM(t, dom, "revocation reason", "Test revocation")
	})

	t.Run("unknown achievement shows the Not Found page", func(t *testing.T) {
		dom := dumpDOM(t, bin, m.URL()+"/achievements/aaaaaaaaaaaaaaaaaaaa")
		wantInDOM(t, dom, "error title", "<title>Not Found")
		wantInDOM(t, dom, "error heading", "<h1>Not Found</h1>")
	})
}
