package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/wallettest"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// walletPath is a credential's interaction URL path, its code signed as
// the test server signs it (newLaurelWith's master key).
func walletPath(t testing.TB, credentialID string) string {
	t.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return "/wallet/" + credentialID + "/" + sealer.LinkSigner("wallet").Code(credentialID)
}

// toServer sends every request to a test server, whatever host its URL
// names: the URLs Laurel answers with are under baseURL.
type toServer struct{ target *url.URL }

func (s toServer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = s.target.Scheme, s.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// runningWallet is a test wallet talking to ts over HTTP.
func runningWallet(t *testing.T, ts *testServer, suite string) *wallettest.Wallet {
	t.Helper()
	srv := httptest.NewServer(ts.srv)
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	return wallettest.New(loader, &http.Client{Transport: toServer{target}}, suite)
}

// inProcessWallet is a test wallet whose requests go through ts.do, so
// that every answer is checked against the OpenAPI document.
func inProcessWallet(t *testing.T, ts *testServer, suite string) *wallettest.Wallet {
	t.Helper()
	return wallettest.New(loader, &http.Client{Transport: checkedTransport{t: t, ts: ts}}, suite)
}

type checkedTransport struct {
	t  *testing.T
	ts *testServer
}

func (c checkedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = readAllClose(r)
	}
	q := req{method: r.Method, path: r.URL.RequestURI(), token: "-", header: r.Header.Clone()}
	if body != nil {
		q.body, q.contentType = body, r.Header.Get("Content-Type")
	}
	return c.ts.do(c.t, q).Result(), nil
}

func readAllClose(r *http.Request) ([]byte, error) {
	defer r.Body.Close()
	var b bytes.Buffer
	_, err := b.ReadFrom(r.Body)
	return b.Bytes(), err
}

// TestWalletExchange_EndToEnd: a wallet follows a credential's
// interaction URL over HTTP, proves its did:key in both proof formats,
// and receives the credential issued to it, which the verifier finds
// valid and whose subject is the wallet's DID.
func TestWalletExchange_EndToEnd(t *testing.T) {
	c := newCommunity(t)
	for _, suite := range []string{wallettest.Ed25519Signature2020, wallettest.EdDSARDFC2022} {
		t.Run(suite, func(t *testing.T) {
			w := runningWallet(t, c.ts, suite)
			got, err := w.Receive(context.Background(), baseURL+walletPath(t, c.adaCred))
			if err != nil {
				t.Fatal(err)
			}
			wantHeldBy(t, c.ts, got, w.DID)
		})
	}
}

