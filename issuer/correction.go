package issuer

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// CredentialsFunc adapts a member's showcase for corrections, which
// judge each credential by its award date.
func (s *Service) CredentialsFunc() badges.CredentialsFunc {
	return func(ctx context.Context, memberID string) ([]badges.IssuedCredential, error) {
		sc, err := s.deps.Showcases.MemberShowcase(ctx, memberID)
		if err != nil {
			return nil, err
		}
		out := make([]badges.IssuedCredential, len(sc.Entries))
		for i, e := range sc.Entries {
			out[i] = badges.IssuedCredential{ID: e.CredentialID, AchievementID: e.AchievementID, AwardedDate: e.AwardedAt, Revoked: e.Revoked}
		}
		return out, nil
	}
}

// RevokeFunc adapts Revoke for corrections: a credential found revoked
// already is revoked as asked, not an error.
func (s *Service) RevokeFunc() badges.RevokeFunc {
	return func(ctx context.Context, credentialID string, in badges.RevokeInput) error {
		_, err := s.Revoke(ctx, credentialID, in)
		if badges.ErrorCode(err) != badges.ECONFLICT {
			return err
		}
		c, rerr := s.deps.Credentials.Credential(ctx, credentialID)
		if rerr != nil || !c.Revoked() {
			return err
		}
		return nil
	}
}
