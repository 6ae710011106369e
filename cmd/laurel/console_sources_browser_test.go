package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// sourceSample is a Discourse reply by Ada, who is known by her e-mail
// address, to try the Discourse mapping with.
const sourceSample = `{"post": {"id": 2001, "username": "ada", "user_email": "ada@example.org",
  "created_at": "2026-11-30T09:12:44.061Z", "post_number": 4, "topic_id": 311, "topic_title": "Generics in practice"}}`

// TestBrowser_ConsoleSources adds a Discourse source in the console, as an
// administrator would, sends it one signed delivery over HTTP, and then at
// both widths in both colour schemes opens the sources list and the
// source's page and tries a pasted delivery: no problems reported, nothing
// wider than the screen, and a screenshot of each.
func TestBrowser_ConsoleSources(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	browser := browsertest.New(t)
	tab := browser.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	list := w.base + "/admin/c/" + w.issuer + "/integrations/sources"
	tab.Go(t, list)
	tab.Fill(t, "#f-name", "Community forum")
	tab.Fill(t, "#f-preset", "discourse")
	tab.Click(t, "#new-source button.primary")
	secret := tab.Attr(t, "#once-secret", "value")
	if !strings.HasPrefix(secret, "lsrc_") {
		t.Fatalf("the new source's secret shown is %q", secret)
	}
	dir := browsertest.ScreenshotDir(t)
	tab.Screenshot(t, filepath.Join(dir, "source-added-desktop-light.png"))
	page := tab.URL(t)
	id := page[strings.LastIndex(page, "/")+1:]
	deliverSample(t, w.base+"/hooks/in/"+id, secret)

	for _, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := browser.Open(t, list, v.width, v.height, v.scheme)
			checkPageBasics(t, tab, v.width, v.scheme)
			if got := tab.Text(t, "table.data tbody tr td:last-child"); !strings.Contains(got, "1 recorded") {
				t.Errorf("the list's latest delivery says %q", got)
			}
			tab.Screenshot(t, filepath.Join(dir, "sources-"+v.name+"-"+string(v.scheme)+".png"))
			tab.Go(t, page)
			tab.Fill(t, "#f-payload", sourceSample)
			tab.Click(t, "#try button[type=submit]")
			if got := tab.Text(t, ".source-try h3"); got != "It would record 1 activity" {
				t.Errorf("the dry run says %q", got)
			}
			checkPageBasics(t, tab, v.width, v.scheme)
			tab.WantNoProblems(t)
			tab.Screenshot(t, filepath.Join(dir, "source-dryrun-"+v.name+"-"+string(v.scheme)+".png"))
		})
	}
}

// deliverSample sends the sample as Discourse would, signed.
func deliverSample(t *testing.T, url, secret string) {
	t.Helper()
	body := []byte(sourceSample)
	r, err := http.NewRequest("POST", url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Discourse-Event", "post_created")
	r.Header.Set(mapping.HeaderDiscourse, mapping.Sign(secret, body))
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the signed delivery was answered %d", res.StatusCode)
	}
}