// wantHeldBy checks a credential a wallet received: valid by the
// project's verifier, made out to holder, below the original's id.
func wantHeldBy(t *testing.T, ts *testServer, got []byte, holder string) {
	t.Helper()
	var doc struct {
		ID                string `json:"id"`
		CredentialSubject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
		Proof any `json:"proof"`
	}
	if err := json.Unmarshal(got, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.CredentialSubject.ID != holder || doc.Proof == nil || !strings.Contains(doc.ID, "/copies/") {
		t.Fatalf("received %s, want a proved copy for %s", got, holder)
	}
	r, err := ts.verifier.Verify(context.Background(), verifier.Input{Data: got})
	if err != nil || r.Verdict != verifier.Valid {
		t.Fatalf("verifier: %v %+v", err, r)
	}
}

// TestWalletInteraction: the interaction URL lists the protocols for
// wallets and shows a QR code to browsers; a wrong code or credential is
// 404, a revoked credential 409.
func TestWalletInteraction(t *testing.T) {
	c := newCommunity(t)
	path := walletPath(t, c.adaCred)
	var j struct {
		Protocols map[string]string `json:"protocols"`
	}
	c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("application/json")}).want(t, 200).JSON(t, &j)
	wantOffer := "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(baseURL+path+"/oid4vci")
	if j.Protocols["vcapi"] != baseURL+path+"/vcapi" || j.Protocols["OID4VCI"] != wantOffer || len(j.Protocols) != 2 {
		t.Fatalf("protocols = %v", j.Protocols)
	}
	page := c.page(t, path, 200)
	wantIn(t, page, "Add Session Host to your wallet", `src="`+baseURL+path+`/qr.svg"`, `value="`+baseURL+path+`"`)
	qr := c.ts.do(t, req{method: "GET", path: path + "/qr.svg", token: "-"}).want(t, 200)
	if !strings.HasPrefix(qr.Header().Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("QR content type %q", qr.Header().Get("Content-Type"))
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		for _, p := range []string{"/wallet/" + c.adaCred + "/AAAAAAAAAAAAAAAAAAAAAA", strings.Replace(path, c.adaCred, c.bobCred, 1),
			"/wallet/" + c.adaCred + "/x", walletPath(t, "aaaaaaaaaaaaaaaaaaaa")} {
			c.ts.do(t, req{method: "GET", path: p, token: "-", header: accept("application/json")}).wantProblem(t, 404, "not_found", "")
			c.ts.do(t, req{method: "POST", path: p + "/vcapi", token: "-", body: map[string]any{}}).wantProblem(t, 404, "not_found", "")
		}
	})
	t.Run("409/revoked", func(t *testing.T) {
		c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.bobCred + "/revoke", body: map[string]any{"reason": "Awarded in error."}}).want(t, 200)
		bob := walletPath(t, c.bobCred)
		p := c.ts.do(t, req{method: "GET", path: bob, token: "-", header: accept("application/json")}).wantProblem(t, 409, "conflict", "")
		if !strings.Contains(p.Detail, "revoked") {
			t.Fatalf("detail %q", p.Detail)
		}
		c.ts.do(t, req{method: "POST", path: bob + "/vcapi", token: "-", body: map[string]any{}}).wantProblem(t, 409, "conflict", "")
	})
}

// exchangeRequest starts an exchange in process and returns its request.
func startExchange(t *testing.T, ts *testServer, credentialID string) *wallettest.Request {
	t.Helper()
	var out struct {
		R wallettest.Request `json:"verifiablePresentationRequest"`
	}
	ts.do(t, req{method: "POST", path: walletPath(t, credentialID) + "/vcapi", token: "-", body: map[string]any{}}).want(t, 200).JSON(t, &out)
	return &out.R
}

// present posts a presentation to an exchange's endpoint, in process.
func present(t *testing.T, ts *testServer, r *wallettest.Request, vp any) *resp {
	t.Helper()
	return ts.do(t, req{method: "POST", path: strings.TrimPrefix(r.Endpoint(), baseURL), token: "-",
		body: map[string]any{"verifiablePresentation": vp}})
}

// TestWalletExchange_Request: the request asks for DID Authentication
// with a fresh challenge, Laurel's domain and the exchange's endpoint;
// an empty object posted there asks for the same request again.
func TestWalletExchange_Request(t *testing.T) {
	c := newCommunity(t)
	r1, r2 := startExchange(t, c.ts, c.adaCred), startExchange(t, c.ts, c.adaCred)
	if len(r1.Query) != 1 || r1.Query[0].Type != "DIDAuthentication" || r1.Domain != baseURL || len(r1.Challenge) < 20 ||
		!strings.HasPrefix(r1.Endpoint(), baseURL+"/wallet/exchanges/") || r1.Interact.Service[0].Type != "UnmediatedHttpPresentationService2021" {
		t.Fatalf("request = %+v", r1)
	}
	if r1.Challenge == r2.Challenge || r1.Endpoint() == r2.Endpoint() {
		t.Fatal("two exchanges share a challenge or an endpoint")
	}
	var again struct {
		R wallettest.Request `json:"verifiablePresentationRequest"`
	}
	c.ts.do(t, req{method: "POST", path: strings.TrimPrefix(r1.Endpoint(), baseURL), token: "-", body: map[string]any{}}).want(t, 200).JSON(t, &again)
	if again.R.Challenge != r1.Challenge {
		t.Fatalf("asked again: %+v", again.R)
	}
	c.ts.do(t, req{method: "POST", path: "/wallet/exchanges/aaaaaaaaaaaaaaaaaaaa", token: "-", body: map[string]any{}}).wantProblem(t, 404, "not_found", "")
	c.ts.do(t, req{method: "POST", path: "/wallet/exchanges/nope", token: "-", body: map[string]any{}}).wantProblem(t, 404, "not_found", "")
}

