package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// consoleNeeds is what each console route needs, written apart from the
// route table so that a route given the wrong access there fails
// TestConsole_Roles: "guest" (anyone), "signed in", "service" (a service
// administrator), or the least role in the community the path names.
var consoleNeeds = map[string]string{
	"GET /admin/login":                          "guest",
	"POST /admin/login":                         "guest",
	"GET /admin/password/:token":                "guest",
	"POST /admin/password/:token":               "guest",
	"POST /admin/logout":                        "signed in",
	"GET /admin":                                "signed in",
	"POST /admin/communities":                   "service",
	"GET /admin/account":                        "signed in",
	"POST /admin/account/password":              "signed in",
	"POST /admin/account/sign-out-everywhere":   "signed in",
	"GET /admin/c/:issuer":                      "viewer",
	"GET /admin/c/:issuer/jobs/:job":            "viewer",
	"GET /admin/c/:issuer/jobs/:job/result.csv": "viewer",
	// The rule builder.
	"GET /admin/c/:issuer/badges/:achievement/rule":         "viewer",
	"POST /admin/c/:issuer/badges/:achievement/rule":        "admin",
	"GET /admin/c/:issuer/badges/:achievement/rule/remove":  "admin",
	"POST /admin/c/:issuer/badges/:achievement/rule/remove": "admin",
	// Dashboard, nominations, spotlight, cohorts, outcomes and measures.
	"GET /admin/c/:issuer/quiet-members":                           "viewer",
	"GET /admin/c/:issuer/nominations":                             "viewer",
	"GET /admin/c/:issuer/nominations/:nomination":                 "admin",
	"POST /admin/c/:issuer/nominations/:nomination/approve":        "admin",
	"POST /admin/c/:issuer/nominations/:nomination/decline":        "admin",
	"GET /admin/c/:issuer/messages":                                "admin",
	"GET /admin/c/:issuer/messages/:message":                       "admin",
	"GET /admin/c/:issuer/messages/:message/send":                  "admin",
	"POST /admin/c/:issuer/messages/:message/send":                 "admin",
	"GET /admin/c/:issuer/spotlight":                               "viewer",
	"POST /admin/c/:issuer/spotlight":                              "admin",
	"GET /admin/c/:issuer/spotlight/remove":                        "admin",
	"POST /admin/c/:issuer/spotlight/remove":                       "admin",
	"GET /admin/c/:issuer/cohorts":                                 "viewer",
	"POST /admin/c/:issuer/cohorts":                                "admin",
	"GET /admin/c/:issuer/cohorts/:cohort":                         "viewer",
	"POST /admin/c/:issuer/cohorts/:cohort":                        "admin",
	"POST /admin/c/:issuer/cohorts/:cohort/archive":                "admin",
	"POST /admin/c/:issuer/cohorts/:cohort/members":                "admin",
	"GET /admin/c/:issuer/cohorts/:cohort/members/:member/remove":  "admin",
	"POST /admin/c/:issuer/cohorts/:cohort/members/:member/remove": "admin",
	"GET /admin/c/:issuer/outcomes":                                "viewer",
	"POST /admin/c/:issuer/outcomes":                               "admin",
	"GET /admin/c/:issuer/outcomes/:outcome":                       "admin",
	"POST /admin/c/:issuer/outcomes/:outcome":                      "admin",
	"POST /admin/c/:issuer/measures":                               "admin",
	"GET /admin/c/:issuer/measures/:measure":                       "admin",
	"POST /admin/c/:issuer/measures/:measure":                      "admin",
	"GET /admin/c/:issuer/measures/:measure/delete":                "admin",
	"POST /admin/c/:issuer/measures/:measure/delete":               "admin",
	"GET /admin/c/:issuer/measures/:measure/history":               "viewer",
	"GET /admin/c/:issuer/export/stats":                            "viewer",
	// Badges.
	"GET /admin/c/:issuer/badges":                                          "viewer",
	"GET /admin/c/:issuer/badges/new":                                      "admin",
	"POST /admin/c/:issuer/badges/new":                                     "admin",
	"POST /admin/c/:issuer/badges/markdown":                                "admin",
	"GET /admin/c/:issuer/badges/preview":                                  "viewer",
	"POST /admin/c/:issuer/badges/preview":                                 "admin",
	"GET /admin/c/:issuer/badges/art.svg":                                  "viewer",
	"GET /admin/c/:issuer/badges/:achievement":                             "viewer",
	"GET /admin/c/:issuer/badges/:achievement/edit":                        "admin",
	"POST /admin/c/:issuer/badges/:achievement/edit":                       "admin",
	"GET /admin/c/:issuer/badges/:achievement/image":                       "admin",
	"POST /admin/c/:issuer/badges/:achievement/image":                      "admin",
	"POST /admin/c/:issuer/badges/:achievement/image/reset":                "admin",
	"GET /admin/c/:issuer/badges/:achievement/art.png":                     "viewer",
	"GET /admin/c/:issuer/badges/:achievement/activate":                    "admin",
	"POST /admin/c/:issuer/badges/:achievement/activate":                   "admin",
	"GET /admin/c/:issuer/badges/:achievement/archive":                     "admin",
	"POST /admin/c/:issuer/badges/:achievement/archive":                    "admin",
	"GET /admin/c/:issuer/badges/:achievement/reevaluate":                  "admin",
	"POST /admin/c/:issuer/badges/:achievement/reevaluate":                 "admin",
	"GET /admin/c/:issuer/badges/:achievement/reevaluations/:reevaluation": "viewer",
	// People, API keys and settings.
	"GET /admin/c/:issuer/people":                  "owner",
	"POST /admin/c/:issuer/people":                 "owner",
	"GET /admin/c/:issuer/people/link":             "owner",
	"GET /admin/c/:issuer/people/:account":         "owner",
	"POST /admin/c/:issuer/people/:account/role":   "owner",
	"POST /admin/c/:issuer/people/:account/link":   "owner",
	"GET /admin/c/:issuer/people/:account/remove":  "owner",
	"POST /admin/c/:issuer/people/:account/remove": "owner",
	"GET /admin/apikeys":                           "service",
	"POST /admin/apikeys":                          "service",
	"GET /admin/apikeys/created":                   "service",
	"GET /admin/apikeys/:key/revoke":               "service",
	"POST /admin/apikeys/:key/revoke":              "service",
	"GET /admin/c/:issuer/settings":                "owner",
	"POST /admin/c/:issuer/settings":               "owner",
	"POST /admin/c/:issuer/settings/logo":          "owner",
	"GET /admin/c/:issuer/settings/rotate":         "owner",
	"POST /admin/c/:issuer/settings/rotate":        "owner",
	// The community's e-mail: its wording and previews.
	"GET /admin/c/:issuer/settings/emails":                    "admin",
	"GET /admin/c/:issuer/settings/emails/:kind":              "admin",
	"POST /admin/c/:issuer/settings/emails/:kind":             "admin",
	"GET /admin/c/:issuer/settings/emails/:kind/preview":      "admin",
	"GET /admin/c/:issuer/settings/emails/:kind/preview.html": "admin",
	"GET /admin/c/:issuer/settings/emails/:kind/reset":        "admin",
	"POST /admin/c/:issuer/settings/emails/:kind/reset":       "admin",
	"GET /admin/c/:issuer/members":                            "viewer",
	"GET /admin/c/:issuer/members/new":                        "admin",
	"POST /admin/c/:issuer/members/new":                       "admin",
	"GET /admin/c/:issuer/members/import":                     "admin",
	"POST /admin/c/:issuer/members/import":                    "admin",
	"GET /admin/c/:issuer/members/import/example.csv":         "viewer",
	"GET /admin/c/:issuer/members/:member":                    "viewer",
	"GET /admin/c/:issuer/members/:member/edit":               "admin",
	"POST /admin/c/:issuer/members/:member/edit":              "admin",
	"GET /admin/c/:issuer/members/:member/remove":             "admin",
	"POST /admin/c/:issuer/members/:member/remove":            "admin",
	"GET /admin/c/:issuer/members/:member/forget":             "admin",
	"POST /admin/c/:issuer/members/:member/forget":            "admin",

	// Integrations and webhooks (adminintegrations.go, adminwebhook*.go).
	"GET /admin/c/:issuer/integrations":                                                   "viewer",
	"GET /admin/c/:issuer/integrations/webhooks":                                          "viewer",
	"POST /admin/c/:issuer/integrations/webhooks":                                         "admin",
	"GET /admin/c/:issuer/integrations/webhooks/created":                                  "admin",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook":                                 "viewer",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook/edit":                            "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/edit":                           "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/state":                          "admin",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook/rotate":                          "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/rotate":                         "admin",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook/delete":                          "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/delete":                         "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/ping":                           "admin",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook/replay":                          "admin",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/replay":                         "admin",
	"GET /admin/c/:issuer/integrations/webhooks/:webhook/deliveries/:delivery":            "viewer",
	"POST /admin/c/:issuer/integrations/webhooks/:webhook/deliveries/:delivery/redeliver": "admin",

	"GET /admin/c/:issuer/awards":                      "viewer",
	"GET /admin/c/:issuer/awards/new":                  "awarder",
	"POST /admin/c/:issuer/awards/new":                 "awarder",
	"GET /admin/c/:issuer/awards/import":               "awarder",
	"POST /admin/c/:issuer/awards/import":              "awarder",
	"GET /admin/c/:issuer/awards/import/example.csv":   "awarder",
	"GET /admin/c/:issuer/awards/:credential":          "viewer",
	"GET /admin/c/:issuer/awards/:credential/revoke":   "admin",
	"POST /admin/c/:issuer/awards/:credential/revoke":  "admin",
	"GET /admin/c/:issuer/activity":                    "viewer",
	"GET /admin/c/:issuer/activity/new":                "awarder",
	"POST /admin/c/:issuer/activity/new":               "awarder",
	"GET /admin/c/:issuer/activity/import":             "awarder",
	"POST /admin/c/:issuer/activity/import":            "awarder",
	"GET /admin/c/:issuer/activity/import/example.csv": "awarder",
	"GET /admin/c/:issuer/activity/:activity/void":     "admin",
	"POST /admin/c/:issuer/activity/:activity/void":    "admin",
	"GET /admin/c/:issuer/checkins":                    "viewer",
	"GET /admin/c/:issuer/checkins/new":                "awarder",
	"POST /admin/c/:issuer/checkins/new":               "awarder",
	"GET /admin/c/:issuer/checkins/:checkin":           "viewer",
	"GET /admin/c/:issuer/checkins/:checkin/qr.svg":    "viewer",
	"GET /admin/c/:issuer/checkins/:checkin/close":     "awarder",
	"POST /admin/c/:issuer/checkins/:checkin/close":    "awarder",

	// Chat channels (adminchat.go).
	"GET /admin/c/:issuer/integrations/chat":                   "viewer",
	"POST /admin/c/:issuer/integrations/chat":                  "admin",
	"POST /admin/c/:issuer/integrations/chat/:endpoint/test":   "admin",
	"GET /admin/c/:issuer/integrations/chat/:endpoint/remove":  "admin",
	"POST /admin/c/:issuer/integrations/chat/:endpoint/remove": "admin",
	// Activity sources (adminsource*.go).
	"GET /admin/c/:issuer/integrations/sources":                  "viewer",
	"POST /admin/c/:issuer/integrations/sources":                 "admin",
	"GET /admin/c/:issuer/integrations/sources/:source":          "viewer",
	"POST /admin/c/:issuer/integrations/sources/:source":         "admin",
	"POST /admin/c/:issuer/integrations/sources/:source/dry-run": "admin",
	"POST /admin/c/:issuer/integrations/sources/:source/rotate":  "admin",
	"GET /admin/c/:issuer/integrations/sources/:source/remove":   "admin",
	"POST /admin/c/:issuer/integrations/sources/:source/remove":  "admin",
	// Meeting attendance (adminattendance.go).
	"GET /admin/c/:issuer/integrations/attendance":          "viewer",
	"POST /admin/c/:issuer/integrations/attendance":         "admin",
	"POST /admin/c/:issuer/integrations/attendance/confirm": "admin",
}

