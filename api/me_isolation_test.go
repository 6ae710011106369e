package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// portalAccess is who may call each member portal route: "member" (a
// signed-in member), "member guest" (the sign-in pages) or "public".
// Every portal route is listed here, apart from the route table, so that
// TestRoutes_Access checks its access and TestPortal_OnlyOwnData opens it
// as a second member. Pages added to the portal add their rows here.
var portalAccess = map[string]string{
	"GET /me/signin":         "member guest",
	"POST /me/signin":        "member guest",
	"GET /me/signin/:token":  "member guest",
	"POST /me/signin/:token": "member guest",
	"GET /me/theme/:issuer":  "public",
	"POST /me/signout":       "member",
	"POST /me/community":     "member",
	"GET /me":                "member",

	"POST /me/badges/:credential/visibility": "member",
	"POST /checkin/:code/confirm":            "member",
	"GET /me/checkins":                       "member",
	"POST /me/checkins":                      "member",
	"GET /me/checkins/:checkin":              "member",
	"GET /me/checkins/:checkin/qr.svg":       "member",
	"GET /me/profile":                        "member",
	"POST /me/profile":                       "member",

	"GET /me/apply":               "member", // applying for a badge
	"GET /me/apply/:achievement":  "member",
	"POST /me/apply/:achievement": "member",
	"GET /me/lead":                "member", "POST /me/lead/endorse": "member", "POST /me/lead/nominate": "member",
	"GET /me/progress":     "member",
	"GET /me/data":         "member",
	"GET /me/data/export":  "member",
	"POST /me/data/weekly": "member",
	"GET /me/data/forget":  "member",
	"POST /me/data/forget": "member",
}

// portalRoute reports whether a route is the portal's.
func portalRoute(key string) bool {
	_, ok := portalAccess[key]
	return ok
}

// TestPortal_OnlyOwnData signs in a second member of the same community
// and opens every portal page there is: none shows the first member's
// name, address or badges, whatever id the path is given.
func TestPortal_OnlyOwnData(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	ada := mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	mustMember(t, ps.testServer, iss, "grace@example.org", "Grace Hopper")
	private := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Quiet Mentor", "status": "active"})
	var cred struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": private["id"], "memberId": ada}}).want(t, 201).JSON(t, &cred)

	ps.memberSignedIn(t, "ada@example.org").get(t, "/me").wantPage(t, http.StatusOK, "Quiet Mentor", "Ada Lovelace")
	c := ps.memberSignedIn(t, "grace@example.org")
	secrets := []string{"Ada Lovelace", "ada@example.org", "Quiet Mentor", cred.ID, ada}
	for _, rt := range ps.srv.Routes() {
		key := rt.Method + " " + rt.Path
		if portalAccess[key] != "member" || rt.Method != http.MethodGet {
			continue
		}
		for _, id := range []string{ada, cred.ID, iss} {
			path := routeParam.ReplaceAllString(rt.Path, id)
			p := c.get(t, path)
			for _, s := range secrets {
				if strings.Contains(p.Body, s) {
					t.Errorf("%s as Grace shows %q: %s", path, s, p.Body)
				}
			}
		}
	}
	// Grace can neither choose how Ada's badge is shown nor switch to
	// Ada's membership.
	c.post(t, "/me/badges/"+cred.ID+"/visibility", url.Values{"visibility": {"hidden"}}).wantPage(t, http.StatusNotFound)
	var j struct{ Visibility string }
	ps.do(t, req{method: "GET", path: "/api/v1/credentials/" + cred.ID}).want(t, 200).JSON(t, &j)
	if j.Visibility != "public" {
		t.Fatalf("Grace changed Ada's badge to %q", j.Visibility)
	}
	c.post(t, "/me/community", url.Values{"member": {ada}}).wantPage(t, http.StatusBadRequest, "You are not signed in to that community.")
	c.get(t, "/me").wantPage(t, http.StatusOK, "Grace Hopper")
}

// TestPortal_Communities: one address, members of two communities: one
// sign-in opens both, and the switcher moves between them.
func TestPortal_Communities(t *testing.T) {
	ps := newPortalServer(t)
	lyon := mustIssuer(t, ps.testServer)
	var paris struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Gophers of Paris", "url": "https://paris.example.org"}}).want(t, 201).JSON(t, &paris)
	mustMember(t, ps.testServer, lyon, "ada@example.org", "Ada in Lyon")
	inParis := mustMember(t, ps.testServer, paris.ID, "ada@example.org", "Ada in Paris")

	if n := len(ps.mail.to("ada@example.org")); n != 0 {
		t.Fatalf("%d messages before asking", n)
	}
	c := ps.memberSignedIn(t, "ada@example.org")
	if n := len(ps.mail.to("ada@example.org")); n != 1 {
		t.Fatalf("one sign-in for two communities sent %d messages", n)
	}
	home := c.get(t, "/me")
	home.wantPage(t, http.StatusOK, "Gophers of Lyon", "Gophers of Paris", "Switch")
	c.post(t, "/me/community", url.Values{"member": {inParis}}).wantRedirect(t, "/me")
	c.get(t, "/me").wantPage(t, http.StatusOK, "Ada in Paris", "When Gophers of Paris recognises")
}

// TestPortal_Escaped: names a member or an admin typed are shown as text,
// never as markup.
func TestPortal_Escaped(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	ada := mustMember(t, ps.testServer, iss, "ada@example.org", "Ada "+evil)
	a := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Badge " + evil, "description": "Hosted " + evil, "status": "active"})
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": a["id"], "memberId": ada}}).want(t, 201)
	c := ps.memberSignedIn(t, "ada@example.org")
	for _, path := range []string{"/me", "/me/signin"} {
		p := c.get(t, path)
		if strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<img src=x") {
			t.Fatalf("%s holds markup from a name: %s", path, p.Body)
		}
	}
	c.get(t, "/me").wantPage(t, http.StatusOK, "Ada "+evil, "Badge "+evil)
}

// TestPortal_UnknownQueryParameter opens every portal page, signed in,
// with a query parameter no route takes: each answers 400 naming it.
func TestPortal_UnknownQueryParameter(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	c := ps.memberSignedIn(t, "ada@example.org")
	for _, rt := range ps.srv.Routes() {
		key := rt.Method + " " + rt.Path
		if !portalRoute(key) || rt.Method != http.MethodGet {
			continue
		}
		path := strings.Replace(rt.Path, ":issuer", iss, 1)
		path = routeParam.ReplaceAllString(path, "aaaaaaaaaaaaaaaaaaaa")
		p := c.get(t, path+"?sortBy=name")
		if p.Code != http.StatusBadRequest || !strings.Contains(p.Body, "sortBy") {
			t.Errorf("%s?sortBy=name → %d, want 400 naming sortBy: %s", key, p.Code, p.Body)
		}
	}
}
