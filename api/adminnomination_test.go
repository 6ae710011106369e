package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// nominationWorld is a community where Ann (a leader) nominated Bo and
// Cy for Helper; Bo's name is HTML.
type nominationWorld struct {
	ts                 *testServer
	iss, helper        string
	ann, bo, cy        string
	toBo, toCy         string // the nominations
	leaderBadge, bName string
}

func newNominationWorld(t *testing.T) *nominationWorld {
	t.Helper()
	ts := newTestServer(t)
	w := &nominationWorld{ts: ts, iss: mustIssuer(t, ts), bName: "<script>alert(1)</script> Bo"}
	w.leaderBadge = mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	w.helper = mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
	w.ann = mustMember(t, ts, w.iss, "ann@example.org", "Ann")
	w.bo = mustMember(t, ts, w.iss, "bo@example.org", w.bName)
	w.cy = mustMember(t, ts, w.iss, "cy@example.org", "Cy")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.iss + "/awards", body: map[string]any{"achievementId": w.leaderBadge, "memberId": w.ann}}).want(t, 201)
	nominate := func(to, note string) string {
		var n struct{ ID string }
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.iss + "/nominations",
			body: map[string]any{"nominatorId": w.ann, "memberId": to, "achievementId": w.helper, "note": note}}).want(t, 201).JSON(t, &n)
		return n.ID
	}
	w.toBo = nominate(w.bo, "Answered <b>every</b> newcomer's question.")
	w.toCy = nominate(w.cy, "")
	return w
}

