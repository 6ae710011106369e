package verifier

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// errSignature says a signature does not verify.
var errSignature = errors.New("the signature does not verify")

// Proof types and cryptosuites this package verifies.
const (
	suiteEdDSA2022     = "eddsa-2022" // the 2022 draft name of eddsa-rdfc-2022
	suiteECDSASD       = "ecdsa-sd-2023"
	typeEd25519Sig2020 = "Ed25519Signature2020"
)

// proofTally counts proof outcomes; at least one proof must verify.
type proofTally struct {
	verified, failed, unreachable, total int
}

func (t *proofTally) count(o Outcome) {
	switch o {
	case Pass:
		t.verified++
	case Fail:
		t.failed++
	case Unreachable:
		t.unreachable++
	}
}

// checkProofs verifies the VC-JWT signature, if the credential came as one,
// and every embedded proof, reporting each.
func (v *run) checkProofs(ctx context.Context, r *Report, c *credential) {
	var t proofTally
	from := len(r.Checks)
	jwtVerified := false
	if c.jwt != nil {
		t.total++
		o := v.checkJWT(ctx, r, c)
		t.count(o)
		jwtVerified = o == Pass
	}
	proofs := list(c.doc["proof"])
	for i, p := range proofs {
		if jwtVerified {
			// One verified proof is what the standard asks for, and the
			// JWT signature covers every byte of the payload, embedded
			// proofs included; checking them again would only cost time.
			r.add(CheckProof, Skipped, fmt.Sprintf("Proof %d of %d (embedded): not checked again; the VC-JWT signature, which verified, covers it.", i+1, len(proofs)))
			continue
		}
		t.total++
		t.count(v.checkEmbedded(ctx, r, c.doc, p, fmt.Sprintf("Proof %d of %d", i+1, len(proofs))))
	}
	switch {
	case t.total == 0:
		r.add(CheckProof, Fail, "The credential has no proof: it is neither a signed VC-JWT nor carries an embedded proof.")
	case t.verified > 0:
		// One verified proof is enough: a key that could not be fetched
		// for another leaves nothing unchecked.
		r.settle(from)
	case t.failed == 0 && t.unreachable == 0:
		r.add(CheckProof, Fail, "None of the credential's proofs could be checked, so nothing vouches for it.")
	}
}

// checkEmbedded verifies one embedded proof and reports it.
func (v *run) checkEmbedded(ctx context.Context, r *Report, doc map[string]any, raw any, label string) Outcome {
	p, ok := raw.(map[string]any)
	if !ok {
		r.add(CheckProof, Fail, label+" is not an object.")
		return Fail
	}
	typ, suite := str(p, "type"), str(p, "cryptosuite")
	name := typ
	if suite != "" {
		name += "/" + suite
	}
	label = fmt.Sprintf("%s (%s)", label, clip(name, 80))
	if !v.supported(typ, suite) {
		return v.unsupportedProof(ctx, r, doc, typ, label)
	}
	if purpose := str(p, "proofPurpose"); purpose != ob3.ProofPurposeAssertion {
		r.add(CheckProof, Fail, fmt.Sprintf("%s: its proofPurpose is %q; a credential needs %q.", label, clip(purpose, 40), ob3.ProofPurposeAssertion))
		return Fail
	}
	mk, err := v.proofKey(ctx, doc, p)
	if err != nil {
		if errors.Is(err, ErrUnreachable) {
			if o, ok := v.unconfirmedProof(ctx, r, doc, p, label, err); ok {
				return o
			}
		}
		return keyUnusable(r, label, err)
	}
	r.add(CheckKey, Pass, fmt.Sprintf("%s: key %s from the %s, controlled by %s.", label, clip(mk.id, 120), mk.source, clip(mk.controller, 120)))
	if err := v.verifyEmbedded(ctx, doc, p, mk, v.ownKey(p)); err != nil {
		if ctx.Err() != nil {
			r.add(CheckProof, Warn, label+": not verified, since the verification was stopped before it finished.")
			return Warn
		}
		r.add(CheckProof, Fail, fmt.Sprintf("%s: %v.", label, trimDot(err)))
		return Fail
	}
	msg := label + ": verified."
	if typ == typeEd25519Sig2020 || suite == suiteEdDSA2022 {
		msg = label + ": verified (a legacy proof format)."
	}
	r.add(CheckProof, Pass, msg)
	return Pass
}

