package issuer

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// KeyUse says what a key signs.
type KeyUse string

// Each issuer has an Ed25519 key for Data Integrity proofs and a key for
// VC-JWT signatures, whose algorithm the issuer chooses.
const (
	UseDataIntegrity KeyUse = "di"
	UseJWT           KeyUse = "jwt"
)

// JWT signature algorithms Laurel issues with. RS256 is the default: every
// verifier supports it, while ES256 and EdDSA are less widely accepted.
const (
	AlgRS256 = "RS256"
	AlgES256 = "ES256"
	AlgEdDSA = "EdDSA"
)

// JWTAlgs lists the algorithms an issuer may choose for VC-JWT.
var JWTAlgs = []string{AlgRS256, AlgES256, AlgEdDSA}

// Key is one signing key pair of an issuer. Its id, "<use>-<generation>",
// is unique per issuer and names its public URL; a rotation adds the next
// generation and keeps the old ones published, so that credentials signed
// with them keep verifying.
type Key struct {
	ID         string
	IssuerID   string
	Use        KeyUse
	Generation int
	Alg        string // EdDSA for Data Integrity keys; the JWS alg for JWT keys
	CreatedAt  time.Time
	Public     crypto.PublicKey
	Sealed     []byte // the private key, PKCS #8, sealed under the master key
}

// KeyStore keeps issuers' keys.
type KeyStore interface {
	// CreateKey stores a new key; ECONFLICT when that id exists already
	// (another process rotated first).
	CreateKey(ctx context.Context, k *Key) error
	// Keys returns all keys of an issuer, or of every issuer for "", in no
	// particular order.
	Keys(ctx context.Context, issuerID string) ([]*Key, error)
	// Key returns one key.
	Key(ctx context.Context, issuerID, id string) (*Key, error)
}

// KeyID is the id of a key generation.
func KeyID(use KeyUse, generation int) string { return string(use) + "-" + strconv.Itoa(generation) }

// ParseKeyID splits a key id, rejecting anything KeyID does not make.
func ParseKeyID(id string) (KeyUse, int, bool) {
	use, gen, ok := strings.Cut(id, "-")
	n, err := strconv.Atoi(gen)
	if !ok || err != nil || n < 1 || strconv.Itoa(n) != gen || (use != string(UseDataIntegrity) && use != string(UseJWT)) {
		return "", 0, false
	}
	return KeyUse(use), n, true
}

// GenerateKey makes a key pair and seals its private half.
func GenerateKey(issuerID string, use KeyUse, generation int, alg string, sealer *Sealer, now time.Time) (*Key, crypto.Signer, error) {
	if use == UseDataIntegrity {
		alg = AlgEdDSA
	}
	priv, err := newPrivateKey(alg)
	if err != nil {
		return nil, nil, err
	}
	k, err := sealKey(priv, issuerID, use, generation, alg, sealer, now)
	return k, priv, err
}

func newPrivateKey(alg string) (crypto.Signer, error) {
	var priv crypto.Signer
	var err error
	switch alg {
	case AlgRS256:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case AlgES256:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case AlgEdDSA:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, badges.FieldErrorf("jwtAlg", "jwtAlg must be one of %s, not %q", strings.Join(JWTAlgs, ", "), alg)
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}
	return priv, nil
}

// sealKey makes the record of a private key as one generation of an
// issuer's keys: its id names the generation, and the sealed key is bound
// to that id.
func sealKey(priv crypto.Signer, issuerID string, use KeyUse, generation int, alg string, sealer *Sealer, now time.Time) (*Key, error) {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	k := &Key{ID: KeyID(use, generation), IssuerID: issuerID, Use: use, Generation: generation, Alg: alg,
		CreatedAt: now.UTC().Truncate(time.Millisecond), Public: priv.Public()}
	k.Sealed = sealer.Seal(der, k.sealID())
	return k, nil
}

// sealID binds a sealed key to its issuer and id.
func (k *Key) sealID() string { return k.IssuerID + "/" + k.ID }

// Signer opens the sealed private key.
func (k *Key) Signer(s *Sealer) (crypto.Signer, error) {
	der, err := s.Open(k.Sealed, k.sealID())
	if err != nil {
		return nil, fmt.Errorf("key %s of issuer %s: %w", k.ID, k.IssuerID, err)
	}
	priv, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("key %s of issuer %s: %w", k.ID, k.IssuerID, err)
	}
	signer, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("key %s of issuer %s is not a signing key", k.ID, k.IssuerID)
	}
	return signer, nil
}

// Newest returns the key of a use with the highest generation, or nil.
func Newest(keys []*Key, use KeyUse) *Key {
	var best *Key
	for _, k := range keys {
		if k.Use == use && (best == nil || k.Generation > best.Generation) {
			best = k
		}
	}
	return best
}

// SortKeys orders keys by use, then newest first, for listings.
func SortKeys(keys []*Key) {
	slices.SortFunc(keys, func(a, b *Key) int {
		if a.Use != b.Use {
			return strings.Compare(string(a.Use), string(b.Use))
		}
		return b.Generation - a.Generation
	})
}
