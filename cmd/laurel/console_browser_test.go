package main

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// appPage is a console or portal page to look at, signed in or as a
// guest: its screenshots are named
// <name>-<desktop|phone>-<light|dark>.png.
type appPage struct {
	name, path string
	guest      bool // seen signed out
	status     int  // the page's HTTP status, if not 200
}

// consolePages lists the console's pages in the world w, each opened by
// TestBrowser_ConsolePages at both widths in both color schemes. A new
// page gets a row here.
func consolePages(w *consoleWorld) []appPage {
	c := "/admin/c/" + w.issuer
	return []appPage{
		{name: "signin", path: "/admin/login", guest: true},
		{name: "set-password", path: w.passwordPath, guest: true},
		{name: "home", path: "/admin"},
		{name: "account", path: "/admin/account"},
		{name: "dashboard", path: c},
		{name: "not-found", path: c + "/jobs/none", status: http.StatusNotFound},
		{name: "rule", path: c + "/badges/" + w.badge + "/rule"},
		{name: "badges", path: c + "/badges"},
		{name: "badge", path: c + "/badges/" + w.badge},
		{name: "badge-new", path: c + "/badges/new"},
		{name: "badge-edit", path: c + "/badges/" + w.badge + "/edit"},
		{name: "badge-image", path: c + "/badges/" + w.badge + "/image"},
		{name: "badge-archive", path: c + "/badges/" + w.badge + "/archive"},
		{name: "people", path: c + "/people"},
		{name: "person", path: w.personPath},
		{name: "person-remove", path: w.personPath + "/remove"},
		{name: "settings", path: c + "/settings"},
		{name: "settings-rotate", path: c + "/settings/rotate"},
		{name: "emails", path: c + "/settings/emails"},
		{name: "email-earned", path: c + "/settings/emails/earned"},
		{name: "email-reset", path: c + "/settings/emails/earned/reset"},
		{name: "apikeys", path: "/admin/apikeys"},
		{name: "members", path: c + "/members"},
		{name: "members-search", path: c + "/members?q=ada"},
		{name: "member", path: c + "/members/" + w.ada},
		{name: "member-new", path: c + "/members/new"},
		{name: "member-edit", path: c + "/members/" + w.ada + "/edit"},
		{name: "member-remove", path: c + "/members/" + w.ada + "/remove"},
		{name: "member-import", path: c + "/members/import"},
		{name: "awards", path: c + "/awards"},
		{name: "award-find", path: c + "/awards/new?q=a"},
		{name: "award-form", path: c + "/awards/new?member=" + w.ada},
		{name: "award-import", path: c + "/awards/import"},
		{name: "credential", path: c + "/awards/" + w.adaCredential},
		{name: "credential-revoke", path: c + "/awards/" + w.adaCredential + "/revoke"},
		{name: "activity", path: c + "/activity"},
		{name: "activity-form", path: c + "/activity/new?member=" + w.ada},
		{name: "activity-import", path: c + "/activity/import"},
		{name: "activity-void", path: c + "/activity/" + url.PathEscape(w.activity) + "/void"},
		{name: "quiet-members", path: c + "/quiet-members"},
		{name: "nominations", path: c + "/nominations"},
		{name: "nomination", path: c + "/nominations/" + w.nomination},
		{name: "applications", path: c + "/nominations?status=pending&kind=application"},
		{name: "application", path: c + "/nominations/" + w.application},
		{name: "spotlight", path: c + "/spotlight"},
		{name: "cohorts", path: c + "/cohorts"},
		{name: "cohort", path: c + "/cohorts/" + w.cohort},
		{name: "outcomes", path: c + "/outcomes"},
		{name: "measure", path: c + "/measures/" + w.measure},
		{name: "messages", path: c + "/messages"},
		{name: "message", path: c + "/messages/" + w.message},
		{name: "message-send", path: c + "/messages/" + w.message + "/send"},
		{name: "checkins", path: c + "/checkins"},
		{name: "checkin-new", path: c + "/checkins/new"},
		{name: "checkin", path: w.checkIn},
		{name: "checkin-close", path: w.checkIn + "/close"},
	}
}

