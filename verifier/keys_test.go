package verifier

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

func TestDIDWebURL(t *testing.T) {
	for _, tc := range []struct {
		did, want string
	}{
		{"did:web:example.com", "https://example.com/.well-known/did.json"},
		{"did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"},
		{"did:web:example.com:users:alice", "https://example.com/users/alice/did.json"},
		{"did:web:user%40example.com", ""},
		{"did:web:example.com:a%2Fb", ""},
		{"did:web:", ""},
		{"did:web:example.com::x", ""},
	} {
		t.Run(tc.did, func(t *testing.T) {
			got, err := didWebURL(tc.did)
			if got != tc.want || (err != nil) != (tc.want == "") {
				t.Fatalf("didWebURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestBelow(t *testing.T) {
	const c = "https://example.com/issuers/1"
	for _, tc := range []struct {
		vm   string
		want bool
	}{
		{c + "/keys/di-1", true},
		{c + "#key-1", true},
		{c + "0/keys/di-1", false},
		{"https://example.com/issuers/2/keys/di-1", false},
		{c + "/../2/keys/di-1", false},
		{c + "/%2E%2E/2/keys/di-1", false},
		{c + "/keys%2F..%2Fx", false},
	} {
		t.Run(tc.vm, func(t *testing.T) {
			if got := below(tc.vm, c); got != tc.want {
				t.Fatalf("below = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDecodeMultikey(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		ok        bool
		p256      bool
	}{
		{"Ed25519", "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", true, false},
		{"P-256", "zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9", true, true},
		{"corrupt", "z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", false, false},
		{"not base58btc", "u6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", false, false},
		{"empty", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := decodeMultikey(tc.key)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if _, isP256 := k.(*ecdsa.PublicKey); tc.ok && isP256 != tc.p256 {
				t.Fatalf("key %T", k)
			}
		})
	}
}

// TestKeyBinding: a key counts only when its issuer vouches for it. Each
// case signs simple.json's content with a fresh key and publishes that key
// somewhere.
func TestKeyBinding(t *testing.T) {
	const issuer = "https://example.com/issuers/876543"
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	mb := ob3.EncodeMultikeyEd25519(pub)
	keyDoc := func(id, controller string) string {
		return mustJSON(t, map[string]any{"@context": []string{ob3.ContextMultikey}, "id": id, "type": "Multikey", "controller": controller, "publicKeyMultibase": mb})
	}
	// issuerDoc is the issuer's own document with key-2 among its
	// verification methods, referenced under relationship.
	issuerDoc := func(relationship string) string {
		return mustJSON(t, map[string]any{"@context": []string{ob3.ContextDID, ob3.ContextMultikey}, "id": issuer,
			"verificationMethod": []any{map[string]any{"id": issuer + "#key-2", "type": "Multikey", "controller": issuer, "publicKeyMultibase": mb}},
			relationship:         []string{issuer + "#key-2"}})
	}
	for _, tc := range []struct {
		name    string
		vm      string
		docs    map[string]string
		outcome Outcome
		reason  string
	}{
		{"OK/key below the issuer", issuer + "/keys/1", map[string]string{issuer + "/keys/1": keyDoc(issuer+"/keys/1", issuer)}, Pass, ""},
		{"key elsewhere claiming the issuer", "https://evil.example/k", map[string]string{"https://evil.example/k": keyDoc("https://evil.example/k", issuer),
			issuer: mustJSON(t, map[string]any{"id": issuer, "assertionMethod": []string{issuer + "#other"}})}, Fail, "does not list the key"},
		{"key controlled by someone else", "https://evil.example/k", map[string]string{"https://evil.example/k": keyDoc("https://evil.example/k", "https://evil.example")}, Fail, "is not the issuer"},
		{"key document with another id", issuer + "/keys/1", map[string]string{issuer + "/keys/1": keyDoc(issuer+"/keys/2", issuer)}, Fail, "has the id"},
		{"did:key for an https issuer", "did:key:" + mb, nil, Fail, "is not the issuer"},
		{"key not published", issuer + "/keys/9", nil, Fail, "could not fetch"},
		{"OK/key in the issuer's document, for assertions", issuer + "#key-2", map[string]string{issuer: issuerDoc("assertionMethod")}, Pass, ""},
		// Listed, but for authentication only: it may not sign credentials.
		{"key in the issuer's document, not for assertions", issuer + "#key-2", map[string]string{issuer: issuerDoc("authentication")}, Fail,
			"does not list the key under assertionMethod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := MustVerifier(t, Options{Local: localJSON(tc.docs), Fetcher: NewFetcher(FetcherOptions{Timeout: time.Second}), Now: FixedClock(conformanceClock)})
			r := MustVerify(t, v, Input{Data: signSimple(t, priv, tc.vm)})
			key := findChecks(r, CheckKey)
			if len(key) != 1 || key[0].Outcome != tc.outcome || !strings.Contains(key[0].Message, tc.reason) {
				dump(t, r)
				t.Fatalf("want one %s key check saying %q", tc.outcome, tc.reason)
			}
		})
	}
}

// signSimple signs the content of simple.json afresh with key, naming vm.
func signSimple(t *testing.T, key ed25519.PrivateKey, vm string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(MustRead(t, "validator/simple.json"), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "proof")
	proof, err := MustLoader(t).SignEdDSARDFC2022(context.Background(), doc, key, ob3.Proof{Type: ob3.ProofTypeDataIntegrity, Cryptosuite: ob3.CryptosuiteEdDSARDFC,
		Created: "2026-01-01T00:00:00Z", VerificationMethod: vm, ProofPurpose: ob3.ProofPurposeAssertion})
	if err != nil {
		t.Fatal(err)
	}
	doc["proof"] = []any{proof}
	return []byte(mustJSON(t, doc))
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// localJSON answers URLs with the given documents; other URLs are answered
// as not found, so the test never reaches the network.
type localJSON map[string]string

func (l localJSON) Document(_ context.Context, u string) ([]byte, string, bool, error) {
	if body, ok := l[u]; ok {
		return []byte(body), "application/ld+json", true, nil
	}
	return nil, "", true, errNotFound
}

var errNotFound = &notFoundError{}

type notFoundError struct{}

func (*notFoundError) Error() string { return "not found" }