// endsSession are the routes that end the session that calls them; they
// are tested on their own.
var endsSession = map[string]bool{
	"POST /admin/logout":                      true,
	"POST /admin/account/sign-out-everywhere": true,
}

// anyToken matches the random tokens of a page (its CSRF token).
var anyToken = regexp.MustCompile(`[A-Za-z0-9_-]{43}`)

var roleRank = map[string]int{"viewer": 1, "awarder": 2, "admin": 3, "owner": 4, "service": 5}

// TestConsole_Roles calls every console route as each role in the
// community its path names, as an owner of another community, and as a
// service administrator, with a valid CSRF token and nothing else: a
// role below the route's need is refused with 403 and changes nothing,
// a role that meets it is let through (to a page, a redirect or a
// complaint about the empty form, never 403, 401 or a 5xx).
func TestConsole_Roles(t *testing.T) {
	ts := newTestServer(t)
	community, other := mustIssuer(t, ts), mustIssuer(t, ts)
	callers := map[string]*consoleClient{"service": ts.consoleAs(t, "", "")}
	for _, r := range []badges.Role{badges.RoleViewer, badges.RoleAwarder, badges.RoleAdmin, badges.RoleOwner} {
		callers[string(r)] = ts.consoleAs(t, r, community)
	}
	callers["owner elsewhere"] = ts.consoleAs(t, badges.RoleOwner, other)
	seen := map[string]bool{}
	for _, rt := range ts.srv.Routes() {
		key := rt.Method + " " + rt.Path
		if !strings.HasPrefix(rt.Path, "/admin") {
			continue
		}
		seen[key] = true
		need, ok := consoleNeeds[key]
		if !ok {
			t.Errorf("console route %s is not in consoleNeeds: say who may call it", key)
			continue
		}
		if endsSession[key] || need == "guest" {
			continue
		}
		path := strings.Replace(rt.Path, ":issuer", community, 1)
		path = routeParam.ReplaceAllString(path, "aaaaaaaaaaaaaaaaaaaa")
		for who, c := range callers {
			var w *page
			if rt.Method == http.MethodGet {
				w = c.get(t, path)
			} else {
				w = c.post(t, path, url.Values{})
			}
			rank, needed := roleRank[who], roleRank[need]
			allowed := need == "signed in" || rank >= needed
			if who == "owner elsewhere" {
				allowed = need == "signed in"
			}
			switch {
			case w.Code == http.StatusUnauthorized || w.Code == http.StatusSeeOther && strings.HasPrefix(w.Header().Get("Location"), "/admin/login"):
				t.Errorf("%s as %s → %d to %s: the session was not recognised", key, who, w.Code, w.Header().Get("Location"))
			case allowed && w.Code == http.StatusForbidden:
				t.Errorf("%s (needs %s) as %s → 403, want it let in: %s", key, need, who, w.Body)
			case !allowed && w.Code != http.StatusForbidden:
				t.Errorf("%s (needs %s) as %s → %d, want 403", key, need, who, w.Code)
			}
		}
	}
	for key := range consoleNeeds {
		if !seen[key] {
			t.Errorf("consoleNeeds lists %s, which is not registered", key)
		}
	}
}

