package issuer

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// Visibility is how a credential is shown as its member's: the member's own
// choice, made when they accept it and changed whenever they like. It
// governs where the member's name appears, never whether the credential
// verifies: its page and documents stay public either way.
type Visibility string

// The visibilities a member chooses from.
const (
	// VisibilityPublic lists the credential on the member's public
	// profile; its page names the member when their profile is public.
	VisibilityPublic Visibility = "public"
	// VisibilityLink leaves it off the profile; its page still names the
	// member, when their profile is public, to whoever has the link.
	VisibilityLink Visibility = "link"
	// VisibilityHidden leaves it off the profile, and its page never names
	// the member.
	VisibilityHidden Visibility = "hidden"
)

// ParseVisibility reads a visibility as a client sends it.
func ParseVisibility(s string) (Visibility, error) {
	switch v := Visibility(s); v {
	case VisibilityPublic, VisibilityLink, VisibilityHidden:
		return v, nil
	}
	return "", badges.FieldErrorf("visibility", "visibility must be public, link or hidden, not %s", quote(s))
}

// Listed reports whether the member's public profile lists the credential.
// No choice at all ("", a credential built before choices existed) is the
// default, public.
func (v Visibility) Listed() bool { return v != VisibilityLink && v != VisibilityHidden }

// Named reports whether the credential's page may name its member (who
// must also have a public profile).
func (v Visibility) Named() bool { return v != VisibilityHidden }

// Accepted reports whether the member accepted the credential.
func (c *Credential) Accepted() bool { return !c.AcceptedAt.IsZero() }

// VisibilityStore records a member's choices about a credential.
type VisibilityStore interface {
	// SetCredentialVisibility sets a credential's visibility and, when
	// acceptedAt is not zero and it was not accepted before, when it was
	// accepted. It returns the credential as changed.
	SetCredentialVisibility(ctx context.Context, id string, v Visibility, acceptedAt time.Time) (*Credential, error)
}

// SetVisibility changes how a member's credential is shown. A credential
// of another member is answered as one that does not exist.
func (s *Service) SetVisibility(ctx context.Context, credentialID, memberID string, v Visibility) (*Credential, error) {
	if _, err := ParseVisibility(string(v)); err != nil {
		return nil, err
	}
	c, err := s.deps.Credentials.Credential(ctx, credentialID)
	if err == nil && c.MemberID != memberID {
		err = badges.Errorf(badges.ENOTFOUND, "No credential with id %s.", quote(credentialID))
	}
	if err != nil {
		return nil, err
	}
	return s.changeVisibility(ctx, c, v, time.Time{})
}

// Accept records that the member accepted a credential, with how it is to
// be shown. Accepting again changes the visibility and keeps the first
// acceptance's time. A revoked credential cannot be accepted. The caller
// has proved the member's hand (a claim link's code, a session).
func (s *Service) Accept(ctx context.Context, credentialID string, v Visibility) (*Credential, error) {
	if _, err := ParseVisibility(string(v)); err != nil {
		return nil, err
	}
	c, err := s.deps.Credentials.Credential(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	if c.Revoked() {
		return nil, badges.Errorf(badges.ECONFLICT, "Credential %s was revoked on %s; it cannot be accepted.",
			c.ID, c.RevokedAt.Format(time.DateOnly))
	}
	was := c.Accepted()
	c, err = s.changeVisibility(ctx, c, v, s.now().UTC().Truncate(time.Millisecond))
	if c != nil && !was && c.Accepted() {
		s.publishClaimed(ctx, c) // accepted, whatever became of the showcases
	}
	return c, err
}

// changeVisibility stores the choice, then lists or unlists the credential
// on the showcases. A failure between the two is mended by choosing again.
func (s *Service) changeVisibility(ctx context.Context, c *Credential, v Visibility, acceptedAt time.Time) (*Credential, error) {
	if c.Visibility == v && (acceptedAt.IsZero() || c.Accepted()) {
		return c, s.recordVisibility(ctx, c)
	}
	c, err := s.deps.Credentials.SetCredentialVisibility(ctx, c.ID, v, acceptedAt)
	if err != nil {
		return nil, err
	}
	return c, s.recordVisibility(ctx, c)
}

// recordVisibility flags the credential's entries on its member's and its
// achievement's showcases: an unlisted entry stays (holdings, counts and
// revocations still read it) but no public list shows it.
func (s *Service) recordVisibility(ctx context.Context, c *Credential) error {
	unlisted := !c.Visibility.Listed()
	err := s.deps.Showcases.UpdateMemberShowcases(ctx, []string{c.MemberID}, func(_ string, sc *MemberShowcase) error {
		// An award not recorded yet is listed with its visibility when
		// it is (EntryOf); one too old to be listed has nothing to flag.
		sc.setUnlisted(c.ID, unlisted)
		return nil
	})
	if err != nil {
		return err
	}
	return s.deps.Showcases.UpdateAchievementShowcase(ctx, c.AchievementID, func(sc *AchievementShowcase) error {
		for i := range sc.Recent {
			if sc.Recent[i].CredentialID == c.ID {
				sc.Recent[i].Unlisted = unlisted
			}
		}
		return nil
	})
}

// setUnlisted flags a member's entry, if the showcase lists it.
func (m *MemberShowcase) setUnlisted(id string, unlisted bool) {
	for i := range m.Entries {
		if m.Entries[i].CredentialID == id {
			m.Entries[i].Unlisted = unlisted
		}
	}
}
