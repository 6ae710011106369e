package verifier

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// A wallet proves that it holds a key with a key proof, the jwt proof
// type of OpenID for Verifiable Credential Issuance 1.0: a JWT typed
// openid4vci-proof+jwt, signed by the key it names in its kid (a did:key
// DID URL) or carries in its jwk header, for the issuer (aud), recently
// (iat), with the issuer's c_nonce. The holder is the key's did:key: for
// a jwk header, the did:key of that key, so that the credential's subject
// is the same whichever way the wallet names its key.

// KeyProofType is the typ of a key proof.
const KeyProofType = "openid4vci-proof+jwt"

// KeyProofAlgs are the algorithms a key proof may be signed with.
var KeyProofAlgs = []string{"EdDSA", "ES256"}

// Bounds of a key proof.
const (
	MaxKeyProofBytes = 8 << 10
	keyProofSkew     = time.Minute      // how far in the future iat may be
	keyProofMaxAge   = 10 * time.Minute // how far in the past
)

// ErrKeyProof wraps every reason a key proof is refused.
var ErrKeyProof = errors.New("the key proof is not valid")

// KeyProof is what a verified key proof says.
type KeyProof struct {
	Holder   string // the did:key of the proven key
	Nonce    string
	IssuedAt time.Time
}

// keyProofHeader is a key proof's protected header.
type keyProofHeader struct {
	Alg  string         `json:"alg"`
	Typ  string         `json:"typ"`
	Kid  string         `json:"kid"`
	JWK  map[string]any `json:"jwk"`
	X5C  any            `json:"x5c"`
	Crit any            `json:"crit"`
}

// keyProofClaims are the claims of a key proof's payload.
type keyProofClaims struct {
	Aud   any    `json:"aud"`
	Iat   *int64 `json:"iat"`
	Nonce string `json:"nonce"`
}

// CheckKeyProof verifies a key proof for audience (the Credential Issuer
// Identifier) at now. Errors wrap ErrKeyProof and say, in plain ASCII,
// what is wrong (badges.Sentence makes them a sentence to show).
func CheckKeyProof(proof, audience string, now time.Time) (*KeyProof, error) {
	h, err := parseKeyProofHeader(proof)
	if err != nil {
		return nil, err
	}
	key, holder, err := keyProofKey(h)
	if err != nil {
		return nil, err
	}
	payload, err := jws.Verify([]byte(proof), jws.WithKey(jwa.SignatureAlgorithm(h.Alg), key))
	if err != nil {
		return nil, proofErr("its signature does not verify with the key it names")
	}
	var c keyProofClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, proofErr("its payload is not a JSON object")
	}
	issued, err := checkKeyProofClaims(c, audience, now)
	if err != nil {
		return nil, err
	}
	return &KeyProof{Holder: holder, Nonce: c.Nonce, IssuedAt: issued}, nil
}

// KeyProofs is CheckKeyProof as the issuing service asks for it
// (issuer.KeyProofChecker).
type KeyProofs struct{}

// CheckKeyProof verifies proof and returns its holder and nonce.
func (KeyProofs) CheckKeyProof(proof, audience string, now time.Time) (holder, nonce string, err error) {
	p, err := CheckKeyProof(proof, audience, now)
	if err != nil {
		return "", "", err
	}
	return p.Holder, p.Nonce, nil
}

func proofErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrKeyProof, fmt.Sprintf(format, args...))
}

