package verifier

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// credentialFor is simple.json's content, unsigned, issued by issuer.
func credentialFor(t *testing.T, issuer string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(MustRead(t, "validator/simple.json"), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "proof")
	doc["issuer"].(map[string]any)["id"] = issuer
	return doc
}

// signJWT signs a credential as a VC-JWT with the given key and kid.
func signJWT(t *testing.T, doc map[string]any, priv crypto.Signer, alg jwa.SignatureAlgorithm, kid string) string {
	t.Helper()
	key, err := jwk.FromRaw(priv)
	if err != nil {
		t.Fatal(err)
	}
	token, err := ob3.SignJWT([]byte(mustJSON(t, doc)), key, alg, kid, conformanceClock)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// signRaw signs any payload with the given protected headers.
func signRaw(t *testing.T, payload map[string]any, priv crypto.Signer, alg jwa.SignatureAlgorithm, headers map[string]any) string {
	t.Helper()
	hdr := jws.NewHeaders()
	for k, v := range headers {
		if err := hdr.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := jws.Sign([]byte(mustJSON(t, payload)), jws.WithKey(alg, priv, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func publicKey(t *testing.T, priv crypto.Signer) jwk.Key {
	t.Helper()
	k, err := jwk.FromRaw(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func publicJWK(t *testing.T, priv crypto.Signer, kid string) map[string]any {
	t.Helper()
	k := publicKey(t, priv)
	if kid != "" {
		if err := k.Set(jwk.KeyIDKey, kid); err != nil {
			t.Fatal(err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(mustJSON(t, k)), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestVerifier_JWTKeys covers each way a VC-JWT names its key.
func TestVerifier_JWTKeys(t *testing.T) {
	_, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	didKey := "did:key:" + ob3.EncodeMultikeyEd25519(edPriv.Public().(ed25519.PublicKey))
	const didWeb = "did:web:issuer.example"
	const https = "https://issuer.example/issuers/1"
	docs := localJSON{
		"https://issuer.example/.well-known/did.json": mustJSON(t, map[string]any{"id": didWeb,
			"verificationMethod": []any{map[string]any{"id": didWeb + "#k1", "type": "JsonWebKey2020", "controller": didWeb, "publicKeyJwk": publicJWK(t, ecPriv, "")}},
			"assertionMethod":    []string{didWeb + "#k1"}}),
		"https://issuer.example/jwks.json": mustJSON(t, map[string]any{"keys": []any{publicJWK(t, edPriv, "k1"), publicJWK(t, ecPriv, "k2")}}),
		"https://keys.example/k":           mustJSON(t, publicJWK(t, ecPriv, "")),
	}
	v := MustVerifier(t, Options{Local: docs, Now: FixedClock(conformanceClock)})
	for _, tc := range []struct {
		name      string
		token     string
		verdict   Verdict
		check     string
		outcome   Outcome
		checkWhat string
	}{
		{"OK/did:key", signJWT(t, credentialFor(t, didKey), edPriv, jwa.EdDSA, didKey+"#"+didKey[8:]), Valid, CheckKey, Pass, ""},
		{"OK/did:web with a JWK", signJWT(t, credentialFor(t, didWeb), ecPriv, jwa.ES256, didWeb+"#k1"), Valid, CheckKey, Pass, ""},
		{"OK/JWK set", signJWT(t, credentialFor(t, https), ecPriv, jwa.ES256, "https://issuer.example/jwks.json#k2"), Valid, CheckKey, Pass, ""},
		{"OK/jwk header", signRaw(t, credentialFor(t, https), ecPriv, jwa.ES256, map[string]any{"jwk": publicKey(t, ecPriv)}), Valid, CheckKey, Pass, ""},
		{"key on another host", signJWT(t, credentialFor(t, https), ecPriv, jwa.ES256, "https://keys.example/k"), Warning, CheckKey, Warn, ""},
		{"did:key for another issuer", signJWT(t, credentialFor(t, https), edPriv, jwa.EdDSA, didKey), Invalid, CheckKey, Fail, ""},
		{"wrong key in the set", signJWT(t, credentialFor(t, https), edPriv, jwa.EdDSA, "https://issuer.example/jwks.json#k2"), Invalid, CheckProof, Fail, ""},
		{"no key named", signRaw(t, credentialFor(t, https), ecPriv, jwa.ES256, nil), Invalid, CheckKey, Fail, ""},
		{"iss disagrees", signRaw(t, withClaims(credentialFor(t, https), "iss", "https://other.example"), ecPriv, jwa.ES256,
			map[string]any{"kid": "https://issuer.example/jwks.json#k2"}), Invalid, CheckJWTClaims, Fail, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustVerify(t, v, Input{Data: []byte(tc.token)})
			if r.Verdict != tc.verdict || !hasOutcome(r, tc.check, tc.outcome) {
				dump(t, r)
				t.Fatalf("verdict %s, want %s with a %s %s check", r.Verdict, tc.verdict, tc.outcome, tc.check)
			}
		})
	}
}

func withClaims(doc map[string]any, kv ...string) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		doc[kv[i]] = kv[i+1]
	}
	return doc
}

// TestVerifier_FetchBudget: one verification makes a bounded number of
// requests, whatever the credential names.
func TestVerifier_FetchBudget(t *testing.T) {
	hosts, f := MustHostServer(t, conformanceHosts)
	r := &run{Verifier: MustVerifier(t, Options{Fetcher: f}), fetches: maxFetches}
	if _, _, err := r.get(context.Background(), "https://example.com/issuers/876543", KindKey, acceptKey); err == nil {
		t.Fatal("a fetch over the budget was made")
	}
	if n := hosts.hitCount("https://example.com/issuers/876543"); n != 0 {
		t.Fatalf("the server was asked %d times", n)
	}
}
