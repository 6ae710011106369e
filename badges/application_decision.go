package badges

import (
	"context"
	"strconv"
)

// Deciding an application is deciding a nomination (nomination.go): the
// same approval awards the badge, with the application's evidence, and
// the member is told the outcome by e-mail either way.

// applicationAward is what approving an application awards: the member's
// words and each link as the credential's evidence.
func (n *Nomination) applicationAward() AwardInput {
	in := AwardInput{AchievementID: n.AchievementID, MemberID: n.MemberID, IdempotencyKey: "application:" + n.ID,
		Narrative: "Applied for this badge with evidence, which the community reviewed and approved."}
	if n.Note != "" {
		in.Evidence = append(in.Evidence, Evidence{Name: "In the member's words", Narrative: n.Note})
	}
	for i, l := range n.Links {
		in.Evidence = append(in.Evidence, Evidence{URL: l, Name: "Evidence link " + strconv.Itoa(i+1)})
	}
	return in
}

// tellNominee queues the member's message about the decision on a
// nomination or their application, keyed by it so that a decision
// finished again queues it once. The decision stands whatever happens here: a
// failure is reported, as after an award.
func (s *Nominations) tellNominee(ctx context.Context, n *Nomination) {
	if s.Notifier == nil {
		return
	}
	note, err := s.decisionNotice(ctx, n)
	if err == nil && note != nil {
		err = s.Notifier.Notify(ctx, *note)
	}
	if err != nil {
		s.awarder.warn("queueing a decision", "decision:"+n.ID, err)
	}
}

// decisionNotice is the message about a decision; nil when the
// member has no address (or is no longer a member).
func (s *Nominations) decisionNotice(ctx context.Context, n *Nomination) (*Notification, error) {
	m, err := s.awarder.Members.Member(ctx, n.MemberID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil || m.Email == "" {
		return nil, err
	}
	ach, err := s.awarder.Achievements.Achievement(ctx, n.AchievementID)
	if err != nil {
		return nil, err
	}
	what := "nomination"
	if n.IsApplication() {
		what = KindApplication
	}
	data := map[string]string{"member": m.DisplayName, "badge": ach.Name, "what": what,
		"approved": strconv.FormatBool(n.Status == NominationApproved), "reason": n.Reason, "badgeURL": ""}
	if n.CredentialID != "" && s.CredentialURL != nil {
		data["badgeURL"] = s.CredentialURL(n.CredentialID)
	}
	return &Notification{Key: "decision:" + n.ID, Kind: MailDecision, IssuerID: n.IssuerID, MemberID: m.ID, To: m.Email, Data: data}, nil
}