// TestConsole_CSRF: a state-changing console request without the
// session's CSRF token, or with another session's, is refused with 403
// and changes nothing; so is a sign-in form without its cookie's token.
func TestConsole_CSRF(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.consoleAs(t, "", "")
	otherSession := ts.consoleAs(t, "", "")
	for name, token := range map[string]string{"none": "", "another session's": otherSession.csrf, "forged": strings.Repeat("A", 43)} {
		t.Run(name, func(t *testing.T) {
			w := admin.post(t, "/admin/communities", url.Values{"csrf": {token}, "name": {"Forged Community"}})
			w.wantPage(t, http.StatusForbidden, "This form has expired or did not come from this console")
		})
	}
	if list := admin.get(t, "/admin"); strings.Contains(list.Body, "Forged Community") {
		t.Fatal("a community was created by a request without a valid CSRF token")
	}
	admin.post(t, "/admin/communities", url.Values{"name": {"Real Community"}}).wantRedirect(t, "/admin/c/")

	guest := ts.guest()
	guest.get(t, "/admin/login")
	w := guest.post(t, "/admin/login", url.Values{"csrf": {strings.Repeat("B", 43)}, "email": {admin.Account.Email}, "password": {testPassword}})
	w.wantPage(t, http.StatusForbidden)
	if _, ok := guest.cookies["laurel-console"]; ok {
		t.Fatal("a sign-in without its form's token made a session")
	}
}

