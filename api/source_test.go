package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// sourceFixture is a community with a badge awarded by rule, a member
// known by external id, a source, and the server on a real port.
type sourceFixture struct {
	ts     *testServer
	srv    *httptest.Server
	iss    string
	source struct {
		ID, URL, Secret, SignatureHeader string
	}
}

func newSourceFixture(t *testing.T, preset, policy, rule string) *sourceFixture {
	t.Helper()
	f := &sourceFixture{ts: newTestServer(t)}
	f.iss = mustIssuer(t, f.ts)
	for _, key := range []string{"pull-request-merged", "issue-opened", "solution-accepted", "like-received"} {
		f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/behaviours",
			body: map[string]any{"key": key, "name": key, "category": "contribution"}}).want(t, 201)
	}
	ach := mustAchievement(t, f.ts, f.iss, map[string]any{"status": "active", "name": "Regular"})["id"].(string)
	f.ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach + "/rule", contentType: "application/json", body: rule}).want(t, 200)
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/members",
		body: map[string]any{"email": "ada@example.org", "displayName": "Ada Lovelace", "externalId": "ada"}}).want(t, 201)
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/sources",
		body: map[string]any{"name": "Forum", "preset": preset, "unknownMembers": policy}}).want(t, 201).JSON(t, &f.source)
	if !strings.HasPrefix(f.source.Secret, "lsrc_") || f.source.URL != baseURL+"/hooks/in/"+f.source.ID {
		t.Fatalf("source = %+v", f.source)
	}
	f.srv = httptest.NewServer(f.ts.srv)
	t.Cleanup(f.srv.Close)
	return f
}

// payload reads a payload of the mapping package's testdata, changed by
// replacing old with new.
func payload(t *testing.T, name string, oldNew ...string) []byte {
	t.Helper()
	b, err := os.ReadFile("../badges/mapping/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.NewReplacer(oldNew...).Replace(string(b)))
}

type ingestReport struct {
	Recorded, Duplicate, Ignored, Skipped, Rejected int
	Failed                                          bool
	Signature                                       string
	Results                                         []struct {
		Outcome, Behaviour, Member, MemberID, Reason, Field string
		Earned                                              []string
	}
}

// deliver sends a delivery over HTTP, signed with secret unless it is "".
func (f *sourceFixture) deliver(t *testing.T, body []byte, secret string, headers ...string) (int, ingestReport) {
	t.Helper()
	r, err := http.NewRequest("POST", f.srv.URL+"/hooks/in/"+f.source.ID, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	if secret != "" {
		r.Header.Set(f.source.SignatureHeader, mapping.Sign(secret, body))
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var rep ingestReport
	if res.StatusCode == http.StatusOK || res.StatusCode == http.StatusUnprocessableEntity {
		if err := json.Unmarshal(raw, &rep); err != nil {
			t.Fatalf("%d %s: %v", res.StatusCode, raw, err)
		}
	}
	return res.StatusCode, rep
}

// activities is how many activities the community recorded this week.
func (f *sourceFixture) activities(t *testing.T) int {
	t.Helper()
	var st struct {
		Weeks []struct{ Activities map[string]int }
	}
	f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + "/stats"}).want(t, 200).JSON(t, &st)
	n := 0
	for _, w := range st.Weeks {
		for _, c := range w.Activities {
			n += c
		}
	}
	return n
}

func (f *sourceFixture) waitCredentials(t *testing.T, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d credentials", n), func() (string, bool) {
		var creds struct{ Items []struct{ ID string } }
		f.ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + f.iss + "/credentials"}).want(t, 200).JSON(t, &creds)
		return fmt.Sprint(creds), len(creds.Items) == n
	})
}

