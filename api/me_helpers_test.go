package api_test

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// testClock is a clock tests move on.
type testClock struct {
	mu sync.Mutex
	at time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// portalServer is a test server whose member portal queues its e-mail
// with a recording notifier and runs on a clock the test moves.
type portalServer struct {
	*testServer
	mail  *recordingNotifier
	clock *testClock
}

func newPortalServer(t testing.TB) *portalServer {
	t.Helper()
	db := mongotest.NewDB(t)
	l := newLaurelWith(t, db, nil)
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() { stop(); <-stopped })
	ps := &portalServer{mail: &recordingNotifier{}, clock: &testClock{at: time.Now().UTC()}}
	svc := l.Services()
	svc.Notifier = ps.mail
	svc.Portal = wire.NewMemberSessions(l.Stores, ps.clock.Now)
	srv, err := api.NewServer(api.Config{BaseURL: baseURL, Logger: testLogger(t), Now: ps.clock.Now}, svc)
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps.testServer = &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts}
	return ps
}

// askLink asks for a sign-in link as a browser does, and returns the page
// that answers.
func (ps *portalServer) askLink(t testing.TB, c *consoleClient, email string) *page {
	t.Helper()
	form := c.get(t, "/me/signin")
	m := csrfField.FindStringSubmatch(form.Body)
	if m == nil {
		t.Fatalf("the sign-in page has no CSRF field: %d %s", form.Code, form.Body)
	}
	c.csrf = html.UnescapeString(m[1])
	return c.post(t, "/me/signin", url.Values{"email": {email}})
}

// lastLink is the path of the newest sign-in link sent to an address.
func (ps *portalServer) lastLink(t testing.TB, email string) string {
	t.Helper()
	sent := ps.mail.to(email)
	if len(sent) == 0 {
		t.Fatalf("no sign-in e-mail to %s", email)
	}
	n := sent[len(sent)-1]
	if n.Kind != badges.MailSignIn {
		t.Fatalf("the last message to %s is a %q, not a sign-in link", email, n.Kind)
	}
	return strings.TrimPrefix(n.Data["link"], baseURL)
}

// useLink opens a sign-in link and presses its button.
func (ps *portalServer) useLink(t testing.TB, c *consoleClient, link string) *page {
	t.Helper()
	open := c.get(t, link)
	if m := csrfField.FindStringSubmatch(open.Body); m != nil {
		c.csrf = html.UnescapeString(m[1])
	}
	return c.post(t, link, nil)
}

// memberSignedIn signs a member in through the e-mailed link and returns
// the browser, holding the session's CSRF token for forms.
func (ps *portalServer) memberSignedIn(t testing.TB, email string) *consoleClient {
	t.Helper()
	c := ps.guest()
	ps.askLink(t, c, email).wantPage(t, http.StatusOK, "If that address belongs to a member")
	ps.useLink(t, c, ps.lastLink(t, email)).wantRedirect(t, "/me")
	home := c.get(t, "/me")
	m := csrfField.FindStringSubmatch(home.Body)
	if home.Code != http.StatusOK || m == nil {
		t.Fatalf("signed in, /me is %d without a CSRF field: %s", home.Code, home.Body)
	}
	c.csrf = html.UnescapeString(m[1])
	return c
}
