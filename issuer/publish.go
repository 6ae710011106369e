package issuer

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// PublicJWK is a key's public half as a JWK whose kid is the key's URL,
// the value JWT headers carry.
func (u URLs) PublicJWK(k *Key) (jwk.Key, error) {
	j, err := jwk.FromRaw(k.Public)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", k.ID, err)
	}
	for name, v := range map[string]any{jwk.KeyIDKey: u.Key(k.IssuerID, k.ID), jwk.AlgorithmKey: k.Alg, jwk.KeyUsageKey: "sig"} {
		if err := j.Set(name, v); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// Multikey is an Ed25519 key as a Multikey document controlled by its
// issuer.
func (u URLs) Multikey(k *Key) (*ob3.Multikey, error) {
	pub, ok := k.Public.(ed25519.PublicKey)
	if !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "Key %s is not an Ed25519 key.", k.ID)
	}
	return &ob3.Multikey{Context: []string{ob3.ContextMultikey}, ID: u.Key(k.IssuerID, k.ID), Type: "Multikey",
		Controller: u.Issuer(k.IssuerID), PublicKeyMultibase: ob3.EncodeMultikeyEd25519(pub)}, nil
}

// ControllerDocument is the issuer's public profile as the controller of
// its Data Integrity keys: verifiers that dereference a proof's
// verificationMethod check that the controller lists the key under
// assertionMethod.
func (u URLs) ControllerDocument(p *Profile, keys []*Key) (*ob3.Profile, error) {
	doc := u.OB3Profile(p, true)
	for _, k := range keys {
		if k.Use != UseDataIntegrity {
			continue
		}
		mk, err := u.Multikey(k)
		if err != nil {
			return nil, err
		}
		mk.Context = nil
		doc.AssertionMethod = append(doc.AssertionMethod, *mk)
	}
	if len(doc.AssertionMethod) > 0 {
		doc.Context = append(append([]string(nil), doc.Context...), ob3.ContextDID, ob3.ContextMultikey)
	}
	return doc, nil
}

// JWKS is the set of every public key of some issuers.
func (u URLs) JWKS(keys []*Key) (jwk.Set, error) {
	set := jwk.NewSet()
	for _, k := range keys {
		j, err := u.PublicJWK(k)
		if err != nil {
			return nil, err
		}
		if err := set.AddKey(j); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// AllKeys lists the public keys of every issuer, for the service-wide JWKS.
func (s *Service) AllKeys(ctx context.Context) ([]*Key, error) { return s.deps.Keyring.Keys(ctx, "") }

// Credential returns an issued credential.
func (s *Service) Credential(ctx context.Context, id string) (*Credential, error) {
	return s.deps.Credentials.Credential(ctx, id)
}

// Keys lists an issuer's public keys, newest first per use.
func (s *Service) Keys(ctx context.Context, issuerID string) ([]*Key, error) {
	return s.deps.Keyring.Keys(ctx, issuerID)
}

// Key returns one of an issuer's public keys.
func (s *Service) Key(ctx context.Context, issuerID, id string) (*Key, error) {
	return s.deps.Keyring.Key(ctx, issuerID, id)
}

// RotateKeys gives an issuer new keys, with the JWT algorithm it chose.
func (s *Service) RotateKeys(ctx context.Context, issuerID string) ([]*Key, error) {
	p, err := s.deps.Profiles.Profile(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return s.deps.Keyring.Rotate(ctx, issuerID, p.JWTAlg)
}

// MemberShowcase lists a member's credentials for their public profile.
func (s *Service) MemberShowcase(ctx context.Context, memberID string) (*MemberShowcase, error) {
	return s.deps.Showcases.MemberShowcase(ctx, memberID)
}

// AchievementShowcase counts an achievement's holders and lists its latest
// awards.
func (s *Service) AchievementShowcase(ctx context.Context, achievementID string) (*AchievementShowcase, error) {
	return s.deps.Showcases.AchievementShowcase(ctx, achievementID)
}

// IssueFunc adapts Award for the recognition engine, which knows
// credentials by id only.
func (s *Service) IssueFunc() badges.IssueFunc {
	return func(ctx context.Context, issuerID string, in badges.AwardInput) (string, error) {
		c, _, err := s.Award(ctx, issuerID, in)
		if err != nil {
			return "", err
		}
		return c.ID, nil
	}
}

// HoldingsFunc lists the achievements a member holds, from their showcase:
// the credentials issued to them and not revoked.
func (s *Service) HoldingsFunc() badges.HoldingsFunc {
	return func(ctx context.Context, memberID string) (map[string]bool, error) {
		sc, err := s.deps.Showcases.MemberShowcase(ctx, memberID)
		if err != nil {
			return nil, err
		}
		held := make(map[string]bool, len(sc.Entries))
		for _, e := range sc.Entries {
			if !e.Revoked {
				held[e.AchievementID] = true
			}
		}
		return held, nil
	}
}

// RevokedFunc lists the achievements of which a credential on a member's
// showcase was revoked, with when the latest revoked one was earned.
func (s *Service) RevokedFunc() badges.RevokedFunc {
	return func(ctx context.Context, memberID string) (map[string]time.Time, error) {
		sc, err := s.deps.Showcases.MemberShowcase(ctx, memberID)
		if err != nil {
			return nil, err
		}
		// Another credential held does not clear a revocation: the rule of
		// a repeatable badge must not award again in the period of one.
		revoked := map[string]time.Time{}
		for _, e := range sc.Entries {
			if e.Revoked && e.AwardedAt.After(revoked[e.AchievementID]) {
				revoked[e.AchievementID] = e.AwardedAt
			}
		}
		return revoked, nil
	}
}
