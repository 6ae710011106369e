package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges"
)

// applications gives the portal world badges open to applications:
// Speaker, which Ada may apply for; Mentor, for which her application
// waits; and Organiser, for which it was declined (an approval would put
// a newer badge first on My badges, which other tests read).
func (w *portalWorld) applications(t *testing.T, c *client) {
	t.Helper()
	open := func(name, criteria string) string {
		return str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{"name": name,
			"description": "Recognised on the evidence members give.", "criteria": criteria, "status": "active", "openToApplications": true}, http.StatusCreated), "id")
	}
	w.speaker = open("Speaker", "Give a talk of at least **20 minutes** at a meetup or a conference, and share the slides or a recording.")
	apply := func(badge, text string) string {
		return str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/applications", map[string]any{"memberId": w.ada, "achievementId": badge,
			"text": text, "links": []string{"https://gophers.example.org/2026/spring-circle"}}, http.StatusCreated), "id")
	}
	apply(open("Mentor", "Run a mentoring circle for newcomers."), "I ran the spring mentoring circle: six newcomers, four sessions.")
	declined := apply(open("Organiser", "Organise a meetup from start to finish."), "I organised the March meetup.")
	c.json(t, "POST", "/api/v1/nominations/"+declined+"/decline", map[string]any{"reason": "Tell us which meetup, with a link to its page."}, http.StatusOK)
}

// TestBrowser_PortalApply: Ada applies for Speaker on her phone: a bad
// link is shown on its field with what she wrote kept; once it is fixed,
// her application waits for review. The decline of an earlier one was
// queued to her as a decision e-mail with its reason.
func TestBrowser_PortalApply(t *testing.T) {
	t.Parallel()
	w := newPortalWorld(t)
	tab := browsertest.New(t).Open(t, w.base+"/me/signin", 390, 844)
	w.signIn(t, tab)
	dir := browsertest.ScreenshotDir(t)
	tab.Go(t, w.base+"/me/apply")
	tab.Click(t, "#apply-"+w.speaker+" a.me-primary")
	if got := tab.Text(t, "h1"); got != "Apply for Speaker" {
		t.Fatalf("the form's h1 is %q", got)
	}
	const words = "I spoke on generics at GopherCon EU, 25 minutes."
	tab.Fill(t, "#f-text", words)
	tab.Fill(t, `[id="f-links.1"]`, "slides on my drive")
	tab.Click(t, "button.me-primary")
	if got := tab.Text(t, `[id="f-links.1-error"]`); !strings.Contains(got, "Link 1") {
		t.Errorf("the first link's error says %q", got)
	}
	var kept string
	tab.Eval(t, `document.querySelector("#f-text").value`, &kept)
	if kept != words {
		t.Errorf("after the error the words are %q", kept)
	}
	tab.Screenshot(t, filepath.Join(dir, "me-apply-error-phone-light.png"))

	tab.Fill(t, `[id="f-links.1"]`, "https://gophercon.eu/talks/generics")
	tab.Click(t, "button.me-primary")
	if got := tab.URL(t); got != w.base+"/me/apply" {
		t.Fatalf("sending ends on %s", got)
	}
	if got := tab.Text(t, ".me-flash"); !strings.Contains(got, "Your application for Speaker is sent.") {
		t.Errorf("after sending the page says %q", got)
	}
	if got := tab.Text(t, "#apply-"+w.speaker+" .me-state"); !strings.Contains(got, "waiting for review") {
		t.Errorf("Speaker says %q", got)
	}
	for _, p := range tab.Problems() { // the refused form's 400 is expected, nothing else
		if !strings.HasPrefix(p, "HTTP 400 Bad Request: Document POST") {
			t.Errorf("the page reported %q", p)
		}
	}
	tab.Screenshot(t, filepath.Join(dir, "me-apply-sent-phone-light.png"))

	w.mail.mu.Lock()
	defer w.mail.mu.Unlock()
	var decided []badges.Notification
	for _, n := range w.mail.got {
		if n.Kind == badges.MailDecision {
			decided = append(decided, n)
		}
	}
	if len(decided) != 1 || decided[0].To != "ada@example.org" || decided[0].Data["what"] != "application" || decided[0].Data["approved"] != "false" ||
		decided[0].Data["badge"] != "Organiser" || decided[0].Data["reason"] != "Tell us which meetup, with a link to its page." {
		t.Errorf("the decision e-mails queued: %+v", decided)
	}
}