// TestWalletExchange_SingleUse: the same presentation posted again gets
// the same credential; another one, even from the same holder, is 409.
func TestWalletExchange_SingleUse(t *testing.T) {
	c := newCommunity(t)
	w := inProcessWallet(t, c.ts, wallettest.Ed25519Signature2020)
	r := startExchange(t, c.ts, c.adaCred)
	vp, err := w.SignPresentation(context.Background(), r.Challenge, r.Domain)
	if err != nil {
		t.Fatal(err)
	}
	first := present(t, c.ts, r, vp).want(t, 200).body
	if again := present(t, c.ts, r, vp).want(t, 200).body; !bytes.Equal(first, again) {
		t.Fatalf("a retry got another answer:\n%s\n%s", first, again)
	}
	other := wallettest.New(loader, nil, wallettest.EdDSARDFC2022)
	vp2, err := other.SignPresentation(context.Background(), r.Challenge, r.Domain)
	if err != nil {
		t.Fatal(err)
	}
	p := present(t, c.ts, r, vp2).wantProblem(t, 409, "conflict", "")
	if !strings.Contains(p.Detail, "already completed") {
		t.Fatalf("detail %q", p.Detail)
	}
	copies, err := c.ts.stores.HolderCopies.MemberHolderCopies(context.Background(), c.ada)
	if err != nil || len(copies) != 1 || copies[0].Holder != w.DID {
		t.Fatalf("copies = %+v, %v", copies, err)
	}
}

