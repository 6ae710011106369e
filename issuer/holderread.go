package issuer

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// HolderCopy returns a credential's copy issued to a wallet's holder, as
// its id (URLs.HolderCopy) names it: ENOTFOUND for a copy of another
// credential, so that an id cannot be read under the wrong original.
func (s *Service) HolderCopy(ctx context.Context, credentialID, copyID string) (*HolderCopy, error) {
	c, err := s.deps.HolderCopies.HolderCopy(ctx, copyID)
	if err != nil {
		return nil, err
	}
	if c.CredentialID != credentialID {
		return nil, badges.Errorf(badges.ENOTFOUND, "No copy %q of credential %q.", copyID, credentialID)
	}
	return c, nil
}
