package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// Several Laurel processes on one database: each test serves one database
// twice, the second server with its own connection and its own stores and
// services, as a second process has, and sends requests to both at the
// same moment.

// twoServers returns two servers of one database; both accept the first
// server's admin token.
func twoServers(t *testing.T) (*testServer, *testServer) {
	t.Helper()
	a := newTestServer(t)
	db := mongotest.Connect(t, a.db.Name())
	l := newLaurel(t, db)
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	return a, &testServer{srv: srv, db: db, stores: l.Stores, admin: a.admin, router: a.router, verifier: l.Verifier}
}

// call is one request to one server.
type call struct {
	ts *testServer
	q  req
}

// atOnce sends every call at the same moment and returns the responses,
// each checked against the OpenAPI document. Bodies are JSON, or sent as
// they are when they are strings.
func atOnce(t *testing.T, calls ...call) []*resp {
	t.Helper()
	reqs := make([]*http.Request, len(calls))
	raws := make([][]byte, len(calls))
	for i, c := range calls {
		reqs[i], raws[i] = c.ts.request(t, c.q)
	}
	out := make([]*resp, len(calls))
	fs := make([]func() error, len(calls))
	for i, c := range calls {
		fs[i] = func() error {
			w := httptest.NewRecorder()
			c.ts.srv.ServeHTTP(w, reqs[i])
			out[i] = &resp{ResponseRecorder: w, body: w.Body.Bytes()}
			return nil
		}
	}
	mongotest.AtOnce(fs...)
	for i, c := range calls {
		checkAgainstOpenAPI(t, c.ts.router, reqs[i], raws[i], out[i])
	}
	return out
}

// statuses lists the status codes of responses.
func statuses(rs []*resp) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

// TestConcurrency_LastAdminKeys revokes the last two admin keys at once
// on two servers, each request authenticated with the key the other
// revokes: one key must stay, every round. The other request is refused
// as a conflict naming why, or as unauthorised when its own key was
// revoked before it was checked.
func TestConcurrency_LastAdminKeys(t *testing.T) {
	a, b := twoServers(t)
	survivor := a.admin
	refused := 0
	for round := range 20 {
		var created struct{ ID, Key string }
		a.do(t, req{method: "POST", path: "/api/v1/apikeys", token: survivor,
			body: map[string]any{"name": "admin", "scopes": []string{"admin"}}}).want(t, 201).JSON(t, &created)
		survivorID, _, _ := badges.ParseToken(survivor)
		rs := atOnce(t,
			call{a, req{method: "DELETE", path: "/api/v1/apikeys/" + survivorID, token: created.Key}},
			call{b, req{method: "DELETE", path: "/api/v1/apikeys/" + created.ID, token: survivor}},
		)
		got := statuses(rs)
		slices.Sort(got)
		if got[0] != http.StatusNoContent || (got[1] != http.StatusUnauthorized && got[1] != http.StatusConflict) {
			t.Fatalf("round %d: statuses %v; want one 204 and one 401 or 409", round, statuses(rs))
		}
		for _, r := range rs {
			if r.Code == http.StatusConflict {
				refused++
				if p := r.problem(t); !strings.Contains(p.Detail, "last active admin key") {
					t.Fatalf("round %d: the conflict does not say why: %+v", round, p)
				}
			}
		}
		if rs[0].Code == http.StatusNoContent {
			survivor = created.Key
		}
		// The key left still works as an admin key.
		a.do(t, req{method: "GET", path: "/api/v1/apikeys", token: survivor}).want(t, 200)
	}
	t.Logf("%d of 20 rounds refused with a conflict", refused)
}

