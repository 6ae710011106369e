package verifier

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// Signed verification (Open Badges 2.0, "SignedBadge"): the assertion is
// the payload of a JWS, signed with a key that its issuer's profile lists
// under publicKey, published as a CryptographicKey document (publicKeyPem)
// whose owner is the issuer. The assertion may name the key it was signed
// with (verification.creator); otherwise the issuer's keys are tried.

// maxOB2Keys bounds the issuer keys tried when the assertion names none.
const maxOB2Keys = 4

// minOB2RSABits is the smallest RSA key accepted, as for VC-JWTs.
const minOB2RSABits = 2048

// ob2Key is a key an issuer's profile lists, and how it was found.
type ob2Key struct {
	id  string
	pub crypto.PublicKey
}

// keyError is why a key cannot be used: it could not be fetched
// (Unreachable) or is not the issuer's (Fail). Outcome Pass means the key is
// the issuer's but the signature does not verify with it.
type keyError struct {
	outcome Outcome
	message string
	key     string // the key's id, when it is the issuer's
}

// checkSigned finds the key and checks the JWS's signature with it.
func (o *ob2Run) checkSigned(ctx context.Context) {
	r, t := o.r, o.in.jws
	label := fmt.Sprintf("JWS (%s)", clip(t.Header.Alg, 20))
	if o.issuer == nil {
		out := o.missingIssuerOutcome()
		r.add(CheckKey, out, label+": the issuer's profile, which lists its keys, could not be read.")
		r.add(CheckProof, out, label+": not verified, since the issuer's keys are not known.")
		return
	}
	candidates := []string{str(ob2Verification(o.doc), "creator")}
	if candidates[0] == "" {
		candidates = o.listedKeyIDs()
	}
	last := &keyError{outcome: Fail, message: "the assertion names no key (verification.creator) and its issuer's profile lists none (publicKey)"}
	for _, id := range candidates {
		k, kerr := o.ob2Key(ctx, id)
		if kerr == nil {
			if err := verifyOB2JWS(t.Token, t.Header.Alg, k.pub); err != nil {
				kerr = &keyError{outcome: Pass, key: k.id, message: fmt.Sprintf("%s: the signature does not verify with the key %s (%s).", label, clip(k.id, 120), trimDot(err))}
			}
		}
		if kerr == nil {
			r.add(CheckKey, o.keyOutcome(), fmt.Sprintf("%s: key %s, %s.", label, clip(k.id, 120), o.keyConfirmation()))
			r.add(CheckProof, Pass, label+": the signature verifies.")
			return
		}
		last = kerr
	}
	if last.outcome == Pass {
		r.add(CheckKey, o.keyOutcome(), fmt.Sprintf("%s: key %s, %s.", label, clip(last.key, 120), o.keyConfirmation()))
		r.add(CheckProof, Fail, last.message)
		return
	}
	r.add(CheckKey, last.outcome, label+": "+last.message+".")
	r.add(CheckProof, last.outcome, label+": not verified, since its key cannot be used.")
}

// keyOutcome says how far the key is confirmed as the issuer's: only an
// issuer profile fetched from its own web address can confirm it.
func (o *ob2Run) keyOutcome() Outcome {
	if o.issuerFrom != "" {
		return Pass
	}
	return Warn
}

func (o *ob2Run) keyConfirmation() string {
	if o.issuerFrom != "" {
		return "listed by the issuer's profile " + clip(str(o.issuer, "id"), 120) + " and owned by it"
	}
	return "named by an issuer profile that was embedded, not fetched from a web address of the issuer, so nothing the issuer publishes confirms the key"
}

// listedKeys are the issuer profile's publicKey entries: URLs, or
// CryptographicKey objects.
func (o *ob2Run) listedKeys() []any { return list(o.issuer["publicKey"]) }

func (o *ob2Run) listedKeyIDs() []string {
	var ids []string
	for _, k := range o.listedKeys() {
		if id := idOf(k); id != "" && len(ids) < maxOB2Keys {
			ids = append(ids, id)
		}
	}
	return ids
}

