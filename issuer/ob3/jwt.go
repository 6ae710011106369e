package ob3

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
)

// MaxJWTSize bounds a compact JWS accepted by ParseJWT and VerifyJWT, so a
// hostile token cannot make a verifier decode arbitrarily large JSON.
const MaxJWTSize = 1 << 20

// JWTLeeway is the clock skew tolerated when checking nbf and exp.
const JWTLeeway = time.Minute

// minRSABits is the smallest RSA modulus accepted for RS256, signing or verifying.
const minRSABits = 2048

// Errors returned by ParseJWT and VerifyJWT. They are distinct so a verifier
// can report a bad signature differently from an expired credential; test
// them with errors.Is.
var (
	ErrJWTMalformed   = errors.New("ob3: malformed VC-JWT")
	ErrJWTAlgorithm   = errors.New("ob3: VC-JWT algorithm not accepted")
	ErrJWTKey         = errors.New("ob3: key not usable for VC-JWT")
	ErrJWTSignature   = errors.New("ob3: VC-JWT signature does not verify")
	ErrJWTClaim       = errors.New("ob3: VC-JWT claim does not match the credential")
	ErrJWTExpired     = errors.New("ob3: credential has expired")
	ErrJWTNotYetValid = errors.New("ob3: credential is not yet valid")
)

// JWTClaimError reports a registered claim that disagrees with the credential
// it travels with. It matches ErrJWTClaim under errors.Is.
type JWTClaimError struct {
	Claim      string // "iss", "jti", "sub", "nbf" or "exp"
	Field      string // the credential member it mirrors, e.g. "issuer.id"
	Claimed    string // the claim's value
	Credential string // the credential's value
}

func (e *JWTClaimError) Error() string {
	return fmt.Sprintf("ob3: VC-JWT claim %s = %q but credential %s = %q", e.Claim, e.Claimed, e.Field, e.Credential)
}

// Unwrap lets errors.Is(err, ErrJWTClaim) match every claim mismatch.
func (e *JWTClaimError) Unwrap() error { return ErrJWTClaim }

// JWTHeader is the JOSE header of a VC-JWT.
type JWTHeader struct {
	Alg string
	Kid string
	Typ string
	// JWK is the public key embedded in the header, nil when there is none.
	JWK jwk.Key
	// Raw holds every header member as decoded, so callers can spot extras.
	Raw map[string]any
}

// JWT is a decoded compact JWS carrying a verifiable credential. JSON numbers
// in Payload and Credential are json.Number, so integers survive exactly.
type JWT struct {
	Header  JWTHeader
	Payload map[string]any
	// Credential is Payload itself (VCDM 2.0) or its "vc" claim (VC 1.1).
	Credential map[string]any
	// VC11 is set when the credential came from a "vc" claim.
	VC11 bool

	Token        string // the compact serialization, surrounding space trimmed
	SigningInput []byte // base64url(header) "." base64url(payload), made once when read
	RawHeader    []byte // decoded header JSON
	RawPayload   []byte // decoded payload JSON
	Signature    []byte
}

// jwtB64 is strict so that one token has exactly one decoding; a lenient
// decoder would let two different strings carry the same signature.
var jwtB64 = base64.RawURLEncoding.Strict()

