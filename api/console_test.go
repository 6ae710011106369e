package api_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// consoleClient is a browser on the console: it keeps the cookies the
// server sets and sends the session's CSRF token with every form.
type consoleClient struct {
	ts      *testServer
	cookies map[string]string
	csrf    string
	Account *badges.Account
}

// page is one console response.
type page struct {
	*httptest.ResponseRecorder
	Body string
}

// accountSerial numbers test accounts, so that their e-mail addresses differ.
var accountSerial atomic.Int64

// testPassword is every test account's password.
const testPassword = "correct horse battery staple"

// newAccount makes an account with role in the community (a service
// administrator when role is "") and sets its password.
func (ts *testServer) newAccount(t testing.TB, email string, role badges.Role, issuerID string) *badges.Account {
	t.Helper()
	in := badges.AccountInput{Email: email, Name: "Manager " + strings.Split(email, "@")[0]}
	if role == "" {
		in.ServiceAdmin = true
	} else {
		in.Roles = map[string]badges.Role{issuerID: role}
	}
	ctx := context.Background()
	_, token, err := ts.accounts.CreateAccount(ctx, in)
	if err != nil {
		t.Fatalf("create account %s: %v", email, err)
	}
	a, err := ts.accounts.SetPassword(ctx, token, testPassword)
	if err != nil {
		t.Fatalf("set the password of %s: %v", email, err)
	}
	return a
}

// consoleAs signs in, through the sign-in page, as a new account with
// role in the community ("" for a service administrator).
func (ts *testServer) consoleAs(t testing.TB, role badges.Role, issuerID string) *consoleClient {
	t.Helper()
	who := string(role)
	if who == "" {
		who = "service"
	}
	email := fmt.Sprintf("%s%d@example.org", who, accountSerial.Add(1))
	a := ts.newAccount(t, email, role, issuerID)
	c := ts.guest()
	c.signIn(t, email, testPassword)
	c.Account = a
	return c
}

// guest is a browser with no session.
func (ts *testServer) guest() *consoleClient {
	return &consoleClient{ts: ts, cookies: map[string]string{}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in through the sign-in form.
func (c *consoleClient) signIn(t testing.TB, email, password string) {
	t.Helper()
	login := c.get(t, "/admin/login")
	m := csrfField.FindStringSubmatch(login.Body)
	if m == nil {
		t.Fatalf("the sign-in page has no CSRF field: %s", login.Body)
	}
	c.csrf = m[1]
	r := c.post(t, "/admin/login", url.Values{"email": {email}, "password": {password}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d %s", email, r.Code, r.Body)
	}
	home := c.get(t, "/admin/account")
	if m = csrfField.FindStringSubmatch(home.Body); m == nil {
		t.Fatalf("signed in, the account page has no CSRF field: %d %s", home.Code, home.Body)
	}
	c.csrf = html.UnescapeString(m[1])
}

// do sends r with the client's cookies and keeps those it is sent.
func (c *consoleClient) do(t testing.TB, r *http.Request) *page {
	t.Helper()
	for name, value := range c.cookies {
		r.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	w := httptest.NewRecorder()
	c.ts.srv.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if w.Code >= 500 {
		t.Errorf("%s %s → %d: %s", r.Method, r.URL, w.Code, w.Body)
	}
	return &page{ResponseRecorder: w, Body: w.Body.String()}
}

func (c *consoleClient) get(t testing.TB, path string) *page {
	t.Helper()
	return c.do(t, httptest.NewRequest(http.MethodGet, path, nil))
}

// post sends a form with the session's CSRF token (unless it has one).
func (c *consoleClient) post(t testing.TB, path string, form url.Values) *page {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has("csrf") {
		form.Set("csrf", c.csrf)
	}
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(t, r)
}

// postFile sends a multipart form with one file and the CSRF token.
func (c *consoleClient) postFile(t testing.TB, path string, form url.Values, field, name string, data []byte) *page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if !form.Has("csrf") {
		form.Set("csrf", c.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, path, &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(t, r)
}

// wantRedirect checks that a form was answered by sending the browser on,
// and returns where.
func (p *page) wantRedirect(t testing.TB, prefix string) string {
	t.Helper()
	loc := p.Header().Get("Location")
	if p.Code != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("answer %d to %q, want 303 to %s…: %s", p.Code, loc, prefix, p.Body)
	}
	return loc
}

// wantPage checks a page's status and that it shows every text given
// (HTML-escaped as the page writes it).
func (p *page) wantPage(t testing.TB, status int, texts ...string) {
	t.Helper()
	if p.Code != status {
		t.Fatalf("status %d, want %d: %s", p.Code, status, p.Body)
	}
	for _, s := range texts {
		if !strings.Contains(p.Body, html.EscapeString(s)) {
			t.Errorf("the page does not show %q: %s", s, p.Body)
		}
	}
}

// wantHTML checks that a page holds each piece of markup, as written.
func (p *page) wantHTML(t testing.TB, snippets ...string) {
	t.Helper()
	for _, s := range snippets {
		if !strings.Contains(p.Body, s) {
			t.Errorf("the page lacks %s: %s", s, p.Body)
		}
	}
}
