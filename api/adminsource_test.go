package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// TestConsoleSources: an admin adds a GitHub source and sees its secret
// once, with the set-up steps; a broken mapping is refused with its part
// named; a dry run shows what a sample would record; another community's
// source is not found; removing asks first.
func TestConsoleSources(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members",
		body: map[string]any{"email": "ada@example.org", "displayName": "Ada Lovelace", "externalId": "ada"}}).want(t, 201)
	admin := ts.consoleAs(t, badges.RoleAdmin, iss)
	base := "/admin/c/" + iss + "/integrations/sources"
	admin.get(t, base).wantPage(t, http.StatusOK, "No activity source yet", "Add a source")
	admin.post(t, base, url.Values{"name": {""}, "preset": {"github"}, "unknownMembers": {"skip"}}).wantPage(t, http.StatusBadRequest, "There is a problem", "Name is required")

	loc := admin.post(t, base, url.Values{"name": {"Engine repository"}, "preset": {"github"}, "unknownMembers": {"skip"}}).wantRedirect(t, base+"/")
	first := admin.get(t, loc)
	first.wantPage(t, http.StatusOK, "Copy the signing secret now", "Settings › Webhooks", "X-Hub-Signature-256", baseURL+"/hooks/in/", "pull-request-merged")
	if !strings.Contains(first.Body, `value="lsrc_`) {
		t.Fatal("the new source's secret is not shown")
	}
	again := admin.get(t, loc)
	if strings.Contains(again.Body, "lsrc_") {
		t.Error("the secret is shown a second time")
	}
	admin.post(t, loc, url.Values{"name": {"Engine"}, "unknownMembers": {"skip"}, "enabled": {"true"},
		"mapping": {`{"memberEmail": "a", "when": [{"if": {"action": {"$ne": 1}}, "behaviour": "posted"}]}`}}).
		wantPage(t, http.StatusBadRequest, "The mapping at when[0].if.action: Compare with a string")

	headers, payload := mapping.Sample(mapping.PresetGitHub)
	custom := `{"eventKey": ["header:X-GitHub-Delivery"], "when": [{"if": {"header:X-GitHub-Event": "pull_request", "pull_request.merged": true}, "behaviour": "posted", "memberExternalId": "pull_request.user.login"}]}`
	try := admin.post(t, loc+"/dry-run", url.Values{"headers": {headers}, "payload": {payload}, "mapping": {custom}})
	try.wantPage(t, http.StatusOK, "It would record 1 activity", "Would record", "ada", "Signature: none in the headers")
	if n := newSourceActivities(t, ts, iss); n != 0 {
		t.Errorf("the dry run recorded %d activities", n)
	}
	admin.post(t, loc, url.Values{"name": {"Engine"}, "unknownMembers": {"reject"}, "enabled": {"false"}, "mapping": {custom}}).wantRedirect(t, loc)
	admin.get(t, loc).wantPage(t, http.StatusOK, "Reject the delivery", "Disabled")
	admin.get(t, base).wantPage(t, http.StatusOK, "Engine", "GitHub", "Rejected")

	other := mustIssuer(t, ts)
	owner := ts.consoleAs(t, badges.RoleOwner, other)
	id := loc[strings.LastIndex(loc, "/")+1:]
	owner.get(t, "/admin/c/"+other+"/integrations/sources/"+id).wantPage(t, http.StatusNotFound)

	admin.post(t, loc+"/rotate", nil).wantRedirect(t, loc)
	admin.get(t, loc).wantPage(t, http.StatusOK, "Copy the signing secret now", "Still taken until")
	admin.get(t, loc+"/remove").wantPage(t, http.StatusOK, "What will happen")
	admin.post(t, loc+"/remove", nil).wantRedirect(t, base)
	admin.get(t, loc).wantPage(t, http.StatusNotFound)
}

// mustSource adds a GitHub source to a community and returns its id.
func mustSource(t *testing.T, ts *testServer, issuerID string) string {
	t.Helper()
	var src struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuerID + "/sources", body: map[string]any{"name": "Code", "preset": "github"}}).want(t, 201).JSON(t, &src)
	return src.ID
}