// SignJWT signs a credential (its JSON object, exactly as it will be served) as a compact JWS.
// The payload is the credential itself plus registered claims: iss = issuer.id (issuer may be a
// string or an object with id), jti = id, sub = credentialSubject.id when present, nbf = validFrom,
// exp = validUntil when present, iat = now. Header: alg, kid, typ "JWT" only.
func SignJWT(credential []byte, key jwk.Key, alg jwa.SignatureAlgorithm, kid string, now time.Time) (string, error) {
	if err := jwtCheckAlg(alg); err != nil {
		return "", err
	}
	if kid == "" {
		return "", errors.New("ob3: SignJWT needs a kid so verifiers can find the key")
	}
	if key == nil {
		return "", fmt.Errorf("%w: no key", ErrJWTKey)
	}
	priv, err := jwk.IsPrivateKey(key)
	if err != nil || !priv {
		return "", fmt.Errorf("%w: signing needs an asymmetric private key", ErrJWTKey)
	}
	var raw any
	if err := key.Raw(&raw); err != nil {
		return "", fmt.Errorf("%w: %v", ErrJWTKey, err)
	}
	pub, err := jwk.PublicRawKeyOf(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrJWTKey, err)
	}
	if err := jwtKeyFitsAlg(pub, alg); err != nil {
		return "", err
	}

	payload, err := jwtDecodeObject(credential)
	if err != nil {
		return "", fmt.Errorf("ob3: credential is not a JSON object: %w", err)
	}
	issuer := jwtIssuerID(payload)
	if issuer == "" {
		return "", errors.New("ob3: credential has no issuer id")
	}
	id, _ := payload["id"].(string)
	if id == "" {
		return "", errors.New("ob3: credential has no id")
	}
	validFrom, ok, err := jwtCredentialTime(payload, "validFrom")
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errors.New("ob3: credential has no validFrom")
	}
	payload["iss"] = issuer
	payload["jti"] = id
	if sub := jwtSubjectID(payload); sub != "" {
		payload["sub"] = sub
	} else {
		delete(payload, "sub")
	}
	payload["nbf"] = validFrom.Unix()
	validUntil, ok, err := jwtCredentialTime(payload, "validUntil")
	if err != nil {
		return "", err
	}
	if ok {
		payload["exp"] = validUntil.Unix()
	} else {
		delete(payload, "exp")
	}
	payload["iat"] = now.Unix()

	body, err := jwtMarshal(payload)
	if err != nil {
		return "", err
	}

	hdr := jws.NewHeaders()
	for k, v := range map[string]any{jws.KeyIDKey: kid, jws.TypeKey: "JWT"} {
		if err := hdr.Set(k, v); err != nil {
			return "", fmt.Errorf("ob3: header %s: %w", k, err)
		}
	}
	// The raw key is passed rather than the jwk.Key: jws.Sign copies a
	// jwk.Key's own kid into the header, which must carry ours only.
	out, err := jws.Sign(body, jws.WithKey(alg, raw, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("ob3: signing VC-JWT: %w", err)
	}
	return string(out), nil
}

// ParseJWT splits and decodes a compact JWS without verifying it: header (alg, kid, typ, jwk if present),
// the payload as JSON, and the credential inside it (the payload itself, or its "vc" claim for the
// VC 1.1 shape, reported by a flag). Bounded: reject tokens over 1 MiB, not three base64url parts, bad JSON.
// Surrounding white space is ignored, as tokens read from files and SVG attributes often end in a newline.
func ParseJWT(token string) (*JWT, error) {
	if len(token) > MaxJWTSize {
		return nil, fmt.Errorf("%w: token is %d bytes, over %d", ErrJWTMalformed, len(token), MaxJWTSize)
	}
	token = strings.TrimSpace(token)
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: want 3 dot-separated parts, got %d", ErrJWTMalformed, len(parts))
	}
	t := &JWT{Token: token, SigningInput: []byte(token[:len(parts[0])+1+len(parts[1])])}
	var err error
	if t.RawHeader, err = jwtB64.DecodeString(parts[0]); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrJWTMalformed, err)
	}
	if t.RawPayload, err = jwtB64.DecodeString(parts[1]); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrJWTMalformed, err)
	}
	// An empty signature is let through so that "alg":"none" tokens can be
	// reported as such; VerifyJWT refuses them.
	if t.Signature, err = jwtB64.DecodeString(parts[2]); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrJWTMalformed, err)
	}
	if err := t.parseHeader(); err != nil {
		return nil, err
	}
	if t.Payload, err = jwtDecodeObject(t.RawPayload); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrJWTMalformed, err)
	}
	t.Credential = t.Payload
	// The VC 1.1 shape wraps the credential in "vc"; a VCDM 2.0 payload is a
	// credential itself and so has its own @context.
	if vc, ok := t.Payload["vc"]; ok {
		if _, has := t.Payload["@context"]; !has {
			obj, ok := vc.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: vc claim is not an object", ErrJWTMalformed)
			}
			t.Credential, t.VC11 = obj, true
		}
	}
	return t, nil
}

