package api_test

import (
	"net/http"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestAuth(t *testing.T) {
	ts := newTestServer(t)
	read := mustKey(t, ts, badges.ScopeRead)
	ingest := mustKey(t, ts, badges.ScopeIngest)
	iss := mustIssuer(t, ts)

	for _, tc := range []struct {
		name   string
		token  string
		header string
	}{
		{"401/missing", "-", ""},
		{"401/not bearer", "-", "Basic dXNlcjpwYXNz"},
		{"401/garbage", "lrl_nope", ""},
		{"401/wrong secret", read[:len(read)-4] + "AAAA", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := req{method: "GET", path: "/api/v1/issuers", token: tc.token}
			if tc.header != "" {
				q.header = http.Header{"Authorization": {tc.header}}
			}
			r := ts.do(t, q)
			r.wantProblem(t, 401, badges.EUNAUTHORIZED, "")
			if r.Header().Get("WWW-Authenticate") == "" {
				t.Fatal("no WWW-Authenticate header")
			}
		})
	}
	t.Run("OK/read key reads", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss, token: read}).want(t, 200)
	})
	t.Run("403/read key writes", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers", token: read, body: map[string]any{"name": "X"}}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	})
	t.Run("403/ingest key reads", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers", token: ingest}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	})
	t.Run("403/read key lists keys", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/apikeys", token: read}).wantProblem(t, 403, badges.EFORBIDDEN, "")
	})
	t.Run("OK/public pages need no key", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/issuers/" + iss, token: "-"}).want(t, 200)
	})
}

func TestAPIKeys(t *testing.T) {
	ts := newTestServer(t)
	var created struct {
		ID, Key string
		Scopes  []string
	}
	r := ts.do(t, req{method: "POST", path: "/api/v1/apikeys", body: map[string]any{"name": "CI", "scopes": []string{"read", "read"}}}).want(t, 201)
	r.JSON(t, &created)
	if len(created.Scopes) != 1 || created.Key == "" || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("created %+v", created)
	}
	ts.do(t, req{method: "GET", path: "/api/v1/issuers", token: created.Key}).want(t, 200)

	var list struct {
		Items []map[string]any
		Total int
	}
	ts.do(t, req{method: "GET", path: "/api/v1/apikeys"}).want(t, 200).JSON(t, &list)
	for _, k := range list.Items {
		if _, leaked := k["key"]; leaked {
			t.Fatalf("a listed key shows its token: %v", k)
		}
		if _, leaked := k["secretHash"]; leaked {
			t.Fatalf("a listed key shows its hash: %v", k)
		}
	}
	if list.Total != 2 || list.Items[0]["lastUsedAt"] == nil {
		t.Fatalf("list %+v", list)
	}

	ts.do(t, req{method: "DELETE", path: "/api/v1/apikeys/" + created.ID}).want(t, 204)
	ts.do(t, req{method: "GET", path: "/api/v1/issuers", token: created.Key}).wantProblem(t, 401, badges.EUNAUTHORIZED, "")
	ts.do(t, req{method: "DELETE", path: "/api/v1/apikeys/" + created.ID}).wantProblem(t, 409, badges.ECONFLICT, "")
	ts.do(t, req{method: "DELETE", path: "/api/v1/apikeys/aaaaaaaaaaaaaaaaaaaa"}).wantProblem(t, 404, badges.ENOTFOUND, "")

	t.Run("409/last admin key", func(t *testing.T) {
		id, _, _ := badges.ParseToken(ts.admin)
		ts.do(t, req{method: "DELETE", path: "/api/v1/apikeys/" + id}).wantProblem(t, 409, badges.ECONFLICT, "")
	})
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"400/no scopes", map[string]any{"name": "x", "scopes": []string{}}, "scopes"},
		{"400/unknown scope", map[string]any{"name": "x", "scopes": []string{"root"}}, "scopes"},
		{"400/no name", map[string]any{"scopes": []string{"read"}}, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts.do(t, req{method: "POST", path: "/api/v1/apikeys", body: tc.body}).wantProblem(t, 400, badges.EINVALID, tc.field)
		})
	}
}
