package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// portalCommunity is a community with a rule-earned badge, Ada half way
// to it and holding another, and Grace, a second member.
type portalCommunity struct {
	ps          *portalServer
	iss, ada    string
	grace, held string
}

func newPortalCommunity(t *testing.T) *portalCommunity {
	t.Helper()
	ps := newPortalServer(t)
	f := &portalCommunity{ps: ps, iss: mustIssuer(t, ps.testServer)}
	f.ada = mustMember(t, ps.testServer, f.iss, "ada@example.org", "Ada Lovelace")
	f.grace = mustMember(t, ps.testServer, f.iss, "grace@example.org", "Grace Hopper")
	host := mustAchievement(t, ps.testServer, f.iss, map[string]any{"name": "Session Host", "status": "active"})["id"].(string)
	ps.do(t, req{method: "PUT", path: "/api/v1/achievements/" + host + "/rule",
		body: map[string]any{"condition": map[string]any{"count": map[string]any{"behaviour": "hosted-session", "min": 3, "withinDays": 90}}}}).want(t, 200)
	f.held = mustAchievement(t, ps.testServer, f.iss, map[string]any{"name": "First Steps", "status": "active"})["id"].(string)
	ps.do(t, req{method: "PUT", path: "/api/v1/achievements/" + f.held + "/rule",
		body: map[string]any{"condition": map[string]any{"tenure": map[string]any{"days": 36500}}}}).want(t, 200)
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/awards", body: map[string]any{"achievementId": f.held, "memberId": f.ada}}).want(t, 201)
	now := time.Now().UTC()
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: []map[string]any{
		{"memberId": f.ada, "behaviour": "hosted-session", "at": now.Add(-48 * time.Hour), "sourceEventId": "e1", "evidenceUrl": "https://example.org/ada-talk"},
		{"memberId": f.ada, "behaviour": "hosted-session", "at": now.Add(-time.Hour), "sourceEventId": "e2"},
	}}).want(t, 200)
	return f
}

// TestPortal_Progress: next steps first, in words and bars, the badges
// held after; Grace sees her own progress, not Ada's.
func TestPortal_Progress(t *testing.T) {
	f := newPortalCommunity(t)
	p := f.ps.memberSignedIn(t, "ada@example.org").get(t, "/me/progress")
	p.wantPage(t, http.StatusOK, "My progress", "Session Host", "Hosted a session: 2 of 3 in the last 90 days",
		"Next: hosted a session once more in the last 90 days.", "67%", "Badges you hold", "You hold the First Steps badge.")
	if strings.Index(p.Body, "Session Host") > strings.Index(p.Body, "Badges you hold") {
		t.Error("the badges held come before the next steps")
	}
	g := f.ps.memberSignedIn(t, "grace@example.org").get(t, "/me/progress")
	g.wantPage(t, http.StatusOK, "Hosted a session: 0 of 3 in the last 90 days", "Next: hosted a session 3 more times in the last 90 days.")
	if strings.Contains(g.Body, "2 of 3") || strings.Contains(g.Body, "You hold") {
		t.Errorf("Grace sees Ada's progress: %s", g.Body)
	}
}

// TestPortal_DataExport: the member downloads their own data, and only
// theirs, as one JSON document.
func TestPortal_DataExport(t *testing.T) {
	f := newPortalCommunity(t)
	ada := f.ps.memberSignedIn(t, "ada@example.org")
	ada.get(t, "/me/data").wantPage(t, http.StatusOK, "Download my data", "Weekly progress e-mail", "ada@example.org", "Forget me")
	r := ada.get(t, "/me/data/export")
	var v exportView
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil || r.Code != 200 {
		t.Fatalf("%d %v: %s", r.Code, err, r.Body)
	}
	if v.Member.ID != f.ada || len(v.Credentials) != 1 || len(v.Activities) != 2 {
		t.Errorf("Ada's export %+v", v)
	}
	g := f.ps.memberSignedIn(t, "grace@example.org").get(t, "/me/data/export")
	for _, s := range []string{"Ada", "ada@example.org", "ada-talk", f.ada} {
		if strings.Contains(g.Body, s) {
			t.Errorf("Grace's export holds %q", s)
		}
	}
}

// TestPortal_Weekly: the member turns the weekly e-mail on and off; the
// form needs the session's CSRF token and a choice.
func TestPortal_Weekly(t *testing.T) {
	f := newPortalCommunity(t)
	ada := f.ps.memberSignedIn(t, "ada@example.org")
	ada.post(t, "/me/data/weekly", url.Values{"weekly": {"on"}}).wantRedirect(t, "/me/data#weekly")
	on := ada.get(t, "/me/data")
	on.wantPage(t, http.StatusOK, "you will get a weekly e-mail")
	on.wantHTML(t, `value="on" checked`)
	grace := f.ps.memberSignedIn(t, "grace@example.org")
	grace.get(t, "/me/data").wantHTML(t, `value="off" checked`)
	ada.post(t, "/me/data/weekly", url.Values{"weekly": {"maybe"}}).wantPage(t, http.StatusBadRequest, "Choose whether to get the weekly progress e-mail.")
	forged := *ada
	forged.csrf = strings.Repeat("A", 43)
	forged.post(t, "/me/data/weekly", url.Values{"weekly": {"off"}}).wantPage(t, http.StatusForbidden)
	ada.get(t, "/me/data").wantHTML(t, `value="on" checked`)
	ada.post(t, "/me/data/weekly", url.Values{"weekly": {"off"}}).wantRedirect(t, "/me/data#weekly")
	off := ada.get(t, "/me/data")
	off.wantPage(t, http.StatusOK, "no longer get the weekly")
	off.wantHTML(t, `value="off" checked`)
}

// TestPortal_Forget: the member sees what is removed and what stays,
// confirms, is forgotten and signed out; without the tick or the CSRF
// token nothing happens; Grace is untouched.
func TestPortal_Forget(t *testing.T) {
	f := newPortalCommunity(t)
	ada := f.ps.memberSignedIn(t, "ada@example.org")
	ada.get(t, "/me/data/forget").wantPage(t, http.StatusOK, "What is removed", "What stays", "Former member", "ada@example.org",
		"still verifies", "This cannot be undone.")
	ada.post(t, "/me/data/forget", nil).wantPage(t, http.StatusBadRequest, "Tick the box")
	forged := *ada
	forged.csrf = strings.Repeat("A", 43)
	forged.post(t, "/me/data/forget", url.Values{"confirm": {"yes"}}).wantPage(t, http.StatusForbidden)
	var m memberView
	f.ps.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada}).want(t, 200).JSON(t, &m)
	if m.ForgottenAt != nil {
		t.Fatal("forgotten without the confirmation")
	}
	grace := f.ps.memberSignedIn(t, "grace@example.org")
	ada.post(t, "/me/data/forget", url.Values{"confirm": {"yes"}}).wantRedirect(t, "/me/signin")
	ada.get(t, "/me/signin").wantPage(t, http.StatusOK, "You are forgotten")
	ada.get(t, "/me/data").wantRedirect(t, "/me/signin")
	var after memberView
	f.ps.do(t, req{method: "GET", path: "/api/v1/members/" + f.ada}).want(t, 200).JSON(t, &after)
	if after.DisplayName != badges.FormerMemberName || after.Email != "" || after.Slug != "" {
		t.Errorf("after forgetting: %+v", after)
	}
	grace.get(t, "/me/data").wantPage(t, http.StatusOK, "grace@example.org")
}