func (t *JWT) parseHeader() error {
	h, err := jwtDecodeObject(t.RawHeader)
	if err != nil {
		return fmt.Errorf("%w: header: %v", ErrJWTMalformed, err)
	}
	t.Header.Raw = h
	alg, ok := h["alg"].(string)
	if !ok || alg == "" {
		return fmt.Errorf("%w: header has no alg", ErrJWTMalformed)
	}
	t.Header.Alg = alg
	for _, name := range []string{"kid", "typ"} {
		v, present := h[name]
		if !present {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: header %s is not a string", ErrJWTMalformed, name)
		}
		if name == "kid" {
			t.Header.Kid = s
		} else {
			t.Header.Typ = s
		}
	}
	// crit names extensions we do not implement, and b64:false changes what
	// is signed; RFC 7515 says such tokens must be rejected.
	for _, name := range []string{"crit", "b64"} {
		if _, present := h[name]; present {
			return fmt.Errorf("%w: header member %q is not supported", ErrJWTMalformed, name)
		}
	}
	if v, present := h["jwk"]; present {
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%w: header jwk is not an object", ErrJWTMalformed)
		}
		for _, m := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
			if _, bad := obj[m]; bad {
				return fmt.Errorf("%w: header jwk carries secret member %q", ErrJWTMalformed, m)
			}
		}
		raw, err := json.Marshal(obj)
		if err != nil {
			return fmt.Errorf("%w: header jwk: %v", ErrJWTMalformed, err)
		}
		if t.Header.JWK, err = jwk.ParseKey(raw); err != nil {
			return fmt.Errorf("%w: header jwk: %v", ErrJWTMalformed, err)
		}
	}
	return nil
}

// VerifyJWT checks the signature with the given public key (jwk.Key) and the claims' consistency:
// iss == issuer id, jti == credential id, sub == credentialSubject.id (when both present), nbf not
// after now, exp not before now (both with JWTLeeway). A claim that is present must match the credential;
// nbf and exp must also agree with validFrom and validUntil, which are checked against now even when
// the claims are absent. Errors wrap the ErrJWT* sentinels; claim mismatches are *JWTClaimError.
func VerifyJWT(token string, key jwk.Key, now time.Time) (*JWT, error) {
	t, err := ParseJWT(token)
	if err != nil {
		return nil, err
	}
	return t, t.Verify(key, now)
}

// Verify is VerifyJWT for a token already parsed, so that a verifier that
// parsed it to find its key does not parse it again.
func (t *JWT) Verify(key jwk.Key, now time.Time) error {
	alg := jwa.SignatureAlgorithm(t.Header.Alg)
	if err := jwtCheckAlg(alg); err != nil {
		return err
	}
	if err := jwtCheckTyp(t.Header.Typ); err != nil {
		return err
	}
	if key == nil {
		return fmt.Errorf("%w: no key", ErrJWTKey)
	}
	if ka := key.Algorithm().String(); ka != "" && ka != t.Header.Alg {
		return fmt.Errorf("%w: key is for %s, token uses %s", ErrJWTAlgorithm, ka, t.Header.Alg)
	}
	if kt := key.KeyType(); kt != jwa.RSA && kt != jwa.EC && kt != jwa.OKP {
		return fmt.Errorf("%w: key type %q is not an asymmetric signing key", ErrJWTKey, kt)
	}
	pub, err := jwk.PublicRawKeyOf(key)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWTKey, err)
	}
	if err := jwtKeyFitsAlg(pub, alg); err != nil {
		return err
	}
	// The signature covers exactly the header and payload parsed above, so
	// it is checked over them rather than by parsing the token again.
	verifier, err := jws.NewVerifier(alg)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrJWTAlgorithm, err)
	}
	if err := verifier.Verify(t.SigningInput, t.Signature, pub); err != nil {
		return fmt.Errorf("%w: %v", ErrJWTSignature, err)
	}
	return t.checkClaims(now)
}

