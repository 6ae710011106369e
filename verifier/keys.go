package verifier

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// methodKey is the public key a verification method resolved to.
type methodKey struct {
	id         string // the verification method's id
	controller string // who controls the key, confirmed
	key        crypto.PublicKey
	source     string // how it was found, for the report
}

// resolveMethod dereferences a verification method: did:key, did:web, or
// an http(s) URL returning a key document or a controller document. The
// controller it returns is confirmed: either the document that lists the key
// is the controller's own, or the controller's document lists the key under
// assertionMethod. A key is never taken from the method's text alone,
// except for did:key, whose identifier is the key.
func (v *run) resolveMethod(ctx context.Context, vm string) (*methodKey, error) {
	switch {
	case strings.HasPrefix(vm, "did:key:"):
		return didKey(vm)
	case strings.HasPrefix(vm, "did:web:"):
		return v.didWeb(ctx, vm)
	case strings.HasPrefix(vm, "did:"):
		method, _, _ := strings.Cut(strings.TrimPrefix(vm, "did:"), ":")
		return nil, fmt.Errorf("the DID method %q is not supported (did:key and did:web are)", method)
	}
	u, err := url.Parse(vm)
	switch {
	case err != nil || u.Scheme == "":
		return nil, fmt.Errorf("the verification method %q is not a URL", clip(vm, 80))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("the verification method scheme %q is not supported", u.Scheme)
	}
	return v.httpMethod(ctx, vm)
}

// didKey decodes a did:key: the key is the identifier, and controls itself.
func didKey(vm string) (*methodKey, error) {
	did, frag, _ := strings.Cut(vm, "#")
	mb := strings.TrimPrefix(did, "did:key:")
	if frag != "" && frag != mb {
		return nil, errors.New("a did:key fragment must repeat the key")
	}
	key, err := decodeMultikey(mb)
	if err != nil {
		return nil, err
	}
	return &methodKey{id: did + "#" + mb, controller: did, key: key, source: "did:key"}, nil
}

// didWebURL is where a did:web DID document lives.
func didWebURL(did string) (string, error) {
	parts := strings.Split(strings.TrimPrefix(did, "did:web:"), ":")
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil || s == "" || (i > 0 && strings.ContainsAny(s, "/?#")) {
			return "", fmt.Errorf("%q is not a valid did:web", clip(did, 80))
		}
		parts[i] = s
	}
	u := url.URL{Scheme: "https", Host: parts[0], Path: "/.well-known/did.json"}
	if len(parts) > 1 {
		u.Path = "/" + strings.Join(parts[1:], "/") + "/did.json"
	}
	if _, err := checkURL(u.String()); err != nil || strings.ContainsAny(parts[0], "/@?#") {
		return "", fmt.Errorf("%q is not a valid did:web", clip(did, 80))
	}
	return u.String(), nil
}

// didWeb resolves a did:web DID URL through its DID document.
func (v *run) didWeb(ctx context.Context, vm string) (*methodKey, error) {
	did, _, _ := strings.Cut(vm, "#")
	loc, err := didWebURL(did)
	if err != nil {
		return nil, err
	}
	doc, err := v.getJSON(ctx, loc, KindKey, acceptKey)
	if err != nil {
		return nil, fmt.Errorf("could not resolve %s: %w", did, err)
	}
	if str(doc, "id") != did {
		return nil, fmt.Errorf("the DID document at %s is for %q, not %s", loc, clip(str(doc, "id"), 80), did)
	}
	mk, err := v.fromController(ctx, doc, did, vm)
	if err != nil {
		return nil, err
	}
	mk.source = "DID document " + loc
	return mk, nil
}

// httpMethod resolves an http(s) verification method: the URL returns the
// key itself (a Multikey document) or its controller's document.
func (v *run) httpMethod(ctx context.Context, vm string) (*methodKey, error) {
	loc, _, _ := strings.Cut(vm, "#")
	doc, err := v.getJSON(ctx, loc, KindKey, acceptKey)
	if err != nil {
		return nil, fmt.Errorf("could not fetch the key: %w", err)
	}
	if !isKeyDocument(doc) {
		mk, err := v.fromController(ctx, doc, loc, vm)
		if err != nil {
			return nil, err
		}
		mk.source = "controller document " + loc
		return mk, nil
	}
	if id := str(doc, "id"); id != vm && id != loc {
		return nil, fmt.Errorf("the key document at %s has the id %q", loc, clip(id, 80))
	}
	mk, err := keyFromMethod(doc, vm)
	if err != nil {
		return nil, err
	}
	mk.source = "key document " + loc
	if mk.controller == "" {
		return nil, fmt.Errorf("the key document at %s names no controller", loc)
	}
	// A key published below its controller's URL is the controller's; one
	// published elsewhere counts only if the controller lists it.
	if !below(vm, mk.controller) {
		if err := v.confirmController(ctx, mk.controller, vm); err != nil {
			return nil, err
		}
	}
	return mk, nil
}

