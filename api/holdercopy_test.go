package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/wallettest"
)

// TestHolderCopies_Served: a copy a wallet received is served at its id,
// as JSON or as a VC-JWT; a browser goes to the original's page; a copy
// named under another credential, or with an unknown suffix, is 404.
func TestHolderCopies_Served(t *testing.T) {
	c := newCommunity(t)
	w := inProcessWallet(t, c.ts, wallettest.EdDSARDFC2022)
	got, err := w.Receive(context.Background(), baseURL+walletPath(t, c.adaCred))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ ID string }
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(doc.ID, baseURL)
	if !strings.HasPrefix(path, "/credentials/"+c.adaCred+"/copies/") {
		t.Fatalf("copy id %s", doc.ID)
	}
	for _, a := range []string{"application/vc+ld+json", "application/json", "application/ld+json"} {
		r := c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept(a)}).want(t, 200)
		if r.Header().Get("Content-Type") != "application/vc+ld+json" || !strings.Contains(string(r.body), w.DID) {
			t.Fatalf("Accept %s: %s %s", a, r.Header().Get("Content-Type"), r.body)
		}
	}
	wantJWT := func(r *resp) {
		t.Helper()
		if r.Header().Get("Content-Type") != "application/vc+jwt" || strings.Count(string(r.body), ".") != 2 {
			t.Fatalf("JWT: %s %s", r.Header().Get("Content-Type"), r.body)
		}
	}
	wantJWT(c.ts.do(t, req{method: "GET", path: path + ".jwt", token: "-"}).want(t, 200))
	wantJWT(c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("application/vc+jwt")}).want(t, 200))
	if r := c.ts.do(t, req{method: "GET", path: path + ".json", token: "-"}).want(t, 200); r.Header().Get("Content-Type") != "application/vc+ld+json" {
		t.Fatalf(".json: %s", r.Header().Get("Content-Type"))
	}
	if r := c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, http.StatusSeeOther); r.Header().Get("Location") != baseURL+"/credentials/"+c.adaCred {
		t.Fatalf("browser sent to %q", r.Header().Get("Location"))
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		copyID := path[strings.LastIndexByte(path, '/')+1:]
		for _, p := range []string{"/credentials/" + c.bobCred + "/copies/" + copyID, path + ".png", "/credentials/" + c.adaCred + "/copies/nope"} {
			c.ts.do(t, req{method: "GET", path: p, token: "-", header: accept("application/json")}).wantProblem(t, 404, "not_found", "")
		}
	})
}

// TestClaimPage_Wallet: once accepted, the claim page offers the badge to
// wallets, with the interaction URL's QR code and link; not before, and
// not for a revoked or expired badge.
func TestClaimPage_Wallet(t *testing.T) {
	var ahead atomic.Int64
	c := newCommunity(t, func(cfg *api.Config) {
		cfg.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	path, wallet := claimPath(t, c.adaCred), baseURL+walletPath(t, c.adaCred)
	v := c.openClaim(t, path, 200)
	wantNotIn(t, v.body, `id="claim-wallet"`)
	c.accept(t, path, v, url.Values{"csrf": {v.csrf}, "visibility": {"public"}}).want(t, 303)
	wantIn(t, c.openClaim(t, path, 200).body, `id="claim-wallet"`, "Add to your wallet", `src="`+wallet+`/qr.svg"`,
		`id="wallet-link" href="`+wallet+`"`, "if the badge is ever revoked, so is the copy")

	ahead.Store(int64(500 * 24 * time.Hour))
	wantNotIn(t, c.openClaim(t, path, 200).body, `id="claim-wallet"`, wallet)
	ahead.Store(0)
	c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.adaCred + "/revoke", body: map[string]any{"reason": "Awarded in error."}}).want(t, 200)
	wantNotIn(t, c.openClaim(t, path, 200).body, `id="claim-wallet"`, wallet)
}

// TestPortal_WalletQR: each badge that counts offers its wallet QR code in
// the portal; a revoked one does not.
func TestPortal_WalletQR(t *testing.T) {
	ps := newPortalServer(t)
	iss := mustIssuer(t, ps.testServer)
	ada := mustMember(t, ps.testServer, iss, "ada@example.org", "Ada Lovelace")
	host := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "Session Host", "status": "active"})
	var live, gone struct{ ID string }
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": host["id"], "memberId": ada}}).want(t, 201).JSON(t, &live)
	first := mustAchievement(t, ps.testServer, iss, map[string]any{"name": "First Steps", "status": "active"})
	ps.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards", body: map[string]any{"achievementId": first["id"], "memberId": ada}}).want(t, 201).JSON(t, &gone)
	ps.do(t, req{method: "POST", path: "/api/v1/credentials/" + gone.ID + "/revoke", body: map[string]any{"reason": "Awarded by mistake."}}).want(t, 200)

	c := ps.memberSignedIn(t, "ada@example.org")
	p := c.get(t, "/me")
	liveURL := baseURL + walletPath(t, live.ID)
	p.wantPage(t, http.StatusOK, "Add to your wallet")
	p.wantHTML(t, `id="wallet-`+live.ID+`"`, `src="`+liveURL+`/qr.svg"`, `href="`+liveURL+`"`)
	if strings.Contains(p.Body, `id="wallet-`+gone.ID+`"`) || strings.Contains(p.Body, walletPath(t, gone.ID)) {
		t.Error("a revoked badge offers itself to wallets")
	}
}
