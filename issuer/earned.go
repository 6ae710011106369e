package issuer

import (
	"context"
	"errors"

	"github.com/laurel-badges/laurel/badges"
)

// A member hears that they earned a badge by e-mail: once a credential is
// issued, the service queues a badges.MailEarned notification with the
// claim link. The notification's key names the credential, so queueing it
// again (an award answered with the credential issued before, which mends
// a crash between storing the credential and queueing its e-mail) is still
// one message. Queueing never fails an award: the credential is issued, and
// a failure is reported for the operator.

// earnedKey is the idempotency key of a credential's award e-mail.
func earnedKey(credentialID string) string { return "earned:" + credentialID }

// earned is a credential to tell its member about, with what the e-mail
// names.
type earned struct {
	cred   *Credential
	ach    *badges.Achievement
	member *badges.Member
}

// ClaimURL is the link of a credential's claim page: it names the
// credential and carries a code that proves Laurel made it, so nothing is
// stored for it. Without a signer (a service built for tests) it is the
// credential's public page.
func (s *Service) ClaimURL(credentialID string) string {
	if s.deps.ClaimLinks == nil {
		return s.deps.URLs.Credential(credentialID)
	}
	return s.deps.URLs.Claim(credentialID, s.deps.ClaimLinks.Code(credentialID))
}

// WalletURL is a credential's interaction URL (see URLs.Wallet); its code
// is made by the wallet link signer, so nothing is stored for it. Without
// one (a service built for tests) it is "".
func (s *Service) WalletURL(credentialID string) string {
	if s.deps.WalletLinks == nil {
		return ""
	}
	return s.deps.URLs.Wallet(credentialID, s.deps.WalletLinks.Code(credentialID))
}

// ValidWalletCode says whether code is the one WalletURL gives a
// credential.
func (s *Service) ValidWalletCode(credentialID, code string) bool {
	return s.deps.WalletLinks != nil && s.deps.WalletLinks.Valid(code, credentialID)
}

// notifyEarned queues the award e-mails of credentials, with one call to
// the notifier. Members without an address get none, nor do revoked
// credentials or accepted ones (their member has been told).
func (s *Service) notifyEarned(ctx context.Context, es []earned) {
	if s.deps.Notifier == nil {
		return
	}
	ns := make([]badges.Notification, 0, len(es))
	for _, e := range es {
		if e.cred == nil || e.cred.Revoked() || e.cred.Accepted() || e.member == nil || e.member.Email == "" || e.cred.MemberID != e.member.ID {
			continue
		}
		ns = append(ns, s.earnedNotification(e))
	}
	if len(ns) == 0 {
		return
	}
	if err := s.deps.Notifier.Notify(ctx, ns...); err != nil {
		s.report(badges.Notice{Doing: "queueing the e-mail of an earned badge", Award: ns[0].Key, Err: err})
	}
}

// earnedNotification is a credential's award e-mail; its values are plain
// text, which the templates escape.
func (s *Service) earnedNotification(e earned) badges.Notification {
	c := e.cred
	return badges.Notification{Key: earnedKey(c.ID), Kind: badges.MailEarned, IssuerID: c.IssuerID, MemberID: c.MemberID,
		To: e.member.Email, Data: map[string]string{
			"badge":            e.ach.Name,
			"badgeDescription": e.ach.Description,
			"claimURL":         s.ClaimURL(c.ID),
			"badgeURL":         s.deps.URLs.Credential(c.ID),
			"imageURL":         s.deps.URLs.Image(e.ach.Image),
			"member":           e.member.DisplayName,
		}}
}

// report tells the operator of a failure the service went on from; one
// caused by the caller going away is not worth telling.
func (s *Service) report(n badges.Notice) {
	if s.deps.Report != nil && !errors.Is(n.Err, context.Canceled) {
		s.deps.Report(n)
	}
}
