package ob3

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Data Integrity names used by the eddsa-rdfc-2022 cryptosuite.
const (
	ProofTypeDataIntegrity = "DataIntegrityProof"
	CryptosuiteEdDSARDFC   = "eddsa-rdfc-2022"
	ProofPurposeAssertion  = "assertionMethod"
)

const (
	multibaseBase58BTC = 'z' // multibase prefix of base58btc
	// maxProofValueLen bounds proofValue before the (quadratic) base58
	// decoding: a 64-byte signature is at most 88 characters.
	maxProofValueLen = 128
)

// Errors of Data Integrity signing and verification; test them with
// errors.Is. Every verification failure of one proof is also a *ProofError.
var (
	ErrNoProof                = errors.New("ob3: document has no proof")
	ErrUnsupportedCryptosuite = errors.New("ob3: no DataIntegrityProof with cryptosuite eddsa-rdfc-2022")
	ErrInvalidProof           = errors.New("ob3: malformed Data Integrity proof")
	ErrProofValueEncoding     = errors.New("ob3: proofValue is not a base58btc Ed25519 signature")
	ErrKeyResolution          = errors.New("ob3: verification method could not be resolved")
	ErrSignatureMismatch      = errors.New("ob3: Data Integrity signature does not verify")
)

// Proof is a Data Integrity proof.
type Proof struct {
	Type               string `json:"type"`              // "DataIntegrityProof"
	Cryptosuite        string `json:"cryptosuite"`       // "eddsa-rdfc-2022"
	Created            string `json:"created,omitempty"` // XMLSchema dateTime, e.g. 2026-11-22T14:00:00Z
	VerificationMethod string `json:"verificationMethod"`
	ProofPurpose       string `json:"proofPurpose"` // "assertionMethod"
	ProofValue         string `json:"proofValue,omitempty"`
}

// ProofError says why one proof of a document failed to verify.
type ProofError struct {
	Index              int // position in the document's proof array (0 for a single object)
	VerificationMethod string
	Err                error
}

func (e *ProofError) Error() string {
	return fmt.Sprintf("ob3: proof %d (verificationMethod %q): %v", e.Index, e.VerificationMethod, e.Err)
}

func (e *ProofError) Unwrap() error { return e.Err }

