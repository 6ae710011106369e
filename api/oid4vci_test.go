package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// walletFixture is a credential awarded to a member, and the path of its
// credential offer.
type walletFixture struct {
	ts       *testServer
	cred     string
	memberID string
	offer    string // path of the credential offer
}

func newWalletFixture(t *testing.T, ts *testServer) *walletFixture {
	t.Helper()
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	var c struct {
		ID       string `json:"id"`
		MemberID string `json:"memberId"`
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada Lovelace"}}).want(t, 201).JSON(t, &c)
	return &walletFixture{ts: ts, cred: c.ID, memberID: c.MemberID, offer: "/wallet/" + c.ID + "/" + walletCode(t, c.ID) + "/oid4vci"}
}

// walletCode is the code of a credential's interaction URL under the
// test servers' master key.
func walletCode(t testing.TB, credentialID string) string {
	t.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return sealer.LinkSigner("wallet").Code(credentialID)
}

// TestOID4VCI_WalletFlow: a wallet with a did:key holder receives the
// credential in both formats from a running server, each valid to the
// project's verifier with the wallet's DID as its subject; asking again
// with the same token gives the same copy.
func TestOID4VCI_WalletFlow(t *testing.T) {
	ts := newTestServer(t)
	f := newWalletFixture(t, ts)
	w := newTestWallet(t, ts)
	ctx := context.Background()

	ldp := w.Receive(t, baseURL+f.offer, issuer.ConfigLDP)
	var doc struct {
		ID      string `json:"id"`
		Subject struct {
			ID string `json:"id"`
		} `json:"credentialSubject"`
		Proof json.RawMessage `json:"proof"`
	}
	if err := json.Unmarshal(ldp.Credential, &doc); err != nil || doc.Proof == nil {
		t.Fatalf("ldp_vc credential %s: %v", ldp.Credential, err)
	}
	if doc.Subject.ID != w.did || !strings.HasPrefix(doc.ID, baseURL+"/credentials/"+f.cred+"/copies/") {
		t.Fatalf("copy %s has subject %s, want %s", doc.ID, doc.Subject.ID, w.did)
	}
	rep, err := ts.verifier.Verify(ctx, verifier.Input{Data: ldp.Credential})
	if err != nil || rep.Verdict != verifier.Valid {
		t.Fatalf("ldp_vc verdict %v, %v: %+v", rep.Verdict, err, rep.Checks)
	}

	jwt := jwtString(t, w.Receive(t, baseURL+f.offer, issuer.ConfigJWT).Credential)
	rep, err = ts.verifier.Verify(ctx, verifier.Input{Data: []byte(jwt)})
	if err != nil || rep.Verdict != verifier.Valid {
		t.Fatalf("jwt_vc_json verdict %v, %v: %+v", rep.Verdict, err, rep.Checks)
	}
	if claims := jwtClaims(t, jwt); claims["sub"] != w.did || claims["jti"] != doc.ID {
		t.Fatalf("VC-JWT sub %v jti %v, want %s and %s", claims["sub"], claims["jti"], w.did, doc.ID)
	}

	again := w.Credential(t, ldp, baseURL, issuer.ConfigLDP)
	if !bytes.Equal(again, ldp.Credential) {
		t.Fatalf("a second request gave another copy:\n%s\n%s", again, ldp.Credential)
	}
	copies, err := ts.stores.HolderCopies.MemberHolderCopies(ctx, f.memberID)
	if err != nil || len(copies) != 1 || copies[0].Holder != w.did {
		t.Fatalf("member's copies %+v, %v", copies, err)
	}
}

func jwtClaims(t *testing.T, jwt string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(jwt, ".")[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(b, &claims) != nil {
		t.Fatalf("JWT payload of %s", jwt)
	}
	return claims
}

// TestOID4VCI_Metadata: the metadata a wallet reads says what the
// specification asks, and answers uncached where it must.
func TestOID4VCI_Metadata(t *testing.T) {
	ts := newTestServer(t)
	var meta map[string]any
	ts.do(t, req{method: "GET", path: "/.well-known/openid-credential-issuer", token: "-"}).want(t, 200).JSON(t, &meta)
	if meta["credential_issuer"] != baseURL || meta["credential_endpoint"] != baseURL+"/oid4vci/credential" ||
		meta["nonce_endpoint"] != baseURL+"/oid4vci/nonce" || meta["authorization_servers"] != nil {
		t.Fatalf("metadata %v", meta)
	}
	configs := meta["credential_configurations_supported"].(map[string]any)
	ldp := configs[issuer.ConfigLDP].(map[string]any)
	if ldp["format"] != "ldp_vc" || !strings.Contains(string(mustJSON(t, ldp)), `"credential_signing_alg_values_supported":["eddsa-rdfc-2022"]`) ||
		!strings.Contains(string(mustJSON(t, ldp)), `"proof_types_supported":{"jwt":{"proof_signing_alg_values_supported":["EdDSA","ES256"]}}`) {
		t.Fatalf("ldp_vc configuration %v", ldp)
	}
	if configs[issuer.ConfigJWT].(map[string]any)["format"] != "jwt_vc_json" {
		t.Fatalf("jwt_vc_json configuration %v", configs[issuer.ConfigJWT])
	}
	var as map[string]any
	ts.do(t, req{method: "GET", path: "/.well-known/oauth-authorization-server", token: "-"}).want(t, 200).JSON(t, &as)
	if as["token_endpoint"] != baseURL+"/oid4vci/token" || as["pre-authorized_grant_anonymous_access_supported"] != true || as["issuer"] != baseURL {
		t.Fatalf("authorization server metadata %v", as)
	}
	r := ts.do(t, req{method: "POST", path: "/oid4vci/nonce", token: "-"}).want(t, 200)
	if r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("nonce Cache-Control %q", r.Header().Get("Cache-Control"))
	}
}

// offerCode fetches an offer and returns its pre-authorized code.
func (f *walletFixture) offerCode(t *testing.T, query string) (string, map[string]any) {
	t.Helper()
	var offer walletOffer
	r := f.ts.do(t, req{method: "GET", path: f.offer + query, token: "-"}).want(t, 200)
	if r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("offer Cache-Control %q", r.Header().Get("Cache-Control"))
	}
	r.JSON(t, &offer)
	var raw map[string]any
	r.JSON(t, &raw)
	return offer.Grants[issuer.PreAuthorizedGrant].Code, raw
}

