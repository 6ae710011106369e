package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// applicationWorld is a community with a badge open to applications
// (Mentor), one that is not (Host), and two members who apply for
// Mentor: Ada (whose words are HTML) and Bo.
type applicationWorld struct {
	ts                 *testServer
	iss, mentor, host  string
	ada, bo            string
	fromAda, fromBo    string // the applications
	adaWords, adaLink  string
	otherIss, stranger string // another community and its member
}

func newApplicationWorld(t *testing.T) *applicationWorld {
	t.Helper()
	ts := newTestServer(t)
	w := &applicationWorld{ts: ts, iss: mustIssuer(t, ts), adaWords: "I ran <b>three</b> mentoring circles.",
		adaLink: "https://example.org/circles?x=\"><script>alert(1)</script>"}
	mentor := mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Mentor", "openToApplications": true})
	if mentor["openToApplications"] != true {
		t.Fatalf("the badge's openToApplications: %v", mentor["openToApplications"])
	}
	w.mentor = mentor["id"].(string)
	w.host = mustAchievement(t, ts, w.iss, map[string]any{"status": "active", "name": "Host"})["id"].(string)
	w.ada = mustMember(t, ts, w.iss, "ada@example.org", "Ada")
	w.bo = mustMember(t, ts, w.iss, "bo@example.org", "Bo")
	w.fromAda = w.apply(t, w.ada, w.mentor, []string{w.adaLink, "https://example.org/notes"}, w.adaWords).want(t, 201).id(t)
	w.fromBo = w.apply(t, w.bo, w.mentor, nil, "I helped.").want(t, 201).id(t)
	w.otherIss = mustIssuer(t, ts)
	w.stranger = mustMember(t, ts, w.otherIss, "eve@example.org", "Eve")
	return w
}

func (w *applicationWorld) apply(t *testing.T, member, badge string, links []string, text string) *resp {
	t.Helper()
	return w.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + w.iss + "/applications",
		body: map[string]any{"memberId": member, "achievementId": badge, "links": links, "text": text}})
}

func (r *resp) id(t *testing.T) string {
	t.Helper()
	var v struct{ ID, Kind string }
	r.JSON(t, &v)
	if v.Kind != "application" {
		t.Fatalf("an application's kind is %q", v.Kind)
	}
	return v.ID
}