// TestConcurrency_RevokeCredential revokes one credential at once on two
// servers: one revocation is recorded, once — status bit, showcases — and
// the other is answered as any revocation of a revoked credential.
func TestConcurrency_RevokeCredential(t *testing.T) {
	ctx := context.Background()
	a, b := twoServers(t)
	iss := mustIssuer(t, a)
	ach := mustAchievement(t, a, iss, map[string]any{"status": "active"})
	const rounds = 10
	for round := range rounds {
		var cred credentialView
		a.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
			body: map[string]any{"achievementId": ach["id"], "email": fmt.Sprintf("m%d@example.org", round), "name": "M"}}).want(t, 201).JSON(t, &cred)
		path := "/api/v1/credentials/" + cred.ID + "/revoke"
		rs := atOnce(t,
			call{a, req{method: "POST", path: path, body: map[string]any{"reason": "First reason"}}},
			call{b, req{method: "POST", path: path, body: map[string]any{"reason": "Second reason"}}},
		)
		got := statuses(rs)
		slices.Sort(got)
		if !slices.Equal(got, []int{http.StatusOK, http.StatusConflict}) {
			t.Fatalf("round %d: statuses %v; want one 200 and one 409", round, statuses(rs))
		}
		for _, r := range rs {
			if r.Code == http.StatusConflict && !strings.Contains(r.problem(t).Detail, "already revoked") {
				t.Fatalf("round %d: %s", round, r.body)
			}
		}
		c, err := a.stores.Credentials.Credential(ctx, cred.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, err := a.stores.Status.FindStatusList(ctx, c.IssuerID, c.StatusList)
		if err != nil || len(slices.DeleteFunc(slices.Clone(list.Revoked), func(i int) bool { return i != c.StatusIndex })) != 1 {
			t.Fatalf("round %d: status list %+v, %v", round, list, err)
		}
		sc, err := b.stores.Showcases.MemberShowcase(ctx, c.MemberID)
		if err != nil || len(sc.Entries) != 1 || !sc.Entries[0].Revoked {
			t.Fatalf("round %d: member showcase %+v, %v", round, sc, err)
		}
	}
	sc, err := a.stores.Showcases.AchievementShowcase(ctx, ach["id"].(string))
	if err != nil || sc.Earned != 0 || len(sc.Recent) != 0 {
		t.Fatalf("achievement showcase after %d awards and revocations: %+v, %v", rounds, sc, err)
	}
}

// TestConcurrency_MemberPatches changes one member at once on two servers:
// the fields of both changes are kept.
func TestConcurrency_MemberPatches(t *testing.T) {
	a, b := twoServers(t)
	iss := mustIssuer(t, a)
	for round := range 10 {
		var m struct{ ID string }
		a.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members",
			body: map[string]any{"email": fmt.Sprintf("p%d@example.org", round), "displayName": "Before"}}).want(t, 201).JSON(t, &m)
		path := "/api/v1/members/" + m.ID
		name, ext := fmt.Sprintf("After %d", round), fmt.Sprintf("ext-%d", round)
		rs := atOnce(t,
			call{a, req{method: "PATCH", path: path, body: map[string]any{"displayName": name}}},
			call{b, req{method: "PATCH", path: path, body: map[string]any{"externalId": ext, "publicProfile": true}}},
		)
		if rs[0].Code != http.StatusOK || rs[1].Code != http.StatusOK {
			t.Fatalf("round %d: statuses %v", round, statuses(rs))
		}
		var got struct {
			DisplayName, ExternalID string
			PublicProfile           bool
		}
		b.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &got)
		if got.DisplayName != name || got.ExternalID != ext || !got.PublicProfile {
			t.Fatalf("round %d: member %+v; want the fields of both changes", round, got)
		}
	}
}

// TestConcurrency_MemberImportAndCreate imports members on one server while
// a member with one of the file's e-mail addresses is created on the other.
// The import is all or nothing: a 422 applied nothing, a 200 applied every
// row.
func TestConcurrency_MemberImportAndCreate(t *testing.T) {
	a, b := twoServers(t)
	const n = 30
	var csv strings.Builder
	csv.WriteString("email,displayName\n")
	for i := range n {
		fmt.Fprintf(&csv, "m%d@example.org,Member %d\n", i, i)
	}
	for round := range 8 {
		iss := mustIssuer(t, a)
		rs := atOnce(t,
			call{a, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", body: csv.String(), contentType: "text/csv"}},
			call{b, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "m15@example.org", "displayName": "Racer"}}},
		)
		var rep importReport
		rs[0].JSON(t, &rep)
		total := memberTotal(t, a, iss)
		switch rs[0].Code {
		case http.StatusUnprocessableEntity:
			if rep.Applied || rep.Rejected != 1 || rs[1].Code != http.StatusCreated || total != 1 {
				t.Fatalf("round %d: import %s; create %d; %d members", round, rs[0].body, rs[1].Code, total)
			}
		case http.StatusOK:
			if !rep.Applied || rep.Created+rep.Updated != n || total != n {
				t.Fatalf("round %d: import %s; create %d; %d members", round, rs[0].body, rs[1].Code, total)
			}
		default:
			t.Fatalf("round %d: import answered %d: %s", round, rs[0].Code, rs[0].body)
		}
	}
}
