package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/api/browsertest"
	"github.com/laurel-badges/laurel/badges/database"
)

// credentialStates are credentials of one badge in each state a public
// credential page shows: valid (with everything a credential can say),
// revoked with its reason published, revoked with it kept private,
// expired, and held by a member who does not consent to be named.
type credentialStates struct {
	*badgeWorld
	mentor                                     string // the badge, which asks for Session Host first
	valid, revokedPublic, revokedPrivate, gone string // credential ids; gone has expired
	anonymous, hostile                         string
}

func newCredentialStates(t *testing.T) *credentialStates {
	t.Helper()
	w := &credentialStates{badgeWorld: newBadgeWorld(t)}
	c := w.c
	w.mentor = str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": "Community Mentor", "description": "Mentored newer members through their first talks.", "level": "contribution",
		"criteria": "Mentor **three** members for a month each.", "status": "active", "validityDays": 730,
		"tags": []string{"mentoring", "public speaking", "go"},
		"alignments": []map[string]any{
			{"targetName": "Coaching others", "targetUrl": "https://esco.example.org/skills/coaching", "targetFramework": "ESCO"},
			{"targetName": "Giving feedback", "targetUrl": "https://skills.example.org/feedback", "targetFramework": "Open Skills"},
		},
	}, http.StatusCreated), "id")
	member := func(email, name, slug string, public bool) string {
		return str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
			"email": email, "displayName": name, "slug": slug, "publicProfile": public}, http.StatusCreated), "id")
	}
	award := func(badge, memberID string, extra map[string]any) string {
		body := map[string]any{"achievementId": badge, "memberId": memberID}
		for k, v := range extra {
			body[k] = v
		}
		return str(t, c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", body, http.StatusCreated), "id")
	}
	grace, carol := member("grace@example.org", "Grace Hopper", "grace", true), member("carol@example.org", "Carol Shaw", "carol", true)
	dan, erin := member("dan@example.org", "Dan Bricklin", "dan", true), member("erin@example.org", "Erin Catto", "erin", true)
	ada := str(t, c.json(t, "GET", "/api/v1/credentials/"+w.adaCred, nil, http.StatusOK), "memberId")
	award(w.badge, grace, nil) // Session Host: Grace leads, and endorses Ada
	w.valid = award(w.mentor, ada, map[string]any{"narrative": "Mentored three first-time speakers through the spring season.",
		"results": []map[string]any{{"value": "3 members mentored", "status": "Completed"}, {"value": "1 talk co-written", "status": "InProgress"}},
		"evidence": []map[string]any{{"url": "https://gophers.example.org/mentoring/spring", "name": "Spring mentoring round",
			"description": "The programme and its talks."}},
	})
	c.json(t, "PUT", "/api/v1/achievements/"+w.mentor+"/rule", map[string]any{"condition": map[string]any{"holds": map[string]any{"achievement": w.badge}}}, http.StatusOK)
	c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/endorsements", map[string]any{"endorserId": grace, "memberId": ada,
		"note": "Ada made every one of her mentees feel ready for the stage."}, http.StatusCreated)
	w.revokedPublic, w.revokedPrivate, w.gone = award(w.badge, carol, nil), award(w.badge, dan, nil), award(w.badge, erin, nil)
	c.json(t, "POST", "/api/v1/credentials/"+w.revokedPublic+"/revoke", map[string]any{"reason": "Awarded for a session that was cancelled.", "publishReason": true}, http.StatusOK)
	c.json(t, "POST", "/api/v1/credentials/"+w.revokedPrivate+"/revoke", map[string]any{"reason": "Zq7 private matter."}, http.StatusOK)
	w.expire(t, w.gone)
	w.anonymous = w.bobCred
	w.hostile = w.hostileCredential(t)
	return w
}

