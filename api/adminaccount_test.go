package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestConsoleAccount_Sessions: the account page lists where the account
// is signed in, this device marked, and no longer a session signed out.
func TestConsoleAccount_Sessions(t *testing.T) {
	ts := newTestServer(t)
	a := ts.consoleAs(t, "", "")
	b := ts.guest()
	b.signIn(t, a.Account.Email, testPassword)
	page := a.get(t, "/admin/account")
	page.wantPage(t, http.StatusOK, "Where you are signed in", "this device", "192.0.2.1", "Just now")
	if n := strings.Count(page.Body, "<tr><td>"); n != 2 {
		t.Fatalf("%d sessions listed, want 2: %s", n, page.Body)
	}
	if strings.Count(page.Body, `<span class="tag good">this device</span>`) != 1 {
		t.Fatal("not exactly one session is marked as this device")
	}
	b.post(t, "/admin/logout", nil).wantRedirect(t, "/admin/login")
	if n := strings.Count(a.get(t, "/admin/account").Body, "<tr><td>"); n != 1 {
		t.Fatalf("%d sessions listed after the other signed out, want 1", n)
	}
}
