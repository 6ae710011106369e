package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// TestBrowser_Emails opens each kind of e-mail, as the console's preview
// composes it, at a mail client's width (600 px) and a phone's (390 px):
// one h1, nothing wider than the screen, every image with alt text, the
// main button at least 44 px high, and a screenshot of each
// (mail-<kind>-<width>.png). E-mails are drawn light: most mail clients
// show them so.
func TestBrowser_Emails(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	b := browsertest.New(t)
	tab := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	dir := browsertest.ScreenshotDir(t)
	for _, k := range badges.MailKinds {
		for _, width := range []int{600, 390} {
			name := "mail-" + string(k) + "-" + map[int]string{600: "600", 390: "390"}[width]
			t.Run(name, func(t *testing.T) {
				path := "/admin/c/" + w.issuer + "/settings/emails/" + string(k) + "/preview.html"
				tab := b.Open(t, w.base+path, width, 900, browsertest.Light)
				if got := tab.URL(t); got != w.base+path {
					t.Fatalf("opening %s ends on %s", path, got)
				}
				tab.WantNoProblems(t)
				checkPageBasics(t, tab, width, browsertest.Light)
				if got := tab.Text(t, "title"); strings.TrimSpace(got) == "" {
					t.Error("the e-mail has no title")
				}
				var height float64
				tab.Eval(t, `Math.max(...Array.from(document.querySelectorAll("td[align=center][bgcolor] > a")).map(a => a.getBoundingClientRect().height), 0)`, &height)
				if height < 44 {
					t.Errorf("the main button is %.0f px high, want at least 44", height)
				}
				tab.Screenshot(t, filepath.Join(dir, name+".png"))
			})
		}
	}
}

// TestBrowser_Unsubscribe follows an e-mail's unsubscribe link in the
// browser: the page asks, the button unsubscribes, the next page offers
// to subscribe again, which works; each step in every view.
func TestBrowser_Unsubscribe(t *testing.T) {
	t.Parallel()
	m, out := startMainEnv(t, nil)
	c := newClient(t, m.URL(), adminKey(t, out))
	iss := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers"}, http.StatusCreated), "id")
	master, err := m.masterKey()
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := issuer.NewSealer(master)
	if err != nil {
		t.Fatal(err)
	}
	// The link the composer writes (api/mail UnsubscribeURL) for
	// ada@example.org: a wrong one would end on 404.
	links := sealer.LinkSigner("unsubscribe")
	key := links.Code("address", "ada@example.org")
	link := m.URL() + "/mail/unsubscribe/" + iss + "/" + links.Code("unsubscribe", iss, key) + "?a=" + key
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	for _, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, link, v.width, v.height, v.scheme)
			for _, step := range []struct{ name, h1, button string }{
				{"ask", "Unsubscribe from Lyon Gophers’s e-mails?", "button.primary"},
				{"done", "You are unsubscribed", "button"},
				{"again", "You are subscribed again", ""},
			} {
				tab.WantNoProblems(t)
				checkPageBasics(t, tab, v.width, v.scheme)
				if got := tab.Text(t, "h1"); got != step.h1 {
					t.Errorf("%s: h1 %q, want %q", step.name, got, step.h1)
				}
				tab.Screenshot(t, filepath.Join(dir, "unsubscribe-"+step.name+"-"+v.name+"-"+string(v.scheme)+".png"))
				if step.button != "" {
					tab.Click(t, "#unsubscribe "+step.button)
				}
			}
		})
	}
}