// SignEdDSARDFC2022 creates an eddsa-rdfc-2022 proof over doc, the unsecured
// document (without "proof"). p gives the proof options; its ProofValue is
// ignored. The returned proof has ProofValue set; adding it to the document
// is the caller's job.
func (l *DocumentLoader) SignEdDSARDFC2022(ctx context.Context, doc map[string]any, key ed25519.PrivateKey, p Proof) (Proof, error) {
	if _, has := doc["proof"]; has {
		return Proof{}, fmt.Errorf("%w: the document to sign already has a proof", ErrInvalidProof)
	}
	if len(key) != ed25519.PrivateKeySize {
		return Proof{}, fmt.Errorf("ob3: Ed25519 private key is %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	// A private key whose public half does not match its seed signs
	// messages nobody can verify.
	if !l.keys.consistent(key) {
		return Proof{}, errors.New("ob3: Ed25519 private key is inconsistent (public half does not match the seed)")
	}
	p.ProofValue = ""
	if err := checkProofOptions(p.Type, p.Cryptosuite, p.ProofPurpose, p.VerificationMethod, p.Created); err != nil {
		return Proof{}, err
	}
	docCtx, ok := doc["@context"]
	if !ok {
		return Proof{}, fmt.Errorf("%w: document has no @context", ErrCanonicalization)
	}

	options := map[string]any{
		"@context":           docCtx,
		"type":               p.Type,
		"cryptosuite":        p.Cryptosuite,
		"verificationMethod": p.VerificationMethod,
		"proofPurpose":       p.ProofPurpose,
	}
	if p.Created != "" {
		options["created"] = p.Created
	}
	hash, err := l.hashData(ctx, doc, options)
	if err != nil {
		return Proof{}, err
	}
	p.ProofValue = string(multibaseBase58BTC) + Base58Encode(ed25519.Sign(key, hash))
	return p, nil
}

// VerifyEdDSARDFC2022 verifies the eddsa-rdfc-2022 proof of a secured
// document. "proof" may be one object or an array; among several matching
// proofs one that verifies is enough. resolve maps a verificationMethod to
// its public key; it is called only after the proof's own checks pass.
// The error matches the sentinel errors above, and for each failed proof
// carries a *ProofError saying which proof failed and why.
func (l *DocumentLoader) VerifyEdDSARDFC2022(ctx context.Context, doc map[string]any, resolve func(verificationMethod string) (ed25519.PublicKey, error)) error {
	return l.verifyEdDSARDFC2022(ctx, doc, resolve, l.Canonicalize)
}

// VerifyOwnEdDSARDFC2022 is VerifyEdDSARDFC2022 for a credential this
// Laurel issued: it canonicalizes with CanonicalizeOwn, which gives the same
// bytes (or the same refusal) and is faster for the shapes Laurel builds.
// Every check is the same.
func (l *DocumentLoader) VerifyOwnEdDSARDFC2022(ctx context.Context, doc map[string]any, resolve func(verificationMethod string) (ed25519.PublicKey, error)) error {
	return l.verifyEdDSARDFC2022(ctx, doc, resolve, l.CanonicalizeOwn)
}

// canonicalizer is Canonicalize or CanonicalizeOwn.
type canonicalizer func(ctx context.Context, doc map[string]any) ([]byte, error)

func (l *DocumentLoader) verifyEdDSARDFC2022(ctx context.Context, doc map[string]any, resolve func(verificationMethod string) (ed25519.PublicKey, error), canon canonicalizer) error {
	raw, has := doc["proof"]
	if !has || raw == nil {
		return ErrNoProof
	}
	var proofs []any
	if list, isList := raw.([]any); isList {
		proofs = list
	} else {
		proofs = []any{raw}
	}
	if len(proofs) == 0 {
		return ErrNoProof
	}

	var candidates []int
	var seen []string
	for i, v := range proofs {
		m, _ := v.(map[string]any)
		typ, _ := m["type"].(string)
		suite, _ := m["cryptosuite"].(string)
		if typ == ProofTypeDataIntegrity && suite == CryptosuiteEdDSARDFC {
			candidates = append(candidates, i)
			continue
		}
		switch {
		case m == nil:
			seen = append(seen, "a non-object")
		case suite != "":
			seen = append(seen, typ+"/"+suite)
		default:
			seen = append(seen, fmt.Sprintf("%q", typ))
		}
	}
	if len(candidates) == 0 {
		return fmt.Errorf("%w (found %s)", ErrUnsupportedCryptosuite, strings.Join(seen, ", "))
	}

	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	docCanon, err := canon(ctx, unsecured)
	if err != nil {
		return fmt.Errorf("ob3: secured document: %w", err)
	}
	docHash := sha256.Sum256(docCanon)

	errs := make([]error, 0, len(candidates))
	for _, i := range candidates {
		m := proofs[i].(map[string]any)
		vm, _ := m["verificationMethod"].(string)
		err := verifyProof(ctx, m, doc["@context"], docHash[:], resolve, canon)
		if err == nil {
			return nil
		}
		errs = append(errs, &ProofError{Index: i, VerificationMethod: vm, Err: err})
	}
	return errors.Join(errs...)
}

// verifyProof checks one eddsa-rdfc-2022 proof against the hash of the
// canonical unsecured document.
func verifyProof(ctx context.Context, proof map[string]any, docCtx any, docHash []byte, resolve func(string) (ed25519.PublicKey, error), canon canonicalizer) error {
	str := func(name string) (string, error) {
		v, ok := proof[name]
		if !ok {
			return "", nil
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%w: %s is not a string", ErrInvalidProof, name)
		}
		return s, nil
	}
	vm, err := str("verificationMethod")
	if err != nil {
		return err
	}
	purpose, err := str("proofPurpose")
	if err != nil {
		return err
	}
	created, err := str("created")
	if err != nil {
		return err
	}
	if err := checkProofOptions(ProofTypeDataIntegrity, CryptosuiteEdDSARDFC, purpose, vm, created); err != nil {
		return err
	}
	value, err := str("proofValue")
	if err != nil {
		return fmt.Errorf("%w: %w", ErrProofValueEncoding, err)
	}
	sig, err := decodeProofValue(value)
	if err != nil {
		return err
	}
	if pc, ok := proof["@context"]; ok && !contextPrefix(pc, docCtx) {
		return fmt.Errorf("%w: the proof's @context is not a prefix of the document's", ErrInvalidProof)
	}

	options := make(map[string]any, len(proof))
	for k, v := range proof {
		if k != "proofValue" {
			options[k] = v
		}
	}
	options["@context"] = docCtx
	optCanon, err := canon(ctx, options)
	if err != nil {
		return fmt.Errorf("proof options: %w", err)
	}
	optHash := sha256.Sum256(optCanon)

	pub, err := resolve(vm)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeyResolution, err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: public key is %d bytes, want %d", ErrKeyResolution, len(pub), ed25519.PublicKeySize)
	}
	data := make([]byte, 0, 2*sha256.Size)
	data = append(data, optHash[:]...)
	data = append(data, docHash...)
	if !ed25519.Verify(pub, data, sig) {
		return ErrSignatureMismatch
	}
	return nil
}

// hashData is SHA-256(canonical proof options) || SHA-256(canonical
// document): the proof hash comes first. Only Laurel signs, so its own
// documents take CanonicalizeOwn.
func (l *DocumentLoader) hashData(ctx context.Context, doc, options map[string]any) ([]byte, error) {
	optCanon, err := l.CanonicalizeOwn(ctx, options)
	if err != nil {
		return nil, fmt.Errorf("proof options: %w", err)
	}
	docCanon, err := l.CanonicalizeOwn(ctx, doc)
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	optHash := sha256.Sum256(optCanon)
	docHash := sha256.Sum256(docCanon)
	return append(optHash[:], docHash[:]...), nil
}

func checkProofOptions(typ, suite, purpose, vm, created string) error {
	switch {
	case typ != ProofTypeDataIntegrity:
		return fmt.Errorf("%w: type %q, want %q", ErrInvalidProof, typ, ProofTypeDataIntegrity)
	case suite != CryptosuiteEdDSARDFC:
		return fmt.Errorf("%w: cryptosuite %q, want %q", ErrUnsupportedCryptosuite, suite, CryptosuiteEdDSARDFC)
	case purpose != ProofPurposeAssertion:
		return fmt.Errorf("%w: proofPurpose %q, want %q", ErrInvalidProof, purpose, ProofPurposeAssertion)
	case vm == "":
		return fmt.Errorf("%w: no verificationMethod", ErrInvalidProof)
	}
	if created != "" {
		if _, err := time.Parse(time.RFC3339, created); err != nil {
			return fmt.Errorf("%w: created %q is not a dateTimeStamp", ErrInvalidProof, created)
		}
	}
	return nil
}

func decodeProofValue(v string) ([]byte, error) {
	if v == "" {
		return nil, fmt.Errorf("%w: no proofValue", ErrProofValueEncoding)
	}
	if len(v) > maxProofValueLen {
		return nil, fmt.Errorf("%w: %d characters is too long", ErrProofValueEncoding, len(v))
	}
	if v[0] != multibaseBase58BTC {
		return nil, fmt.Errorf("%w: multibase prefix %q, want 'z'", ErrProofValueEncoding, v[0])
	}
	sig, err := Base58Decode(v[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProofValueEncoding, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: signature is %d bytes, want %d", ErrProofValueEncoding, len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

// contextPrefix reports whether the proof's @context lists the first entries
// of the document's @context, in order, as the Data Integrity spec requires.
func contextPrefix(proofCtx, docCtx any) bool {
	asList := func(v any) []any {
		if l, ok := v.([]any); ok {
			return l
		}
		return []any{v}
	}
	p, d := asList(proofCtx), asList(docCtx)
	if len(p) > len(d) {
		return false
	}
	for i := range p {
		if !reflect.DeepEqual(p[i], d[i]) {
			return false
		}
	}
	return true
}
