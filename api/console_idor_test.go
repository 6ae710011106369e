package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// foreignCommunity is a community with one of each thing the console
// loads by id, made through the API, and its owner's account.
type foreignCommunity struct {
	iss  string
	ids  map[string]string // route parameter → the id of that thing
	ts   *testServer
	hold string // a member of the community who holds its badge
}

func newForeignCommunity(t *testing.T, ts *testServer) *foreignCommunity {
	t.Helper()
	f := &foreignCommunity{ts: ts, iss: mustIssuer(t, ts), ids: map[string]string{}}
	leader := mustAchievement(t, ts, f.iss, map[string]any{"status": "active", "name": "Leader", "level": "leadership"})["id"].(string)
	badge := mustAchievement(t, ts, f.iss, map[string]any{"status": "active", "name": "Helper"})["id"].(string)
	ann, bo := mustMember(t, ts, f.iss, "ann@example.org", "Ann"), mustMember(t, ts, f.iss, "bo@example.org", "Bo")
	var cred, nom struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/awards", body: map[string]any{"achievementId": leader, "memberId": ann}}).want(t, 201).JSON(t, &cred)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/nominations",
		body: map[string]any{"nominatorId": ann, "memberId": bo, "achievementId": badge, "note": "Kind."}}).want(t, 201).JSON(t, &nom)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities",
		body: []map[string]any{{"memberId": ann, "behaviour": "hosted-session", "at": time.Now().Add(-time.Hour)}}}).want(t, 200)
	var acts struct{ Items []struct{ ID string } }
	ts.do(t, req{method: "GET", path: "/api/v1/members/" + ann + "/activities"}).want(t, 200).JSON(t, &acts)
	if len(acts.Items) == 0 {
		t.Fatal("the foreign community's activity was not recorded")
	}
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + leader + "/rule", contentType: "application/json", body: hostedTwice}).want(t, 200)
	owner := ts.consoleAs(t, badges.RoleOwner, f.iss)
	job := owner.postFile(t, "/admin/c/"+f.iss+"/members/import", url.Values{}, "file", "people.csv", []byte("email,displayName\ncy@example.org,Cy\n")).
		wantRedirect(t, "/admin/c/"+f.iss+"/jobs/")
	ts.do(t, req{method: "PUT", path: "/api/v1/issuers/" + f.iss + "/mail-templates/earned",
		body: map[string]any{"subject": "Theirs, {member}", "opening": "Their own wording."}}).want(t, 200)
	f.hold = ann
	f.ids = map[string]string{
		"achievement": leader, "member": bo, "credential": cred.ID, "activity": acts.Items[0].ID,
		"job": strings.TrimPrefix(job, "/admin/c/"+f.iss+"/jobs/"), "nomination": nom.ID,
		"cohort":  mustCohort(t, ts, f.iss, "Spring").ID,
		"outcome": mustOutcome(t, ts, f.iss, map[string]any{"name": "Newcomers"}).ID,
		"measure": f.measure(t), "account": owner.Account.ID, "reevaluation": latestReevaluation(t, ts, f.iss).ID,
		"message": storeMessage(t, ts, f.iss, "earned:foreign", badges.MailEarned, badges.MessageFailed, nil).ID,
		"checkin": mustCheckIn(t, owner, f.iss),
		"webhook": mustWebhook(t, ts, f.iss, "https://hooks.example.org/theirs").ID,
		"source":  mustSource(t, ts, f.iss),
		"kind":    string(badges.MailEarned), // every community's: the snapshot shows the other's wording unchanged
	}
	f.ids["endpoint"] = mustChatChannel(t, owner, f.iss)
	f.ids["delivery"] = mustDelivery(t, ts, f.iss, f.ids["webhook"])
	return f
}

func (f *foreignCommunity) measure(t *testing.T) string {
	t.Helper()
	var m struct{ ID string }
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/measures",
		body: map[string]any{"name": "Hosting", "kind": "activity", "period": "week", "target": 2}}).want(t, 201).JSON(t, &m)
	return m.ID
}

// snapshot is everything the API says of the community, to compare
// before and after: nothing a console in another community does may
// change it.
func (f *foreignCommunity) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"", "/achievements", "/members", "/credentials", "/nominations", "/cohorts", "/outcomes", "/measures", "/keys", "/reevaluations", "/mail-templates/earned", "/webhooks"} {
		b.Write(f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + p}).want(t, 200).body)
	}
	for _, p := range []string{"/achievements/" + f.ids["achievement"] + "/rule", "/members/" + f.hold + "/activities", "/cohorts/" + f.ids["cohort"] + "/members"} {
		b.Write(f.ts.do(t, req{method: "GET", path: "/api/v1" + p}).want(t, 200).body)
	}
	b.Write(f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + "/sources"}).want(t, 200).body)
	people, err := f.ts.accounts.AccountsOf(context.Background(), f.iss)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(people)
	b.Write(data)
	return b.String()
}

// foreignForm is a form that would change what its route changes, were
// the thing it names let through: every field the console's forms read.
var foreignForm = url.Values{
	"name": {"Changed"}, "reason": {"Changed."}, "step": {"confirm"}, "archived": {"true"}, "role": {"viewer"},
	"status": {"archived"}, "displayName": {"Changed"}, "email": {"changed@example.org"}, "m-name": {"Changed"},
	"m-kind": {"activity"}, "m-period": {"week"}, "m-target": {"3"}, "description": {"Changed."}, "criteria": {"Changed."},
	"c.type": {"tenure"}, "c.days": {"1"}, "publishReason": {"yes"}, "subject": {"Changed"}, "opening": {"Changed."},
}

