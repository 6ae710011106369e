package api_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// passwordLink finds a set-password link on a page.
var passwordLink = regexp.MustCompile(`/admin/password/([A-Za-z0-9_-]{43})`)

// TestConsolePeople_Invite: inviting someone new makes their account and
// shows its one-time link once; the link sets their password; someone
// with an account gets the role at once; names are escaped.
func TestConsolePeople_Invite(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	people := "/admin/c/" + community + "/people"
	owner.get(t, people).wantPage(t, http.StatusOK, owner.Account.Name, "Invite someone")

	name := "<script>alert(1)</script>"
	owner.post(t, people, url.Values{"email": {"new@example.org"}, "name": {name}, "role": {"awarder"}}).wantRedirect(t, people+"/link")
	shown := owner.get(t, people+"/link")
	shown.wantPage(t, http.StatusOK, "Pass this link to "+name, "72 hours", "Copy link")
	if strings.Contains(shown.Body, name) {
		t.Fatal("the invited person's name is not escaped")
	}
	m := passwordLink.FindStringSubmatch(shown.Body)
	if m == nil || !strings.Contains(shown.Body, baseURL+"/admin/password/"+m[1]) {
		t.Fatalf("no password link under the base URL on the page: %s", shown.Body)
	}
	again := owner.get(t, people+"/link")
	again.wantPage(t, http.StatusOK, "The link is no longer shown")
	if strings.Contains(again.Body, m[1]) {
		t.Fatal("the one-time link is shown again on reload")
	}

	guest := ts.guest()
	guest.get(t, "/admin/password/"+m[1])
	guest.csrf = guest.cookies["__Host-laurel-signin"]
	guest.post(t, "/admin/password/"+m[1], url.Values{"password": {testPassword}, "confirm": {testPassword}}).wantRedirect(t, "/admin/login")
	guest.signIn(t, "new@example.org", testPassword)
	guest.get(t, "/admin/c/"+community).wantPage(t, http.StatusOK)

	list := owner.get(t, people)
	list.wantPage(t, http.StatusOK, name, "new@example.org", "Awarder")

	existing := ts.consoleAs(t, badges.RoleViewer, mustIssuer(t, ts))
	owner.post(t, people, url.Values{"email": {existing.Account.Email}, "role": {"admin"}}).wantRedirect(t, people)
	owner.get(t, people).wantPage(t, http.StatusOK, "is now an admin of Gophers of Lyon", existing.Account.Email)
	if _, ok := owner.cookies["laurel-once"]; ok {
		t.Fatal("a link was kept for an account that has a password")
	}
	existing.get(t, "/admin/c/"+community).wantPage(t, http.StatusOK)
}

// TestConsolePeople_InviteBadInput: a form that cannot be used comes
// back with the message on its field and the values as typed.
func TestConsolePeople_InviteBadInput(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	people := "/admin/c/" + community + "/people"
	w := owner.post(t, people, url.Values{"email": {"not an address"}, "name": {"Grace <b>Hopper</b>"}, "role": {"admin"}})
	w.wantPage(t, http.StatusBadRequest, "There is a problem", "Grace <b>Hopper</b>")
	if !strings.Contains(w.Body, `id="f-email-error"`) || !strings.Contains(w.Body, `<option value="admin" selected>`) {
		t.Fatalf("the error is not beside the e-mail field, or the role was lost: %s", w.Body)
	}
	w = owner.post(t, people, url.Values{"email": {"grace@example.org"}, "name": {"Grace"}, "role": {"king"}})
	w.wantPage(t, http.StatusBadRequest, "grace@example.org")
	if !strings.Contains(w.Body, `id="f-role-error"`) {
		t.Fatalf("the error is not beside the role field: %s", w.Body)
	}
	w = owner.post(t, people, url.Values{"email": {"grace@example.org"}, "role": {"viewer"}})
	w.wantPage(t, http.StatusBadRequest)
	if !strings.Contains(w.Body, `id="f-name-error"`) {
		t.Fatalf("a new person without a name: the error is not beside the name: %s", w.Body)
	}
}

// TestConsolePeople_LastOwner: the last owner can be neither demoted nor
// removed; the page shows the service's refusal. With a second owner,
// both work.
func TestConsolePeople_LastOwner(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	me := "/admin/c/" + community + "/people/" + owner.Account.ID
	owner.post(t, me+"/role", url.Values{"role": {"viewer"}}).wantPage(t, http.StatusConflict, "is the last owner of this community")
	owner.get(t, me+"/remove").wantPage(t, http.StatusOK, "You will no longer help run Gophers of Lyon")
	owner.post(t, me+"/remove", nil).wantPage(t, http.StatusConflict, "is the last owner of this community")
	if a, _ := ts.accounts.Account(context.Background(), owner.Account.ID); a.Roles[community] != badges.RoleOwner {
		t.Fatalf("the last owner's role changed to %q", a.Roles[community])
	}

	second := ts.consoleAs(t, badges.RoleAdmin, community)
	them := "/admin/c/" + community + "/people/" + second.Account.ID
	owner.post(t, them+"/role", url.Values{"role": {"owner"}}).wantRedirect(t, them)
	owner.get(t, them).wantPage(t, http.StatusOK, "is now an owner of Gophers of Lyon")
	owner.post(t, me+"/role", url.Values{"role": {"viewer"}}).wantRedirect(t, "/admin/c/"+community)
	second.post(t, me+"/remove", nil).wantRedirect(t, "/admin/c/"+community+"/people")
	if a, _ := ts.accounts.Account(context.Background(), owner.Account.ID); len(a.Roles) != 0 {
		t.Fatalf("removed, the account still has roles %v", a.Roles)
	}
	owner.get(t, "/admin/c/"+community).wantPage(t, http.StatusForbidden)
}

