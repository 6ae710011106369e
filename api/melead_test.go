package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// leadWorld is a community with a leader (Ann, holding a badge that grants
// leadership), a member (Ben), a badge earned by one endorsement, and a
// member of another community (Cy).
type leadWorld struct {
	ps                  *portalServer
	iss, other          string
	ann, ben, cy        string
	leaderBadge, helped string
}

func newLeadWorld(t *testing.T) *leadWorld {
	t.Helper()
	ps := newPortalServer(t)
	w := &leadWorld{ps: ps, iss: mustIssuer(t, ps.testServer), other: mustIssuer(t, ps.testServer)}
	ts := ps.testServer
	w.leaderBadge = mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Steward", "level": "contribution", "grantsLeadership": true})["id"].(string)
	w.helped = mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Well Regarded", "level": "contribution"})["id"].(string)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + w.helped + "/rule", body: `{"condition":{"endorsements":{"min":1}}}`, contentType: "application/json"}).want(t, 200)
	w.ann = mustMember(t, ts, w.iss, "ann@example.org", "Ann Leader")
	w.ben = mustMember(t, ts, w.iss, "ben@example.org", "Ben Member")
	w.cy = mustMember(t, ts, w.other, "cy@example.org", "Cy Elsewhere")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.iss + "/awards", body: map[string]any{"achievementId": w.leaderBadge, "memberId": w.ann}}).want(t, 201)
	return w
}

// TestMeLead_Endorse: a leader finds a peer by name (no e-mail address
// shown), endorses them with a note, is told what is left today, and the
// endorsement counts for the peer's rules as an API endorsement does;
// the peer sees it, escaped, on My badges.
func TestMeLead_Endorse(t *testing.T) {
	w := newLeadWorld(t)
	ann := w.ps.memberSignedIn(t, "ann@example.org")
	ann.get(t, "/me").wantHTML(t, `<a href="/me/lead">Leaders</a>`)
	home := ann.get(t, "/me/lead")
	home.wantPage(t, http.StatusOK, "Recognise a peer", "10 of 10", "endorsements left today", "5 of 5")
	found := ann.get(t, "/me/lead?q=ben")
	found.wantHTML(t, `<a class="me-button" href="/me/lead?peer=`+w.ben+`">Ben Member</a>`)
	for _, q := range []string{"ben", "example.org", "cy"} {
		if p := ann.get(t, "/me/lead?q="+url.QueryEscape(q)); strings.Contains(p.Body, "@example.org") || strings.Contains(p.Body, "Cy Elsewhere") {
			t.Fatalf("search %q shows an address or another community's member: %s", q, p.Body)
		}
	}
	ann.get(t, "/me/lead?peer="+w.ben).wantPage(t, http.StatusOK, "Endorse Ben Member", "Nominate Ben Member for a badge", "Well Regarded")
	done := ann.post(t, "/me/lead/endorse", url.Values{"peer": {w.ben}, "note": {"Ran the " + injected + " workshop."}})
	done.wantRedirect(t, "/me/lead?peer="+w.ben)
	ann.get(t, "/me/lead?peer="+w.ben).wantPage(t, http.StatusOK, "You endorsed Ben Member. 9 of 10 endorsements and 5 of 5 nominations left today.")
	again := ann.post(t, "/me/lead/endorse", url.Values{"peer": {w.ben}, "note": {"Once more."}})
	again.wantPage(t, http.StatusConflict, "There is a problem", "today already", "Once more.")

	var progress struct {
		Items []struct {
			AchievementID string
			Held          bool
		}
	}
	waitFor(t, "the badge one endorsement earns", func() (string, bool) {
		w.ps.do(t, req{method: "GET", path: "/api/v1/members/" + w.ben + "/progress"}).want(t, 200).JSON(t, &progress)
		for _, it := range progress.Items {
			if it.AchievementID == w.helped && it.Held {
				return "", true
			}
		}
		return fmt.Sprint(progress), false
	})
	ben := w.ps.memberSignedIn(t, "ben@example.org")
	mine := ben.get(t, "/me")
	mine.wantPage(t, http.StatusOK, "Endorsements you received", "Ann Leader", "Ran the "+injected+" workshop.")
	if strings.Contains(mine.Body, injected) {
		t.Fatal("the note is not escaped on My badges")
	}
}

