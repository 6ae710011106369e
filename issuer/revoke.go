package issuer

import (
	"context"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

const maxReasonLen = 500

// Revoke revokes a credential. The revocation list is changed first: once
// it says revoked, every verifier sees it, and a failure before the
// credential's own record is updated is mended by revoking again. Of two
// revocations at once, in one process or several, the credential store
// lets exactly one mark the credential revoked; only that one records it
// on the showcases, and the other is answered as for a revoked credential.
// The reason is private unless in.PublishReason.
func (s *Service) Revoke(ctx context.Context, id string, in badges.RevokeInput) (*Credential, error) {
	if strings.TrimSpace(in.Reason) == "" {
		return nil, badges.FieldErrorf("reason", "reason is required: it is kept with the revocation")
	}
	var err error
	if in.Reason, err = badges.CheckText("reason", in.Reason, true, maxReasonLen); err != nil {
		return nil, err
	}
	c, err := s.deps.Credentials.Credential(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Revoked() {
		// A revocation interrupted before its showcase was changed is
		// finished now.
		if err := s.recordRevoked(ctx, c); err != nil {
			return nil, err
		}
		// Its event too: the same id as the first attempt's.
		if err := s.publishRevoked(ctx, c); err != nil {
			return nil, err
		}
		return nil, AlreadyRevoked(c)
	}
	if err := s.deps.Status.SetRevoked(ctx, c.IssuerID, c.StatusList, c.StatusIndex); err != nil {
		return nil, err
	}
	s.lists.Delete(statusListKey(c.IssuerID, c.StatusList))
	s.lists.Delete(didListKey(c.IssuerID, c.StatusList))
	if c, err = s.deps.Credentials.RevokeCredential(ctx, id, in, s.now()); err != nil {
		return nil, err
	}
	if err := s.recordRevoked(ctx, c); err != nil {
		return nil, err
	}
	if err := s.publishRevoked(ctx, c); err != nil {
		return nil, err // revoking again publishes it
	}
	// The member may earn the badge again.
	_ = s.deps.Claims.ReleaseKey(context.WithoutCancel(ctx), heldClaim(c.AchievementID, c.MemberID), c.ID)
	return c, nil
}

// AlreadyRevoked is the error for revoking a credential that is revoked:
// found so, or revoked by another request between the read and the write.
func AlreadyRevoked(c *Credential) error {
	return badges.Errorf(badges.ECONFLICT, "Credential %s was already revoked on %s.", c.ID, c.RevokedAt.Format(time.RFC3339))
}