// TestWalletExchange_BadPresentations: each presentation that does not
// prove the holder for this exchange is refused with a 4xx naming the
// problem, and nothing is issued.
func TestWalletExchange_BadPresentations(t *testing.T) {
	c := newCommunity(t)
	ctx := context.Background()
	w := wallettest.New(loader, nil, wallettest.Ed25519Signature2020)
	other := wallettest.New(loader, nil, wallettest.EdDSARDFC2022)
	cases := []struct {
		name   string
		make   func(r *wallettest.Request) (any, error)
		status int
		detail string
	}{
		{"wrong challenge", func(r *wallettest.Request) (any, error) {
			return w.SignPresentation(ctx, "another-challenge", r.Domain)
		}, 401, "wrong challenge"},
		{"wrong domain", func(r *wallettest.Request) (any, error) {
			return w.SignPresentation(ctx, r.Challenge, "https://evil.example")
		}, 401, `"https://evil.example"`},
		{"another key", func(r *wallettest.Request) (any, error) {
			vp, err := other.SignPresentation(ctx, r.Challenge, r.Domain)
			if err == nil {
				vp["holder"] = w.DID // claims w's DID with other's key
			}
			return vp, err
		}, 401, "not the controller"},
		{"forged signature", func(r *wallettest.Request) (any, error) {
			impostor := *other
			impostor.DID = w.DID // w's key named, other's key signing
			return impostor.SignPresentation(ctx, r.Challenge, r.Domain)
		}, 401, "signature does not verify"},
		{"altered after signing", func(r *wallettest.Request) (any, error) {
			vp, err := w.SignPresentation(ctx, r.Challenge, r.Domain)
			if err == nil {
				vp["proof"].(map[string]any)["created"] = "2020-01-01T00:00:00Z"
			}
			return vp, err
		}, 401, "signature does not verify"},
		{"unsigned", func(r *wallettest.Request) (any, error) {
			return map[string]any{"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "type": []any{"VerifiablePresentation"}, "holder": w.DID}, nil
		}, 400, "not signed"},
		{"did:web holder", func(r *wallettest.Request) (any, error) {
			web := *w
			web.DID = "did:web:wallet.example.org"
			vp, err := web.SignPresentation(ctx, r.Challenge, r.Domain)
			if err == nil {
				vp["proof"].(map[string]any)["verificationMethod"] = "did:web:wallet.example.org#key-1"
			}
			return vp, err
		}, 401, "could not be resolved"},
		{"assertion purpose", func(r *wallettest.Request) (any, error) {
			vp, err := w.SignPresentation(ctx, r.Challenge, r.Domain)
			if err == nil {
				vp["proof"].(map[string]any)["proofPurpose"] = "assertionMethod"
			}
			return vp, err
		}, 400, "authentication"},
		{"not a presentation", func(r *wallettest.Request) (any, error) { return []any{1, 2}, nil }, 400, "not a JSON object"},
		{"too deep", func(r *wallettest.Request) (any, error) {
			return json.RawMessage(strings.Repeat("[", 40) + strings.Repeat("]", 40)), nil
		}, 400, "deeper"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := startExchange(t, c.ts, c.adaCred)
			vp, err := tc.make(r)
			if err != nil {
				t.Fatal(err)
			}
			got := present(t, c.ts, r, vp).want(t, tc.status).problem(t)
			if !strings.Contains(got.Detail, tc.detail) {
				t.Fatalf("detail %q lacks %q", got.Detail, tc.detail)
			}
		})
	}
	copies, err := c.ts.stores.HolderCopies.MemberHolderCopies(ctx, c.ada)
	if err != nil || len(copies) != 0 {
		t.Fatalf("copies = %+v, %v; want none", copies, err)
	}
	t.Run("413/too large", func(t *testing.T) {
		r := startExchange(t, c.ts, c.adaCred)
		big := map[string]any{"type": "VerifiablePresentation", "padding": strings.Repeat("x", 70<<10)}
		present(t, c.ts, r, big).wantProblem(t, 413, "too_large", "")
	})
}

// TestWalletExchange_Expired: a presentation after the exchange's 15
// minutes is 410, and nothing is issued.
func TestWalletExchange_Expired(t *testing.T) {
	db := mongotest.NewDB(t)
	l := newLaurelWith(t, db, nil)
	clock := &testClock{at: time.Now()}
	l.Exchanges = l.Exchanges.At(clock.Now)
	c := newCommunityOn(t, serveWorking(t, db, l))
	r := startExchange(t, c.ts, c.adaCred)
	w := inProcessWallet(t, c.ts, wallettest.EdDSARDFC2022)
	vp, err := w.SignPresentation(context.Background(), r.Challenge, r.Domain)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(issuer.ExchangeLifetime)
	p := present(t, c.ts, r, vp).wantProblem(t, 410, "gone", "")
	if !strings.Contains(p.Detail, "expired") {
		t.Fatalf("detail %q", p.Detail)
	}
	var se *wallettest.StatusError
	if _, err := w.Present(context.Background(), r.Endpoint(), vp); !errors.As(err, &se) || se.Status != 410 {
		t.Fatalf("wallet: %v", err)
	}
	copies, err := c.ts.stores.HolderCopies.MemberHolderCopies(context.Background(), c.ada)
	if err != nil || len(copies) != 0 {
		t.Fatalf("copies = %+v, %v; want none", copies, err)
	}
}

// newCommunityOn is newCommunity's community on a server of the test's
// own making.
func newCommunityOn(t *testing.T, ts *testServer) *community {
	t.Helper()
	c := &community{ts: ts, issuer: mustIssuer(t, ts)}
	c.badge = mustAchievement(t, ts, c.issuer, map[string]any{"status": "active", "validityDays": 400})["id"].(string)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada"}}).want(t, 201).JSON(t, &m)
	c.ada = m.ID
	c.adaCred = c.award(t, c.ada, nil)
	return c
}