// ob2Key reads a key the issuer lists: from the profile itself when it
// embeds the CryptographicKey, else from the key's URL.
func (o *ob2Run) ob2Key(ctx context.Context, id string) (*ob2Key, *keyError) {
	var doc map[string]any
	for _, k := range o.listedKeys() {
		if idOf(k) != id {
			continue
		}
		doc, _ = k.(map[string]any)
		if str(doc, "publicKeyPem") == "" {
			doc = nil
		}
		break
	}
	if doc == nil {
		if !o.lists(id) {
			return nil, &keyError{outcome: Fail, message: fmt.Sprintf("the issuer's profile does not list the key %s among its publicKey, so it is not the issuer's key", clip(id, 120))}
		}
		fetched, err := o.fetchDoc(ctx, id, KindKey, acceptKey)
		if err != nil {
			return nil, &keyError{outcome: err.outcome, message: fmt.Sprintf("the key %s could not be read: %s", clip(id, 120), err.reason)}
		}
		doc = fetched
	}
	return o.readKey(id, doc)
}

func (o *ob2Run) lists(id string) bool {
	for _, k := range o.listedKeys() {
		if idOf(k) == id {
			return true
		}
	}
	return false
}

// readKey checks a CryptographicKey document and decodes its key.
func (o *ob2Run) readKey(id string, doc map[string]any) (*ob2Key, *keyError) {
	if got := str(doc, "id"); got != "" && got != id && hostOf(got) != hostOf(id) {
		return nil, &keyError{outcome: Fail, message: fmt.Sprintf("the key document at %s gives its id as %q, on another host", clip(id, 120), clip(got, 120))}
	}
	owner, isOwner := str(doc, "owner"), false
	for _, issuer := range o.issuerIDs() {
		isOwner = isOwner || owner == issuer
	}
	if !isOwner {
		return nil, &keyError{outcome: Fail, message: fmt.Sprintf("the key %s names %q as its owner, not the issuer %s", clip(id, 120), clip(owner, 120), clip(str(o.issuer, "id"), 120))}
	}
	pub, err := parsePublicKeyPEM(str(doc, "publicKeyPem"))
	if err != nil {
		return nil, &keyError{outcome: Fail, message: fmt.Sprintf("the key %s cannot be used: %s", clip(id, 120), trimDot(err))}
	}
	return &ob2Key{id: id, pub: pub}, nil
}

// parsePublicKeyPEM decodes a PEM public key: SubjectPublicKeyInfo, or an
// RSA key in PKCS #1 form, which some issuers publish.
func parsePublicKeyPEM(s string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	switch {
	case s == "":
		return nil, errors.New("it has no publicKeyPem")
	case block == nil:
		return nil, errors.New("its publicKeyPem is not PEM")
	case block.Type == "RSA PUBLIC KEY":
		return x509.ParsePKCS1PublicKey(block.Bytes)
	case block.Type == "PUBLIC KEY":
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, errors.New("its publicKeyPem does not hold a public key this verifier reads")
		}
		return pub, nil
	}
	return nil, fmt.Errorf("its publicKeyPem holds a %q, not a public key", clip(block.Type, 40))
}

// verifyOB2JWS checks a compact JWS with a key, refusing an algorithm the
// key was not made for ("none" and HMAC among them).
func verifyOB2JWS(token, alg string, pub crypto.PublicKey) error {
	if err := ob2KeyFitsAlg(alg, pub); err != nil {
		return err
	}
	if _, err := jws.Verify([]byte(token), jws.WithKey(jwa.SignatureAlgorithm(alg), pub)); err != nil {
		return errors.New("the signature is not the key's")
	}
	return nil
}

// ob2KeyFitsAlg admits RSA (PKCS #1 v1.5 and PSS), ECDSA on the curve of
// its algorithm, and Ed25519.
func ob2KeyFitsAlg(alg string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		switch jwa.SignatureAlgorithm(alg) {
		case jwa.RS256, jwa.RS384, jwa.RS512, jwa.PS256, jwa.PS384, jwa.PS512:
		default:
			return fmt.Errorf("the algorithm %q does not fit an RSA key", clip(alg, 20))
		}
		if k.N.BitLen() < minOB2RSABits {
			return fmt.Errorf("the RSA key has %d bits, fewer than %d", k.N.BitLen(), minOB2RSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		want := map[jwa.SignatureAlgorithm]elliptic.Curve{jwa.ES256: elliptic.P256(), jwa.ES384: elliptic.P384(), jwa.ES512: elliptic.P521()}
		if c, ok := want[jwa.SignatureAlgorithm(alg)]; !ok || c != k.Curve {
			return fmt.Errorf("the algorithm %q does not fit the EC key", clip(alg, 20))
		}
		return nil
	case ed25519.PublicKey:
		if jwa.SignatureAlgorithm(alg) != jwa.EdDSA {
			return fmt.Errorf("the algorithm %q does not fit an Ed25519 key", clip(alg, 20))
		}
		return nil
	}
	return fmt.Errorf("a %T key is not supported", pub)
}
