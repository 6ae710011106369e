package issuer

import (
	"cmp"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// contextJWK defines JsonWebKey and publicKeyJwk, the form of the VC-JWT
// keys in a DID document.
const contextJWK = "https://w3id.org/security/jwk/v1"

// DIDDocument is the DID document of a did:web issuer: every key it ever
// signed with, each listed for assertions, so that a credential signed by
// an older key keeps verifying after a rotation.
type DIDDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	AlsoKnownAs        []string             `json:"alsoKnownAs,omitempty"`
	VerificationMethod []VerificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
	Authentication     []string             `json:"authentication"`
}

// VerificationMethod is one key of a DID document: the Data Integrity key
// as a Multikey, a VC-JWT key as a JsonWebKey.
type VerificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase string          `json:"publicKeyMultibase,omitempty"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk,omitempty"`
}

// DIDDocument builds p's DID document from its keys; p must have a DID.
// Its alsoKnownAs names the profile page, the issuer's https identity.
func (u URLs) DIDDocument(p *Profile, keys []*Key) (*DIDDocument, error) {
	doc := &DIDDocument{Context: []string{ob3.ContextDID, ob3.ContextMultikey, contextJWK}, ID: p.DID,
		AlsoKnownAs: []string{u.Issuer(p.ID)}, VerificationMethod: []VerificationMethod{}, AssertionMethod: []string{},
		Authentication: []string{}}
	keys = slices.Clone(keys)
	slices.SortFunc(keys, func(a, b *Key) int { return cmp.Or(cmp.Compare(a.Use, b.Use), cmp.Compare(a.Generation, b.Generation)) })
	for _, k := range keys {
		vm, err := didMethod(p.DID, k)
		if err != nil {
			return nil, err
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, vm.ID)
		doc.Authentication = append(doc.Authentication, vm.ID)
	}
	return doc, nil
}

// didMethod is one key as a verification method of the DID did.
func didMethod(did string, k *Key) (VerificationMethod, error) {
	vm := VerificationMethod{ID: did + "#" + k.ID, Controller: did}
	if k.Use == UseDataIntegrity {
		pub, ok := k.Public.(ed25519.PublicKey)
		if !ok {
			return vm, fmt.Errorf("key %s is not an Ed25519 key", k.ID)
		}
		vm.Type, vm.PublicKeyMultibase = "Multikey", ob3.EncodeMultikeyEd25519(pub)
		return vm, nil
	}
	j, err := jwk.FromRaw(k.Public)
	if err != nil {
		return vm, fmt.Errorf("key %s: %w", k.ID, err)
	}
	for name, v := range map[string]any{jwk.KeyIDKey: vm.ID, jwk.AlgorithmKey: k.Alg, jwk.KeyUsageKey: "sig"} {
		if err := j.Set(name, v); err != nil {
			return vm, err
		}
	}
	if vm.PublicKeyJwk, err = json.Marshal(j); err != nil {
		return vm, err
	}
	vm.Type = "JsonWebKey"
	return vm, nil
}
