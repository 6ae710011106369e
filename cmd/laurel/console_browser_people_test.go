package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// peopleAndKeys uses the people and API key forms in tab as an
// administrator would: invites an owner to the first community and makes
// an API key, photographing the pages that show their secrets once (they
// cannot be opened again), and keeps the new person's page for the
// table of pages.
func (w *consoleWorld) peopleAndKeys(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	dir := browsertest.ScreenshotDir(t)
	tab.Go(t, w.base+"/admin/c/"+w.issuer+"/people")
	tab.Fill(t, "#f-email", "linus@example.org")
	tab.Fill(t, "#f-name", "Linus Torvalds")
	tab.Fill(t, "#f-role", "owner")
	tab.Click(t, "#invite button.primary")
	if got := tab.Text(t, "h1"); got != "Pass this link to Linus Torvalds" {
		t.Fatalf("after an invitation, h1 = %q", got)
	}
	if link := tab.Attr(t, "#once-link", "value"); !strings.HasPrefix(link, w.base+"/admin/password/") {
		t.Errorf("the link shown is %q", link)
	}
	tab.Screenshot(t, filepath.Join(dir, "people-link-desktop-light.png"))
	w.personPath = strings.TrimPrefix(tab.Attr(t, ".once-secret .actions a", "href"), w.base)

	tab.Go(t, w.base+"/admin/apikeys")
	tab.Fill(t, "#f-name", "Discord activity bot")
	tab.Check(t, "#scope-ingest", true)
	tab.Click(t, "#new-key button.primary")
	if got := tab.Attr(t, "#once-key", "value"); !strings.HasPrefix(got, "lrl_") {
		t.Errorf("the key shown is %q", got)
	}
	tab.Screenshot(t, filepath.Join(dir, "apikey-created-desktop-light.png"))
}