// consoleWorld is a running Laurel with two communities, the first with a
// badge awarded to two members, and a console administrator made as an operator makes the
// first one: LAUREL_ADMIN_EMAIL set at the first start, which prints the
// link that sets the password.
type consoleWorld struct {
	base, issuer, badge string
	passwordPath        string // the set-password link, without the base
	personPath          string // an invited person's page (peopleAndKeys)
	email, password     string
	// Ada, her credential and an activity of hers, for the pages of awards
	// and activity.
	ada, adaCredential, activity string
	members                      []string // Ada's and Grace's ids
	// What the dashboard, nominations, cohorts and measures pages show
	// (console_browser_dash_test.go).
	nomination, cohort, measure string
	message                     string // a failed e-mail (console_browser_mail_test.go)
	application                 string // Ada's, for Mentor
	// A check-in opened in the console (checkin_browser_test.go), and the
	// running Laurel, whose database its test reads.
	checkIn string
	main    *Main
}

func newConsoleWorld(t *testing.T) *consoleWorld {
	t.Helper()
	w := &consoleWorld{email: "ada.admin@example.org", password: "copper kettle on the stove"}
	m, out := startMainEnv(t, map[string]string{"LAUREL_ADMIN_EMAIL": w.email})
	w.base, w.main = m.URL(), m
	base, token := linkToken(t, out)
	if base != w.base {
		t.Fatalf("the set-password link is on %s, not %s:\n%s", base, w.base, out)
	}
	w.passwordPath = "/admin/password/" + token
	c := newClient(t, w.base, adminKey(t, out))
	w.issuer = str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Lyon Gophers",
		"description": "Go practitioners in Lyon.", "url": "https://gophers.example.org"}, http.StatusCreated), "id")
	// A second community, so that /admin lists them rather than opening
	// the one.
	c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Paris Rustaceans"}, http.StatusCreated)
	w.badge = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": "Session Host", "description": "Hosted a community session.", "level": "leadership",
		"criteria": "Plan and host a **community session** of at least an hour.", "status": "active",
	}, http.StatusCreated), "id")
	for _, who := range []map[string]any{
		{"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada", "publicProfile": true},
		{"email": "grace@example.org", "displayName": "Grace Hopper", "slug": "grace"},
	} {
		member := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", who, http.StatusCreated), "id")
		cred := str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": w.badge, "memberId": member}, http.StatusCreated), "id")
		if w.ada == "" {
			w.ada, w.adaCredential = member, cred
		}
		w.members = append(w.members, member)
	}
	rec := c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/activities", map[string]any{"memberId": w.ada, "behaviour": "hosted-session",
		"at": time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339), "narrative": "Generics deep dive.", "sourceEventId": "meetup-42"}, http.StatusOK)
	w.activity = str(t, rec["results"].([]any)[0].(map[string]any), "id")
	w.recognition(t, c)
	w.message = mailWorld(t, m, w.issuer)
	return w
}

// startMainEnv is startMain in a fresh data directory, with env as the
// environment Laurel reads beyond its configuration.
func startMainEnv(t *testing.T, env map[string]string) (*Main, string) {
	t.Helper()
	return startMainWith(t, t.TempDir(), nil, func(k string) string { return env[k] })
}

// setPassword opens the printed link in tab and chooses the password, as
// the administrator would; it ends on the sign-in page.
func (w *consoleWorld) setPassword(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	tab.Go(t, w.base+w.passwordPath)
	tab.Fill(t, "#f-password", w.password)
	tab.Fill(t, "#f-confirm", w.password)
	tab.Click(t, "button[type=submit]")
	if got := tab.URL(t); got != w.base+"/admin/login" {
		t.Fatalf("setting the password ends on %s, want the sign-in page", got)
	}
	if got := tab.Text(t, ".flash"); !strings.Contains(got, "Your password is set") {
		t.Errorf("after setting the password, the flash says %q", got)
	}
}

