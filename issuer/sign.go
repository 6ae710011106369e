package issuer

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// issue builds and signs a credential in status slot `slot`.
func (s *Service) issue(ctx context.Context, p *Profile, a *badges.Achievement, m *badges.Member, in badges.AwardInput, id string, slot int64) (*Credential, error) {
	keys, err := s.deps.Keyring.Active(ctx, p.ID, p.JWTAlg)
	if err != nil {
		return nil, err
	}
	list, index, err := s.statusPosition(ctx, p.ID, slot)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	awarded, err := in.CheckAwardedDate(now)
	if err != nil {
		return nil, err
	}
	award := &badges.Award{ID: id, IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: a.Version, MemberID: m.ID,
		Narrative: in.Narrative, Evidence: in.Evidence, Results: in.Results, AwardedAt: now, AwardedDate: awarded, ValidUntil: a.ValidUntil(now)}
	doc := s.deps.URLs.OB3Credential(award, a, p, m.Email, list, index)
	// A member who named their wallet is the subject by that name too, so
	// that the VC-JWT's sub names them; the hashed e-mail stays beside it.
	doc.CredentialSubject.ID = m.DID
	signed, jwt, err := s.sign(ctx, doc, keys, p, now)
	if err != nil {
		return nil, err
	}
	return &Credential{ID: id, IssuerID: p.ID, AchievementID: a.ID, AchievementVersion: a.Version, AchievementLevel: a.Level, MemberID: m.ID,
		AwardedAt: now, AwardedDate: awarded, ValidUntil: award.ValidUntil, StatusList: list, StatusIndex: index, JSON: signed, JWT: jwt,
		Visibility: VisibilityPublic}, nil
}

// sign adds the Data Integrity proof, then signs the result as a VC-JWT:
// the JWT carries both, so either proof verifies the same document.
func (s *Service) sign(ctx context.Context, doc *ob3.Credential, keys *IssuerKeys, p *Profile, now time.Time) ([]byte, string, error) {
	signed, err := s.proveDataIntegrity(ctx, doc, keys, s.deps.URLs.VerificationMethod(p, keys.DataIntegrity.ID), now)
	if err != nil {
		return nil, "", err
	}
	jwt, err := ob3.SignJWT(signed, keys.JWT.JWK, jwa.SignatureAlgorithm(keys.JWT.Alg), s.deps.URLs.VerificationMethod(p, keys.JWT.ID), now)
	if err != nil {
		return nil, "", fmt.Errorf("VC-JWT: %w", err)
	}
	return signed, jwt, nil
}

// proveDataIntegrity returns doc as JSON with an eddsa-rdfc-2022 proof by
// the issuer's Data Integrity key, named vm in the proof. The proof is made
// over doc as a verifier reads it: generic JSON.
func (s *Service) proveDataIntegrity(ctx context.Context, doc any, keys *IssuerKeys, vm string, now time.Time) ([]byte, error) {
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
	proof, err := s.deps.Loader.SignEdDSARDFC2022(ctx, m, edKey, ob3.Proof{
		Type: ob3.ProofTypeDataIntegrity, Cryptosuite: ob3.CryptosuiteEdDSARDFC, Created: now.UTC().Format(time.RFC3339),
		VerificationMethod: vm, ProofPurpose: ob3.ProofPurposeAssertion,
	})
	if err != nil {
		return nil, fmt.Errorf("data integrity proof: %w", err)
	}
	m["proof"] = []any{proof}
	return json.Marshal(m)
}
