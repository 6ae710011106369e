package verifier

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// jwtKey is the key a VC-JWT names, and how well it is tied to the issuer.
type jwtKey struct {
	key     jwk.Key
	outcome Outcome
	message string
}

// checkJWT verifies a VC-JWT's signature and its claims, and reports them.
func (v *run) checkJWT(ctx context.Context, r *Report, c *credential) Outcome {
	t := c.jwt
	label := fmt.Sprintf("VC-JWT (%s)", clip(t.Header.Alg, 20))
	k, err := v.resolveJWTKey(ctx, t, issuerID(c.doc))
	if err != nil {
		return keyUnusable(r, label, err)
	}
	r.add(CheckKey, k.outcome, label+": "+k.message)
	outcome := v.verifyJWT(r, t, k.key, label)
	if t.VC11 {
		r.add(CheckJWTClaims, Warn, "The token has the VC 1.1 shape (the credential is in a vc claim); VC 2.0 puts the credential in the payload itself.")
	}
	return outcome
}

// verifyJWT checks the signature and the registered claims with a resolved
// key.
func (v *Verifier) verifyJWT(r *Report, t *ob3.JWT, key jwk.Key, label string) Outcome {
	err := t.Verify(key, v.now())
	var claim *ob3.JWTClaimError
	switch {
	case err == nil, errors.Is(err, ob3.ErrJWTExpired), errors.Is(err, ob3.ErrJWTNotYetValid):
		// Expiry is reported by the dates check, from the credential itself.
		r.add(CheckProof, Pass, label+": the signature verifies.")
		r.add(CheckJWTClaims, Pass, "The registered claims (iss, jti, sub, nbf, exp) agree with the credential.")
		return Pass
	case errors.As(err, &claim):
		r.add(CheckProof, Pass, label+": the signature verifies.")
		r.add(CheckJWTClaims, Fail, fmt.Sprintf("The claim %s is %q but the credential's %s is %q.",
			claim.Claim, clip(claim.Claimed, 100), claim.Field, clip(claim.Credential, 100)))
		return Pass
	case errors.Is(err, ob3.ErrJWTSignature):
		r.add(CheckProof, Fail, label+": the signature does not verify.")
	default:
		r.add(CheckProof, Fail, fmt.Sprintf("%s: %s.", label, jwtReason(err)))
	}
	return Fail
}

// jwtReason is an ob3 VC-JWT error without its package prefix.
func jwtReason(err error) string {
	return trimDot(err)
}

// resolveJWTKey finds the public key of a VC-JWT: from its kid (an http(s)
// URL returning a JWK, a JWK set or a key document; a did:key; a did:web),
// else from its jwk header.
func (v *run) resolveJWTKey(ctx context.Context, t *ob3.JWT, issuer string) (*jwtKey, error) {
	kid := t.Header.Kid
	switch {
	case strings.HasPrefix(kid, "did:"):
		mk, err := v.resolveMethod(ctx, kid)
		if err != nil {
			return nil, err
		}
		if err := bindsIssuer(mk, issuer); err != nil {
			return nil, err
		}
		k, err := jwk.FromRaw(mk.key)
		if err != nil {
			return nil, err
		}
		return &jwtKey{key: k, outcome: Pass, message: fmt.Sprintf("key %s from the %s, controlled by %s.", clip(kid, 120), mk.source, clip(mk.controller, 120))}, nil
	case strings.HasPrefix(kid, "https://") || strings.HasPrefix(kid, "http://"):
		k, err := v.kidURLKey(ctx, kid)
		if err != nil {
			return nil, err
		}
		return &jwtKey{key: k, outcome: kidBinding(kid, issuer), message: kidMessage(kid, issuer)}, nil
	case t.Header.JWK != nil:
		return &jwtKey{key: t.Header.JWK, outcome: Pass,
			message: fmt.Sprintf("key taken from the token's own jwk header (%s); it is not looked up from anything the issuer publishes.", t.Header.JWK.KeyType())}, nil
	case kid != "":
		return nil, fmt.Errorf("the kid %q is neither a URL nor a DID, and there is no jwk header", clip(kid, 80))
	}
	return nil, errors.New("the token names no key: no kid and no jwk header")
}

