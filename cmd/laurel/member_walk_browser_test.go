package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/api/mailtest"
)

// mailWait is how long a message may take from the event that causes it
// to the test's mail server: the award queue, then the outbox, both in
// the background on a busy machine.
const mailWait = 90 * time.Second

// memberWalk is a running Laurel whose e-mail goes to an SMTP server in
// the test, with a community where hosting a session earns Session Host,
// Grace leads, and an endorsement by a leader earns Recognised by a Peer.
type memberWalk struct {
	base, issuer     string
	api              *client
	smtp             *mailtest.Server
	bob, grace       string // members
	host, recognised string // badges
}

func newMemberWalk(t *testing.T) *memberWalk {
	t.Helper()
	w := &memberWalk{smtp: mailtest.Start(t, mailtest.Options{})}
	m, out := startMain(t, t.TempDir(), func(c *Config) {
		c.SMTPURL, c.MailFrom = "smtp://"+w.smtp.Addr, "Lyon Gophers <badges@gophers.example.org>"
	})
	w.base, w.api = m.URL(), newClient(t, m.URL(), adminKey(t, out))
	c := w.api
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers",
		"description": "Go practitioners in Lyon.", "url": "https://gophers.example.org", "accentColor": "#1f6f5c"}, http.StatusCreated), "id")
	badge := func(name, level string, rule string) string {
		id := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": name,
			"description": name + " of the Lyon Gophers.", "level": level, "criteria": "See the rule.", "status": "active"}, http.StatusCreated), "id")
		if rule != "" {
			c.json(t, "PUT", "/api/v1/achievements/"+id+"/rule", json.RawMessage(rule), http.StatusOK)
		}
		return id
	}
	w.host = badge("Session Host", "participation", `{"condition":{"count":{"behaviour":"hosted-session","min":1}}}`)
	w.recognised = badge("Recognised by a Peer", "participation", `{"condition":{"endorsements":{"min":1}}}`)
	leader := badge("Community Leader", "leadership", "")
	member := func(email, name string) string {
		return str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
			"email": email, "displayName": name}, http.StatusCreated), "id")
	}
	w.bob, w.grace = member("bob@example.org", "Bob Marley"), member("grace@example.org", "Grace Hopper")
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": leader, "memberId": w.grace}, http.StatusCreated)
	return w
}

