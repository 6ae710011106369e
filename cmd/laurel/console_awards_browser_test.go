package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ConsoleAwardAndRevoke walks the award and revoke forms as a
// manager would: the member found as they type (htmx), the answers
// checked, a member who already holds the badge refused on the badge
// field, then a revocation confirmed in words before it happens.
func TestBrowser_ConsoleAwardAndRevoke(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	tab := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	c := w.base + "/admin/c/" + w.issuer

	t.Run("award", func(t *testing.T) {
		tab.Go(t, c+"/awards/new")
		tab.Fill(t, "#f-q", "grace")
		tab.WaitFor(t, `document.querySelectorAll(".member-matches a").length === 1`, 10*time.Second)
		tab.Screenshot(t, filepath.Join(dir, "award-search-desktop-light.png"))
		tab.Click(t, ".member-matches a")
		if got := tab.Text(t, "h1"); got != "Award a badge to Grace Hopper" {
			t.Fatalf("picking Grace opens %q", got)
		}
		tab.Fill(t, "#f-achievementId", w.badge)
		tab.Fill(t, "#f-narrative", "Hosted the **November** session on generics.")
		tab.Fill(t, "#f-evidenceUrl-1", "https://gophers.example.org/november")
		tab.Fill(t, "#f-evidenceName-1", "Recording")
		tab.Click(t, "button.primary")
		if got := tab.Text(t, ".what-happens"); got != "Award Session Host to Grace Hopper, with this narrative:" {
			t.Errorf("the check step says %q", got)
		}
		tab.WantNoProblems(t)
		tab.Screenshot(t, filepath.Join(dir, "award-check-desktop-light.png"))
		tab.Click(t, `button[value="issue"]`)
		if got := tab.Text(t, ".field.invalid .field-error"); !strings.Contains(got, "Grace Hopper already holds Session Host") {
			t.Errorf("awarding a held badge says %q on the field", got)
		}
		tab.Screenshot(t, filepath.Join(dir, "award-held-desktop-light.png"))
	})

	t.Run("revoke", func(t *testing.T) {
		phone := b.Open(t, c+"/awards/"+w.adaCredential+"/revoke", 390, 844, browsertest.Dark)
		phone.Fill(t, "#f-reason", "Awarded to the wrong member.")
		phone.Click(t, "button.primary")
		const want = "Revoke Session Host of Ada Lovelace; the reason stays private."
		if got := phone.Text(t, ".what-happens"); got != want {
			t.Errorf("the confirmation says %q, want %q", got, want)
		}
		phone.WantNoProblems(t)
		phone.Screenshot(t, filepath.Join(dir, "revoke-confirm-phone-dark.png"))
		phone.Click(t, `button[value="confirm"]`)
		if got := phone.Text(t, ".flash"); got != "Session Host of Ada Lovelace is revoked." {
			t.Errorf("after revoking, the flash says %q", got)
		}
		phone.WantNoProblems(t)
		phone.Screenshot(t, filepath.Join(dir, "revoked-phone-dark.png"))
	})
}