// TestConsolePeople_Limits: only owners reach a community's people; an
// owner of one community sees and changes nobody of another.
func TestConsolePeople_Limits(t *testing.T) {
	ts := newTestServer(t)
	community, other := mustIssuer(t, ts), mustIssuer(t, ts)
	for _, r := range []badges.Role{badges.RoleViewer, badges.RoleAwarder, badges.RoleAdmin} {
		c := ts.consoleAs(t, r, community)
		for _, path := range []string{"/people", "/settings"} {
			c.get(t, "/admin/c/"+community+path).wantPage(t, http.StatusForbidden, "Only an owner of this community")
		}
		c.post(t, "/admin/c/"+community+"/people", url.Values{"email": {"x@example.org"}, "name": {"X"}, "role": {"owner"}}).wantPage(t, http.StatusForbidden)
	}
	if _, err := ts.accounts.AccountByEmail(context.Background(), "x@example.org"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("a refused invitation made an account: %v", err)
	}

	owner := ts.consoleAs(t, badges.RoleOwner, community)
	theirs := ts.consoleAs(t, badges.RoleOwner, other)
	owner.get(t, "/admin/c/"+other+"/people").wantPage(t, http.StatusForbidden)
	owner.post(t, "/admin/c/"+other+"/people/"+theirs.Account.ID+"/role", url.Values{"role": {"viewer"}}).wantPage(t, http.StatusForbidden)
	mine := "/admin/c/" + community + "/people/" + theirs.Account.ID
	owner.get(t, mine).wantPage(t, http.StatusNotFound, "There is no such person in Gophers of Lyon.")
	owner.post(t, mine+"/role", url.Values{"role": {"viewer"}}).wantPage(t, http.StatusNotFound)
	owner.post(t, mine+"/remove", nil).wantPage(t, http.StatusNotFound)
	owner.post(t, mine+"/link", nil).wantPage(t, http.StatusNotFound)
	if a, _ := ts.accounts.Account(context.Background(), theirs.Account.ID); a.Roles[other] != badges.RoleOwner || len(a.Roles) != 1 {
		t.Fatalf("another community's owner was changed: %v", a.Roles)
	}
	if strings.Contains(owner.get(t, "/admin/c/"+community+"/people").Body, theirs.Account.Email) {
		t.Fatal("another community's owner is listed")
	}
}

// TestConsolePeople_PasswordLink: an owner gives a new password link to
// someone who helps run only communities they own, shown once; for
// someone with a role elsewhere, only a service administrator may.
func TestConsolePeople_PasswordLink(t *testing.T) {
	ts := newTestServer(t)
	community, other := mustIssuer(t, ts), mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, community)
	awarder := ts.consoleAs(t, badges.RoleAwarder, community)
	page := "/admin/c/" + community + "/people/" + awarder.Account.ID
	owner.get(t, page).wantPage(t, http.StatusOK, "Make a new password link")
	owner.post(t, page+"/link", nil).wantRedirect(t, "/admin/c/"+community+"/people/link")
	shown := owner.get(t, "/admin/c/"+community+"/people/link")
	shown.wantPage(t, http.StatusOK, "Pass this link to "+awarder.Account.Name)
	m := passwordLink.FindStringSubmatch(shown.Body)
	if m == nil {
		t.Fatalf("no link shown: %s", shown.Body)
	}
	if _, err := ts.accounts.SetPassword(context.Background(), m[1], "another good passphrase"); err != nil {
		t.Fatalf("the link shown does not set the password: %v", err)
	}

	both := ts.consoleAs(t, badges.RoleViewer, community)
	if err := ts.accounts.SetRole(context.Background(), both.Account.ID, other, badges.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	page = "/admin/c/" + community + "/people/" + both.Account.ID
	owner.get(t, page).wantPage(t, http.StatusOK, "also helps run a community you do not own: only a service administrator")
	owner.post(t, page+"/link", nil).wantPage(t, http.StatusForbidden, "only a service administrator")
	service := ts.consoleAs(t, "", "")
	service.post(t, page+"/link", nil).wantRedirect(t, "/admin/c/"+community+"/people/link")
	// The link is for the session that made it, not another in the browser.
	owner.cookies["laurel-once"] = service.cookies["laurel-once"]
	if strings.Contains(owner.get(t, "/admin/c/"+community+"/people/link").Body, "/admin/password/") {
		t.Fatal("another session's link is shown")
	}
	service.get(t, "/admin/c/"+community+"/people/link").wantPage(t, http.StatusOK, "Pass this link to "+both.Account.Name)
}