// TestSourceHook_Discourse: two replies on Discourse, signed, award the
// badge whose rule is two replies; sent again, they record nothing.
func TestSourceHook_Discourse(t *testing.T) {
	f := newSourceFixture(t, "discourse", "skip", `{"condition":{"count":{"behaviour":"replied","min":2}}}`)
	first := payload(t, "discourse_post_created.json")
	second := payload(t, "discourse_post_created.json", `"id": 1042`, `"id": 1043`)
	ev := []string{"X-Discourse-Event", "post_created", "X-Discourse-Event-Type", "post", "X-Discourse-Event-Id", "7"}
	code, rep := f.deliver(t, first, f.source.Secret, ev...)
	if code != 200 || rep.Recorded != 1 || rep.Results[0].Behaviour != "replied" || rep.Results[0].Member != "ada" {
		t.Fatalf("first: %d %+v", code, rep)
	}
	code, rep = f.deliver(t, second, f.source.Secret, ev...)
	if code != 200 || rep.Recorded != 1 || len(rep.Results[0].Earned) != 1 {
		t.Fatalf("second: %d %+v", code, rep)
	}
	f.waitCredentials(t, 1)
	for _, body := range [][]byte{first, second} {
		if code, rep = f.deliver(t, body, f.source.Secret, ev...); code != 200 || rep.Duplicate != 1 || rep.Recorded != 0 {
			t.Fatalf("replay: %d %+v", code, rep)
		}
	}
	// A like on Ada's post is not a reply: the community's own behaviour.
	code, rep = f.deliver(t, payload(t, "discourse_post_liked.json"), f.source.Secret, "X-Discourse-Event", "post_liked")
	if code != 200 || rep.Recorded != 1 || rep.Results[0].Behaviour != "like-received" {
		t.Fatalf("like: %d %+v", code, rep)
	}
	// An event the mapping does not map is answered 200, ignored, with why.
	code, rep = f.deliver(t, []byte(`{"user":{"id":1,"username":"ada"}}`), f.source.Secret, "X-Discourse-Event", "user_updated")
	if code != 200 || rep.Ignored != 1 || rep.Results[0].Reason == "" {
		t.Fatalf("unmapped: %d %+v", code, rep)
	}
	if n := f.activities(t); n != 3 {
		t.Errorf("activities recorded = %d, want 3", n)
	}
	var src struct {
		RecentCalls []struct{ Status, Recorded, Duplicate, Ignored int }
	}
	f.ts.do(t, req{method: "GET", path: "/api/v1/sources/" + f.source.ID}).want(t, 200).JSON(t, &src)
	if len(src.RecentCalls) != 6 || src.RecentCalls[0].Ignored != 1 || src.RecentCalls[2].Duplicate != 1 {
		t.Errorf("recent calls = %+v", src.RecentCalls)
	}
}

