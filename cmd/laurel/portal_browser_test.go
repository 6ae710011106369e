package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges"
)

// portalPages are the portal's pages, photographed at both widths in both
// schemes. A page added to the portal adds its row here.
func portalPages(w *portalWorld) []appPage {
	return []appPage{
		{"me-signin", "/me/signin", true, 0},
		{"me-link-gone", "/me/signin/" + strings.Repeat("A", 43), true, http.StatusGone},
		{"me-badges", "/me", false, 0},
		{"me-checkins", "/me/checkins", false, 0},
		{"me-checkin", w.checkIn, false, 0},
		{"me-profile", "/me/profile", false, 0},
		{"me-apply", "/me/apply", false, 0},
		{"me-apply-form", "/me/apply/" + w.speaker, false, 0},
		{"me-lead", "/me/lead", false, 0}, {"me-lead-found", "/me/lead?q=grace", false, 0}, {"me-lead-peer", "/me/lead?peer=" + w.grace, false, 0},
		{"me-progress", "/me/progress", false, 0},
		{"me-data", "/me/data", false, 0},
		{"me-forget", "/me/data/forget", false, 0},
	}
}

// mailbox keeps what Laurel queues, as a member's inbox would.
type mailbox struct {
	mu  sync.Mutex
	got []badges.Notification
}

func (m *mailbox) Notify(_ context.Context, ns ...badges.Notification) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, ns...)
	return nil
}

// link is the newest sign-in link sent to an address, or "".
func (m *mailbox) link(email string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.got) - 1; i >= 0; i-- {
		if n := m.got[i]; n.To == email && n.Kind == badges.MailSignIn {
			return n.Data["link"]
		}
	}
	return ""
}

// portalWorld is a running Laurel with a community and Ada, who holds two
// badges (one revoked), and whose mail is kept.
type portalWorld struct {
	base, issuer, ada string
	credentials       []string // Ada's, the revoked one last
	mail              *mailbox
	speaker           string // a badge Ada may apply for (portal_apply_browser_test.go)
	checkIn           string // the page of a check-in Ada opened (checkin_browser_test.go)
	grace             string // a leader who endorsed Ada, whom Ada finds on Lead
}

func newPortalWorld(t *testing.T) *portalWorld {
	t.Helper()
	w := &portalWorld{mail: &mailbox{}}
	_, c := w.start(t)
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers",
		"description": "Go practitioners in Lyon.", "url": "https://gophers.example.org", "accentColor": "#7a2e8a"}, http.StatusCreated), "id")
	w.ada = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada", "publicProfile": true}, http.StatusCreated), "id")
	for _, b := range []map[string]any{
		{"name": "Session Host", "description": "Hosted a community session.", "level": "leadership", "date": "2026-03-05T00:00:00Z"},
		{"name": "First Steps", "description": "Came to a first meetup.", "level": "participation", "date": "2026-01-10T00:00:00Z"},
	} {
		badge := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": b["name"],
			"description": b["description"], "level": b["level"], "criteria": "Take part.", "status": "active"}, http.StatusCreated), "id")
		w.credentials = append(w.credentials, str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{
			"achievementId": badge, "memberId": w.ada, "awardedDate": b["date"]}, http.StatusCreated), "id"))
	}
	c.json(t, "POST", "/api/v1/credentials/"+w.credentials[1]+"/revoke", map[string]any{"reason": "Awarded twice."}, http.StatusOK)
	w.applications(t, c)
	w.leaderEndorses(t, c)
	w.progressTowards(t, c) // portal_data_browser_test.go
	return w
}

// start starts a Laurel whose mail w keeps, at w.base, and returns it with
// a client of its first admin key.
func (w *portalWorld) start(t *testing.T) (*Main, *client) {
	t.Helper()
	var stdout bytes.Buffer
	logs := &syncBuffer{}
	m := NewMain(&stdout, logs)
	m.Config.Addr, m.Config.DataDir, m.notifier = "127.0.0.1:0", t.TempDir(), w.mail
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	if err := runStarting(t, m); err != nil {
		_ = m.Close()
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	w.base = m.URL()
	return m, newClient(t, w.base, adminKey(t, stdout.String()))
}

// leaderEndorses adds Grace, who holds a badge that grants leadership and
// endorsed Ada.
func (w *portalWorld) leaderEndorses(t *testing.T, c *client) {
	t.Helper()
	steward := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": "Steward", "description": "Keeps the meetup running.",
		"criteria": "Keep it running.", "status": "active", "grantsLeadership": true}, http.StatusCreated), "id")
	w.grace = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "grace@example.org", "displayName": "Grace Hopper", "slug": "grace"}, http.StatusCreated), "id")
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": steward, "memberId": w.grace}, http.StatusCreated)
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/endorsements", map[string]any{"endorserId": w.grace, "memberId": w.ada,
		"note": "Ada's generics session was the clearest hour of the spring."}, http.StatusCreated)
}

