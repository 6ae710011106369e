package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// TestOID4VCI_OfferRefusals: an offer needs the link's own code, and a
// credential that can still go to a wallet.
func TestOID4VCI_OfferRefusals(t *testing.T) {
	ts := newTestServer(t)
	f := newWalletFixture(t, ts)
	t.Run("404/wrong code", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/wallet/" + f.cred + "/AAAAAAAAAAAAAAAAAAAAAA/oid4vci", token: "-"}).wantProblem(t, 404, "not_found", "")
	})
	t.Run("400/tx_code", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: f.offer + "?tx_code=sms", token: "-"}).wantProblem(t, 400, "invalid", "tx_code")
	})
	t.Run("409/revoked", func(t *testing.T) {
		g := newWalletFixture(t, ts)
		ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + g.cred + "/revoke", body: map[string]any{"reason": "A mistake."}}).want(t, 200)
		ts.do(t, req{method: "GET", path: g.offer, token: "-"}).wantProblem(t, 409, "conflict", "")
	})
}

// TestOID4VCI_TokenRefusals: every way a token request goes wrong is the
// specification's error, and a code is traded once.
func TestOID4VCI_TokenRefusals(t *testing.T) {
	ts := newTestServer(t)
	f := newWalletFixture(t, ts)
	grant := func(code string) url.Values {
		return url.Values{"grant_type": {issuer.PreAuthorizedGrant}, "pre-authorized_code": {code}}
	}
	t.Run("invalid_request/not a form", func(t *testing.T) {
		code, _ := f.offerCode(t, "")
		r := ts.do(t, req{method: "POST", path: "/oid4vci/token", token: "-", body: map[string]any{"pre-authorized_code": code}})
		wantWalletError(t, r, 400, issuer.ErrInvalidRequest)
	})
	t.Run("invalid_request/no grant_type", func(t *testing.T) {
		wantWalletError(t, f.token(t, url.Values{"pre-authorized_code": {"x"}}), 400, issuer.ErrInvalidRequest)
	})
	t.Run("invalid_request/repeated", func(t *testing.T) {
		form := grant("x")
		form.Add("pre-authorized_code", "y")
		wantWalletError(t, f.token(t, form), 400, issuer.ErrInvalidRequest)
	})
	t.Run("unsupported_grant_type", func(t *testing.T) {
		wantWalletError(t, f.token(t, url.Values{"grant_type": {"authorization_code"}, "code": {"x"}}), 400, issuer.ErrUnsupportedGrantType)
	})
	t.Run("invalid_grant/unknown code", func(t *testing.T) {
		wantWalletError(t, f.token(t, grant("not-a-code")), 400, issuer.ErrInvalidGrant)
	})
	t.Run("invalid_grant/used twice", func(t *testing.T) {
		code, _ := f.offerCode(t, "")
		f.token(t, grant(code)).want(t, 200)
		wantWalletError(t, f.token(t, grant(code)), 400, issuer.ErrInvalidGrant)
	})
	t.Run("invalid_request/tx_code not asked", func(t *testing.T) {
		code, _ := f.offerCode(t, "")
		form := grant(code)
		form.Set("tx_code", "123456")
		wantWalletError(t, f.token(t, form), 400, issuer.ErrInvalidRequest)
		f.token(t, grant(code)).want(t, 200) // the grant is still good
	})
	t.Run("invalid_grant/expired offer", func(t *testing.T) {
		code, _ := f.offerCode(t, "")
		expireWalletState(t, ts)
		wantWalletError(t, f.token(t, grant(code)), 400, issuer.ErrInvalidGrant)
	})
}