// parseKeyProofHeader reads the protected header of a compact JWS and
// checks its type, algorithm and key parameters.
func parseKeyProofHeader(proof string) (*keyProofHeader, error) {
	if len(proof) == 0 || len(proof) > MaxKeyProofBytes {
		return nil, proofErr("a proof is a compact JWT of at most %d bytes", MaxKeyProofBytes)
	}
	parts := strings.Split(proof, ".")
	if len(parts) != 3 || parts[2] == "" {
		return nil, proofErr("it is not a compact JWT of three parts")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	var h keyProofHeader
	if err != nil || json.Unmarshal(raw, &h) != nil {
		return nil, proofErr("its header is not base64url-encoded JSON")
	}
	switch {
	case h.Typ != KeyProofType:
		return nil, proofErr("its typ must be %s", KeyProofType)
	case h.Alg != "EdDSA" && h.Alg != "ES256":
		return nil, proofErr("its alg must be EdDSA or ES256")
	case h.Crit != nil:
		return nil, proofErr("it names critical header parameters, which this issuer does not understand")
	case h.X5C != nil:
		return nil, proofErr("x5c is not supported; name the key with a did:key kid or a jwk header")
	case (h.Kid == "") == (h.JWK == nil):
		return nil, proofErr("it must name its key with exactly one of kid and jwk")
	}
	return &h, nil
}

// keyProofKey is the key a proof names, checked against its algorithm,
// and the key's did:key.
func keyProofKey(h *keyProofHeader) (crypto.PublicKey, string, error) {
	var key crypto.PublicKey
	if h.Kid != "" {
		if !strings.HasPrefix(h.Kid, "did:key:") || !strings.Contains(h.Kid, "#") {
			return nil, "", proofErr("its kid must be a did:key DID URL (did:key:z...#z...)")
		}
		mk, err := didKey(h.Kid)
		if err != nil {
			return nil, "", proofErr("its kid is not a did:key this issuer reads: %v", err)
		}
		key = mk.key
	} else {
		k, err := jwkPublic(h.JWK)
		if err != nil {
			return nil, "", proofErr("its jwk header is not a public Ed25519 or P-256 key")
		}
		key = k
	}
	if !algFits(h.Alg, key) {
		return nil, "", proofErr("its alg %s does not fit its key", h.Alg)
	}
	holder, err := DIDKeyOf(key)
	if err != nil {
		return nil, "", proofErr("%v", err)
	}
	return key, holder, nil
}

// algFits reports whether alg signs with key: EdDSA with Ed25519, ES256
// with P-256.
func algFits(alg string, key crypto.PublicKey) bool {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return alg == "EdDSA"
	case *ecdsa.PublicKey:
		return alg == "ES256" && k.Curve == elliptic.P256()
	}
	return false
}

// DIDKeyOf is the did:key of an Ed25519 or P-256 public key.
func DIDKeyOf(key crypto.PublicKey) (string, error) {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return "did:key:" + ob3.EncodeMultikeyEd25519(k), nil
	case *ecdsa.PublicKey:
		e, err := k.ECDH()
		if err != nil || k.Curve != elliptic.P256() {
			return "", errors.New("the key is not a P-256 key")
		}
		raw := e.Bytes() // 0x04 || x || y
		compressed := append([]byte{multicodecP256[0], multicodecP256[1], 2 | raw[64]&1}, raw[1:33]...)
		return "did:key:z" + ob3.Base58Encode(compressed), nil
	}
	return "", fmt.Errorf("a %T has no did:key here", key)
}

// checkKeyProofClaims checks audience, issue time and nonce, and returns
// the issue time.
func checkKeyProofClaims(c keyProofClaims, audience string, now time.Time) (time.Time, error) {
	if !audienceIs(c.Aud, audience) {
		return time.Time{}, proofErr("its aud must be the credential issuer %s", audience)
	}
	if c.Iat == nil {
		return time.Time{}, proofErr("it has no iat")
	}
	issued := time.Unix(*c.Iat, 0)
	if issued.After(now.Add(keyProofSkew)) || issued.Before(now.Add(-keyProofMaxAge)) {
		return time.Time{}, proofErr("its iat is not within the last %d minutes", int(keyProofMaxAge/time.Minute))
	}
	if c.Nonce == "" {
		return time.Time{}, proofErr("it has no nonce; ask the nonce endpoint for a c_nonce")
	}
	return issued, nil
}

// audienceIs reports whether aud is audience, alone (a string, or an
// array of that one string).
func audienceIs(aud any, audience string) bool {
	switch a := aud.(type) {
	case string:
		return a == audience
	case []any:
		return len(a) == 1 && a[0] == audience
	}
	return false
}
