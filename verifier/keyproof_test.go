package verifier

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

const proofAudience = "https://badges.example.org"

// proofKeys are the keys of the key proof tests.
type proofKeys struct {
	ed    ed25519.PrivateKey
	edDID string
	p256  *ecdsa.PrivateKey
}

func newProofKeys(t testing.TB) proofKeys {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return proofKeys{ed: priv, edDID: "did:key:" + ob3.EncodeMultikeyEd25519(pub), p256: p}
}

func b64JSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// signEd signs a key proof with an Ed25519 key.
func signEd(t testing.TB, key ed25519.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	in := b64JSON(t, header) + "." + b64JSON(t, claims)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(in)))
}

// signES256 signs a key proof with a P-256 key (r || s, 64 bytes).
func signES256(t testing.TB, key *ecdsa.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	in := b64JSON(t, header) + "." + b64JSON(t, claims)
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func p256JWK(k *ecdsa.PublicKey) map[string]any {
	raw, _ := k.ECDH()
	b := raw.Bytes()
	return map[string]any{"kty": "EC", "crv": "P-256",
		"x": base64.RawURLEncoding.EncodeToString(b[1:33]), "y": base64.RawURLEncoding.EncodeToString(b[33:])}
}

func TestCheckKeyProof(t *testing.T) {
	k := newProofKeys(t)
	now := time.Now()
	kid := k.edDID + "#" + strings.TrimPrefix(k.edDID, "did:key:")
	edHeader := func(change map[string]any) map[string]any {
		h := map[string]any{"typ": KeyProofType, "alg": "EdDSA", "kid": kid}
		for n, v := range change {
			if v == nil {
				delete(h, n)
			} else {
				h[n] = v
			}
		}
		return h
	}
	claims := func(change map[string]any) map[string]any {
		c := map[string]any{"aud": proofAudience, "iat": now.Unix(), "nonce": "n-1"}
		for n, v := range change {
			if v == nil {
				delete(c, n)
			} else {
				c[n] = v
			}
		}
		return c
	}
	edJWK := map[string]any{"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(k.ed.Public().(ed25519.PublicKey))}
	p256DID, err := DIDKeyOf(&k.p256.PublicKey)
	if err != nil || !strings.HasPrefix(p256DID, "did:key:zDn") {
		t.Fatalf("P-256 did:key %q, %v", p256DID, err)
	}
	other := newProofKeys(t)
	ok := map[string]struct {
		proof  string
		holder string
	}{
		"OK/did:key kid":    {signEd(t, k.ed, edHeader(nil), claims(nil)), k.edDID},
		"OK/Ed25519 jwk":    {signEd(t, k.ed, edHeader(map[string]any{"kid": nil, "jwk": edJWK}), claims(nil)), k.edDID},
		"OK/P-256 jwk":      {signES256(t, k.p256, map[string]any{"typ": KeyProofType, "alg": "ES256", "jwk": p256JWK(&k.p256.PublicKey)}, claims(nil)), p256DID},
		"OK/aud in array":   {signEd(t, k.ed, edHeader(nil), claims(map[string]any{"aud": []string{proofAudience}})), k.edDID},
		"OK/iss is ignored": {signEd(t, k.ed, edHeader(nil), claims(map[string]any{"iss": "wallet"})), k.edDID},
	}
	for name, tc := range ok {
		t.Run(name, func(t *testing.T) {
			p, err := CheckKeyProof(tc.proof, proofAudience, now)
			if err != nil || p.Holder != tc.holder || p.Nonce != "n-1" {
				t.Fatalf("proof = %+v, %v; want holder %s", p, err, tc.holder)
			}
		})
	}
	bad := map[string]string{
		"typ JWT":          signEd(t, k.ed, edHeader(map[string]any{"typ": "JWT"}), claims(nil)),
		"alg none":         signEd(t, k.ed, edHeader(map[string]any{"alg": "none"}), claims(nil)),
		"alg HS256":        signEd(t, k.ed, edHeader(map[string]any{"alg": "HS256"}), claims(nil)),
		"alg ES256 on Ed":  signEd(t, k.ed, edHeader(map[string]any{"alg": "ES256"}), claims(nil)),
		"kid and jwk":      signEd(t, k.ed, edHeader(map[string]any{"jwk": edJWK}), claims(nil)),
		"no key":           signEd(t, k.ed, edHeader(map[string]any{"kid": nil}), claims(nil)),
		"kid not did:key":  signEd(t, k.ed, edHeader(map[string]any{"kid": "https://wallet.example.org/keys/1"}), claims(nil)),
		"kid without #":    signEd(t, k.ed, edHeader(map[string]any{"kid": k.edDID}), claims(nil)),
		"x5c":              signEd(t, k.ed, edHeader(map[string]any{"kid": nil, "x5c": []string{"MIIB"}}), claims(nil)),
		"crit":             signEd(t, k.ed, edHeader(map[string]any{"crit": []string{"exp"}}), claims(nil)),
		"private jwk":      signEd(t, k.ed, edHeader(map[string]any{"kid": nil, "jwk": map[string]any{"kty": "OKP", "crv": "Ed25519", "x": edJWK["x"], "d": "AAAA"}}), claims(nil)),
		"another key":      signEd(t, other.ed, edHeader(nil), claims(nil)),
		"wrong aud":        signEd(t, k.ed, edHeader(nil), claims(map[string]any{"aud": "https://elsewhere.example.org"})),
		"two audiences":    signEd(t, k.ed, edHeader(nil), claims(map[string]any{"aud": []string{proofAudience, "https://elsewhere.example.org"}})),
		"no aud":           signEd(t, k.ed, edHeader(nil), claims(map[string]any{"aud": nil})),
		"no iat":           signEd(t, k.ed, edHeader(nil), claims(map[string]any{"iat": nil})),
		"iat an hour ago":  signEd(t, k.ed, edHeader(nil), claims(map[string]any{"iat": now.Add(-time.Hour).Unix()})),
		"iat in an hour":   signEd(t, k.ed, edHeader(nil), claims(map[string]any{"iat": now.Add(time.Hour).Unix()})),
		"iat a string":     signEd(t, k.ed, edHeader(nil), claims(map[string]any{"iat": "now"})),
		"no nonce":         signEd(t, k.ed, edHeader(nil), claims(map[string]any{"nonce": nil})),
		"not a JWT":        "not a jwt",
		"JSON serialized":  `{"payload":"e30","signatures":[]}`,
		"empty signature":  strings.TrimRight(signEd(t, k.ed, edHeader(nil), claims(nil)), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
		"too large":        signEd(t, k.ed, edHeader(map[string]any{"pad": strings.Repeat("a", MaxKeyProofBytes)}), claims(nil)),
		"garbled header":   "!!!." + b64JSON(t, claims(nil)) + ".AAAA",
		"garbled payload":  b64JSON(t, edHeader(nil)) + ".!!!.AAAA",
		"signed elsewhere": strings.Split(signEd(t, k.ed, edHeader(nil), claims(nil)), ".")[0] + "." + b64JSON(t, claims(map[string]any{"nonce": "n-2"})) + "." + strings.Split(signEd(t, k.ed, edHeader(nil), claims(nil)), ".")[2],
	}
	for name, proof := range bad {
		t.Run("refused/"+name, func(t *testing.T) {
			p, err := CheckKeyProof(proof, proofAudience, now)
			if !errors.Is(err, ErrKeyProof) || p != nil {
				t.Fatalf("proof = %+v, %v; want ErrKeyProof", p, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "the key proof is not valid: ") || strings.ContainsFunc(msg, func(r rune) bool { return r > 0x7e }) {
				t.Fatalf("message %q is not plain ASCII saying why", msg)
			}
		})
	}
}

// FuzzCheckKeyProof: any input is refused or accepted without a panic,
// and what is accepted names a did:key holder and a nonce.
func FuzzCheckKeyProof(f *testing.F) {
	k := newProofKeys(f)
	now := time.Unix(1_760_000_000, 0)
	kid := k.edDID + "#" + strings.TrimPrefix(k.edDID, "did:key:")
	f.Add(signEd(f, k.ed, map[string]any{"typ": KeyProofType, "alg": "EdDSA", "kid": kid}, map[string]any{"aud": proofAudience, "iat": now.Unix(), "nonce": "n"}))
	f.Add(signES256(f, k.p256, map[string]any{"typ": KeyProofType, "alg": "ES256", "jwk": p256JWK(&k.p256.PublicKey)}, map[string]any{"aud": proofAudience, "iat": now.Unix(), "nonce": "n"}))
	f.Add("eyJ0eXAiOiJvcGVuaWQ0dmNpLXByb29mK2p3dCIsImFsZyI6Im5vbmUifQ.e30.")
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, proof string) {
		p, err := CheckKeyProof(proof, proofAudience, now)
		if err != nil {
			if !errors.Is(err, ErrKeyProof) {
				t.Fatalf("error %v does not wrap ErrKeyProof", err)
			}
			return
		}
		if !strings.HasPrefix(p.Holder, "did:key:z") || p.Nonce == "" {
			t.Fatalf("accepted proof %+v", p)
		}
	})
}