// TestConsole_SignIn: a wrong password and an unknown account get the
// same answer; a right one opens the console, at the page asked for
// when it is the console's, never elsewhere.
func TestConsole_SignIn(t *testing.T) {
	ts := newTestServer(t)
	a := ts.newAccount(t, "ada@example.org", "", "")
	answers := map[string]string{}
	for name, form := range map[string][2]string{
		"wrong password":  {a.Email, "not the password at all"},
		"unknown account": {"nobody@example.org", testPassword},
	} {
		c := ts.guest()
		c.get(t, "/admin/login")
		c.csrf = c.cookies["__Host-laurel-signin"]
		w := c.post(t, "/admin/login", url.Values{"email": {form[0]}, "password": {form[1]}})
		w.wantPage(t, http.StatusUnauthorized, "The e-mail address or password is not right.")
		answers[name] = strings.ReplaceAll(w.Body, form[0], "EMAIL")
		answers[name] = anyToken.ReplaceAllString(answers[name], "TOKEN")
	}
	if answers["wrong password"] != answers["unknown account"] {
		t.Fatalf("a wrong password and an unknown account are answered differently:\n%s\n---\n%s", answers["wrong password"], answers["unknown account"])
	}
	for next, want := range map[string]string{
		"/admin/account":           "/admin/account",
		"https://evil.example.org": "/admin",
		"//evil.example.org/admin": "/admin",
		"/\\evil.example.org":      "/admin",
		"/verify":                  "/admin",
	} {
		c := ts.guest()
		c.get(t, "/admin/login?next="+url.QueryEscape(next))
		c.csrf = c.cookies["__Host-laurel-signin"]
		w := c.post(t, "/admin/login", url.Values{"email": {a.Email}, "password": {testPassword}, "next": {next}})
		if got := w.Header().Get("Location"); w.Code != http.StatusSeeOther || got != want {
			t.Errorf("sign in with next=%q → %d to %q, want %q", next, w.Code, got, want)
		}
	}
}