// mailTo waits for a message to an address whose subject contains about.
func (w *memberWalk) mailTo(t *testing.T, email, about string) *mailtest.Mail {
	t.Helper()
	deadline := time.Now().Add(mailWait)
	for {
		var subjects []string
		for _, m := range w.smtp.Mails() {
			if len(m.To) == 1 && m.To[0] == email {
				if strings.Contains(m.Subject, about) {
					return m
				}
				subjects = append(subjects, m.Subject)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message about %q to %s in %s; it has %q", about, email, mailWait, subjects)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// linkIn is the first link in a message's text under the path prefix.
func (w *memberWalk) linkIn(t *testing.T, m *mailtest.Mail, prefix string) string {
	t.Helper()
	link := regexp.MustCompile(regexp.QuoteMeta(w.base+prefix) + `[^\s>)"]+`).FindString(m.Text)
	if link == "" {
		t.Fatalf("no %s link in the message %q:\n%s", prefix, m.Subject, m.Text)
	}
	return link
}

// signIn asks for a sign-in link for email and uses it.
func (w *memberWalk) signIn(t *testing.T, tab *browsertest.Tab, email string) {
	t.Helper()
	tab.Go(t, w.base+"/me/signin")
	tab.Fill(t, "#f-email", email)
	tab.Click(t, "button.me-primary")
	tab.Go(t, w.linkIn(t, w.mailTo(t, email, "sign-in link"), "/me/signin/"))
	tab.Click(t, "button.me-primary")
	if got := tab.URL(t); got != w.base+"/me" {
		t.Fatalf("signing in as %s ends on %s", email, got)
	}
}

// TestBrowser_MemberWalk walks the member's side end to end, with every
// message through a real SMTP exchange: an award by rule e-mails Bob; its
// link claims the badge; Bob signs in by e-mailed link, sees his progress,
// hides a badge, turns his public profile on and off; Grace, a leader,
// endorses him from the portal, and that endorsement earns him a badge by
// rule, which is e-mailed too. Screenshots of each step at phone width
// (walk-NN-<step>.png).
func TestBrowser_MemberWalk(t *testing.T) {
	t.Parallel()
	w := newMemberWalk(t)
	dir := browsertest.ScreenshotDir(t)
	step := 0
	shot := func(tab *browsertest.Tab, name string) {
		step++
		tab.Screenshot(t, filepath.Join(dir, fmt.Sprintf("walk-%02d-%s.png", step, name)))
	}
	w.api.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/activities", map[string]any{"memberId": w.bob,
		"behaviour": "hosted-session", "at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}, http.StatusOK)

	earned := w.mailTo(t, "bob@example.org", "Session Host")
	if !strings.Contains(earned.Subject, "Session Host") || !strings.Contains(earned.HTML, "Session Host") {
		t.Errorf("the award e-mail is %q:\n%s", earned.Subject, earned.Text)
	}
	if earned.Header.Get("List-Unsubscribe") == "" {
		t.Error("the award e-mail has no List-Unsubscribe header")
	}
	b := browsertest.New(t)
	claim := w.linkIn(t, earned, "/claim/")
	credential := strings.Split(strings.TrimPrefix(claim, w.base+"/claim/"), "/")[0]
	tab := b.Open(t, claim, 390, 844)
	shot(tab, "claim")
	tab.Click(t, "#claim-accept")
	if got := tab.Text(t, "body"); !strings.Contains(got, "LinkedIn") {
		t.Errorf("after accepting, the claim page offers no LinkedIn:\n%s", got)
	}
	shot(tab, "claimed")

	w.signIn(t, tab, "bob@example.org")
	if got := tab.Text(t, ".me-badge h2"); got != "Session Host" {
		t.Errorf("Bob's first badge is %q", got)
	}
	shot(tab, "my-badges")
	w.progress(t, tab)
	shot(tab, "progress")

	// Hide Session Host: its page no longer names Bob, even once his
	// profile is public.
	tab.Go(t, w.base+"/me")
	tab.Click(t, ".me-privacy summary")
	tab.Click(t, `.me-privacy label[for$="-hidden"]`)
	tab.Click(t, ".me-privacy button")
	if got := tab.Text(t, ".me-privacy summary"); got != "Who sees it: Keep my name off its page" {
		t.Errorf("after hiding Session Host, it says %q", got)
	}
	tab.Go(t, w.base+"/me/profile")
	tab.Click(t, "#f-public-on")
	tab.Click(t, "form[action='/me/profile'] button.me-primary")
	shot(tab, "profile-public")
	if !w.api.memberPublic(t, w.bob) {
		t.Fatal("Bob's profile is not public after he turned it on")
	}
	slug := str(t, w.api.json(t, "GET", "/api/v1/members/"+w.bob, nil, http.StatusOK), "slug")
	if page := string(w.api.do(t, "GET", "/members/"+slug, "text/html", nil, http.StatusOK)); strings.Contains(page, "Session Host") {
		t.Error("Bob's public profile lists the badge he hid")
	}
	if page := string(w.api.do(t, "GET", "/credentials/"+credential, "text/html", nil, http.StatusOK)); strings.Contains(page, "Bob Marley") {
		t.Error("the page of the badge Bob hid names him")
	}
	tab.Go(t, w.base+"/me/profile")
	tab.Click(t, "#f-public-off")
	tab.Click(t, "form[action='/me/profile'] button.me-primary")
	if w.api.memberPublic(t, w.bob) {
		t.Fatal("Bob's profile is still public after he turned it off")
	}

	grace := browsertest.New(t).Open(t, w.base+"/me/signin", 390, 844)
	w.signIn(t, grace, "grace@example.org")
	grace.Go(t, w.base+"/me/lead?peer="+w.bob)
	grace.Fill(t, "#f-note", "Bob's session on profiling was the best of the year.")
	grace.Click(t, "form[action='/me/lead/endorse'] button.me-primary")
	shot(grace, "endorsed")

	// The endorsement tells Bob, and earns him Recognised by a Peer by rule.
	endorsed := w.mailTo(t, "bob@example.org", "Grace Hopper")
	if !strings.Contains(endorsed.Text, "profiling was the best of the year") {
		t.Errorf("the endorsement e-mail does not carry Grace's note:\n%s", endorsed.Text)
	}
	w.mailTo(t, "bob@example.org", "Recognised by a Peer")
}

// memberPublic reads through the API whether a member's profile is public.
func (c *client) memberPublic(t *testing.T, member string) bool {
	t.Helper()
	v, _ := c.json(t, "GET", "/api/v1/members/"+member, nil, http.StatusOK)["publicProfile"].(bool)
	return v
}

// progress opens the member's progress page and checks it names the badge
// an endorsement would earn.
func (w *memberWalk) progress(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	tab.Go(t, w.base+"/me/progress")
	if got := tab.Text(t, "main"); !strings.Contains(got, "Recognised by a Peer") {
		t.Errorf("Bob's progress does not name Recognised by a Peer:\n%s", got)
	}
}