var anyParam = regexp.MustCompile(`:[a-z]+`)

// TestConsole_OtherCommunitysThings: an owner of one community calls
// every console route that names a thing by id with the ids of another
// community's things, GET and POST: each is refused as not found (or
// forbidden) and the other community is unchanged.
func TestConsole_OtherCommunitysThings(t *testing.T) {
	ts := newTestServer(t)
	mine := mustIssuer(t, ts)
	b := newForeignCommunity(t, ts)
	c := ts.consoleAs(t, badges.RoleOwner, mine)
	before := b.snapshot(t)
	for _, rt := range ts.srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/admin/c/:issuer/") || strings.Count(rt.Path, ":") < 2 {
			continue
		}
		path := strings.Replace(rt.Path, ":issuer", mine, 1)
		path = anyParam.ReplaceAllStringFunc(path, func(p string) string {
			if id, ok := b.ids[p[1:]]; ok {
				return id
			}
			t.Fatalf("%s: no foreign thing for %s", rt.Path, p)
			return ""
		})
		var w *page
		if rt.Method == http.MethodGet {
			w = c.get(t, path)
		} else {
			w = c.post(t, path, cloneForm(foreignForm))
		}
		if strings.Contains(rt.Path, ":kind") {
			continue // the visitor's own community's e-mail: nothing of the other's is named
		}
		if w.Code != http.StatusNotFound && w.Code != http.StatusForbidden {
			t.Errorf("%s %s with another community's ids → %d, want 404: %.300s", rt.Method, rt.Path, w.Code, w.Body)
		}
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("the other community changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestConsole_OtherCommunitysIDsInForms: ids of another community's
// things in form fields and query parameters are refused or ignored, and
// nothing of the other community changes or shows.
func TestConsole_OtherCommunitysIDsInForms(t *testing.T) {
	ts := newTestServer(t)
	mine := mustIssuer(t, ts)
	myBadge := mustAchievement(t, ts, mine, map[string]any{"status": "active", "name": "Mine"})["id"].(string)
	myMember := mustMember(t, ts, mine, "me@example.org", "Me")
	myCohort := mustCohort(t, ts, mine, "Autumn").ID
	b := newForeignCommunity(t, ts)
	c := ts.consoleAs(t, badges.RoleOwner, mine)
	base := "/admin/c/" + mine
	before := b.snapshot(t)
	for _, tc := range []struct {
		path string
		form url.Values // nil: a GET
	}{
		{path: base + "/awards/new", form: url.Values{"memberId": {b.ids["member"]}, "achievementId": {b.ids["achievement"]}, "step": {"issue"}, "key": {"k1"}}},
		{path: base + "/awards/new", form: url.Values{"memberId": {myMember}, "achievementId": {b.ids["achievement"]}, "step": {"issue"}, "key": {"k2"}}},
		{path: base + "/awards/new?member=" + b.ids["member"]},
		{path: base + "/activity/new", form: url.Values{"memberId": {b.ids["member"]}, "behaviour": {"hosted-session"}, "at": {time.Now().UTC().Format(time.DateOnly)}, "key": {"k3"}}},
		{path: base + "/activity/new?member=" + b.ids["member"]},
		{path: base + "/cohorts/" + myCohort + "/members", form: url.Values{"member": {b.ids["member"]}}},
		{path: base + "/cohorts/" + myCohort + "/members/" + b.ids["member"] + "/remove", form: url.Values{}},
		{path: base + "/spotlight", form: url.Values{"member": {b.ids["member"]}, "note": {"Pinned."}}},
		{path: base + "/badges/" + myBadge + "/rule", form: url.Values{"op": {"save"}, "c.type": {"holds"}, "c.achievement": {b.ids["achievement"]}}},
		{path: base + "/badges/preview", form: url.Values{"badge": {b.ids["achievement"]}, "name": {"x"}}},
		{path: base + "/measures", form: url.Values{"m-name": {"Theirs"}, "m-kind": {"activity"}, "m-period": {"week"}, "m-target": {"1"}, "m-cohort": {b.ids["cohort"]}}},
		{path: base + "?cohort=" + b.ids["cohort"]},
		{path: base + "/quiet-members?cohort=" + b.ids["cohort"]},
		{path: base + "/members?cohort=" + b.ids["cohort"]},
		{path: base + "/awards?member=" + b.ids["member"]},
		{path: base + "/awards?achievement=" + b.ids["achievement"]},
	} {
		var w *page
		if tc.form == nil {
			w = c.get(t, tc.path)
		} else {
			w = c.post(t, tc.path, tc.form)
		}
		if w.Code < 300 && tc.form != nil || w.Code == http.StatusSeeOther && !strings.Contains(tc.path, "/rule") {
			t.Errorf("POST %s %v → %d %s, want it refused", tc.path, tc.form, w.Code, w.Header().Get("Location"))
		}
		for _, name := range []string{"Ann", "Bo", "Leader", "Spring"} {
			if strings.Contains(w.Body, ">"+name+"<") || strings.Contains(w.Body, fmt.Sprintf("%q", name)) {
				t.Errorf("%s shows the other community's %s: %.300s", tc.path, name, w.Body)
			}
		}
	}
	if after := b.snapshot(t); after != before {
		t.Fatalf("the other community changed:\nbefore %s\nafter  %s", before, after)
	}
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