// TestApplications_API: applications are refused when the badge is not
// open, when one waits already, with links that are not web addresses
// (naming the link), and for another community's member; the queue lists
// them by kind.
func TestApplications_API(t *testing.T) {
	w := newApplicationWorld(t)
	for _, tc := range []struct {
		name, member, badge string
		links               []string
		status              int
		field, says         string
	}{
		{"not open", w.ada, w.host, nil, 409, "achievementId", "Host is not open to applications"},
		{"waiting already", w.ada, w.mentor, nil, 409, "achievementId", "You applied for Mentor already"},
		{"bad link", w.ada, w.mentor, []string{"https://example.org", "mailto:ada@example.org"}, 400, "links.2", "Link 2"},
		{"another community's member", w.stranger, w.mentor, nil, 400, "memberId", "no member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p struct{ Field, Detail string }
			w.apply(t, tc.member, tc.badge, tc.links, "Some words.").want(t, tc.status).JSON(t, &p)
			if p.Field != tc.field || !strings.Contains(p.Detail, tc.says) {
				t.Fatalf("got %+v, want %s saying %q", p, tc.field, tc.says)
			}
		})
	}
	var list struct {
		Items []struct{ ID, Kind string }
		Total int
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations?kind=application&status=pending"}).want(t, 200).JSON(t, &list)
	if list.Total != 2 || list.Items[0].Kind != "application" {
		t.Fatalf("the pending applications: %+v", list)
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations?kind=nomination"}).want(t, 200).JSON(t, &list)
	if list.Total != 0 {
		t.Fatalf("the nominations: %+v", list)
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations?kind=maybe"}).want(t, 400)
}

// TestConsoleApplications: the review queue shows applications beside
// nominations with their evidence, escaped; approving after the
// confirmation awards the badge with the evidence on the credential;
// declining keeps the reason; another community's admin cannot reach them.
func TestConsoleApplications(t *testing.T) {
	w := newApplicationWorld(t)
	base := "/admin/c/" + w.iss
	admin := w.ts.consoleAs(t, badges.RoleAdmin, w.iss)

	q := admin.get(t, base+"/nominations?kind=application")
	q.wantPage(t, http.StatusOK, "Applications (2)", "Ada", "Bo", "Mentor", w.adaWords, w.adaLink, "https://example.org/notes")
	if strings.Contains(q.Body, "<b>three") || strings.Contains(q.Body, "<script>alert(1)") {
		t.Fatal("an application's words or link are not escaped in the queue")
	}
	admin.get(t, base+"/nominations?kind=nomination").wantPage(t, http.StatusOK, "Nothing is waiting")

	admin.get(t, base+"/nominations/"+w.fromAda).wantPage(t, http.StatusOK, "Application of Ada", "Approve and award Mentor",
		"words and links become the", "Decline the application", w.adaLink)
	admin.post(t, base+"/nominations/"+w.fromAda+"/approve", nil).wantRedirect(t, base+"/nominations")
	admin.get(t, base+"/nominations").wantPage(t, http.StatusOK, "Ada is awarded Mentor.")

	var decided struct{ Status, CredentialID string }
	for _, n := range w.queue(t) {
		if n.ID == w.fromAda {
			decided.Status, decided.CredentialID = n.Status, n.CredentialID
		}
	}
	if decided.Status != "approved" || decided.CredentialID == "" {
		t.Fatalf("Ada's application after approving: %+v", decided)
	}
	var cred credentialView
	w.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + decided.CredentialID}).want(t, 200).JSON(t, &cred)
	evidence, _ := json.Marshal(cred.Credential["evidence"])
	for _, want := range []string{"https://example.org/notes", "mentoring circles", "circles?x="} {
		if !strings.Contains(string(evidence), want) {
			t.Errorf("the credential's evidence %s lacks %q", evidence, want)
		}
	}

	admin.post(t, base+"/nominations/"+w.fromBo+"/decline", url.Values{"reason": {"Tell us <i>which</i> circles."}}).wantRedirect(t, base+"/nominations")
	admin.get(t, base+"/nominations").wantPage(t, http.StatusOK, "The application of Bo for Mentor is declined.")
	for _, n := range w.queue(t) {
		if n.ID == w.fromBo && (n.Status != "declined" || n.Reason != "Tell us <i>which</i> circles.") {
			t.Fatalf("Bo's application after declining: %+v", n)
		}
	}
	admin.post(t, base+"/nominations/"+w.fromBo+"/approve", nil).wantPage(t, http.StatusConflict, "This application was decided already")

	other := w.ts.consoleAs(t, badges.RoleAdmin, w.otherIss)
	other.get(t, "/admin/c/"+w.otherIss+"/nominations?kind=application&status=all").wantPage(t, http.StatusOK, "Applications (0)")
	other.get(t, "/admin/c/"+w.otherIss+"/nominations/"+w.fromBo).wantPage(t, http.StatusNotFound)
}

type queueEntry struct{ ID, Status, Reason, CredentialID string }

func (w *applicationWorld) queue(t *testing.T) []queueEntry {
	t.Helper()
	var list struct{ Items []queueEntry }
	w.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + w.iss + "/nominations"}).want(t, 200).JSON(t, &list)
	return list.Items
}

// TestConsoleBadgeForm_Applications: the badge form opens a badge to
// applications and closes it again, without a new version.
func TestConsoleBadgeForm_Applications(t *testing.T) {
	w := newApplicationWorld(t)
	base := "/admin/c/" + w.iss
	admin := w.ts.consoleAs(t, badges.RoleAdmin, w.iss)
	admin.get(t, base+"/badges/"+w.host+"/edit").wantPage(t, http.StatusOK, "Members may apply for this badge with evidence")
	form := url.Values{"name": {"Host"}, "description": {"Hosted a session."}, "criteria": {"Host a session."}, "achievementType": {"Badge"},
		"applications": {"yes"}}
	admin.post(t, base+"/badges/"+w.host+"/edit", form).wantRedirect(t, base+"/badges/"+w.host)
	var a struct {
		OpenToApplications bool
		Version            int
	}
	w.ts.do(t, req{method: "GET", path: "/api/v1/achievements/" + w.host}).want(t, 200).JSON(t, &a)
	if !a.OpenToApplications || a.Version != 1 {
		t.Fatalf("after opening Host to applications: %+v", a)
	}
	w.apply(t, w.ada, w.host, nil, "I hosted.").want(t, 201)
}