func (v *Verifier) supported(typ, suite string) bool {
	switch {
	case typ == typeEd25519Sig2020:
		return true
	case typ == ob3.ProofTypeDataIntegrity:
		return suite == ob3.CryptosuiteEdDSARDFC || suite == suiteEdDSA2022 || suite == suiteECDSASD
	}
	return false
}

// keyUnusable reports a proof whose key could not be had: not fetched
// without the network, unreachable when a document it needs could not be
// fetched, otherwise failed with the reason.
func keyUnusable(r *Report, label string, err error) Outcome {
	switch {
	case errors.Is(err, errNoNetwork):
		return notFetched(r, label)
	case errors.Is(err, ErrUnreachable):
		return keyUnreachable(r, label, err)
	}
	r.add(CheckKey, Fail, fmt.Sprintf("%s: %v.", label, trimDot(err)))
	r.add(CheckProof, Fail, label+": not verified, since its key cannot be used.")
	return Fail
}

// notFetched reports a proof whose key lives elsewhere while the verifier
// has no network: neither verified nor refuted.
func notFetched(r *Report, label string) Outcome {
	r.add(CheckKey, Skipped, label+": the key was not fetched, since this verifier does not use the network.")
	r.add(CheckProof, Warn, label+": not verified, since its key was not fetched.")
	return Warn
}

// unsupportedProof reports a proof this package cannot check. A type the
// credential's contexts do not even define is malformed JSON-LD and fails;
// a known but unimplemented one is a warning.
func (v *Verifier) unsupportedProof(ctx context.Context, r *Report, doc map[string]any, typ, label string) Outcome {
	if typ == "" {
		r.add(CheckProof, Fail, label+": the proof has no type.")
		return Fail
	}
	probe := map[string]any{"@context": doc["@context"], "type": typ}
	if _, err := v.loader.Canonicalize(ctx, probe); err != nil {
		r.add(CheckProof, Fail, fmt.Sprintf("%s: the proof type %q is not defined by the credential's @context.", label, clip(typ, 60)))
		return Fail
	}
	r.add(CheckProof, Warn, label+": this proof type or cryptosuite is not checked here.")
	return Warn
}

// proofKey resolves a proof's verification method and checks that its
// controller is the credential's issuer.
func (v *run) proofKey(ctx context.Context, doc, p map[string]any) (*methodKey, error) {
	vm := str(p, "verificationMethod")
	if vm == "" {
		return nil, errors.New("the proof has no verificationMethod")
	}
	mk, err := v.resolveMethod(ctx, vm)
	if err != nil {
		return nil, err
	}
	if err := bindsIssuer(mk, issuerID(doc)); err != nil {
		return nil, err
	}
	return mk, nil
}

// bindsIssuer checks that a key speaks for the issuer. A did:key controls
// itself; when the issuer id is a URN that can name no controller (e.g.
// urn:uuid), the did:key is the issuer's only identity and is accepted.
func bindsIssuer(mk *methodKey, issuer string) error {
	if issuer == "" {
		return errors.New("the credential names no issuer to own the key")
	}
	if mk.controller == issuer {
		return nil
	}
	if mk.source == "did:key" && !dereferenceable(issuer) {
		return nil
	}
	return fmt.Errorf("the key's controller %s is not the issuer %s", clip(mk.controller, 100), clip(issuer, 100))
}

// dereferenceable reports whether an id could publish keys of its own.
func dereferenceable(id string) bool {
	return strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "did:")
}