// nominationStatus is a nomination's status as the API answers it.
func (w *nominationWorld) nominationStatus(t *testing.T, id string) (status, reason string) {
	t.Helper()
	var list struct {
		Items []struct{ ID, Status, Reason string }
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations"}).want(t, 200).JSON(t, &list)
	for _, n := range list.Items {
		if n.ID == id {
			return n.Status, n.Reason
		}
	}
	t.Fatalf("no nomination %s", id)
	return "", ""
}

// TestConsoleNominations: the queue names who nominated whom for what and
// why; an admin approves one after a confirmation page (the API then
// shows the award) and declines one with a reason; a viewer sees the
// queue but cannot decide; names are escaped.
func TestConsoleNominations(t *testing.T) {
	w := newNominationWorld(t)
	base := "/admin/c/" + w.iss
	admin := w.ts.consoleAs(t, badges.RoleAdmin, w.iss)

	q := admin.get(t, base+"/nominations")
	q.wantPage(t, http.StatusOK, w.bName, "Cy", "Ann", "Helper", "Answered <b>every</b> newcomer's question.", "Waiting for a decision (2)")
	if strings.Contains(q.Body, "<script>alert(1)") || strings.Contains(q.Body, "<b>every") {
		t.Fatal("a name or a note is not escaped in the queue")
	}
	admin.get(t, base+"/nominations?status=maybe").wantPage(t, http.StatusBadRequest, "status")
	admin.get(t, base+"/nominations?status=declined").wantPage(t, http.StatusOK, "No nominations here")

	// The confirmation says what approving does; approving awards.
	admin.get(t, base+"/nominations/"+w.toBo).wantPage(t, http.StatusOK, "Approve and award Helper", w.bName, "Decline the nomination")
	admin.post(t, base+"/nominations/"+w.toBo+"/approve", nil).wantRedirect(t, base+"/nominations")
	admin.get(t, base+"/nominations").wantPage(t, http.StatusOK, w.bName+" is awarded Helper.", "Waiting for a decision (1)")
	if st, _ := w.nominationStatus(t, w.toBo); st != "approved" {
		t.Fatalf("after approving, the API says %s", st)
	}
	var creds struct{ Total int }
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/credentials?member=" + w.bo}).want(t, 200).JSON(t, &creds)
	if creds.Total != 1 {
		t.Fatalf("Bo holds %d credentials after the approval, want 1", creds.Total)
	}
	// Deciding twice is refused on the page, which says why.
	admin.post(t, base+"/nominations/"+w.toBo+"/decline", url.Values{"reason": {"Too late."}}).wantPage(t, http.StatusConflict, "This nomination was decided already", "approved on")

	// A reason too long is shown on its field, the text kept.
	long := strings.Repeat("x", 501)
	p := admin.post(t, base+"/nominations/"+w.toCy+"/decline", url.Values{"reason": {long}})
	p.wantPage(t, http.StatusBadRequest, "There is a problem", long)
	if !strings.Contains(p.Body, `id="f-reason-error"`) {
		t.Errorf("the error is not beside the reason: %s", p.Body)
	}
	admin.post(t, base+"/nominations/"+w.toCy+"/decline", url.Values{"reason": {"Not yet: <i>soon</i>."}}).wantRedirect(t, base+"/nominations")
	if st, reason := w.nominationStatus(t, w.toCy); st != "declined" || reason != "Not yet: <i>soon</i>." {
		t.Fatalf("after declining, the API says %s %q", st, reason)
	}
	admin.get(t, base+"/nominations?status=all").wantPage(t, http.StatusOK, "Approved", "Declined", "Not yet: <i>soon</i>.")

	// A viewer sees the queue, without a way to decide.
	viewer := w.ts.consoleAs(t, badges.RoleViewer, w.iss)
	if v := viewer.get(t, base+"/nominations?status=all"); v.Code != http.StatusOK || strings.Contains(v.Body, "/approve") {
		t.Fatalf("a viewer's queue: %d", v.Code)
	}
	viewer.post(t, base+"/nominations/"+w.toCy+"/approve", nil).wantPage(t, http.StatusForbidden)

	// Another community's admin cannot reach these nominations through theirs.
	otherIss := mustIssuer(t, w.ts)
	other := w.ts.consoleAs(t, badges.RoleAdmin, otherIss)
	other.get(t, "/admin/c/"+otherIss+"/nominations/"+w.toCy).wantPage(t, http.StatusNotFound)
	other.post(t, "/admin/c/"+otherIss+"/nominations/"+w.toCy+"/approve", nil).wantPage(t, http.StatusNotFound)
}

// TestConsoleSpotlight: an admin finds a member, pins them with a note
// (the public spotlight then shows them), sees a member without a public
// profile refused on the field, and removes the pin after confirming.
func TestConsoleSpotlight(t *testing.T) {
	w := newNominationWorld(t)
	ts, base := w.ts, "/admin/c/"+w.iss
	ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + w.bo, body: map[string]any{"publicProfile": true, "slug": "bo"}}).want(t, 200)
	admin := ts.consoleAs(t, badges.RoleAdmin, w.iss)

	admin.get(t, base+"/spotlight").wantPage(t, http.StatusOK, "No one is pinned", "See the public spotlight page")
	admin.get(t, base+"/spotlight?q=alert").wantPage(t, http.StatusOK, w.bName, "Pin to the spotlight")
	p := admin.post(t, base+"/spotlight", url.Values{"q": {"cy"}, "member": {w.cy}, "note": {"Kind"}})
	p.wantPage(t, http.StatusConflict, "has not consented to a public profile", "Kind")
	admin.post(t, base+"/spotlight", url.Values{"note": {"Kind"}}).wantPage(t, http.StatusBadRequest, "Choose the member to pin")
	admin.post(t, base+"/spotlight", url.Values{"member": {w.bo}, "note": {"Ran <em>every</em> meetup."}}).wantRedirect(t, base+"/spotlight")
	admin.get(t, base+"/spotlight").wantPage(t, http.StatusOK, "The spotlight is updated.", w.bName, "Ran <em>every</em> meetup.")
	public := string(ts.do(t, req{method: "GET", path: "/issuers/" + w.iss + "/spotlight", token: "-", header: accept("text/html")}).want(t, 200).body)
	if !strings.Contains(public, "Ran &lt;em&gt;every&lt;/em&gt; meetup.") {
		t.Fatalf("the public spotlight does not show the pin: %s", public)
	}

	admin.get(t, base+"/spotlight/remove").wantPage(t, http.StatusOK, "Remove "+w.bName+" from the spotlight?")
	admin.post(t, base+"/spotlight/remove", nil).wantRedirect(t, base+"/spotlight")
	admin.get(t, base+"/spotlight").wantPage(t, http.StatusOK, "No one is pinned")

	viewer := ts.consoleAs(t, badges.RoleViewer, w.iss)
	if v := viewer.get(t, base+"/spotlight"); v.Code != http.StatusOK || strings.Contains(v.Body, "Pin a member") {
		t.Fatalf("a viewer's spotlight page: %d", v.Code)
	}
	viewer.post(t, base+"/spotlight", url.Values{"member": {w.bo}}).wantPage(t, http.StatusForbidden)
}
