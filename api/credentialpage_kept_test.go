package api_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

// TestCredentialPage_KeptEqualsWhole: the page a server serves from what
// it kept of earlier views is, byte for byte, the page a server that
// never saw the credential renders whole, after each change the page
// shows: the issuer renamed, consent withdrawn and given again, a new
// endorsement, the expiry passed, a revocation by another process.
func TestCredentialPage_KeptEqualsWhole(t *testing.T) {
	var ahead atomic.Int64
	clock := func(c *api.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	}
	d := newDetailedCredential(t, plainWords, clock)
	same := func(t *testing.T, step string, want ...string) {
		t.Helper()
		kept := d.page(t)
		fresh := string(freshServer(t, d.ts, clock).do(t, req{method: "GET", path: "/credentials/" + d.cred,
			token: "-", header: accept("text/html")}).want(t, 200).body)
		if kept != fresh {
			t.Fatalf("%s: the kept page differs from the page rendered whole:\n%s\n---\n%s", step, kept, fresh)
		}
		wantIn(t, kept, want...)
	}
	same(t, "first view", "Ada Lovelace", "Lea Leader", `id="linkedin-add"`)
	same(t, "second view", "Ada Lovelace")

	d.ts.do(t, req{method: "PATCH", path: "/api/v1/issuers/" + d.issuer, body: map[string]any{"name": "Gophers of Lyon Renamed"}}).want(t, 200)
	same(t, "issuer renamed", "Gophers of Lyon Renamed")

	d.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + d.ada, body: map[string]any{"publicProfile": false}}).want(t, 200)
	same(t, "consent withdrawn", "a verified recipient")
	d.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + d.ada, body: map[string]any{"publicProfile": true}}).want(t, 200)
	same(t, "consent given again", "Ada Lovelace")

	var max struct{ ID string }
	d.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/members", body: map[string]any{
		"email": "max@example.org", "displayName": "Max Mentor", "slug": "max", "publicProfile": true}}).want(t, 201).JSON(t, &max)
	d.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/awards", body: map[string]any{"achievementId": d.first, "memberId": max.ID}}).want(t, 201)
	d.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + d.issuer + "/endorsements", token: mustKey(t, d.ts, badges.ScopeIngest),
		body: map[string]any{"endorserId": max.ID, "memberId": d.ada, "note": "Zq9 hosted again."}}).want(t, 201)
	// Endorsements are kept five seconds, as before pages were kept.
	shows(t, d, "Zq9 hosted again.", 8*time.Second)
	same(t, "endorsed again", "Zq9 hosted again.")

	ahead.Store(int64(500 * 24 * time.Hour))
	same(t, "expired", `<span class="pill">Expired</span>`)
	ahead.Store(0)
	same(t, "the clock back", `<span class="pill">Verified</span>`)

	if _, err := newIssuing(t, d.ts.db).Revoke(context.Background(), d.cred, badges.RevokeInput{Reason: "Zq8 revoked elsewhere.", PublishReason: true}); err != nil {
		t.Fatal(err)
	}
	// The server hears nothing of it: its status check shows it within a
	// second.
	shows(t, d, "Zq8 revoked elsewhere.", 3*time.Second)
	same(t, "revoked by another process", "Zq8 revoked elsewhere.", `<span class="pill">Revoked</span>`)
}

// shows waits until the credential's page shows text.
func shows(t *testing.T, d *detailedCredential, text string, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); !strings.Contains(d.page(t), text); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the page did not show %q within %s", text, within)
		}
	}
}

// freshServer is a second server on ts's database, as another process
// has, that has read nothing yet.
func freshServer(t *testing.T, ts *testServer, mutate ...func(*api.Config)) *testServer {
	t.Helper()
	cfg := api.Config{BaseURL: baseURL, Logger: testLogger(t)}
	for _, f := range mutate {
		f(&cfg)
	}
	srv, err := newLaurelWith(t, ts.db, nil).Server(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{srv: srv, db: ts.db, stores: ts.stores, router: ts.router}
}