// signIn signs Ada in as she would: the sign-in form, then the e-mailed
// link and its button. It ends on My badges.
func (w *portalWorld) signIn(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	tab.Go(t, w.base+"/me/signin")
	tab.Fill(t, "#f-email", "ada@example.org")
	tab.Click(t, "button.me-primary")
	if got := tab.Text(t, "[role=status]"); !strings.Contains(got, "If that address belongs to a member") {
		t.Fatalf("after asking for a link the page says %q", got)
	}
	link := w.mail.link("ada@example.org")
	if !strings.HasPrefix(link, w.base+"/me/signin/") {
		t.Fatalf("the sign-in link is %q", link)
	}
	tab.Go(t, link)
	tab.Click(t, "button.me-primary")
	if got := tab.URL(t); got != w.base+"/me" {
		t.Fatalf("using the link ends on %s, want /me", got)
	}
}

// TestBrowser_PortalSignIn: Ada signs in with the e-mailed link, sees her
// badges, and the link does not work twice.
func TestBrowser_PortalSignIn(t *testing.T) {
	t.Parallel()
	w := newPortalWorld(t)
	b := browsertest.New(t)
	tab := b.Open(t, w.base+"/me", 390, 844)
	if got := tab.URL(t); got != w.base+"/me/signin" {
		t.Fatalf("/me signed out ends on %s, want the sign-in page", got)
	}
	w.signIn(t, tab)
	if got := tab.Text(t, "h1"); got != "My badges" {
		t.Errorf("h1 = %q", got)
	}
	if got := tab.Text(t, ".me-community"); got != "Lyon Gophers" {
		t.Errorf("the community shown is %q", got)
	}
	if got := tab.Text(t, ".me-badge h2"); got != "Session Host" {
		t.Errorf("the first badge is %q, want the newest", got)
	}
	if got := tab.Text(t, ".me-badge.is-revoked .me-state"); !strings.HasPrefix(got, "Revoked") {
		t.Errorf("the revoked badge says %q", got)
	}
	var brand string
	tab.Eval(t, `getComputedStyle(document.querySelector(".me-top")).backgroundColor`, &brand)
	if brand != "rgb(122, 46, 138)" {
		t.Errorf("the header is %s, not the community's accent", brand)
	}
	tab.Click(t, ".me-privacy summary")
	tab.Screenshot(t, filepath.Join(browsertest.ScreenshotDir(t), "me-privacy-phone-light.png"))
	tab.Click(t, `.me-privacy label[for$="-link"]`)
	tab.Click(t, ".me-privacy button")
	if got := tab.Text(t, ".me-flash"); got != "Saved: only people you share its link with see it." {
		t.Errorf("after choosing who sees the badge the page says %q", got)
	}
	tab.WantNoProblems(t)

	other := browsertest.New(t).Open(t, w.mail.link("ada@example.org"), 390, 844)
	if got := other.Text(t, "h1"); got != "This link no longer works" {
		t.Errorf("a used link shows %q", got)
	}

	tab.Click(t, ".me-signout button")
	if got := tab.URL(t); got != w.base+"/me/signin" {
		t.Errorf("signing out ends on %s", got)
	}
	if got := tab.Text(t, "[role=status]"); got != "You have signed out." {
		t.Errorf("after signing out the page says %q", got)
	}
}

// TestBrowser_PortalPages opens every portal page at desktop and phone
// widths, light and dark: no problems reported, one h1, every image with
// alt text, nothing wider than the screen, every field labelled, touch
// targets of 44 px on the phone, and a screenshot of each.
func TestBrowser_PortalPages(t *testing.T) {
	t.Parallel()
	w := newPortalWorld(t)
	member, guest := browsertest.New(t), browsertest.New(t)
	tab := member.Open(t, w.base+"/me/signin", 1280, 800)
	w.signIn(t, tab)
	w.openCheckIn(t, tab)
	photographPages(t, w.base, portalPages(w), member, guest, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
		checkConsolePage(t, tab, p.status, v.width, v.scheme)
		if v.width < 500 {
			checkTouchTargets(t, tab)
		}
	})
}

// checkTouchTargets checks that every button, field and link that stands
// alone (not inside a sentence) is at least 44 px high; a radio button or
// a check box is pressed through its label.
func checkTouchTargets(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	var small []string
	tab.Eval(t, `Array.from(document.querySelectorAll(
		"button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), summary, .me-nav a, .me-actions a, .me-primary, .me-downloads a, .me-choice label"))
		.filter(e => e.checkVisibility() && e.getBoundingClientRect().height < 43.5)
		.map(e => e.outerHTML.slice(0, 100))`, &small)
	for _, e := range small {
		t.Errorf("a touch target under 44 px: %s", e)
	}
}