// hostileCredential is a credential whose every word is hostile: markup,
// quotes, right-to-left text, emoji and words longer than a phone.
func (w *credentialStates) hostileCredential(t *testing.T) string {
	t.Helper()
	long := strings.Repeat("Supercalifragilistic", 4) // 80 letters, no room to break
	h := `<script>alert("x")</script>"'><img src=x onerror=alert(1)> `
	badge := str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/achievements", map[string]any{
		"name": h + long, "description": h + "\u202eمرحبا بالعالم 🎉 " + long, "criteria": h + long, "status": "active", "level": "mentor-track",
		"tags":       []string{h, long, "🎉 عربي"},
		"alignments": []map[string]any{{"targetName": h + long, "targetUrl": "https://example.org/" + long, "targetFramework": h}},
	}, http.StatusCreated), "id")
	m := str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/members", map[string]any{
		"email": "h@example.org", "displayName": "\u202eأحمد " + h + long, "slug": "hostile", "publicProfile": true}, http.StatusCreated), "id")
	return str(t, w.c.json(t, "POST", "/api/v1/issuers/"+w.issuer+"/awards", map[string]any{"achievementId": badge, "memberId": m,
		"narrative": h + long, "results": []map[string]any{{"value": h + long, "status": "Completed"}},
		"evidence": []map[string]any{{"url": "https://example.org/" + long, "name": h + long, "description": h + long}},
	}, http.StatusCreated), "id")
}

// expire moves a credential's expiry into the past, standing in for the
// two years it was valid passing (the server's clock is the real one).
// The page reads it before any page of the credential is cached.
func (w *credentialStates) expire(t *testing.T, id string) {
	t.Helper()
	past := time.Now().UTC().AddDate(0, 0, -3).Truncate(24 * time.Hour)
	_, err := w.m.db.Collection(database.Credentials).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "validUntil", Value: past}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// sharingSelectors find anything a page offers for sharing or download.
const sharingSelectors = `a[href*="linkedin.com"], a[href*="x.com"], a[href*="facebook.com"], a[href^="mailto:"], a[download],
	button[data-copy], #qr, #page-url, a[href$="/badge.png"], a[href$="/badge.svg"]`