// signIn signs in through the sign-in page in tab, which the tab's
// browser then shares with its other tabs.
func (w *consoleWorld) signIn(t *testing.T, tab *browsertest.Tab, password string) {
	t.Helper()
	if !strings.HasSuffix(tab.URL(t), "/admin/login") {
		tab.Go(t, w.base+"/admin/login")
	}
	tab.Fill(t, "#f-email", w.email)
	tab.Fill(t, "#f-password", password)
	tab.Click(t, "button.primary")
}

// TestBrowser_ConsolePages opens every console page in headless Chromium
// at desktop and phone widths, light and dark, signed in as the first
// administrator (or signed out, for the pages of guests): no problems
// reported, one h1, no image without alt text, nothing wider than the
// screen, every field labelled, and a screenshot of each.
func TestBrowser_ConsolePages(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	admin, guest := browsertest.New(t), browsertest.New(t)
	tab := admin.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	w.signIn(t, tab, w.password)
	if got := tab.URL(t); got != w.base+"/admin" {
		t.Fatalf("signing in ends on %s, want /admin", got)
	}
	w.peopleAndKeys(t, tab)
	w.openCheckIn(t, tab)
	photographPages(t, w.base, consolePages(w), admin, guest, func(t *testing.T, tab *browsertest.Tab, p appPage, v view) {
		checkConsolePage(t, tab, p.status, v.width, v.scheme)
	})
}

// photographPages opens each page in every view, signed in (b) or as a
// guest, checks it with check and writes its screenshot.
func photographPages(t *testing.T, base string, pages []appPage, b, guest *browsertest.Browser, check func(*testing.T, *browsertest.Tab, appPage, view)) {
	t.Helper()
	dir := browsertest.ScreenshotDir(t)
	for _, p := range pages {
		by := b
		if p.guest {
			by = guest
		}
		for _, v := range views() {
			t.Run(p.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
				tab := by.Open(t, base+p.path, v.width, v.height, v.scheme)
				if got := tab.URL(t); got != base+p.path {
					t.Fatalf("opening %s ends on %s", p.path, got)
				}
				check(t, tab, p, v)
				shot := filepath.Join(dir, p.name+"-"+v.name+"-"+string(v.scheme)+".png")
				if gotW, gotH := tab.Screenshot(t, shot); gotW != v.width || gotH < v.height/2 {
					t.Errorf("screenshot %dx%d at a %dx%d viewport", gotW, gotH, v.width, v.height)
				}
			})
		}
	}
}

// checkConsolePage checks what every console page must be, as
// TestBrowser_PublicPages checks the public ones, and that every field has
// a label. A page of an error status reports that status and nothing else.
func checkConsolePage(t *testing.T, tab *browsertest.Tab, status, width int, scheme browsertest.ColorScheme) {
	t.Helper()
	if status == 0 {
		tab.WantNoProblems(t)
	} else if p := tab.Problems(); len(p) != 1 || !strings.HasPrefix(p[0], fmt.Sprintf("HTTP %d ", status)) {
		t.Errorf("the page reported %q, want only its HTTP %d", p, status)
	}
	checkPageBasics(t, tab, width, scheme)
	var unlabelled []string
	tab.Eval(t, `Array.from(document.querySelectorAll(
		"input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"))
		.filter(e => !e.getAttribute("aria-label") &&
			!(e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]')))
		.map(e => e.outerHTML.slice(0, 120))`, &unlabelled)
	for _, e := range unlabelled {
		t.Errorf("a field without a label: %s", e)
	}
}