// token sends a token request form and returns the answer.
func (f *walletFixture) token(t *testing.T, form url.Values) *resp {
	t.Helper()
	return f.ts.do(t, req{method: "POST", path: "/oid4vci/token", token: "-", body: form.Encode(), contentType: "application/x-www-form-urlencoded"})
}

// accessToken trades a fresh offer's code for an access token.
func (f *walletFixture) accessToken(t *testing.T) string {
	t.Helper()
	code, _ := f.offerCode(t, "")
	var tok struct {
		Token string `json:"access_token"`
		Type  string `json:"token_type"`
		In    int    `json:"expires_in"`
	}
	r := f.token(t, url.Values{"grant_type": {issuer.PreAuthorizedGrant}, "pre-authorized_code": {code}}).want(t, 200)
	r.JSON(t, &tok)
	if tok.Token == "" || tok.Type != "Bearer" || tok.In != 600 || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("token answer %s, Cache-Control %q", r.body, r.Header().Get("Cache-Control"))
	}
	return tok.Token
}

// nonce is a fresh c_nonce.
func (f *walletFixture) nonce(t *testing.T) string {
	t.Helper()
	var n struct {
		Nonce string `json:"c_nonce"`
	}
	f.ts.do(t, req{method: "POST", path: "/oid4vci/nonce", token: "-"}).want(t, 200).JSON(t, &n)
	return n.Nonce
}

// wantWalletError checks an error answer of the flow.
func wantWalletError(t *testing.T, r *resp, status int, code string) {
	t.Helper()
	r.want(t, status)
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	r.JSON(t, &e)
	if e.Error != code || e.Description == "" || r.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("error %s, want %s with a description", r.body, code)
	}
	for _, c := range e.Description {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			t.Fatalf("error_description %q holds %q, which the specification does not allow", e.Description, c)
		}
	}
}

// expireWalletState moves every stored code and token's expiry to the
// past, as ten minutes passing would.
func expireWalletState(t *testing.T, ts *testServer) {
	t.Helper()
	_, err := ts.db.Collection(database.OID4VCI).UpdateMany(context.Background(), bson.D{},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expiresAt", Value: time.Now().Add(-time.Minute).UTC()}}}})
	if err != nil {
		t.Fatal(err)
	}
}

// newProofKey is a holder key and its did:key DID URL.
func newProofKey(t testing.TB) (ed25519.PrivateKey, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mb := ob3.EncodeMultikeyEd25519(pub)
	return priv, "did:key:" + mb + "#" + mb
}