// TestConsole_SessionEnds: signing out ends the session; signing out
// everywhere and changing the password end every session of the account.
func TestConsole_SessionEnds(t *testing.T) {
	ts := newTestServer(t)
	c := ts.consoleAs(t, "", "")
	stale := *c
	stale.cookies = map[string]string{"laurel-console": c.cookies["laurel-console"]}
	c.post(t, "/admin/logout", nil).wantRedirect(t, "/admin/login")
	stale.get(t, "/admin/account").wantRedirect(t, "/admin/login")

	a, b := ts.guest(), ts.guest()
	for _, x := range []*consoleClient{a, b} {
		x.signIn(t, c.Account.Email, testPassword)
	}
	a.post(t, "/admin/account/sign-out-everywhere", nil).wantRedirect(t, "/admin/login")
	b.get(t, "/admin/account").wantRedirect(t, "/admin/login")

	a.signIn(t, c.Account.Email, testPassword)
	b.signIn(t, c.Account.Email, testPassword)
	a.post(t, "/admin/account/password", url.Values{"currentPassword": {testPassword}, "password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}}).wantRedirect(t, "/admin/login")
	b.get(t, "/admin").wantRedirect(t, "/admin/login")
	a.signIn(t, c.Account.Email, "a brand new passphrase")
}

// TestConsole_Unauthenticated: a console page without a session sends
// the browser to sign in and back; an htmx request is told where to go.
func TestConsole_Unauthenticated(t *testing.T) {
	ts := newTestServer(t)
	g := ts.guest()
	if loc := g.get(t, "/admin/c/abc/jobs/def").wantRedirect(t, "/admin/login"); loc != "/admin/login?next="+url.QueryEscape("/admin/c/abc/jobs/def") {
		t.Fatalf("redirect to %q", loc)
	}
	r := httptest.NewRequest(http.MethodGet, "/admin/account", nil)
	r.Header.Set("HX-Request", "true")
	w := g.do(t, r)
	if w.Code != http.StatusUnauthorized || w.Header().Get("HX-Redirect") != "/admin/login?next=%2Fadmin%2Faccount" {
		t.Fatalf("htmx request without a session → %d, HX-Redirect %q", w.Code, w.Header().Get("HX-Redirect"))
	}
}

// TestConsole_UnknownQueryParameter: a console page refuses a query
// parameter it does not take, naming it, as the API does.
func TestConsole_UnknownQueryParameter(t *testing.T) {
	ts := newTestServer(t)
	community := mustIssuer(t, ts)
	admin := ts.consoleAs(t, "", "")
	for _, rt := range ts.srv.Routes() {
		key := rt.Method + " " + rt.Path
		if !consoleRoute(key) || rt.Method != http.MethodGet {
			continue
		}
		path := strings.Replace(rt.Path, ":issuer", community, 1)
		path = routeParam.ReplaceAllString(path, "aaaaaaaaaaaaaaaaaaaa")
		w := admin.get(t, path+"?sortBy=name")
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body, "&#34;sortBy&#34;") {
			t.Errorf("%s?sortBy=name → %d, want 400 naming sortBy: %s", key, w.Code, w.Body)
		}
	}
}

// TestConsole_WrongCurrentPassword: a wrong current password is shown on
// the current password's field, which the error summary links to, and
// changes nothing.
func TestConsole_WrongCurrentPassword(t *testing.T) {
	ts := newTestServer(t)
	c := ts.consoleAs(t, "", "")
	w := c.post(t, "/admin/account/password", url.Values{"currentPassword": {"not the password at all"},
		"password": {"a brand new passphrase"}, "confirm": {"a brand new passphrase"}})
	w.wantPage(t, http.StatusBadRequest)
	for _, want := range []string{`href="#f-currentPassword"`, `id="f-currentPassword-error"`, "Current password is not right."} {
		if !strings.Contains(w.Body, want) {
			t.Errorf("the page lacks %s: %s", want, w.Body)
		}
	}
	c.get(t, "/admin/account").wantPage(t, http.StatusOK)
	ts.guest().signIn(t, c.Account.Email, testPassword)
}
