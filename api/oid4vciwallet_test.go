package api_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// testWallet is a wallet as a phone runs one, reduced to what the
// OpenID for Verifiable Credential Issuance flow needs: a did:key Ed25519
// holder and an HTTP client. It talks to a running server over the
// network (every request to the base URL's host goes to it), and checks
// every answer against the OpenAPI document, as ts.do does.
type testWallet struct {
	key    ed25519.PrivateKey
	did    string // did:key:z6Mk…
	kid    string // did#fragment
	client *http.Client
	// TxCode gives the transaction code when the offer asks for one.
	TxCode func() string
}

func newTestWallet(t *testing.T, ts *testServer) *testWallet {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mb := ob3.EncodeMultikeyEd25519(pub)
	running := httptest.NewTLSServer(ts.srv)
	t.Cleanup(running.Close)
	dial := &net.Dialer{Timeout: 5 * time.Second}
	tlsConfig := running.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	tlsConfig.ServerName = "example.com" // the test certificate's name
	transport := &http.Transport{TLSClientConfig: tlsConfig, DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dial.DialContext(ctx, network, running.Listener.Addr().String())
	}}
	t.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Timeout: 10 * time.Second, Transport: openAPIChecked{t: t, ts: ts, next: transport}}
	return &testWallet{key: priv, did: "did:key:" + mb, kid: "did:key:" + mb + "#" + mb, client: client}
}

// openAPIChecked sends requests to the running server and checks each
// answer against the OpenAPI document.
type openAPIChecked struct {
	t    *testing.T
	ts   *testServer
	next http.RoundTripper
}

func (o openAPIChecked) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := o.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(got))
	rec := httptest.NewRecorder()
	for k, vs := range res.Header {
		rec.Header()[k] = vs
	}
	rec.WriteHeader(res.StatusCode)
	checked := r.Clone(context.Background())
	checked.Body = io.NopCloser(bytes.NewReader(body))
	checkAgainstOpenAPI(o.t, o.ts.router, checked, body, &resp{ResponseRecorder: rec, body: got})
	return res, nil
}

// getJSON GETs url and decodes a 200 answer into v.
func (w *testWallet) getJSON(t *testing.T, u string, v any) {
	t.Helper()
	res, err := w.client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	w.decode(t, res, http.StatusOK, v)
}

// post sends body (a form, or JSON) and decodes the answer of status
// into v.
func (w *testWallet) post(t *testing.T, u, contentType string, body []byte, token string, status int, v any) {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := w.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	w.decode(t, res, status, v)
}

func (w *testWallet) decode(t *testing.T, res *http.Response, status int, v any) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s → %d, want %d: %s", res.Request.Method, res.Request.URL, res.StatusCode, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

// walletOffer is what the wallet reads of an offer.
type walletOffer struct {
	Issuer  string   `json:"credential_issuer"`
	Configs []string `json:"credential_configuration_ids"`
	Grants  map[string]struct {
		Code   string          `json:"pre-authorized_code"`
		TxCode json.RawMessage `json:"tx_code"`
	} `json:"grants"`
}

// received is a credential the wallet received, and the endpoints it
// used, for tests that go on.
type received struct {
	Credential json.RawMessage
	Token      string
	Endpoint   string // the credential endpoint
	Nonces     string // the nonce endpoint
}

// Receive runs the whole flow from an offer URL (what the QR code's
// credential_offer_uri names) for one credential configuration.
func (w *testWallet) Receive(t *testing.T, offerURL, config string) *received {
	t.Helper()
	var offer walletOffer
	w.getJSON(t, offerURL, &offer)
	grant, ok := offer.Grants[issuer.PreAuthorizedGrant]
	if !ok || grant.Code == "" || !contains(offer.Configs, config) {
		t.Fatalf("offer %+v", offer)
	}
	var meta struct {
		Issuer     string                     `json:"credential_issuer"`
		Credential string                     `json:"credential_endpoint"`
		Nonce      string                     `json:"nonce_endpoint"`
		Configs    map[string]json.RawMessage `json:"credential_configurations_supported"`
	}
	w.getJSON(t, offer.Issuer+"/.well-known/openid-credential-issuer", &meta)
	if meta.Issuer != offer.Issuer || meta.Configs[config] == nil {
		t.Fatalf("metadata names %q and %v", meta.Issuer, meta.Configs)
	}
	var as struct {
		Token string `json:"token_endpoint"`
	}
	w.getJSON(t, offer.Issuer+"/.well-known/oauth-authorization-server", &as)
	form := url.Values{"grant_type": {issuer.PreAuthorizedGrant}, "pre-authorized_code": {grant.Code}}
	if grant.TxCode != nil {
		form.Set("tx_code", w.TxCode())
	}
	var tok struct {
		Token string `json:"access_token"`
		Type  string `json:"token_type"`
	}
	w.post(t, as.Token, "application/x-www-form-urlencoded", []byte(form.Encode()), "", http.StatusOK, &tok)
	got := &received{Token: tok.Token, Endpoint: meta.Credential, Nonces: meta.Nonce}
	got.Credential = w.Credential(t, got, offer.Issuer, config)
	return got
}

// Credential asks the credential endpoint for a credential with a fresh
// nonce and a proof by the wallet's key.
func (w *testWallet) Credential(t *testing.T, r *received, aud, config string) json.RawMessage {
	t.Helper()
	body := w.credentialRequest(t, r, aud, config)
	var out struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	w.post(t, r.Endpoint, "application/json", body, r.Token, http.StatusOK, &out)
	if len(out.Credentials) != 1 {
		t.Fatalf("%d credentials", len(out.Credentials))
	}
	return out.Credentials[0].Credential
}

// credentialRequest is a credential request with a fresh nonce.
func (w *testWallet) credentialRequest(t *testing.T, r *received, aud, config string) []byte {
	t.Helper()
	var n struct {
		Nonce string `json:"c_nonce"`
	}
	w.post(t, r.Nonces, "", nil, "", http.StatusOK, &n)
	proof := w.proof(t, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": w.kid},
		map[string]any{"aud": aud, "iat": time.Now().Unix(), "nonce": n.Nonce})
	b, _ := json.Marshal(map[string]any{"credential_configuration_id": config, "proofs": map[string]any{"jwt": []string{proof}}})
	return b
}

// proof signs a compact JWS with the wallet's key.
func (w *testWallet) proof(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	return signCompact(t, w.key, header, claims)
}

func signCompact(t testing.TB, key ed25519.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	in := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(in)))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// jwtString reads a credential that is a JSON string (a VC-JWT).
func jwtString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || strings.Count(s, ".") != 2 {
		t.Fatalf("credential %s is not a JWT string", raw)
	}
	return s
}
