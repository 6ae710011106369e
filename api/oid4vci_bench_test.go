package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkOID4VCI_Flow measures the server's side of a whole wallet
// flow, in process (no network): the offer, the token, a nonce and the
// credential, a fresh holder each time (so each flow signs a new copy,
// Data Integrity and VC-JWT). Run:
// go test -run '^$' -bench OID4VCI_Flow -benchtime 50x ./api/
func BenchmarkOID4VCI_Flow(b *testing.B) {
	ts := newTestServer(b)
	f := benchWalletFixture(b, ts)
	for _, config := range issuer.CredentialConfigurations {
		b.Run(config, func(b *testing.B) {
			for b.Loop() {
				walletFlow(b, ts, f, config)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/flow")
		})
	}
}

// benchServe serves one request in process and decodes its answer of
// status into v.
func benchServe(b *testing.B, ts *testServer, method, path, contentType, token string, body []byte, status int, v any) {
	b.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	if w.Code != status || json.Unmarshal(w.Body.Bytes(), v) != nil {
		b.Fatalf("%s %s → %d: %s", method, path, w.Code, w.Body)
	}
}

// benchWalletFixture is newWalletFixture for a benchmark.
func benchWalletFixture(b *testing.B, ts *testServer) *walletFixture {
	b.Helper()
	post := func(path string, in map[string]any) map[string]any {
		body, _ := json.Marshal(in)
		var out map[string]any
		benchServe(b, ts, "POST", path, "application/json", ts.admin, body, http.StatusCreated, &out)
		return out
	}
	iss := post("/api/v1/issuers", map[string]any{"name": "Gophers of Lyon", "url": "https://gophers.example.org"})["id"].(string)
	ach := post("/api/v1/issuers/"+iss+"/achievements", map[string]any{"name": "Session Host", "description": "Hosted a session.",
		"criteria": "Host a session.", "status": "active"})["id"].(string)
	c := post("/api/v1/issuers/"+iss+"/awards", map[string]any{"achievementId": ach, "email": "ada@example.org", "name": "Ada Lovelace"})
	id := c["id"].(string)
	return &walletFixture{ts: ts, cred: id, offer: "/wallet/" + id + "/" + walletCode(b, id) + "/oid4vci"}
}

// walletFlow runs one flow against the server in process.
func walletFlow(b *testing.B, ts *testServer, f *walletFixture, config string) {
	var offer walletOffer
	benchServe(b, ts, "GET", f.offer, "", "", nil, http.StatusOK, &offer)
	form := url.Values{"grant_type": {issuer.PreAuthorizedGrant}, "pre-authorized_code": {offer.Grants[issuer.PreAuthorizedGrant].Code}}
	var tok struct {
		Token string `json:"access_token"`
	}
	benchServe(b, ts, "POST", "/oid4vci/token", "application/x-www-form-urlencoded", "", []byte(form.Encode()), http.StatusOK, &tok)
	var n struct {
		Nonce string `json:"c_nonce"`
	}
	benchServe(b, ts, "POST", "/oid4vci/nonce", "", "", nil, http.StatusOK, &n)
	b.StopTimer() // the wallet's work: a key and a proof
	key, kid := newProofKey(b)
	proof := signCompact(b, key, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid},
		map[string]any{"aud": baseURL, "iat": time.Now().Unix(), "nonce": n.Nonce})
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": config, "proofs": map[string]any{"jwt": []string{proof}}})
	b.StartTimer()
	var out struct {
		Credentials []struct {
			Credential json.RawMessage `json:"credential"`
		} `json:"credentials"`
	}
	benchServe(b, ts, "POST", "/oid4vci/credential", "application/json", tok.Token, body, http.StatusOK, &out)
	want := byte('{') // ldp_vc: an object; jwt_vc_json: a string
	if config == issuer.ConfigJWT {
		want = '"'
	}
	if len(out.Credentials) != 1 || len(out.Credentials[0].Credential) == 0 || out.Credentials[0].Credential[0] != want {
		b.Fatalf("credentials %+v", out.Credentials)
	}
}
