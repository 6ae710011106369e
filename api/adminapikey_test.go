package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

var apiToken = regexp.MustCompile(`lrl_[A-Za-z0-9]+_[A-Za-z0-9_-]{43}`)

// TestConsoleAPIKeys_Create: a key made in the console works on the API
// with the scopes chosen; its token is shown once; names are escaped.
func TestConsoleAPIKeys_Create(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.consoleAs(t, "", "")
	admin.get(t, "/admin/apikeys").wantPage(t, http.StatusOK, "Make an API key", "Read: every GET of the API")

	name := "<script>alert(1)</script> bot"
	admin.post(t, "/admin/apikeys", url.Values{"name": {name}, "scopes": {"read", "ingest"}}).wantRedirect(t, "/admin/apikeys/created")
	shown := admin.get(t, "/admin/apikeys/created")
	shown.wantPage(t, http.StatusOK, "Copy the key “"+name+"” now", "read, ingest", "This page shows the key once")
	if strings.Contains(shown.Body, "<script>alert(1)</script>") {
		t.Fatal("the key's name is not escaped")
	}
	token := apiToken.FindString(shown.Body)
	if token == "" {
		t.Fatalf("no token on the page: %s", shown.Body)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers", token: token}).want(t, http.StatusOK)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", token: token, body: map[string]any{"name": "X"}}).want(t, http.StatusForbidden)

	again := admin.get(t, "/admin/apikeys/created")
	again.wantPage(t, http.StatusOK, "The key is no longer shown")
	if strings.Contains(again.Body, token) {
		t.Fatal("the token is shown again on reload")
	}
	list := admin.get(t, "/admin/apikeys")
	list.wantPage(t, http.StatusOK, name, "read, ingest", "Active")
	if strings.Contains(list.Body, token) {
		t.Fatal("the list shows a token")
	}
}

// TestConsoleAPIKeys_BadInput: no scope, or no name, comes back on the
// field with what was typed; nothing is made.
func TestConsoleAPIKeys_BadInput(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.consoleAs(t, "", "")
	w := admin.post(t, "/admin/apikeys", url.Values{"name": {"Bot without scope"}})
	w.wantPage(t, http.StatusBadRequest, "At least one scope is needed", "Bot without scope")
	if !strings.Contains(w.Body, `id="f-scopes-error"`) {
		t.Fatalf("the error is not beside the scopes: %s", w.Body)
	}
	w = admin.post(t, "/admin/apikeys", url.Values{"name": {""}, "scopes": {"read"}})
	w.wantPage(t, http.StatusBadRequest)
	if !strings.Contains(w.Body, `id="f-name-error"`) || !strings.Contains(w.Body, `value="read" checked`) {
		t.Fatalf("the error is not beside the name, or the scope was lost: %s", w.Body)
	}
	admin.post(t, "/admin/apikeys", url.Values{"name": {"x"}, "scopes": {"root"}}).wantPage(t, http.StatusBadRequest, `Unknown scope "root"`)
	var keys struct{ Total int }
	ts.do(t, req{method: "GET", path: "/api/v1/apikeys"}).want(t, http.StatusOK).JSON(t, &keys)
	if keys.Total != 1 {
		t.Fatalf("%d keys, want only the first admin key", keys.Total)
	}
}

// TestConsoleAPIKeys_Revoke: revoking asks first, then the key is
// refused; the last admin key cannot be revoked and the page says so,
// naming the key by its name.
func TestConsoleAPIKeys_Revoke(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.consoleAs(t, "", "")
	token := mustKey(t, ts, badges.ScopeRead)
	id, _, _ := badges.ParseToken(token)
	revoke := "/admin/apikeys/" + id + "/revoke"
	admin.get(t, revoke).wantPage(t, http.StatusOK, "Revoke “test”?", "is refused from now on")
	admin.post(t, revoke, nil).wantRedirect(t, "/admin/apikeys")
	ts.do(t, req{method: "GET", path: "/api/v1/issuers", token: token}).want(t, http.StatusUnauthorized)
	admin.get(t, "/admin/apikeys").wantPage(t, http.StatusOK, "is revoked", "Revoked ")

	first, _, _ := badges.ParseToken(ts.admin)
	w := admin.post(t, "/admin/apikeys/"+first+"/revoke", nil)
	w.wantPage(t, http.StatusConflict, "is the last active admin key; create another admin key first.")
	if strings.Contains(w.Body, "API key "+first) || !strings.Contains(w.Body, "API key “") {
		t.Fatal("the refusal names the key by its id")
	}
	ts.do(t, req{method: "GET", path: "/api/v1/apikeys"}).want(t, http.StatusOK)

	owner := ts.consoleAs(t, badges.RoleOwner, mustIssuer(t, ts))
	owner.get(t, "/admin/apikeys").wantPage(t, http.StatusForbidden, "Only a service administrator")
	owner.post(t, "/admin/apikeys", url.Values{"name": {"sneaky"}, "scopes": {"admin"}}).wantPage(t, http.StatusForbidden)
	owner.post(t, "/admin/apikeys/"+first+"/revoke", nil).wantPage(t, http.StatusForbidden)
}