// below reports whether the URL vm lies under the URL controller. Dot
// segments, plain or escaped, are refused, since a server resolving them
// could serve a key from anywhere on its host.
func below(vm, controller string) bool {
	if !strings.HasPrefix(vm, controller+"/") && !strings.HasPrefix(vm, controller+"#") {
		return false
	}
	rest := strings.ToLower(vm[len(controller):])
	return !strings.Contains(rest, "/.") && !strings.Contains(rest, "%2e") && !strings.Contains(rest, "%2f") && !strings.Contains(rest, `\`)
}

// fromController finds a key in a controller (or DID) document fetched for
// self, the URL or DID it was fetched as.
func (v *run) fromController(ctx context.Context, doc map[string]any, self, vm string) (*methodKey, error) {
	id := str(doc, "id")
	m := findMethod(doc, vm)
	if m == nil {
		return nil, fmt.Errorf("%s does not list the key %s", self, clip(vm, 120))
	}
	mk, err := keyFromMethod(m, vm)
	if err != nil {
		return nil, err
	}
	if mk.controller == "" {
		mk.controller = id
	}
	if id == self && mk.controller == id {
		if !authorizes(doc, vm) {
			return nil, fmt.Errorf("%s does not list the key under assertionMethod", self)
		}
		return mk, nil
	}
	if err := v.confirmController(ctx, mk.controller, vm); err != nil {
		return nil, err
	}
	return mk, nil
}

// confirmController checks that the controller's own document lists the key
// for assertions, so that a key document anywhere cannot claim any issuer.
func (v *run) confirmController(ctx context.Context, controller, vm string) error {
	var loc string
	switch {
	case strings.HasPrefix(controller, "did:web:"):
		var err error
		if loc, err = didWebURL(controller); err != nil {
			return err
		}
	case strings.HasPrefix(controller, "https://"), strings.HasPrefix(controller, "http://"):
		loc, _, _ = strings.Cut(controller, "#")
	default:
		return fmt.Errorf("the key's controller %q cannot be dereferenced to confirm it", clip(controller, 80))
	}
	doc, err := v.getJSON(ctx, loc, KindKey, acceptKey)
	if err != nil {
		return fmt.Errorf("could not confirm that %s controls the key: %w", controller, err)
	}
	if str(doc, "id") != controller || !authorizes(doc, vm) {
		return fmt.Errorf("%s does not list the key %s under assertionMethod", controller, clip(vm, 120))
	}
	return nil
}

// isKeyDocument tells a verification method document from a controller
// document.
func isKeyDocument(doc map[string]any) bool {
	_, mb := doc["publicKeyMultibase"]
	_, jk := doc["publicKeyJwk"]
	return mb || jk
}

// findMethod looks for the method with the given id among a controller
// document's keys; ids may be relative to the document ("#key-1").
func findMethod(doc map[string]any, vm string) map[string]any {
	base := str(doc, "id")
	for _, rel := range []string{"verificationMethod", "assertionMethod", "publicKey"} {
		for _, m := range objects(doc[rel]) {
			if absoluteID(base, str(m, "id")) == vm {
				return m
			}
		}
	}
	return nil
}

// authorizes reports whether doc lists vm under assertionMethod, by
// reference or embedded.
func authorizes(doc map[string]any, vm string) bool {
	base := str(doc, "id")
	for _, e := range list(doc["assertionMethod"]) {
		if absoluteID(base, idOf(e)) == vm {
			return true
		}
	}
	return false
}

func absoluteID(base, id string) string {
	if strings.HasPrefix(id, "#") {
		return base + id
	}
	return id
}

// keyFromMethod reads the public key of a verification method: Multikey or
// Ed25519VerificationKey2020 (publicKeyMultibase), or JsonWebKey
// (publicKeyJwk).
func keyFromMethod(m map[string]any, vm string) (*methodKey, error) {
	mk := &methodKey{id: vm, controller: str(m, "controller")}
	var err error
	switch {
	case m["publicKeyMultibase"] != nil:
		mk.key, err = decodeMultikey(str(m, "publicKeyMultibase"))
	case m["publicKeyJwk"] != nil:
		mk.key, err = jwkPublic(m["publicKeyJwk"])
	default:
		err = errors.New("the verification method has no publicKeyMultibase or publicKeyJwk")
	}
	if err != nil {
		return nil, err
	}
	return mk, nil
}

// multicodec header of a compressed P-256 public key (0x1200 as a varint).
var multicodecP256 = [2]byte{0x80, 0x24}

// decodeMultikey reads an Ed25519 or P-256 Multikey publicKeyMultibase.
func decodeMultikey(s string) (crypto.PublicKey, error) {
	if k, err := ob3.DecodeMultikeyEd25519(s); err == nil {
		return k, nil
	}
	if len(s) < 2 || len(s) > 64 || s[0] != 'z' {
		return nil, errors.New("the key is not a base58btc Multikey")
	}
	b, err := ob3.Base58Decode(s[1:])
	if err != nil || len(b) != 35 || b[0] != multicodecP256[0] || b[1] != multicodecP256[1] {
		return nil, errors.New("the key is neither an Ed25519 nor a P-256 Multikey")
	}
	return decompressP256(b[2:])
}

// decompressP256 reads a compressed P-256 point.
func decompressP256(b []byte) (*ecdsa.PublicKey, error) {
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b)
	if x == nil {
		return nil, errors.New("not a compressed P-256 point")
	}
	raw := make([]byte, 65)
	raw[0] = 4
	x.FillBytes(raw[1:33])
	y.FillBytes(raw[33:])
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
}

// jwkPublic reads a public JWK given as a JSON object.
func jwkPublic(v any) (crypto.PublicKey, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("publicKeyJwk is not an object")
	}
	k, err := parsePublicJWK(m)
	if err != nil {
		return nil, fmt.Errorf("publicKeyJwk: %w", err)
	}
	var pub any
	if err := k.Raw(&pub); err != nil {
		return nil, fmt.Errorf("publicKeyJwk: %w", err)
	}
	// RSA too: a did:web issuer's RS256 VC-JWT key is a JsonWebKey.
	switch p := pub.(type) {
	case ed25519.PublicKey, *ecdsa.PublicKey, *rsa.PublicKey:
		return p, nil
	}
	return nil, fmt.Errorf("publicKeyJwk holds a %T, not an Ed25519, P-256 or RSA key", pub)
}
