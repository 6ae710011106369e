package api_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

// lockedBuffer is a log the server and the test share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConsole_PasswordLinkNotLogged: a set-password link is a secret
// until used: the access log names its page, never its token, and the
// page sends no referrer.
func TestConsole_PasswordLinkNotLogged(t *testing.T) {
	var log lockedBuffer
	ts := newTestServer(t, func(c *api.Config) { c.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	a := ts.newAccount(t, "ada@example.org", "", "")
	token, err := ts.accounts.PasswordLink(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	guest := ts.guest()
	shown := guest.get(t, "/admin/password/"+token)
	shown.wantPage(t, http.StatusOK)
	if got := shown.Header().Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer", got)
	}
	guest.csrf = guest.cookies["__Host-laurel-signin"]
	guest.post(t, "/admin/password/"+token, url.Values{"password": {"short"}, "confirm": {"short"}})
	if strings.Contains(log.String(), token) {
		t.Fatalf("the access log has the set-password token:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "/admin/password/") {
		t.Fatalf("the access log does not name the page:\n%s", log.String())
	}
}

// setCookie is the cookie a response sets under name; it fails the test
// when there is none.
func setCookie(t *testing.T, w *page, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cookie %s is set: %v", name, w.Header()["Set-Cookie"])
	return nil
}

// TestConsole_Cookies: on HTTPS the session cookie is __Host-, Secure,
// HttpOnly and SameSite=Lax, new at each sign-in (a cookie planted
// before is not the session); the sign-in token's cookie is HttpOnly
// too; a secret shown once travels in an HttpOnly, Strict cookie that
// lives minutes and is cleared when read. On plain HTTP elsewhere than
// the loopback, cookies cannot be Secure and the prefix is not used.
func TestConsole_Cookies(t *testing.T) {
	ts := newTestServer(t)
	a := ts.newAccount(t, "ada@example.org", "", "")
	c := ts.guest()
	login := c.get(t, "/admin/login")
	guest := setCookie(t, login, "__Host-laurel-signin")
	if !guest.HttpOnly || !guest.Secure || guest.SameSite != http.SameSiteLaxMode || guest.Path != "/" || guest.Domain != "" {
		t.Errorf("sign-in cookie %+v; want __Host-, HttpOnly, Secure, Lax, path /", guest)
	}
	c.csrf = guest.Value
	planted := strings.Repeat("P", 43)
	c.cookies["__Host-laurel-console"] = planted
	w := c.post(t, "/admin/login", url.Values{"email": {a.Email}, "password": {testPassword}})
	sess := setCookie(t, w, "__Host-laurel-console")
	if !sess.HttpOnly || !sess.Secure || sess.SameSite != http.SameSiteLaxMode || sess.Path != "/" || sess.Domain != "" {
		t.Errorf("session cookie %+v; want __Host-, HttpOnly, Secure, Lax, path /", sess)
	}
	if sess.Value == planted || len(sess.Value) != 43 {
		t.Errorf("the session token %q is not a new one", sess.Value)
	}
	m := csrfField.FindStringSubmatch(c.get(t, "/admin/account").Body)
	if m == nil {
		t.Fatal("signed in, the account page has no CSRF field")
	}
	c.csrf = html.UnescapeString(m[1])
	made := c.post(t, "/admin/apikeys", url.Values{"name": {"Importer"}, "scopes": {"read"}})
	once := setCookie(t, made, "laurel-once")
	if !once.HttpOnly || !once.Secure || once.SameSite != http.SameSiteStrictMode || once.MaxAge <= 0 || once.MaxAge > 600 {
		t.Errorf("shown-once cookie %+v; want HttpOnly, Secure, Strict, minutes", once)
	}
	if cleared := setCookie(t, c.get(t, "/admin/apikeys/created"), "laurel-once"); cleared.MaxAge >= 0 {
		t.Errorf("the shown-once cookie is not cleared when read: %+v", cleared)
	}

	plain := newTestServer(t, func(c *api.Config) { c.BaseURL = "http://laurel.example.org" })
	pc := plain.guest().get(t, "/admin/login")
	if ck := setCookie(t, pc, "laurel-signin"); ck.Secure || !ck.HttpOnly {
		t.Errorf("over plain HTTP: %+v; want HttpOnly and not Secure", ck)
	}
}

// TestConsole_SignInLimitByClient: behind a listed proxy, the sign-in
// limit counts each client's own address, from X-Forwarded-For: one
// client's failures do not lock out another behind the same proxy, and
// a client cannot escape its limit by writing another address itself.
func TestConsole_SignInLimitByClient(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.TrustedProxies = []*net.IPNet{mustCIDR(t, "10.1.0.0/16")} })
	try := func(client, email string) int {
		c := ts.guest()
		c.get(t, "/admin/login")
		c.csrf = c.cookies["__Host-laurel-signin"]
		form := url.Values{"email": {email}, "password": {"not the password"}, "csrf": {c.csrf}}
		r := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = "10.1.0.1:4000"
		r.Header.Set("X-Forwarded-For", client)
		return c.do(t, r).Code
	}
	for i := range 30 {
		if code := try("198.51.100.7", fmt.Sprintf("nobody%d@example.org", i)); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d → %d, want 401", i+1, code)
		}
	}
	if code := try("198.51.100.7", "nobody-else@example.org"); code != http.StatusTooManyRequests {
		t.Fatalf("the 31st attempt from one client → %d, want 429", code)
	}
	if code := try("203.0.113.9", "nobody-else@example.org"); code != http.StatusUnauthorized {
		t.Fatalf("another client behind the same proxy → %d, want 401", code)
	}
	if code := try("203.0.113.10, 198.51.100.7", "nobody-more@example.org"); code != http.StatusTooManyRequests {
		t.Fatalf("a client writing another address before its own → %d, want 429", code)
	}
}

// TestConsole_EveryFormNeedsCSRF posts to every console route, as an
// owner, with the community's real ids and a
// form that would change things, but a missing or wrong CSRF token: each
// is refused with 403 and nothing changes.
func TestConsole_EveryFormNeedsCSRF(t *testing.T) {
	ts := newTestServer(t)
	f := newForeignCommunity(t, ts)
	c := ts.consoleAs(t, badges.RoleOwner, f.iss)
	before := f.snapshot(t)
	for _, rt := range ts.srv.Routes() {
		if rt.Method != http.MethodPost || !strings.HasPrefix(rt.Path, "/admin") {
			continue
		}
		path := strings.Replace(rt.Path, ":issuer", f.iss, 1)
		path = anyParam.ReplaceAllStringFunc(path, func(p string) string {
			if id, ok := f.ids[p[1:]]; ok {
				return id
			}
			return strings.Repeat("a", 43)
		})
		for _, token := range []string{"", strings.Repeat("A", 43), c.csrf + "x"} {
			form := cloneForm(foreignForm)
			form.Set("csrf", token)
			if w := c.post(t, path, form); w.Code != http.StatusForbidden {
				t.Errorf("POST %s with CSRF token %.10q → %d, want 403", rt.Path, token, w.Code)
			}
		}
	}
	if after := f.snapshot(t); after != before {
		t.Fatalf("a form without its CSRF token changed something:\nbefore %s\nafter  %s", before, after)
	}
	c.get(t, "/admin/account").wantPage(t, http.StatusOK) // still signed in: sign-out needs the token too
}