// TestBrowser_ConsoleSignIn signs in as a person would: a wrong password
// first, then the keyboard alone, then the phone's menu.
func TestBrowser_ConsoleSignIn(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	tab := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, tab)
	tab.Screenshot(t, filepath.Join(dir, "password-set-desktop-light.png"))

	t.Run("wrong password", func(t *testing.T) {
		w.signIn(t, tab, "not the password at all")
		tab.Screenshot(t, filepath.Join(dir, "wrong-password-desktop-light.png"))
		if got := tab.Focused(t); !strings.HasPrefix(got, "div.error-summary") {
			t.Errorf("after a wrong password the focus is on %s, want the error summary", got)
		}
		const msg = "The e-mail address or password is not right."
		if got := tab.Text(t, ".error-summary a"); got != msg {
			t.Errorf("the summary says %q, want %q", got, msg)
		}
		if got := tab.Attr(t, ".error-summary a", "href"); got != "#f-email" {
			t.Errorf("the summary links to %q, want the e-mail field", got)
		}
		if got := tab.Text(t, ".field.invalid .field-error"); !strings.Contains(got, msg) {
			t.Errorf("the field's message is %q, want %q", got, msg)
		}
		if got := tab.Attr(t, "#f-email", "value"); got != w.email {
			t.Errorf("the e-mail field keeps %q, want %q", got, w.email)
		}
		// The refusal is the document's 401, and nothing else went wrong.
		if p := tab.Problems(); len(p) != 1 || !strings.Contains(p[0], "HTTP 401") || !strings.Contains(p[0], "/admin/login") {
			t.Errorf("the page reported %q, want only the sign-in's 401", p)
		}
	})

	t.Run("keyboard only", func(t *testing.T) {
		tab := b.Open(t, w.base+"/admin/login", 1280, 800)
		for _, want := range []string{`a.skip "Skip to content"`, "input#f-email", "input#f-password", `button.primary "Sign in"`} {
			tab.Press(t, "Tab")
			if got := tab.Focused(t); !strings.HasPrefix(got, want) {
				t.Fatalf("Tab focuses %s, want %s", got, want)
			}
			if want == "input#f-email" {
				typeText(t, tab, w.email)
			}
			if want == "input#f-password" {
				typeText(t, tab, w.password)
			}
		}
		tab.Press(t, "Enter")
		tab.WaitFor(t, `location.pathname === "/admin" && document.readyState === "complete"`, time.Minute)
		if got := tab.Text(t, "h1"); got != "Your communities" {
			t.Errorf("after signing in with the keyboard, h1 = %q", got)
		}
		tab.WantNoProblems(t)
	})

	t.Run("phone menu", func(t *testing.T) {
		phone := b.Open(t, w.base+"/admin/c/"+w.issuer, 390, 844)
		var visible bool
		const navShown = `(() => {
			const a = document.querySelector("details.menu nav a[aria-current=page]");
			return a !== null && a.checkVisibility();
		})()`
		phone.Eval(t, navShown, &visible)
		if visible {
			t.Error("the navigation shows before the menu is opened")
		}
		if got := phone.Text(t, "details.menu summary"); got != "Menu" {
			t.Errorf("the menu button says %q", got)
		}
		phone.Click(t, "details.menu summary")
		phone.Screenshot(t, filepath.Join(dir, "menu-phone-light.png"))
		phone.Eval(t, navShown, &visible)
		if !visible {
			t.Error(`"Menu" does not show the navigation`)
		}
		if got := phone.Text(t, "details.menu nav a[aria-current=page]"); got != "Dashboard" {
			t.Errorf("the menu marks %q as the current page, want Dashboard", got)
		}
		phone.WantNoProblems(t)
	})
}

// typeText types text into the focused field, key by key.
func typeText(t *testing.T, tab *browsertest.Tab, text string) {
	t.Helper()
	for _, r := range text {
		tab.Press(t, string(r))
	}
}
