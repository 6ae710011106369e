package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// applyWorld is a portal where Mentor is open to applications and Host is
// not, Ada and Grace are members, and another community has a badge open
// to applications too.
type applyWorld struct {
	ps                *portalServer
	iss, mentor, host string
	elsewhere         string // another community's open badge
	ada, grace        *consoleClient
	adaID             string
}

func newApplyWorld(t *testing.T) *applyWorld {
	t.Helper()
	ps := newPortalServer(t)
	w := &applyWorld{ps: ps, iss: mustIssuer(t, ps.testServer)}
	w.mentor = mustAchievement(t, ps.testServer, w.iss, map[string]any{"name": "Mentor", "status": "active", "openToApplications": true,
		"criteria": "Run a **mentoring circle**."})["id"].(string)
	w.host = mustAchievement(t, ps.testServer, w.iss, map[string]any{"name": "Host", "status": "active"})["id"].(string)
	other := mustIssuer(t, ps.testServer)
	w.elsewhere = mustAchievement(t, ps.testServer, other, map[string]any{"name": "Elsewhere", "status": "active", "openToApplications": true})["id"].(string)
	w.adaID = mustMember(t, ps.testServer, w.iss, "ada@example.org", "Ada Lovelace")
	mustMember(t, ps.testServer, w.iss, "grace@example.org", "Grace Hopper")
	w.ada, w.grace = ps.memberSignedIn(t, "ada@example.org"), ps.memberSignedIn(t, "grace@example.org")
	return w
}

// TestPortal_Apply: Ada sees the badges open to her with their criteria,
// applies (a bad link is shown on its field with what she typed kept; a
// form without the session's token is refused), sees her application
// waiting, cannot apply twice, and sees the decision; Grace sees none of
// Ada's applications.
func TestPortal_Apply(t *testing.T) {
	w := newApplyWorld(t)
	list := w.ada.get(t, "/me/apply")
	list.wantPage(t, http.StatusOK, "Apply for a badge", "Mentor", "mentoring circle", "You have not applied for a badge yet.")
	if strings.Contains(list.Body, "<h2>Host</h2>") || strings.Contains(list.Body, "Elsewhere") {
		t.Fatalf("the badges Ada may apply for include one that is not open, or another community's: %s", list.Body)
	}
	w.ada.get(t, "/me/apply/"+w.mentor).wantPage(t, http.StatusOK, "Apply for Mentor", "Send my application")

	form := url.Values{"text": {"I ran <script>alert(1)</script> circles."}, "links": {"https://example.org/a", "mailto:ada@example.org", "", "", ""}}
	bad := w.ada.post(t, "/me/apply/"+w.mentor, form)
	bad.wantPage(t, http.StatusBadRequest, "There is a problem", "Link 2", "https://example.org/a", "mailto:ada@example.org", "I ran <script>alert(1)</script> circles.")
	if !strings.Contains(bad.Body, `id="f-links.2-error"`) || strings.Contains(bad.Body, "<script>alert(1)") {
		t.Fatalf("the error is not on the second link, or the text is not escaped: %s", bad.Body)
	}
	forged := url.Values{"csrf": {"not-the-token"}, "text": {"x"}}
	if p := w.ada.post(t, "/me/apply/"+w.mentor, forged); p.Code != http.StatusForbidden {
		t.Fatalf("a form without the session's token: %d", p.Code)
	}

	form.Set("links", "https://example.org/a")
	w.ada.post(t, "/me/apply/"+w.mentor, form).wantRedirect(t, "/me/apply")
	w.ada.get(t, "/me/apply").wantPage(t, http.StatusOK, "Your application for Mentor is sent.", "Waiting for review")
	w.ada.get(t, "/me/apply/"+w.mentor).wantPage(t, http.StatusOK, "You applied for Mentor already")
	if p := w.ada.post(t, "/me/apply/"+w.mentor, form); p.Code != http.StatusConflict {
		t.Fatalf("applying twice: %d", p.Code)
	}
	w.ada.get(t, "/me/apply/"+w.host).wantPage(t, http.StatusOK, "Host is not open to applications")
	w.ada.get(t, "/me/apply/"+w.elsewhere).wantPage(t, http.StatusNotFound)
	if p := w.ada.post(t, "/me/apply/"+w.elsewhere, url.Values{"text": {"x"}}); p.Code != http.StatusNotFound {
		t.Fatalf("applying for another community's badge: %d", p.Code)
	}

	// Grace sees her own page only.
	g := w.grace.get(t, "/me/apply")
	g.wantPage(t, http.StatusOK, "You have not applied for a badge yet.", "Apply for Mentor")
	if strings.Contains(g.Body, "Waiting for review") || strings.Contains(g.Body, "Ada") {
		t.Fatalf("Grace sees Ada's application: %s", g.Body)
	}
	w.grace.post(t, "/me/apply/"+w.mentor, url.Values{"text": {"I helped."}}).wantRedirect(t, "/me/apply")

	// Decisions, as the console or the API takes them.
	var queue struct {
		Items []struct{ ID, MemberID string }
	}
	w.ps.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations?kind=application"}).want(t, 200).JSON(t, &queue)
	for _, n := range queue.Items {
		if n.MemberID == w.adaID {
			w.ps.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/approve"}).want(t, 200)
		} else {
			w.ps.do(t, req{method: "POST", path: "/api/v1/nominations/" + n.ID + "/decline", body: map[string]any{"reason": "Tell us <b>which</b> circles."}}).want(t, 200)
		}
	}
	today := time.Now().UTC().Format("2 January 2006")
	w.ada.get(t, "/me/apply").wantPage(t, http.StatusOK, "Approved on "+today, "See the badge")
	g = w.grace.get(t, "/me/apply")
	g.wantPage(t, http.StatusOK, "Declined: Tell us <b>which</b> circles.")
	if strings.Contains(g.Body, "Approved on") {
		t.Fatalf("Grace sees Ada's approval: %s", g.Body)
	}
}
