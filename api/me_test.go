package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestPortal_SignIn: a known and an unknown address get the same answer;
// only the known one is sent a link; opening the link does not use it,
// pressing its button does, once; the session cookie is the host's,
// HttpOnly and SameSite=Lax.
func TestPortal_SignIn(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")

	known := ps.askLink(t, ps.guest(), "Ada@Example.org ")
	unknown := ps.askLink(t, ps.guest(), "nobody@example.org")
	known.wantPage(t, http.StatusOK, "If that address belongs to a member, a sign-in link is on its way")
	if known.Code != unknown.Code || known.Body != unknown.Body {
		t.Fatalf("known and unknown addresses are answered differently:\n%d %s\n%d %s", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	if n := ps.mail.to("nobody@example.org"); len(n) != 0 {
		t.Fatalf("an unknown address was sent %d messages", len(n))
	}
	sent := ps.mail.to("ada@example.org")
	if len(sent) != 1 || sent[0].Data["member"] != "Ada Lovelace" || sent[0].Data["expires"] != "15 minutes" ||
		sent[0].IssuerID != iss || !strings.HasPrefix(sent[0].Key, "signin:") {
		t.Fatalf("sign-in notifications %+v", sent)
	}
	link := ps.lastLink(t, "ada@example.org")

	c := ps.guest()
	for range 2 { // a mail scanner opening the link does not use it
		p := c.get(t, link)
		p.wantPage(t, http.StatusOK, "Continue to your badges")
		if p.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Fatalf("the link page sends a referrer: %q", p.Header().Get("Referrer-Policy"))
		}
	}
	w := ps.useLink(t, c, link)
	w.wantRedirect(t, "/me")
	var session *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == "__Host-laurel-member" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
		t.Fatalf("session cookie %+v", session)
	}
	c.get(t, "/me").wantPage(t, http.StatusOK, "My badges", "Ada Lovelace", "Gophers of Lyon")

	again := ps.useLink(t, ps.guest(), link)
	again.wantPage(t, http.StatusGone, "This sign-in link has expired or has been used already")
	if _, ok := c.cookies["__Host-laurel-member"]; !ok {
		t.Fatal("the first browser lost its session")
	}
}

// TestPortal_SignInLinkRefused: an expired link, a made-up one and one of
// a member removed since sign no one in.
func TestPortal_SignInLinkRefused(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	grace := mustMember(t, ps.testServer, iss, "grace@example.org", "Grace Hopper")

	t.Run("expired", func(t *testing.T) {
		ps.askLink(t, ps.guest(), "ada@example.org")
		link := ps.lastLink(t, "ada@example.org")
		ps.clock.Advance(15 * time.Minute)
		c := ps.guest()
		c.get(t, link).wantPage(t, http.StatusGone, "has expired")
		ps.useLink(t, c, link).wantPage(t, http.StatusGone, "has expired")
		c.get(t, "/me").wantRedirect(t, "/me/signin")
	})
	t.Run("wrong token", func(t *testing.T) {
		for _, token := range []string{strings.Repeat("A", 43), "short", strings.Repeat("x", 200)} {
			c := ps.guest()
			ps.useLink(t, c, "/me/signin/"+token).wantPage(t, http.StatusGone, "has expired or has been used")
			c.get(t, "/me").wantRedirect(t, "/me/signin")
		}
	})
	t.Run("member removed", func(t *testing.T) {
		ps.askLink(t, ps.guest(), "grace@example.org")
		link := ps.lastLink(t, "grace@example.org")
		ps.do(t, req{method: "DELETE", path: "/api/v1/members/" + grace}).want(t, 204)
		ps.useLink(t, ps.guest(), link).wantPage(t, http.StatusGone, "has expired or has been used")
	})
}

// TestPortal_SignInLimits: links are limited per address, known or not,
// and per browser address; a bad address is refused naming the field.
func TestPortal_SignInLimits(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")

	ps.askLink(t, ps.guest(), "not an address").wantPage(t, http.StatusBadRequest, "is not a valid e-mail address")
	for _, email := range []string{"ada@example.org", "nobody@example.org"} {
		for range 5 {
			ps.askLink(t, ps.guest(), email).wantPage(t, http.StatusOK, "a sign-in link is on its way")
		}
		ps.askLink(t, ps.guest(), email).wantPage(t, http.StatusTooManyRequests, "too many requests for a sign-in link")
	}
	for i := range 8 { // 20 from one browser address in all
		ps.askLink(t, ps.guest(), "other"+string(rune('a'+i))+"@example.org")
	}
	ps.askLink(t, ps.guest(), "late@example.org").wantPage(t, http.StatusTooManyRequests, "try again in 15 minutes")
	ps.clock.Advance(16 * time.Minute)
	ps.askLink(t, ps.guest(), "ada@example.org").wantPage(t, http.StatusOK, "a sign-in link is on its way")
}