// TestMeLead_Nominate: a leader nominates a peer for a badge; the
// nomination is theirs, in the console's queue; past the day's limit the
// page says so in words (429), and the form keeps what was typed.
func TestMeLead_Nominate(t *testing.T) {
	w := newLeadWorld(t)
	var badgeIDs []string
	for i := range 6 {
		badgeIDs = append(badgeIDs, mustAchievement(t, w.ps.testServer, w.iss, map[string]any{"status": "active", "name": fmt.Sprint("Helper ", i)})["id"].(string))
	}
	ann := w.ps.memberSignedIn(t, "ann@example.org")
	ann.post(t, "/me/lead/nominate", url.Values{"peer": {w.ben}, "badge": {"nothing"}, "reason": {"Kept."}}).
		wantPage(t, http.StatusBadRequest, "There is a problem", "Kept.")
	for _, id := range badgeIDs[:5] {
		ann.post(t, "/me/lead/nominate", url.Values{"peer": {w.ben}, "badge": {id}, "reason": {"Helps everyone."}}).wantRedirect(t, "/me/lead?peer="+w.ben)
	}
	over := ann.post(t, "/me/lead/nominate", url.Values{"peer": {w.ben}, "badge": {badgeIDs[5]}, "reason": {"Typed " + injected}})
	over.wantPage(t, http.StatusTooManyRequests, "You have used all 5 of today", "nominate again tomorrow", "Typed "+injected, "0 of 5")
	if strings.Contains(over.Body, injected) {
		t.Fatal("the reason is not escaped")
	}
	var list struct {
		Items []struct{ NominatorID, MemberID, Note string }
	}
	w.ps.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations"}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 5 || list.Items[0].NominatorID != w.ann || list.Items[0].MemberID != w.ben || list.Items[0].Note != "Helps everyone." {
		t.Fatalf("nominations %+v; want five of Ben by Ann", list.Items)
	}
}

// TestMeLead_Refused: a member who leads nothing sees how to become a
// leader and cannot act; a form without the session's CSRF token changes
// nothing; a member of another community cannot be chosen.
func TestMeLead_Refused(t *testing.T) {
	w := newLeadWorld(t)
	ben := w.ps.memberSignedIn(t, "ben@example.org")
	if p := ben.get(t, "/me"); strings.Contains(p.Body, `href="/me/lead"`) {
		t.Fatal("a member who leads nothing is offered Lead")
	}
	ben.get(t, "/me/lead").wantPage(t, http.StatusOK, "How to become a leader", "Steward")
	ben.post(t, "/me/lead/endorse", url.Values{"peer": {w.ann}}).wantPage(t, http.StatusForbidden, "grants leadership")

	ann := w.ps.memberSignedIn(t, "ann@example.org")
	ann.post(t, "/me/lead/endorse", url.Values{"peer": {w.ben}, "csrf": {"forged"}}).wantPage(t, http.StatusForbidden, "did not come from Laurel")
	for _, peer := range []string{w.cy, w.ann, "nobody"} {
		ann.get(t, "/me/lead?peer="+peer).wantPage(t, http.StatusNotFound, "No such member in this community")
		ann.post(t, "/me/lead/endorse", url.Values{"peer": {peer}}).wantPage(t, http.StatusNotFound, "No such member in this community")
	}
	ann.get(t, "/me/lead").wantPage(t, http.StatusOK, "10 of 10")
	ben.get(t, "/me").wantPage(t, http.StatusOK, "When a leader of")
}
