package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// Claims reserves secondary unique keys: an idempotency key, or "this
// member holds this badge". Inserting the key is the check.
type Claims interface {
	// ClaimKey reserves key for ref, or returns the holder that still owns
	// it (owns tells whether a holder does).
	ClaimKey(ctx context.Context, key, ref string, owns func(holder string) (bool, error)) (holder string, err error)
	// ClaimKeys reserves many keys at once, keys[i] for refs[i], returning
	// the holder that kept each ("" when claimed).
	ClaimKeys(ctx context.Context, keys, refs []string, owns func(key, holder string) (bool, error)) ([]string, error)
	ReleaseKey(ctx context.Context, key, ref string) error
}

// claim is a key reserved by a request and the reference it holds.
type claim struct{ key, ref string }

func idempotencyClaim(issuerID, key string) string {
	h := sha256.Sum256([]byte(key))
	return "idem:" + issuerID + ":" + hex.EncodeToString(h[:16])
}

func heldClaim(achievementID, memberID string) string {
	return "held:" + achievementID + ":" + memberID
}

// requestHash sums up what a validated award asks for, so that an
// idempotency key sent again with a different request is told apart from
// a retry of the same one.
func requestHash(in badges.AwardInput) string {
	in.IdempotencyKey = ""
	b, _ := json.Marshal(in) // strings, slices of them and a checked date: cannot fail
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// An idempotency claim holds "<credential id>/<request hash>"; a hold on a
// badge holds the credential id alone.
func idempotencyRef(id string, in badges.AwardInput) string { return id + "/" + requestHash(in) }

// claimHolder splits what a claim holds into the credential id and the
// request hash ("" for a hold on a badge).
func claimHolder(holder string) (id, hash string) {
	id, hash, _ = strings.Cut(holder, "/")
	return id, hash
}

// awardClaims lists the keys an award reserves for credential id: its
// idempotency key, if any, and for a non-repeatable achievement the
// member's hold on it.
func awardClaims(issuerID string, in badges.AwardInput, a *badges.Achievement, memberID, id string) []claim {
	var cs []claim
	if in.IdempotencyKey != "" {
		cs = append(cs, claim{idempotencyClaim(issuerID, in.IdempotencyKey), idempotencyRef(id, in)})
	}
	if !a.Repeatable {
		cs = append(cs, claim{heldClaim(a.ID, memberID), id})
	}
	return cs
}

// holderCredential turns the holder that kept claim c into the id of the
// credential to answer with, refusing an idempotency key that was used for
// another request.
func holderCredential(c claim, holder string) (string, error) {
	id, hash := claimHolder(holder)
	if _, mine := claimHolder(c.ref); hash != "" && hash != mine {
		return "", &badges.Error{Code: badges.EKEYREUSED, Field: "Idempotency-Key",
			Message: "This Idempotency-Key was used before for a different award; send a new key for a new award."}
	}
	return id, nil
}

// claim reserves an award's keys for credential id. When one is taken it
// returns the credential that took it.
func (s *Service) claim(ctx context.Context, issuerID string, in badges.AwardInput, a *badges.Achievement, memberID, id string) (claimed []claim, existing string, err error) {
	for _, c := range awardClaims(issuerID, in, a, memberID, id) {
		holder, err := s.deps.Claims.ClaimKey(ctx, c.key, c.ref, s.credentialExists(ctx, c.key))
		if err == nil && holder != "" {
			existing, err = holderCredential(c, holder)
		}
		if err != nil || existing != "" {
			s.release(ctx, claimed)
			return nil, existing, err
		}
		claimed = append(claimed, c)
	}
	return claimed, "", nil
}

// credentialExists tells a claim's holder still owns it: its credential was
// stored and, for a hold on a badge, not revoked since.
func (s *Service) credentialExists(ctx context.Context, key string) func(string) (bool, error) {
	return func(holder string) (bool, error) {
		id, _ := claimHolder(holder)
		c, err := s.deps.Credentials.Credential(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return !(strings.HasPrefix(key, "held:") && c.Revoked()), nil
	}
}

func (s *Service) release(ctx context.Context, claims []claim) {
	for _, c := range claims {
		_ = s.deps.Claims.ReleaseKey(context.WithoutCancel(ctx), c.key, c.ref)
	}
}