// TestPortal_SessionRefused: no cookie, a made-up one, a form without its
// CSRF token or with another, a guest form without the sign-in cookie.
func TestPortal_SessionRefused(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	c := ps.memberSignedIn(t, "ada@example.org")

	ps.guest().get(t, "/me").wantRedirect(t, "/me/signin")
	forged := ps.guest()
	forged.cookies["__Host-laurel-member"] = strings.Repeat("A", 43)
	forged.get(t, "/me").wantRedirect(t, "/me/signin")

	c.post(t, "/me/signout", url.Values{"csrf": {""}}).wantPage(t, http.StatusForbidden, "This form has expired")
	c.post(t, "/me/signout", url.Values{"csrf": {strings.Repeat("B", 43)}}).wantPage(t, http.StatusForbidden, "This form has expired")
	c.get(t, "/me").wantPage(t, http.StatusOK, "Ada Lovelace")

	noCookie := ps.guest()
	noCookie.post(t, "/me/signin", url.Values{"email": {"ada@example.org"}, "csrf": {strings.Repeat("C", 43)}}).wantPage(t, http.StatusForbidden)
	if n := len(ps.mail.to("ada@example.org")); n != 1 {
		t.Fatalf("%d links sent, want the one of the sign-in", n)
	}
}

// TestPortal_SessionEnds: signing out ends the session everywhere its
// cookie is; a session idle for 7 days, or 30 days old, ends.
func TestPortal_SessionEnds(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")

	c := ps.memberSignedIn(t, "ada@example.org")
	copied := ps.guest()
	copied.cookies["__Host-laurel-member"] = c.cookies["__Host-laurel-member"]
	c.post(t, "/me/signout", nil).wantRedirect(t, "/me/signin")
	c.get(t, "/me/signin").wantPage(t, http.StatusOK, "You have signed out.")
	copied.get(t, "/me").wantRedirect(t, "/me/signin")

	idle := ps.memberSignedIn(t, "ada@example.org")
	ps.clock.Advance(badges.MemberIdleTimeout + time.Minute)
	idle.get(t, "/me").wantRedirect(t, "/me/signin")

	busy := ps.memberSignedIn(t, "ada@example.org")
	for range 5 {
		ps.clock.Advance(6 * 24 * time.Hour)
		busy.get(t, "/me").wantPage(t, http.StatusOK, "My badges")
	}
	ps.clock.Advance(6 * 24 * time.Hour) // 36 days since it began
	busy.get(t, "/me").wantRedirect(t, "/me/signin")
}

// TestPortal_MyBadges lists the member's badges newest first, revoked
// ones as revoked, each with its page, LinkedIn and downloads.
func TestPortal_MyBadges(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	ada := mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	c := ps.memberSignedIn(t, "ada@example.org")
	c.get(t, "/me").wantPage(t, http.StatusOK, "No badges yet")

	first := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "First Steps", "status": "active"})
	host := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Session Host", "status": "active"})
	var old, recent struct{ ID string }
	// the older one issued last, as an import of past awards does
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": host["id"], "memberId": ada, "awardedDate": "2026-03-05T00:00:00Z"}}).want(t, 201).JSON(t, &recent)
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": first["id"], "memberId": ada, "awardedDate": "2026-01-10T00:00:00Z"}}).want(t, 201).JSON(t, &old)
	ps.do(t, req{method: "POST", path: "/api/v1/credentials/" + old.ID + "/revoke", body: map[string]any{"reason": "Awarded by mistake."}}).want(t, 200)

	p := c.get(t, "/me")
	p.wantPage(t, http.StatusOK, "2 badges from Gophers of Lyon", "5 March 2026", "10 January 2026", "Session Host", "First Steps", "Revoked", "Add to LinkedIn",
		"https://www.linkedin.com/profile/add?", baseURL+"/credentials/"+recent.ID+"/badge.svg", baseURL+"/credentials/"+recent.ID+".json")
	if strings.Index(p.Body, "Session Host") > strings.Index(p.Body, "First Steps") {
		t.Error("the newest badge is not listed first")
	}
	if strings.Contains(p.Body, "Awarded by mistake") {
		t.Error("the revocation's private reason is shown")
	}
	if revoked := p.Body[strings.Index(p.Body, `id="badge-`+old.ID):]; strings.Contains(revoked[:strings.Index(revoked, "</li>")], "Add to LinkedIn") {
		t.Error("a revoked badge offers to be added to LinkedIn")
	}
}

