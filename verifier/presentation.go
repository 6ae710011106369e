package verifier

import (
	"context"
	"crypto/ed25519"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/jsondepth"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// A wallet proves who holds it with DID Authentication: it signs a
// presentation with the key of the holder's DID, binding the signature to
// the challenge and domain the exchange asked for, so that it cannot be
// replayed elsewhere. Wallets sign it as Ed25519Signature2020 or as a
// Data Integrity eddsa-rdfc-2022 proof; both hash the proof options and the
// document the same way (see verifyEd25519RDFC).

// Limits of a presentation a wallet sends: a DID Authentication
// presentation carries no credentials and is a kilobyte or two.
const (
	MaxPresentationBytes = 64 << 10
	maxPresentationDepth = 16
)

// ProofPurposeAuthentication is the proof purpose of DID Authentication.
const ProofPurposeAuthentication = "authentication"

// Presentation is a verifiable presentation as a wallet sent it, parsed
// but not yet checked.
type Presentation struct {
	doc    map[string]any
	Holder string
	proof  map[string]any // the authentication proof
}

// presentationError is a presentation refused: its message names the
// problem for the wallet's user and developer.
func presentationError(code, format string, args ...any) error {
	return &badges.Error{Code: code, Field: "verifiablePresentation", Message: badges.Sentence(fmt.Sprintf(format, args...), "")}
}

// ParsePresentation reads a verifiable presentation: a JSON object of type
// VerifiablePresentation with a holder and an authentication proof. Its
// errors are *badges.Error: EINVALID, or ETOOLARGE past
// MaxPresentationBytes.
func ParsePresentation(b []byte) (*Presentation, error) {
	if len(b) > MaxPresentationBytes {
		return nil, presentationError(badges.ETOOLARGE, "The presentation is larger than %d KiB.", MaxPresentationBytes>>10)
	}
	if jsondepth.Of(b, maxPresentationDepth) > maxPresentationDepth {
		return nil, presentationError(badges.EINVALID, "The presentation nests JSON deeper than %d levels.", maxPresentationDepth)
	}
	doc, err := decodeObject(b)
	if err != nil {
		return nil, presentationError(badges.EINVALID, "The presentation is %v.", trimDot(err))
	}
	switch {
	case doc["@context"] == nil:
		return nil, presentationError(badges.EINVALID, "The presentation has no @context.")
	case !hasType(doc, "VerifiablePresentation"):
		return nil, presentationError(badges.EINVALID, "The presentation's type does not include VerifiablePresentation.")
	}
	p := &Presentation{doc: doc, Holder: idOf(doc["holder"])}
	if p.Holder == "" {
		return nil, presentationError(badges.EINVALID, "The presentation names no holder.")
	}
	if p.proof, err = authenticationProof(doc); err != nil {
		return nil, err
	}
	return p, nil
}

// authenticationProof picks the presentation's proof for authentication.
func authenticationProof(doc map[string]any) (map[string]any, error) {
	proofs := objects(doc["proof"])
	if len(proofs) == 0 {
		return nil, presentationError(badges.EINVALID, "The presentation is not signed: it has no proof.")
	}
	for _, p := range proofs {
		if str(p, "proofPurpose") == ProofPurposeAuthentication {
			return p, nil
		}
	}
	return nil, presentationError(badges.EINVALID, "The presentation's proof has proofPurpose %q; DID Authentication needs %q.",
		clip(str(proofs[0], "proofPurpose"), 40), ProofPurposeAuthentication)
}

// CheckPresentation verifies a DID Authentication presentation for an
// exchange that asked for challenge and domain, and returns the holder it
// authenticates. A presentation that does not prove the holder is
// EUNAUTHORIZED, one that cannot be read EINVALID (or ETOOLARGE).
func (v *Verifier) CheckPresentation(ctx context.Context, b []byte, challenge, domain string) (string, error) {
	p, err := ParsePresentation(b)
	if err != nil {
		return "", err
	}
	if err := p.checkBinding(challenge, domain); err != nil {
		return "", err
	}
	run := &run{Verifier: v}
	vm := str(p.proof, "verificationMethod")
	if vm == "" {
		return "", presentationError(badges.EINVALID, "The presentation's proof has no verificationMethod.")
	}
	mk, err := run.resolveMethod(ctx, vm)
	if err != nil {
		return "", presentationError(badges.EUNAUTHORIZED, "The key of the presentation's proof (%s) could not be resolved: %s.", clip(vm, 120), trimDot(err))
	}
	if mk.controller != p.Holder {
		return "", presentationError(badges.EUNAUTHORIZED, "The presentation's holder %s is not the controller of the key that signed it (%s).", clip(p.Holder, 120), clip(mk.controller, 120))
	}
	if err := v.checkAuthenticationSignature(ctx, p, mk); err != nil {
		return "", err
	}
	return p.Holder, nil
}

// checkBinding checks that the proof answers this exchange: its purpose,
// challenge and domain. A domain may be one string or a list of them.
func (p *Presentation) checkBinding(challenge, domain string) error {
	got := str(p.proof, "challenge")
	if got == "" {
		return presentationError(badges.EUNAUTHORIZED, "The presentation's proof has no challenge; sign it with the challenge of the exchange.")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) != 1 {
		return presentationError(badges.EUNAUTHORIZED, "The presentation's proof has the wrong challenge; sign it with the challenge of this exchange.")
	}
	domains := []string{str(p.proof, "domain")}
	if list, ok := p.proof["domain"].([]any); ok {
		domains = domains[:0]
		for _, d := range list {
			s, _ := d.(string)
			domains = append(domains, s)
		}
	}
	for _, d := range domains {
		if d == domain {
			return nil
		}
	}
	if len(domains) == 0 || len(domains) == 1 && domains[0] == "" {
		return presentationError(badges.EUNAUTHORIZED, "The presentation's proof has no domain; sign it with the domain %q.", domain)
	}
	return presentationError(badges.EUNAUTHORIZED, "The presentation's proof is for the domain %q, not %q.", clip(strings.Join(domains, " "), 80), domain)
}

// checkAuthenticationSignature verifies the proof's signature with the
// holder's key.
func (v *Verifier) checkAuthenticationSignature(ctx context.Context, p *Presentation, mk *methodKey) error {
	typ, suite := str(p.proof, "type"), str(p.proof, "cryptosuite")
	if typ != typeEd25519Sig2020 && (typ != ob3.ProofTypeDataIntegrity || suite != ob3.CryptosuiteEdDSARDFC) {
		return presentationError(badges.EINVALID, "The presentation's proof is of type %q; DID Authentication here takes Ed25519Signature2020 or DataIntegrityProof with eddsa-rdfc-2022.",
			clip(strings.TrimSuffix(typ+"/"+suite, "/"), 80))
	}
	pub, ok := mk.key.(ed25519.PublicKey)
	if !ok {
		return presentationError(badges.EINVALID, "The key that signed the presentation is not an Ed25519 key.")
	}
	err := v.verifyEd25519RDFC(ctx, p.doc, p.proof, pub)
	switch {
	case errors.Is(err, errSignature):
		return presentationError(badges.EUNAUTHORIZED, "The presentation's signature does not verify with the key of %s.", clip(mk.controller, 120))
	case err != nil:
		return presentationError(badges.EINVALID, "The presentation's proof could not be checked: %s.", trimDot(err))
	}
	return nil
}