func (t *JWT) checkClaims(now time.Time) error {
	c := t.Credential
	for _, m := range []struct{ claim, field, want string }{
		{"iss", "issuer.id", jwtIssuerID(c)},
		{"jti", "id", jwtString(c, "id")},
		{"sub", "credentialSubject.id", jwtSubjectID(c)},
	} {
		v, present := t.Payload[m.claim]
		if !present {
			continue
		}
		got, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: claim %s is not a string", ErrJWTMalformed, m.claim)
		}
		if m.want != "" && got != m.want {
			return &JWTClaimError{Claim: m.claim, Field: m.field, Claimed: got, Credential: m.want}
		}
	}

	fromField, untilField := "validFrom", "validUntil"
	if t.VC11 {
		if _, ok := c["validFrom"]; !ok {
			fromField = "issuanceDate"
		}
		if _, ok := c["validUntil"]; !ok {
			untilField = "expirationDate"
		}
	}
	var notBefore, notAfter []time.Time
	for _, w := range []struct {
		claim, field string
		into         *[]time.Time
	}{
		{"nbf", fromField, &notBefore},
		{"exp", untilField, &notAfter},
	} {
		claimT, hasClaim, err := jwtNumericDate(t.Payload, w.claim)
		if err != nil {
			return err
		}
		credT, hasCred, err := jwtCredentialTime(c, w.field)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrJWTMalformed, err)
		}
		// NumericDate drops sub-second precision, so allow under a second.
		if hasClaim && hasCred && math.Abs(claimT.Sub(credT).Seconds()) >= 1 {
			return &JWTClaimError{Claim: w.claim, Field: w.field,
				Claimed: claimT.UTC().Format(time.RFC3339), Credential: credT.UTC().Format(time.RFC3339Nano)}
		}
		if hasClaim {
			*w.into = append(*w.into, claimT)
		}
		if hasCred {
			*w.into = append(*w.into, credT)
		}
	}
	for _, nb := range notBefore {
		if now.Add(JWTLeeway).Before(nb) {
			return fmt.Errorf("%w: valid from %s", ErrJWTNotYetValid, nb.UTC().Format(time.RFC3339))
		}
	}
	for _, na := range notAfter {
		if !now.Add(-JWTLeeway).Before(na) {
			return fmt.Errorf("%w: valid until %s", ErrJWTExpired, na.UTC().Format(time.RFC3339))
		}
	}
	return nil
}

// PublicJWK returns the public JWK of a private key with kid, alg and use "sig" set — never a private member.
func PublicJWK(priv crypto.Signer, kid string, alg jwa.SignatureAlgorithm) (jwk.Key, error) {
	if priv == nil {
		return nil, fmt.Errorf("%w: no key", ErrJWTKey)
	}
	if err := jwtCheckAlg(alg); err != nil {
		return nil, err
	}
	pub := priv.Public()
	if err := jwtKeyFitsAlg(pub, alg); err != nil {
		return nil, err
	}
	// Building from Public() rather than from the private JWK guarantees no
	// private member can be copied across.
	k, err := jwk.FromRaw(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJWTKey, err)
	}
	if isPriv, err := jwk.IsPrivateKey(k); err != nil || isPriv {
		return nil, fmt.Errorf("%w: Public() did not return a public key", ErrJWTKey)
	}
	set := map[string]any{jwk.AlgorithmKey: alg, jwk.KeyUsageKey: jwk.ForSignature}
	if kid != "" {
		set[jwk.KeyIDKey] = kid
	}
	for name, v := range set {
		if err := k.Set(name, v); err != nil {
			return nil, fmt.Errorf("ob3: jwk %s: %w", name, err)
		}
	}
	return k, nil
}

// jwtCheckAlg admits only the asymmetric algorithms Open Badges verifiers
// accept; "none" and HMAC would let anyone holding a public key forge.
func jwtCheckAlg(alg jwa.SignatureAlgorithm) error {
	switch alg {
	case jwa.RS256, jwa.ES256, jwa.EdDSA:
		return nil
	}
	return fmt.Errorf("%w: %q (want RS256, ES256 or EdDSA)", ErrJWTAlgorithm, string(alg))
}

