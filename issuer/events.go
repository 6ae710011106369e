package issuer

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// The issuing service publishes credential.issued, credential.revoked and
// credential.claimed once the credential's own state is stored (see
// badges/eventpublish.go). Every path that issues goes through Award or
// AwardMany: awards by hand, in bulk, by rule through the award queue,
// by approving a nomination or an application. Every revocation goes
// through Revoke: the API, the console and corrections.

// publishIssued publishes credential.issued for credentials issued now or
// answered from before (which finishes an award interrupted before its
// event), with one call.
func (s *Service) publishIssued(ctx context.Context, creds []*Credential) error {
	events := make([]badges.CommunityEvent, 0, len(creds))
	for _, c := range creds {
		events = append(events, badges.NewEvent(badges.EventCredentialIssued, c.IssuerID, c.AwardedAt,
			credentialSubject(c), c.ID))
	}
	return badges.PublishEvents(ctx, s.deps.Events, events...)
}

// publishRevoked publishes credential.revoked, with the reason only when
// it is published.
func (s *Service) publishRevoked(ctx context.Context, c *Credential) error {
	sub := credentialSubject(c)
	if c.ReasonPublic {
		sub.Reason = c.RevocationReason
	}
	return badges.PublishEvents(ctx, s.deps.Events, badges.NewEvent(badges.EventCredentialRevoked, c.IssuerID, c.RevokedAt, sub, c.ID))
}

// publishClaimed publishes credential.claimed for a credential just
// accepted. Accepting again keeps the first acceptance and publishes
// nothing, so an event lost to a crash between the two is not published
// again; the acceptance stands whatever becomes of its event.
func (s *Service) publishClaimed(ctx context.Context, c *Credential) {
	e := badges.NewEvent(badges.EventCredentialClaimed, c.IssuerID, c.AcceptedAt, credentialSubject(c), c.ID)
	if err := badges.PublishEvents(ctx, s.deps.Events, e); err != nil {
		s.report(badges.Notice{Doing: "publishing an event", Award: e.ID, Err: err})
	}
}

func credentialSubject(c *Credential) badges.EventSubject {
	return badges.EventSubject{CredentialID: c.ID, AchievementID: c.AchievementID, MemberID: c.MemberID}
}
