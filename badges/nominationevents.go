package badges

import "context"

// Nominations and applications publish nomination.created when made and
// nomination.decided when approved or declined; the event's subject
// names the nominee, the nominator (none for an application: the member
// asked) and the badge.

// created publishes nomination.created for a nomination just stored. A
// second attempt is refused as a conflict, so an event lost to a crash
// between the two is not published again; the nomination stands
// whatever becomes of its event.
func (s *Nominations) created(ctx context.Context, n *Nomination) {
	reportEvents(ctx, s.Events, s.awarder.Report, NewEvent(EventNominationCreated, n.IssuerID, n.CreatedAt, nominationSubject(n), n.ID))
}

// nominationDecided is the event of a decided nomination, with its outcome
// and a decline's reason.
func nominationDecided(n *Nomination) CommunityEvent {
	sub := nominationSubject(n)
	sub.Outcome, sub.CredentialID = n.Status, n.CredentialID
	if n.Status == NominationDeclined {
		sub.Reason = n.Reason
	}
	return NewEvent(EventNominationDecided, n.IssuerID, n.DecidedAt, sub, n.ID)
}

// nominationSubject names what a nomination is about.
func nominationSubject(n *Nomination) EventSubject {
	sub := EventSubject{NominationID: n.ID, MemberID: n.MemberID, AchievementID: n.AchievementID}
	if !n.IsApplication() {
		sub.ActorID = n.NominatorID
	}
	return sub
}