// jwtCheckTyp accepts the typ values VC-JWT issuers use; any other explicit
// type marks a token meant for something else.
func jwtCheckTyp(typ string) error {
	switch strings.TrimPrefix(strings.ToLower(typ), "application/") {
	case "", "jwt", "vc+jwt", "vc+ld+jwt", "vc+ld+json+jwt":
		return nil
	}
	return fmt.Errorf("%w: typ %q is not a credential type", ErrJWTMalformed, typ)
}

// jwtKeyFitsAlg ties the algorithm to a key type so a token cannot choose an
// algorithm the key was never meant for.
func jwtKeyFitsAlg(pub any, alg jwa.SignatureAlgorithm) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if alg != jwa.RS256 {
			return fmt.Errorf("%w: %s with an RSA key", ErrJWTAlgorithm, alg)
		}
		if k.N == nil || k.N.BitLen() < minRSABits {
			return fmt.Errorf("%w: RSA key under %d bits", ErrJWTKey, minRSABits)
		}
	case *ecdsa.PublicKey:
		if alg != jwa.ES256 {
			return fmt.Errorf("%w: %s with an EC key", ErrJWTAlgorithm, alg)
		}
		if k.Curve != elliptic.P256() {
			return fmt.Errorf("%w: ES256 needs a P-256 key", ErrJWTAlgorithm)
		}
	case ed25519.PublicKey:
		if alg != jwa.EdDSA {
			return fmt.Errorf("%w: %s with an Ed25519 key", ErrJWTAlgorithm, alg)
		}
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: Ed25519 key of %d bytes", ErrJWTKey, len(k))
		}
	default:
		return fmt.Errorf("%w: unsupported key %T", ErrJWTKey, pub)
	}
	return nil
}

// jwtDecodeObject decodes one JSON object, keeping numbers exact and
// refusing trailing data.
func jwtDecodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON object")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("JSON %T is not an object", v)
	}
	return obj, nil
}

// jwtMarshal serialises without HTML escaping, so text such as "<" in a
// narrative reads the same inside the token as in the served credential.
func jwtMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("ob3: encoding JWT payload: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func jwtString(m map[string]any, name string) string {
	s, _ := m[name].(string)
	return s
}

// jwtIssuerID reads issuer, which may be a URI or a Profile with an id.
func jwtIssuerID(c map[string]any) string {
	switch v := c["issuer"].(type) {
	case string:
		return v
	case map[string]any:
		return jwtString(v, "id")
	}
	return ""
}

// jwtSubjectID reads credentialSubject.id; VCDM allows an array of subjects,
// and only a single one maps onto sub.
func jwtSubjectID(c map[string]any) string {
	switch v := c["credentialSubject"].(type) {
	case map[string]any:
		return jwtString(v, "id")
	case []any:
		if len(v) == 1 {
			if m, ok := v[0].(map[string]any); ok {
				return jwtString(m, "id")
			}
		}
	}
	return ""
}

// jwtCredentialTime reads an optional date-time member of the credential.
func jwtCredentialTime(c map[string]any, name string) (time.Time, bool, error) {
	v, present := c[name]
	if !present {
		return time.Time{}, false, nil
	}
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false, fmt.Errorf("ob3: credential %s is not a string", name)
	}
	t, err := jwtParseDateTime(s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("ob3: credential %s: %w", name, err)
	}
	return t, true, nil
}

// jwtNumericDate reads an optional NumericDate claim (seconds, possibly fractional).
func jwtNumericDate(p map[string]any, claim string) (time.Time, bool, error) {
	v, present := p[claim]
	if !present {
		return time.Time{}, false, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false, fmt.Errorf("%w: claim %s is not a number", ErrJWTMalformed, claim)
	}
	f, err := n.Float64()
	// Bounded to years 0..9999 so the conversion below cannot overflow.
	if err != nil || math.IsNaN(f) || f < -62135596800 || f > 253402300799 {
		return time.Time{}, false, fmt.Errorf("%w: claim %s = %s is not a usable NumericDate", ErrJWTMalformed, claim, n)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

// jwtParseDateTime parses a credential date-time (validFrom, validUntil, …):
// RFC 3339 with or without fractional seconds; a missing zone is read as UTC,
// as some older issuers omit it.
func jwtParseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("ob3: %q is not an RFC 3339 date-time", s)
}
