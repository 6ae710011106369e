package badges

import (
	"context"
	"time"
)

// Messages that leaders' actions cause: the member they endorsed is told,
// and so is the member whose nomination was decided. They are queued
// through the Awarder's Notifier, never sent here; a member without an
// e-mail address is told nothing.

// notifyEndorsement queues the endorsement message to the endorsed
// member, keyed by the endorsement's event id.
func (a *Awarder) notifyEndorsement(ctx context.Context, issuerID string, in EndorseInput, at time.Time) error {
	if a.Notifier == nil {
		return nil
	}
	member, err := a.Members.Member(ctx, in.MemberID)
	if err != nil || member.Email == "" {
		return err
	}
	endorser, err := a.Members.Member(ctx, in.EndorserID)
	if err != nil {
		return err
	}
	return a.Notifier.Notify(ctx, Notification{
		Key: "endorsement:" + endorsementEventID(in.EndorserID, in.MemberID, at), Kind: MailEndorsement,
		IssuerID: issuerID, MemberID: member.ID, To: member.Email,
		Data: map[string]string{"member": member.DisplayName, "endorser": endorser.DisplayName, "note": in.Note,
			"portalURL": a.BaseURL + "/me"},
	})
}
