package issuer

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// OB3Credential builds the unsigned Open Badges 3.0 credential of an award:
// the issuer and the achievement as they were at the awarded version, the
// recipient as a salted hash of the e-mail address, and its place in a
// revocation list.
func (u URLs) OB3Credential(aw *badges.Award, a *badges.Achievement, p *Profile, email string, list, index int) *ob3.Credential {
	ach := u.OB3Achievement(a, p)
	ach.Context = nil // embedded: the credential's context applies
	salt := ob3.NewSalt()
	c := &ob3.Credential{
		Context:     ob3.CredentialContexts,
		ID:          u.Credential(aw.ID),
		Type:        []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:        a.Name,
		Description: a.Description,
		Image:       ach.Image,
		Issuer:      u.OB3Profile(p, false),
		ValidFrom:   aw.AwardedAt.UTC().Format(time.RFC3339),
		AwardedDate: aw.AwardedAt.UTC().Format(time.RFC3339),
		CredentialSubject: ob3.Subject{
			Type: []string{"AchievementSubject"},
			Identifier: []ob3.IdentityObject{{Type: "IdentityObject", IdentityHash: ob3.IdentityHash(email, salt),
				IdentityType: "emailAddress", Hashed: true, Salt: salt}},
			Achievement: ach,
			Narrative:   aw.Narrative,
		},
		CredentialSchema: []ob3.Schema{{ID: ob3.SchemaAchievement, Type: ob3.SchemaValidatorType}},
		CredentialStatus: &ob3.StatusEntry{
			ID:                   u.StatusList(p.ID, list) + "#" + strconv.Itoa(index),
			Type:                 "BitstringStatusListEntry",
			StatusPurpose:        "revocation",
			StatusListIndex:      strconv.Itoa(index),
			StatusListCredential: u.StatusList(p.ID, list),
		},
	}
	if !aw.ValidUntil.IsZero() {
		c.ValidUntil = aw.ValidUntil.UTC().Format(time.RFC3339)
	}
	for _, r := range aw.Results {
		c.CredentialSubject.Result = append(c.CredentialSubject.Result, ob3.Result{Type: []string{"Result"}, Value: r.Value, Status: r.Status})
	}
	for _, e := range aw.Evidence {
		c.Evidence = append(c.Evidence, ob3.Evidence{ID: e.URL, Type: []string{"Evidence"}, Name: e.Name, Narrative: e.Narrative,
			Description: e.Description, Genre: e.Genre, Audience: e.Audience})
	}
	return c
}

// sign adds the Data Integrity proof, then signs the result as a VC-JWT:
// the JWT carries both, so either proof verifies the same document.
func (s *Service) sign(doc *ob3.Credential, keys *IssuerKeys, issuerID string, now time.Time) ([]byte, string, error) {
	signed, err := s.proveDataIntegrity(doc, keys, issuerID, now)
	if err != nil {
		return nil, "", err
	}
	jwt, err := ob3.SignJWT(signed, keys.JWT.JWK, jwa.SignatureAlgorithm(keys.JWT.Alg), s.deps.URLs.Key(issuerID, keys.JWT.ID), now)
	if err != nil {
		return nil, "", fmt.Errorf("VC-JWT: %w", err)
	}
	return signed, jwt, nil
}

// proveDataIntegrity returns doc as JSON with an eddsa-rdfc-2022 proof by
// the issuer's Data Integrity key. The proof is made over doc as a verifier
// reads it: generic JSON.
func (s *Service) proveDataIntegrity(doc any, keys *IssuerKeys, issuerID string, now time.Time) ([]byte, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	edKey, ok := keys.DataIntegrity.Signer.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("data integrity key %s is not Ed25519", keys.DataIntegrity.ID)
	}
	proof, err := s.deps.Loader.SignEdDSARDFC2022(m, edKey, ob3.Proof{
		Type: ob3.ProofTypeDataIntegrity, Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: now.UTC().Format(time.RFC3339),
		VerificationMethod: s.deps.URLs.Key(issuerID, keys.DataIntegrity.ID), ProofPurpose: ob3.ProofPurposeAssertion,
	})
	if err != nil {
		return nil, fmt.Errorf("data integrity proof: %w", err)
	}
	m["proof"] = []any{proof}
	return json.Marshal(m)
}

// statusPosition turns an allocated slot into a list number and an index
// in it, through the list's keyed permutation, so that credentials issued
// one after the other sit far apart and the list reveals nothing of order.
func (s *Service) statusPosition(ctx context.Context, issuerID string, slot int64) (list, index int, err error) {
	list = int(slot / ob3.StatusListSize)
	perm, err := s.permutation(ctx, issuerID, list)
	if err != nil {
		return 0, 0, err
	}
	return list, perm.Apply(int(slot % ob3.StatusListSize)), nil
}

func (s *Service) permutation(ctx context.Context, issuerID string, list int) (*ob3.Permutation, error) {
	id := issuerID + ":" + strconv.Itoa(list)
	if p, ok := s.perms.Load(id); ok {
		return p.(*ob3.Permutation), nil
	}
	l, err := s.deps.Status.StatusList(ctx, issuerID, list)
	if err != nil {
		return nil, err
	}
	p, err := ob3.NewPermutation(l.Key, ob3.StatusListSize)
	if err != nil {
		return nil, err
	}
	s.perms.Store(id, p)
	return p, nil
}