// kidBinding says whether a kid URL is published by the issuer: below its
// id, or on its host.
func kidBinding(kid, issuer string) Outcome {
	if strings.HasPrefix(kid, issuer+"/") || strings.HasPrefix(kid, issuer+"#") || sameOrigin(kid, issuer) {
		return Pass
	}
	return Warn
}

func kidMessage(kid, issuer string) string {
	if kidBinding(kid, issuer) == Pass {
		return fmt.Sprintf("key fetched from %s, published by the issuer %s.", clip(kid, 120), clip(issuer, 120))
	}
	return fmt.Sprintf("key fetched from %s, which is not on the issuer's host (%s).", clip(kid, 120), clip(issuer, 120))
}

func sameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Scheme == ub.Scheme && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

// keyBuffers hold the memo keys of kidURLKey between lookups.
var keyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// kidURLKey fetches the key a kid URL names: a single JWK, a JWK set (the
// key whose kid matches, or its only key), or a verification method
// document. The key read from a document is remembered with it.
func (v *run) kidURLKey(ctx context.Context, kid string) (jwk.Key, error) {
	loc, frag, _ := strings.Cut(kid, "#")
	body, _, err := v.get(ctx, loc, KindKey, acceptKey)
	if err != nil {
		return nil, fmt.Errorf("could not fetch the key: %w", err)
	}
	// Keys are remembered by kid and document; the lookup's key is built
	// in a buffer kept for the next one.
	buf := keyBuffers.Get().(*[]byte)
	defer keyBuffers.Put(buf)
	memoKey := append(append(append((*buf)[:0], kid...), 0), body...)
	*buf = memoKey
	if k, ok := v.jwtKeys.get(memoKey); ok {
		return k, nil
	}
	doc, err := v.decodeShared(loc, body)
	if err != nil {
		return nil, fmt.Errorf("could not fetch the key: %w", err)
	}
	k, err := keyFromDocument(doc, kid, frag)
	if err != nil {
		return nil, err
	}
	v.jwtKeys.put(memoKey, k)
	return k, nil
}

// keyFromDocument reads the key a kid names from the document its URL
// returned.
func keyFromDocument(doc map[string]any, kid, frag string) (jwk.Key, error) {
	switch {
	case doc["keys"] != nil:
		return pickFromSet(doc, kid, frag)
	case doc["publicKeyJwk"] != nil:
		pub, err := jwkPublic(doc["publicKeyJwk"])
		if err != nil {
			return nil, err
		}
		return jwk.FromRaw(pub)
	case doc["publicKeyMultibase"] != nil:
		pub, err := decodeMultikey(str(doc, "publicKeyMultibase"))
		if err != nil {
			return nil, err
		}
		return jwk.FromRaw(pub)
	}
	return parsePublicJWK(doc)
}

// pickFromSet chooses a key from a JWK set.
func pickFromSet(set map[string]any, kid, frag string) (jwk.Key, error) {
	keys := objects(set["keys"])
	for _, k := range keys {
		if id := str(k, "kid"); id == kid || (frag != "" && id == frag) {
			return parsePublicJWK(k)
		}
	}
	if len(keys) == 1 {
		return parsePublicJWK(keys[0])
	}
	return nil, fmt.Errorf("the JWK set holds no key with the kid %q", clip(kid, 120))
}

// parsePublicJWK reads one public JWK, refusing private members.
func parsePublicJWK(m map[string]any) (jwk.Key, error) {
	for _, private := range []string{"d", "p", "q", "k"} {
		if _, bad := m[private]; bad {
			return nil, errors.New("the published key carries a private or secret member")
		}
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("not a JWK: %w", err)
	}
	var pub crypto.PublicKey
	if err := k.Raw(&pub); err != nil {
		return nil, fmt.Errorf("not a usable JWK: %w", err)
	}
	return k, nil
}