// TestOID4VCI_CredentialRefusals: a credential request without a good
// token, with a malformed body, or with a proof that is not right gets
// the specification's error, and nothing is issued.
func TestOID4VCI_CredentialRefusals(t *testing.T) {
	ts := newTestServer(t)
	f := newWalletFixture(t, ts)
	token := f.accessToken(t)
	key, kid := newProofKey(t)
	proof := func(header, claims map[string]any) string {
		h := map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid}
		c := map[string]any{"aud": baseURL, "iat": time.Now().Unix(), "nonce": f.nonce(t)}
		for k, v := range header {
			h[k] = v
		}
		for k, v := range claims {
			c[k] = v
		}
		return signCompact(t, key, h, c)
	}
	ask := func(tok string, body any) *resp {
		return ts.do(t, req{method: "POST", path: "/oid4vci/credential", token: tok, body: body, contentType: "application/json"})
	}
	request := func(p string) map[string]any {
		return map[string]any{"credential_configuration_id": issuer.ConfigLDP, "proofs": map[string]any{"jwt": []string{p}}}
	}
	otherKey, _ := newProofKey(t)
	spent := f.nonce(t)
	cases := map[string]struct {
		token  string
		body   any
		status int
		code   string
	}{
		"no token":          {"-", request(proof(nil, nil)), 401, issuer.ErrInvalidToken},
		"garbled token":     {"not-a-token", request(proof(nil, nil)), 401, issuer.ErrInvalidToken},
		"not JSON":          {token, "credential_configuration_id=x", 400, issuer.ErrInvalidCredentialRequest},
		"too deep":          {token, strings.Repeat(`{"a":`, 20) + "1" + strings.Repeat("}", 20), 400, issuer.ErrInvalidCredentialRequest},
		"no configuration":  {token, map[string]any{"proofs": map[string]any{"jwt": []string{proof(nil, nil)}}}, 400, issuer.ErrInvalidCredentialRequest},
		"unknown config":    {token, map[string]any{"credential_configuration_id": "mDL", "proofs": map[string]any{"jwt": []string{proof(nil, nil)}}}, 400, issuer.ErrUnknownConfiguration},
		"identifier":        {token, map[string]any{"credential_identifier": "x", "proofs": map[string]any{"jwt": []string{proof(nil, nil)}}}, 400, issuer.ErrUnknownIdentifier},
		"singular proof":    {token, map[string]any{"credential_configuration_id": issuer.ConfigLDP, "proof": map[string]any{"proof_type": "jwt", "jwt": proof(nil, nil)}}, 400, issuer.ErrInvalidProof},
		"two proofs":        {token, map[string]any{"credential_configuration_id": issuer.ConfigLDP, "proofs": map[string]any{"jwt": []string{proof(nil, nil), proof(nil, nil)}}}, 400, issuer.ErrInvalidProof},
		"di_vp proof":       {token, map[string]any{"credential_configuration_id": issuer.ConfigLDP, "proofs": map[string]any{"di_vp": []any{map[string]any{}}}}, 400, issuer.ErrInvalidProof},
		"wrong typ":         {token, request(proof(map[string]any{"typ": "JWT"}, nil)), 400, issuer.ErrInvalidProof},
		"alg none":          {token, request(proof(map[string]any{"alg": "none"}, nil)), 400, issuer.ErrInvalidProof},
		"wrong aud":         {token, request(proof(nil, map[string]any{"aud": "https://elsewhere.example.org"})), 400, issuer.ErrInvalidProof},
		"old iat":           {token, request(proof(nil, map[string]any{"iat": time.Now().Add(-time.Hour).Unix()})), 400, issuer.ErrInvalidProof},
		"no nonce":          {token, request(proof(nil, map[string]any{"nonce": ""})), 400, issuer.ErrInvalidProof},
		"another key":       {token, request(signCompact(t, otherKey, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid}, map[string]any{"aud": baseURL, "iat": time.Now().Unix(), "nonce": f.nonce(t)})), 400, issuer.ErrInvalidProof},
		"wrong nonce":       {token, request(proof(nil, map[string]any{"nonce": "made-up"})), 400, issuer.ErrInvalidNonce},
		"encrypted answer":  {token, map[string]any{"credential_configuration_id": issuer.ConfigLDP, "proofs": map[string]any{"jwt": []string{proof(nil, nil)}}, "credential_response_encryption": map[string]any{"enc": "A128GCM"}}, 400, "invalid_encryption_parameters"},
		"nonce of a replay": {token, request(proof(nil, map[string]any{"nonce": spent})), 400, issuer.ErrInvalidNonce},
	}
	// The replayed nonce is spent first by a good proof of another
	// holder, whose copy is then the only one issued.
	okKey, okKid := newProofKey(t)
	first := signCompact(t, okKey, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": okKid}, map[string]any{"aud": baseURL, "iat": time.Now().Unix(), "nonce": spent})
	ask(token, request(first)).want(t, 200)
	for name, tc := range cases {
		t.Run(tc.code+"/"+name, func(t *testing.T) {
			r := ask(tc.token, tc.body)
			wantWalletError(t, r, tc.status, tc.code)
			if tc.status == 401 && !strings.HasPrefix(r.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("WWW-Authenticate %q", r.Header().Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("invalid_token/expired", func(t *testing.T) {
		expireWalletState(t, ts)
		wantWalletError(t, ask(token, request(proof(nil, nil))), 401, issuer.ErrInvalidToken)
	})
	copies, err := ts.stores.HolderCopies.MemberHolderCopies(context.Background(), f.memberID)
	if err != nil || len(copies) != 1 || copies[0].Holder != strings.Split(okKid, "#")[0] {
		t.Fatalf("copies %+v, %v: only the good request's should be issued", copies, err)
	}
}

// TestOID4VCI_RevokedAfterToken: a credential revoked between the token
// and the credential request is refused for good.
func TestOID4VCI_RevokedAfterToken(t *testing.T) {
	ts := newTestServer(t)
	f := newWalletFixture(t, ts)
	token := f.accessToken(t)
	ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + f.cred + "/revoke", body: map[string]any{"reason": "A mistake."}}).want(t, 200)
	key, kid := newProofKey(t)
	p := signCompact(t, key, map[string]any{"typ": "openid4vci-proof+jwt", "alg": "EdDSA", "kid": kid},
		map[string]any{"aud": baseURL, "iat": time.Now().Unix(), "nonce": f.nonce(t)})
	body, _ := json.Marshal(map[string]any{"credential_configuration_id": issuer.ConfigJWT, "proofs": map[string]any{"jwt": []string{p}}})
	r := ts.do(t, req{method: http.MethodPost, path: "/oid4vci/credential", token: token, body: body, contentType: "application/json"})
	wantWalletError(t, r, 400, issuer.ErrCredentialRequestDenied)
}