// TestPortal_BadgeVisibility: the member chooses, in words, who sees each
// badge; the public profile follows; the form needs its CSRF token and a
// choice there is.
func TestPortal_BadgeVisibility(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	var ada struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "ada@example.org",
		"displayName": "Ada Lovelace", "slug": "ada", "publicProfile": true}}).want(t, 201).JSON(t, &ada)
	a := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Session Host", "status": "active"})
	var cred struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": a["id"], "memberId": ada.ID}}).want(t, 201).JSON(t, &cred)
	c := ps.memberSignedIn(t, "ada@example.org")
	c.get(t, "/me").wantPage(t, http.StatusOK, "Who sees it: Show it on my public profile", "Only people I share the link with", "Keep my name off its page")
	public := ps.guest()
	if p := public.get(t, "/members/ada"); !strings.Contains(p.Body, "/credentials/"+cred.ID) {
		t.Fatalf("the public profile does not list the badge: %s", p.Body)
	}

	path := "/me/badges/" + cred.ID + "/visibility"
	c.post(t, path, url.Values{"visibility": {"link"}, "csrf": {""}}).wantPage(t, http.StatusForbidden)
	c.post(t, path, url.Values{"visibility": {"everyone"}}).wantPage(t, http.StatusBadRequest, "Choose who sees this badge.")
	c.post(t, path, url.Values{"visibility": {"link"}}).wantRedirect(t, "/me#badge-"+cred.ID)
	c.get(t, "/me").wantPage(t, http.StatusOK, "Saved: only people you share its link with see it.", "Who sees it: Only people I share the link with")
	if p := public.get(t, "/members/ada"); strings.Contains(p.Body, "/credentials/"+cred.ID) {
		t.Fatal("the public profile still lists a badge kept to its link")
	}
	c.post(t, "/me/badges/"+strings.Repeat("a", 20)+"/visibility", url.Values{"visibility": {"link"}}).wantPage(t, http.StatusNotFound)
}

// TestPortal_Profile: the member switches the public profile on and off
// and renames themself; each change is recorded with when and by whom,
// and shown in words; an admin's change is recorded as the community's.
func TestPortal_Profile(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	var ada struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "ada@example.org",
		"displayName": "Ada Lovelace", "slug": "ada"}}).want(t, 201).JSON(t, &ada)
	today := ps.clock.Now().UTC().Format("2 January 2006")
	c := ps.memberSignedIn(t, "ada@example.org")
	c.get(t, "/me").wantPage(t, http.StatusOK, "Your profile is private since "+today+", as your community set it.")
	ps.guest().get(t, "/members/ada").wantPage(t, http.StatusNotFound)

	later := time.Now().UTC().Format("2 January 2006") // members are changed on the database's clock
	c.post(t, "/me/profile", url.Values{"displayName": {"Ada King"}, "publicProfile": {"on"}}).wantRedirect(t, "/me/profile")
	c.get(t, "/me/profile").wantPage(t, http.StatusOK, "Your profile is saved.", "Your profile is public since "+later+".",
		"Profile made public by you on "+later, "Name changed by you on "+later, baseURL+"/members/ada")
	ps.guest().get(t, "/members/ada").wantPage(t, http.StatusOK, "Ada King")

	off := false
	ps.do(t, req{method: "PATCH", path: "/api/v1/members/" + ada.ID, body: map[string]any{"publicProfile": off}}).want(t, 200)
	c.get(t, "/me/profile").wantPage(t, http.StatusOK, "Your profile is private since "+later+", as your community set it.",
		"Profile made private by your community on "+later)

	c.post(t, "/me/profile", url.Values{"displayName": {""}, "publicProfile": {"on"}}).wantPage(t, http.StatusBadRequest, "Enter your name, as your badges are to show it.")
	c.post(t, "/me/profile", url.Values{"displayName": {"Ada"}, "publicProfile": {"maybe"}}).wantPage(t, http.StatusBadRequest, "Choose whether your profile is public.")
	c.post(t, "/me/profile", url.Values{"displayName": {"Ada"}, "publicProfile": {"on"}, "csrf": {""}}).wantPage(t, http.StatusForbidden)
	m, err := ps.stores.Members.Member(t.Context(), ada.ID)
	if err != nil || m.DisplayName != "Ada King" || m.PublicProfile || len(m.Choices) != 3 {
		t.Fatalf("after refused forms the member is %+v, %v", m, err)
	}
}