// ownKey reports whether a proof's key came from a document this Laurel
// publishes: the key's controller is then one of its issuers (proofKey has
// checked that it is the credential's issuer), and the credential is one
// it issued, of the shapes it builds.
func (v *run) ownKey(p map[string]any) bool {
	vm := str(p, "verificationMethod")
	loc, _, _ := strings.Cut(vm, "#")
	if strings.HasPrefix(vm, "did:web:") {
		var err error
		if loc, err = didWebURL(loc); err != nil {
			return false
		}
	}
	return v.answered[loc]
}

// verifyEmbedded checks one proof's signature with its resolved key. own
// says the credential is this Laurel's own, which may take the fast
// canonicalization; anyone else's takes the general one.
func (v *Verifier) verifyEmbedded(ctx context.Context, doc, p map[string]any, mk *methodKey, own bool) error {
	typ, suite := str(p, "type"), str(p, "cryptosuite")
	if suite == suiteECDSASD {
		pub, ok := mk.key.(*ecdsa.PublicKey)
		if !ok {
			return errors.New("ecdsa-sd-2023 needs a P-256 key")
		}
		return v.verifyECDSASD(ctx, doc, p, pub)
	}
	pub, ok := mk.key.(ed25519.PublicKey)
	if !ok {
		return fmt.Errorf("%s needs an Ed25519 key", typ)
	}
	if suite == ob3.CryptosuiteEdDSARDFC {
		one := unsecured(doc)
		one["proof"] = p
		verify := v.loader.VerifyEdDSARDFC2022
		if own {
			verify = v.loader.VerifyOwnEdDSARDFC2022
		}
		err := verify(ctx, one, func(string) (ed25519.PublicKey, error) { return pub, nil })
		if errors.Is(err, ob3.ErrSignatureMismatch) {
			return errSignature
		}
		return err
	}
	return v.verifyEd25519RDFC(ctx, doc, p, pub)
}

// verifyEd25519RDFC verifies Ed25519Signature2020 and eddsa-2022 proofs:
// the same hashing as eddsa-rdfc-2022 (proof options hash, then document
// hash, both over URDNA2015 N-Quads), under their own proof types.
func (v *Verifier) verifyEd25519RDFC(ctx context.Context, doc, p map[string]any, pub ed25519.PublicKey) error {
	value := str(p, "proofValue")
	if len(value) < 2 || len(value) > 128 || value[0] != 'z' {
		return errors.New("the proofValue is not a base58btc signature")
	}
	sig, err := ob3.Base58Decode(value[1:])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("the proofValue is not a 64-byte signature")
	}
	proofHash, err := v.proofConfigHash(ctx, doc, p)
	if err != nil {
		return err
	}
	canon, err := v.loader.Canonicalize(ctx, unsecured(doc))
	if err != nil {
		return err
	}
	docHash := sha256.Sum256(canon)
	if !ed25519.Verify(pub, append(proofHash, docHash[:]...), sig) {
		return errSignature
	}
	return nil
}

// proofConfigHash is SHA-256 of the canonical proof options: the proof
// without its value, under the document's @context.
func (v *Verifier) proofConfigHash(ctx context.Context, doc, p map[string]any) ([]byte, error) {
	cfg := make(map[string]any, len(p))
	for k, e := range p {
		if k != "proofValue" {
			cfg[k] = e
		}
	}
	cfg["@context"] = doc["@context"]
	canon, err := v.loader.Canonicalize(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("proof options: %w", err)
	}
	h := sha256.Sum256(canon)
	return h[:], nil
}

// unsecured is a shallow copy of doc without its proof.
func unsecured(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, e := range doc {
		if k != "proof" {
			out[k] = e
		}
	}
	return out
}

// issuerID reads the credential's issuer: a URI or a Profile with an id.
func issuerID(doc map[string]any) string { return idOf(doc["issuer"]) }

// trimDot turns an error into words for a report: one line, without the
// package prefixes of lower layers or a final period.
func trimDot(err error) string {
	s := strings.ReplaceAll(err.Error(), "ob3: ", "")
	s = strings.ReplaceAll(s, "\n", "; ")
	return strings.TrimSuffix(s, ".")
}