// TestBrowser_CredentialStates photographs the credential page in each
// state, at both widths in both schemes, and checks in the page what each
// must and must not offer: a credential that no longer counts says so
// first, greys its art and offers nothing to share or download.
func TestBrowser_CredentialStates(t *testing.T) {
	t.Parallel()
	w := newCredentialStates(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	for _, tc := range []struct {
		name, id string
		check    func(t *testing.T, tab *browsertest.Tab)
	}{
		{"valid", w.valid, w.checkValid},
		{"revoked-reason-published", w.revokedPublic, inactive("Revoked on ", "Awarded for a session that was cancelled.", "")},
		{"revoked-reason-private", w.revokedPrivate, inactive("Revoked on ", "", "Zq7")},
		{"expired", w.gone, inactive("Expired on ", "", "")},
		{"no-consent", w.anonymous, checkAnonymous},
		{"hostile", w.hostile, checkHostile},
	} {
		for _, v := range views() {
			t.Run(tc.name+"/"+v.name+"/"+string(v.scheme), func(t *testing.T) {
				tab := b.Open(t, w.base+"/credentials/"+tc.id, v.width, v.height, v.scheme)
				tab.WantNoProblems(t)
				checkPageBasics(t, tab, v.width, v.scheme)
				tc.check(t, tab)
				shot := filepath.Join(dir, "credential-"+tc.name+"-"+v.name+"-"+string(v.scheme)+".png")
				if gotW, gotH := tab.Screenshot(t, shot); gotW != v.width || gotH < v.height/2 {
					t.Errorf("screenshot %dx%d at a %dx%d viewport", gotW, gotH, v.width, v.height)
				}
			})
		}
	}
}

// checkValid: the valid credential shows everything it says, and offers
// LinkedIn, sharing and downloads near the top.
func (w *credentialStates) checkValid(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	for sel, want := range map[string]string{
		"#status":             "Verified",
		".cred-level-name":    "Contribution level",
		"#recipient":          "Ada Lovelace",
		"#issuer":             "Lyon Gophers",
		".cred-prerequisites": "Session Host",
		".cred-results":       "3 members mentored",
		".cred-endorsements":  "Grace Hopper",
		"#expiry":             "Expires on ",
	} {
		if got := tab.Text(t, sel); !strings.Contains(got, want) {
			t.Errorf("%s says %q, want %q in it", sel, got, want)
		}
	}
	if n := tab.Count(t, ".cred-chips a.cred-chip"); n != 3 {
		t.Errorf("%d linked chips (skills, prerequisites), want 3", n)
	}
	if n := tab.Count(t, ".cred-tags li"); n != 3 {
		t.Errorf("%d tags, want 3", n)
	}
	for _, sel := range []string{"#linkedin-add", "#share-x", "#share-facebook", "#download-json", "#qr", "button[data-copy]"} {
		if tab.Count(t, sel) != 1 {
			t.Errorf("the valid credential's page lacks %s", sel)
		}
	}
	if n := tab.Count(t, ".cred-banner"); n != 0 {
		t.Error("the valid credential's page has a banner")
	}
}

// inactive checks a page of a credential that no longer counts: the banner
// first with its headline, the reason only when published (hidden must
// not show), greyed art, and nothing to share or download.
func inactive(headline, reason, hidden string) func(t *testing.T, tab *browsertest.Tab) {
	return func(t *testing.T, tab *browsertest.Tab) {
		t.Helper()
		banner := tab.Text(t, "#status")
		if !strings.HasPrefix(banner, headline) || !strings.Contains(banner, "no longer valid") {
			t.Errorf("the banner says %q, want it to start %q", banner, headline)
		}
		if reason != "" && !strings.Contains(banner, reason) {
			t.Errorf("the banner lacks the published reason: %q", banner)
		}
		var first bool
		tab.Eval(t, `document.querySelector("#credential").firstElementChild.id === "status"`, &first)
		if !first {
			t.Error("the banner is not the first thing on the page")
		}
		if n := tab.Count(t, sharingSelectors); n != 0 {
			t.Errorf("the page offers %d ways to share or download", n)
		}
		var filter, body string
		tab.Eval(t, `getComputedStyle(document.querySelector(".cred-art")).filter`, &filter)
		if !strings.Contains(filter, "grayscale") {
			t.Errorf("the art is not greyed: filter %q", filter)
		}
		tab.Eval(t, "document.documentElement.outerHTML", &body)
		for _, gone := range []string{"linkedin.com", "x.com/intent", "facebook.com", "/badge.png", "/badge.svg"} {
			if strings.Contains(body, gone) {
				t.Errorf("the page still carries %q", gone)
			}
		}
		if hidden != "" && strings.Contains(body, hidden) {
			t.Errorf("the page shows the private reason (%q)", hidden)
		}
	}
}

// checkAnonymous: a member who does not consent is not named.
func checkAnonymous(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	if got := tab.Text(t, "#recipient"); got != "a verified recipient" {
		t.Errorf("recipient = %q", got)
	}
	var body string
	tab.Eval(t, "document.documentElement.outerHTML", &body)
	if strings.Contains(body, "Bob") || strings.Contains(body, "/members/bob") || strings.Contains(body, "Endorsements") {
		t.Error("the page names a member who did not consent")
	}
}

// checkHostile: hostile words stay words (checkPageBasics has checked
// that the page is no wider than the screen).
func checkHostile(t *testing.T, tab *browsertest.Tab) {
	t.Helper()
	if n := tab.Count(t, `img[src="x"], main script`); n != 0 {
		t.Errorf("%d elements made from a field's markup", n)
	}
	if got := tab.Text(t, "h1"); !strings.HasPrefix(got, `<script>alert("x")</script>`) {
		t.Errorf("h1 = %q, want the markup shown as text", got)
	}
}