// TestSourceHook_GitHub: a merged pull request, signed as GitHub signs,
// awards the badge for one merged pull request; GitHub's redelivery keeps
// the delivery's id and records nothing.
func TestSourceHook_GitHub(t *testing.T) {
	f := newSourceFixture(t, "github", "skip", `{"condition":{"count":{"behaviour":"pull-request-merged","min":1}}}`)
	body := payload(t, "github_pull_request_merged.json")
	ev := []string{"X-GitHub-Event", "pull_request", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"}
	code, rep := f.deliver(t, body, f.source.Secret, ev...)
	if code != 200 || rep.Recorded != 1 || rep.Results[0].Member != "ada" || len(rep.Results[0].Earned) != 1 {
		t.Fatalf("merged: %d %+v", code, rep)
	}
	f.waitCredentials(t, 1)
	if code, rep = f.deliver(t, body, f.source.Secret, ev...); code != 200 || rep.Duplicate != 1 {
		t.Fatalf("redelivery: %d %+v", code, rep)
	}
	code, rep = f.deliver(t, []byte(`{"zen":"Design for failure.","hook_id":1}`), f.source.Secret, "X-GitHub-Event", "ping", "X-GitHub-Delivery", "p")
	if code != 200 || rep.Ignored != 1 {
		t.Fatalf("ping: %d %+v", code, rep)
	}
	// A webhook whose content type is a form sends the JSON as its payload field.
	form := []byte(url.Values{"payload": {string(payload(t, "github_issues_opened.json", `"grace"`, `"ada"`))}}.Encode())
	code, rep = f.deliver(t, form, f.source.Secret, "X-GitHub-Event", "issues", "X-GitHub-Delivery", "f-1", "Content-Type", "application/x-www-form-urlencoded")
	if code != 200 || rep.Recorded != 1 || rep.Results[0].Behaviour != "issue-opened" {
		t.Fatalf("form: %d %+v", code, rep)
	}
	if n := f.activities(t); n != 2 {
		t.Errorf("activities recorded = %d, want 2", n)
	}
	// The same answers as the OpenAPI document describes them.
	h := http.Header{}
	h.Set("X-GitHub-Event", "pull_request")
	h.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
	h.Set(mapping.HeaderGitHub, mapping.Sign(f.source.Secret, body))
	f.ts.do(t, req{method: "POST", path: "/hooks/in/" + f.source.ID, token: "-", body: body, contentType: "application/json", header: h}).want(t, 200)
	h.Set(mapping.HeaderGitHub, mapping.Sign("lsrc_wrong", body))
	f.ts.do(t, req{method: "POST", path: "/hooks/in/" + f.source.ID, token: "-", body: body, contentType: "application/json", header: h}).
		wantProblem(t, 401, badges.EUNAUTHORIZED, "")
}

// TestSourceHook_Refused: bad, missing or stale signatures are 401 and
// record nothing; an unknown source is 404, a disabled one 409; payloads
// too large or too deep are 413 and 400.
func TestSourceHook_Refused(t *testing.T) {
	f := newSourceFixture(t, "github", "skip", `{"condition":{"count":{"behaviour":"issue-opened","min":1}}}`)
	body := payload(t, "github_issues_opened.json", `"grace"`, `"ada"`)
	ev := []string{"X-GitHub-Event", "issues", "X-GitHub-Delivery", "d-1"}
	for name, secret := range map[string]string{"unsigned": "", "wrong secret": "lsrc_wrong"} {
		if code, _ := f.deliver(t, body, secret, ev...); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	tampered := append(bytes.Clone(body[:len(body)-2]), ' ', '}')
	r, _ := http.NewRequest("POST", f.srv.URL+"/hooks/in/"+f.source.ID, bytes.NewReader(tampered))
	r.Header.Set(mapping.HeaderGitHub, mapping.Sign(f.source.Secret, body))
	if res, err := http.DefaultClient.Do(r); err != nil || res.StatusCode != 401 {
		t.Errorf("tampered body: %v %v", res, err)
	}
	if n := f.activities(t); n != 0 {
		t.Fatalf("refused deliveries recorded %d activities", n)
	}
	large := []byte(`{"a":"` + strings.Repeat("x", mapping.MaxPayloadBytes) + `"}`)
	if code, _ := f.deliver(t, large, f.source.Secret, ev...); code != http.StatusRequestEntityTooLarge {
		t.Errorf("large: %d, want 413", code)
	}
	deep := []byte(`{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`)
	if code, _ := f.deliver(t, deep, f.source.Secret, ev...); code != http.StatusBadRequest {
		t.Errorf("deep: %d, want 400", code)
	}
	id := f.source.ID
	f.source.ID = badges.NewID()
	if code, _ := f.deliver(t, body, f.source.Secret, ev...); code != http.StatusNotFound {
		t.Errorf("unknown source: %d, want 404", code)
	}
	f.source.ID = id
	f.ts.do(t, req{method: "PATCH", path: "/api/v1/sources/" + id, body: map[string]any{"enabled": false}}).want(t, 200)
	if code, _ := f.deliver(t, body, f.source.Secret, ev...); code != http.StatusConflict {
		t.Errorf("disabled: %d, want 409", code)
	}
	f.ts.do(t, req{method: "PATCH", path: "/api/v1/sources/" + id, body: map[string]any{"enabled": true}}).want(t, 200)
	// A rotated secret: the new one works, and the old one for a while.
	var rotated struct{ Secret string }
	f.ts.do(t, req{method: "POST", path: "/api/v1/sources/" + id + "/rotate-secret"}).want(t, 200).JSON(t, &rotated)
	if code, rep := f.deliver(t, body, rotated.Secret, ev...); code != 200 || rep.Recorded != 1 {
		t.Errorf("new secret: %d %+v", code, rep)
	}
	if code, rep := f.deliver(t, body, f.source.Secret, ev...); code != 200 || rep.Duplicate != 1 {
		t.Errorf("previous secret: %d %+v", code, rep)
	}
}

// TestSourceHook_UnknownMembers: an activity of someone the community does
// not have is skipped, rejected (422, so the tool shows a failure) or
// creates the member, as the source says.
func TestSourceHook_UnknownMembers(t *testing.T) {
	rule := `{"condition":{"count":{"behaviour":"attended-session","min":5}}}`
	batch := []byte(`{"activities": [
		{"id": "e1", "email": "ada@example.org", "behaviour": "attended-session"},
		{"id": "e2", "email": "new@example.org", "name": "Newcomer", "behaviour": "attended-session"},
		{"id": "e3", "externalId": "stranger", "behaviour": "attended-session"}]}`)
	for _, tc := range []struct {
		policy             string
		code               int
		recorded, skipped  int
		rejected           int
		newcomer, stranger string
	}{
		{"skip", 200, 1, 2, 0, "skipped", "skipped"},
		{"reject", 422, 1, 0, 2, "rejected", "rejected"},
		{"create", 200, 2, 1, 0, "recorded", "skipped"},
	} {
		t.Run(tc.policy, func(t *testing.T) {
			f := newSourceFixture(t, "generic", tc.policy, rule)
			code, rep := f.deliver(t, batch, f.source.Secret)
			if code != tc.code || rep.Recorded != tc.recorded || rep.Skipped != tc.skipped || rep.Rejected != tc.rejected ||
				rep.Results[1].Outcome != tc.newcomer || rep.Results[2].Outcome != tc.stranger || rep.Results[2].Reason == "" {
				t.Fatalf("%d %+v", code, rep)
			}
			if tc.policy == "reject" { // the 422 as the OpenAPI document describes it
				h := http.Header{}
				h.Set(mapping.HeaderLaurel, mapping.Sign(f.source.Secret, batch))
				f.ts.do(t, req{method: "POST", path: "/hooks/in/" + f.source.ID, token: "-", body: batch, contentType: "application/json", header: h}).want(t, 422)
			}
			if !strings.Contains(rep.Results[2].Reason, "stranger") {
				t.Errorf("the reason does not name the member: %q", rep.Results[2].Reason)
			}
		})
	}
}

// TestSources_API: sources are created, checked like rules (a problem
// names the mapping's field), listed without secrets, changed, dry-run
// and removed.
func TestSources_API(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members",
		body: map[string]any{"email": "grace@example.org", "displayName": "Grace Hopper", "externalId": "grace"}}).want(t, 201)
	base := "/api/v1/issuers/" + iss + "/sources"
	ts.do(t, req{method: "POST", path: base, body: map[string]any{"name": "X", "preset": "gitlab"}}).wantProblem(t, 400, badges.EINVALID, "preset")
	ts.do(t, req{method: "POST", path: base, body: map[string]any{"name": "X", "preset": "generic", "unknownMembers": "ask"}}).wantProblem(t, 400, badges.EINVALID, "unknownMembers")
	p := ts.do(t, req{method: "POST", path: base, body: map[string]any{"name": "X", "preset": "generic",
		"mapping": map[string]any{"memberEmail": "a", "when": []any{map[string]any{"if": map[string]any{"a": map[string]any{"$gt": 1}}, "behaviour": "posted"}}}}}).
		wantProblem(t, 400, badges.EINVALID, "mapping.when[0].if.a")
	if !strings.HasSuffix(p.Detail, ".") {
		t.Errorf("detail = %q", p.Detail)
	}
	var src struct {
		ID, Secret    string
		CustomMapping bool
	}
	ts.do(t, req{method: "POST", path: base, body: map[string]any{"name": "Code", "preset": "github"}}).want(t, 201).JSON(t, &src)
	var list struct{ Items []map[string]any }
	ts.do(t, req{method: "GET", path: base, token: mustKey(t, ts, badges.ScopeRead)}).want(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0]["secret"] != nil || list.Items[0]["unknownMembers"] != "skip" {
		t.Fatalf("list = %+v", list)
	}
	// A dry run of GitHub's issue, by the preset and by an edited mapping.
	sample := map[string]any{"payload": json.RawMessage(payload(t, "github_issues_opened.json")),
		"headers": map[string]string{"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-9"}}
	var rep ingestReport
	ts.do(t, req{method: "POST", path: "/api/v1/sources/" + src.ID + "/dry-run", body: sample}).want(t, 200).JSON(t, &rep)
	if rep.Rejected != 1 || rep.Results[0].Field != "behaviour" || rep.Signature != "missing" {
		t.Fatalf("dry run, no such behaviour: %+v", rep)
	}
	custom := map[string]any{"eventKey": []string{"header:X-GitHub-Delivery"}, "memberExternalId": "sender.login",
		"when": []any{map[string]any{"if": map[string]any{"header:X-GitHub-Event": "issues", "action": []any{"opened", "reopened"}}, "behaviour": "posted", "evidenceUrl": "issue.html_url"}}}
	sample["mapping"] = custom
	ts.do(t, req{method: "POST", path: "/api/v1/sources/" + src.ID + "/dry-run", body: sample}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || rep.Results[0].Outcome != "would-record" || rep.Results[0].MemberID == "" || rep.Results[0].Behaviour != "posted" {
		t.Fatalf("dry run, edited mapping: %+v", rep)
	}
	var updated map[string]any
	ts.do(t, req{method: "PATCH", path: "/api/v1/sources/" + src.ID, body: map[string]any{"mapping": custom, "name": "GitHub"}}).want(t, 200).JSON(t, &updated)
	if updated["customMapping"] != true || updated["secret"] != nil || updated["name"] != "GitHub" {
		t.Errorf("updated = %+v", updated)
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/sources/" + src.ID, body: map[string]any{"mapping": nil}}).want(t, 200).JSON(t, &src)
	if src.CustomMapping {
		t.Error("null did not restore the preset's mapping")
	}
	ts.do(t, req{method: "PATCH", path: "/api/v1/sources/" + src.ID, body: map[string]any{"preset": "generic"}}).wantProblem(t, 400, badges.EINVALID, "preset")
	if n := newSourceActivities(t, ts, iss); n != 0 {
		t.Errorf("a dry run recorded %d activities", n)
	}
	ts.do(t, req{method: "DELETE", path: "/api/v1/sources/" + src.ID}).want(t, 204)
	ts.do(t, req{method: "GET", path: "/api/v1/sources/" + src.ID}).wantProblem(t, 404, badges.ENOTFOUND, "")
}

func newSourceActivities(t *testing.T, ts *testServer, iss string) int {
	t.Helper()
	f := &sourceFixture{ts: ts, iss: iss}
	return f.activities(t)
}
