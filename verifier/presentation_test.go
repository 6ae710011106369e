package verifier

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

const (
	testChallenge = "c8nE1pXbQdW0Jm3v5y7ZkA"
	testDomain    = "https://badges.example.org"
)

// holderKey is a did:key holder, from a fixed seed.
func holderKey(seed byte) (ed25519.PrivateKey, string) {
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	key := ed25519.NewKeyFromSeed(s)
	return key, "did:key:" + ob3.EncodeMultikeyEd25519(key.Public().(ed25519.PublicKey))
}

// signedPresentation is a DID Authentication presentation signed as
// wallets sign it: suite is "Ed25519Signature2020" or "eddsa-rdfc-2022";
// change edits the proof options before signing.
func signedPresentation(tb testing.TB, suite string, key ed25519.PrivateKey, did string, change func(proof map[string]any)) []byte {
	tb.Helper()
	vp := map[string]any{"type": []any{"VerifiablePresentation"}, "holder": did,
		"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"}}
	proof := map[string]any{"type": typeEd25519Sig2020}
	if suite == ob3.CryptosuiteEdDSARDFC {
		vp["@context"] = []any{"https://www.w3.org/ns/credentials/v2"}
		proof = map[string]any{"type": ob3.ProofTypeDataIntegrity, "cryptosuite": ob3.CryptosuiteEdDSARDFC}
	}
	for k, v := range map[string]any{"created": "2026-12-05T14:00:00Z", "proofPurpose": "authentication",
		"verificationMethod": did + "#" + strings.TrimPrefix(did, "did:key:"), "challenge": testChallenge, "domain": testDomain} {
		proof[k] = v
	}
	if change != nil {
		change(proof)
	}
	l := MustLoader(tb)
	options := map[string]any{"@context": vp["@context"]}
	for k, v := range proof {
		options[k] = v
	}
	optCanon, err := l.Canonicalize(context.Background(), options)
	if err != nil {
		tb.Fatal(err)
	}
	docCanon, err := l.Canonicalize(context.Background(), vp)
	if err != nil {
		tb.Fatal(err)
	}
	o, d := sha256.Sum256(optCanon), sha256.Sum256(docCanon)
	proof["proofValue"] = "z" + ob3.Base58Encode(ed25519.Sign(key, append(o[:], d[:]...)))
	vp["proof"] = proof
	b, err := json.Marshal(vp)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestWalletPresentation_Check(t *testing.T) {
	v := MustVerifier(t, Options{})
	key, did := holderKey(1)
	otherKey, otherDID := holderKey(2)
	for _, suite := range []string{typeEd25519Sig2020, ob3.CryptosuiteEdDSARDFC} {
		t.Run("OK/"+suite, func(t *testing.T) {
			holder, err := v.CheckPresentation(context.Background(), signedPresentation(t, suite, key, did, nil), testChallenge, testDomain)
			if err != nil || holder != did {
				t.Fatalf("holder %q, %v", holder, err)
			}
		})
	}
	t.Run("OK/domain list", func(t *testing.T) {
		b := signedPresentation(t, typeEd25519Sig2020, key, did, func(p map[string]any) { p["domain"] = []any{"https://other.example", testDomain} })
		if _, err := v.CheckPresentation(context.Background(), b, testChallenge, testDomain); err != nil {
			t.Fatal(err)
		}
	})
	cases := []struct {
		name, code, want string
		vp               []byte
	}{
		{"wrong challenge", badges.EUNAUTHORIZED, "wrong challenge",
			signedPresentation(t, typeEd25519Sig2020, key, did, func(p map[string]any) { p["challenge"] = "guess" })},
		{"no challenge", badges.EUNAUTHORIZED, "no challenge",
			signedPresentation(t, typeEd25519Sig2020, key, did, func(p map[string]any) { delete(p, "challenge") })},
		{"wrong domain", badges.EUNAUTHORIZED, `for the domain "https://evil.example"`,
			signedPresentation(t, ob3.CryptosuiteEdDSARDFC, key, did, func(p map[string]any) { p["domain"] = "https://evil.example" })},
		{"no domain", badges.EUNAUTHORIZED, "no domain",
			signedPresentation(t, ob3.CryptosuiteEdDSARDFC, key, did, func(p map[string]any) { delete(p, "domain") })},
		{"empty domain list", badges.EUNAUTHORIZED, "no domain",
			signedPresentation(t, ob3.CryptosuiteEdDSARDFC, key, did, func(p map[string]any) { p["domain"] = []any{} })},
		{"holder not the signer", badges.EUNAUTHORIZED, "not the controller",
			[]byte(strings.Replace(string(signedPresentation(t, typeEd25519Sig2020, otherKey, otherDID, nil)), `"holder":"`+otherDID, `"holder":"`+did, 1))},
		{"another key signed", badges.EUNAUTHORIZED, "signature does not verify", signedPresentation(t, typeEd25519Sig2020, otherKey, did, nil)},
		{"did:web unreachable", badges.EUNAUTHORIZED, "could not be resolved", signedPresentation(t, typeEd25519Sig2020, key, "did:web:wallet.example.org", nil)},
		{"unsupported method", badges.EUNAUTHORIZED, "not supported", signedPresentation(t, typeEd25519Sig2020, key, "did:example:123", nil)},
		{"other proof type", badges.EINVALID, "JsonWebSignature2020",
			[]byte(strings.Replace(string(signedPresentation(t, typeEd25519Sig2020, key, did, nil)), `"type":"Ed25519Signature2020"`, `"type":"JsonWebSignature2020"`, 1))},
		{"assertion purpose", badges.EINVALID, `"assertionMethod"`,
			signedPresentation(t, typeEd25519Sig2020, key, did, func(p map[string]any) { p["proofPurpose"] = "assertionMethod" })},
		{"no holder", badges.EINVALID, "no holder", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation"}`)},
		{"not a presentation", badges.EINVALID, "VerifiablePresentation", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","holder":"did:key:z6Mk"}`)},
		{"unsigned", badges.EINVALID, "not signed", []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiablePresentation","holder":"` + did + `"}`)},
		{"not JSON", badges.EINVALID, "not valid JSON", []byte(`{"holder":`)},
		{"too deep", badges.EINVALID, "deeper than 16", []byte(strings.Repeat(`{"a":`, 17) + "1" + strings.Repeat("}", 17))},
		{"too large", badges.ETOOLARGE, "larger than 64 KiB", []byte(`{"x":"` + strings.Repeat("a", MaxPresentationBytes) + `"}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			holder, err := v.CheckPresentation(context.Background(), tc.vp, testChallenge, testDomain)
			var be *badges.Error
			if holder != "" || !errors.As(err, &be) || be.Code != tc.code || be.Field != "verifiablePresentation" || !strings.Contains(be.Message, tc.want) {
				t.Fatalf("holder %q, error %v; want %s naming %q", holder, err, tc.code, tc.want)
			}
		})
	}
}

// FuzzCheckPresentation: whatever a wallet sends, the answer is a holder
// or a *badges.Error a client is told of, never a panic or another error.
func FuzzCheckPresentation(f *testing.F) {
	key, did := holderKey(1)
	f.Add(signedPresentation(f, typeEd25519Sig2020, key, did, nil))
	f.Add(signedPresentation(f, ob3.CryptosuiteEdDSARDFC, key, did, nil))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"VerifiablePresentation","holder":{"id":"did:key:z6Mk"},"proof":[{"proofPurpose":"authentication","challenge":["x"],"domain":[1]}]}`))
	f.Add([]byte(`{"type":["VerifiablePresentation"],"@context":{},"holder":"x","proof":{"proofPurpose":"authentication","challenge":"` + testChallenge + `","domain":"` + testDomain + `","verificationMethod":"did:key:z6Mk#z6Mk"}}`))
	v := MustVerifier(f, Options{})
	f.Fuzz(func(t *testing.T, b []byte) {
		holder, err := v.CheckPresentation(context.Background(), b, testChallenge, testDomain)
		var be *badges.Error
		switch {
		case err == nil && holder == "":
			t.Fatal("accepted without a holder")
		case err != nil && (!errors.As(err, &be) || be.Message == ""):
			t.Fatalf("error %v is not one to tell a client", err)
		}
	})
}

// FuzzParsePresentation: the parser and the binding checks, which run
// before any key is resolved, take anything without a panic, and accept
// only a presentation with a holder and an authentication proof.
func FuzzParsePresentation(f *testing.F) {
	key, did := holderKey(1)
	f.Add(signedPresentation(f, typeEd25519Sig2020, key, did, nil))
	f.Add(signedPresentation(f, ob3.CryptosuiteEdDSARDFC, key, did, func(p map[string]any) { p["domain"] = []any{testDomain} }))
	f.Add([]byte(`{"@context":"x","type":"VerifiablePresentation","holder":{"id":"did:key:z"},"proof":[{"proofPurpose":"authentication","challenge":["x"],"domain":[1]}]}`))
	f.Add([]byte(`{"@context":"x","type":"VerifiablePresentation","holder":"did:key:z","proof":{"proofPurpose":"authentication","challenge":"` + testChallenge + `","domain":[]}}`))
	f.Add([]byte(`{"@context":[],"type":["VerifiablePresentation"],"holder":"x","proof":[null,{"proofPurpose":"authentication"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePresentation(b)
		var be *badges.Error
		if err != nil {
			if !errors.As(err, &be) || be.Message == "" {
				t.Fatalf("error %v is not one to tell a client", err)
			}
			return
		}
		if p.Holder == "" || str(p.proof, "proofPurpose") != ProofPurposeAuthentication {
			t.Fatalf("accepted %s", b)
		}
		if err := p.checkBinding(testChallenge, testDomain); err != nil && !errors.As(err, &be) {
			t.Fatalf("binding error %v", err)
		}
	})
}
