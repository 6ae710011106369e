package main

import (
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ConsoleBadgeForm: in Chromium, under the site's policy, the
// badge form's criteria preview (htmx) and its public page preview (the
// frame) follow what is typed, and the form then creates the badge.
func TestBrowser_ConsoleBadgeForm(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	b := browsertest.New(t)
	tab := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	tab.Go(t, w.base+"/admin/c/"+w.issuer+"/badges/new")
	frameH1 := `(document.querySelector("iframe.preview-frame").contentDocument.querySelector("h1") || {}).textContent`
	tab.WaitFor(t, frameH1+` === "Your new badge"`, 10*time.Second)

	tab.Fill(t, "#f-name", "Kind Reviewer")
	tab.Fill(t, "#f-description", "Gave thoughtful reviews.")
	tab.Fill(t, "#f-criteria", "Review **three** pull requests.")
	tab.WaitFor(t, `(document.querySelector("#criteria-preview strong") || {}).textContent === "three"`, 10*time.Second)
	tab.WaitFor(t, frameH1+` === "Kind Reviewer"`, 10*time.Second)
	var framed string
	tab.Eval(t, `document.querySelector("iframe.preview-frame").contentDocument.querySelector(".criteria strong").textContent`, &framed)
	if framed != "three" {
		t.Fatalf("the framed public page shows the criteria as %q", framed)
	}
	tab.WantNoProblems(t)

	tab.Click(t, "#badge-form button.primary")
	if got := tab.Text(t, ".flash"); !strings.Contains(got, "Kind Reviewer is saved as draft") {
		t.Fatalf("after creating, the flash says %q on %s", got, tab.URL(t))
	}
	if got := tab.Text(t, "h1"); got != "Kind Reviewer" {
		t.Fatalf("after creating, the page is %q", got)
	}
}
