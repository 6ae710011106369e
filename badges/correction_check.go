package badges

import (
	"context"
	"time"
)

// Which credentials a void puts in doubt. A rule is judged as of each
// credential's award date, not now: a badge for a session hosted within
// seven days, earned ten days ago, is not met now whatever is voided, yet
// voiding that session takes away what earned it. Before the void, the
// credentials whose rule was met at their date are noted (with the reviews,
// see PendingCorrection); after the records are rebuilt, those whose rule
// is no longer met at their date get a review.

// IssuedCredential is a credential issued to a member, as a correction
// reads it.
type IssuedCredential struct {
	ID            string
	AchievementID string
	AwardedDate   time.Time // when the member earned it (its awardedDate)
	Revoked       bool
}

// CredentialsFunc lists the credentials issued to a member.
type CredentialsFunc func(ctx context.Context, memberID string) ([]IssuedCredential, error)

// RevokeFunc revokes a credential with a reason. A credential revoked
// already is not an error: revoking is finished again after a failure.
type RevokeFunc func(ctx context.Context, credentialID string, in RevokeInput) error

// memberCredentials are a member's record and credentials, read once.
type memberCredentials struct {
	rec   *MemberRecord
	creds []IssuedCredential
}

func (c *Corrections) readMember(ctx context.Context, memberID string) (memberCredentials, error) {
	rec, err := c.awarder.Records.Record(ctx, memberID)
	if err != nil {
		return memberCredentials{}, err
	}
	creds, err := c.credentials(ctx, memberID)
	return memberCredentials{rec: rec, creds: creds}, err
}

// holds reports whether the member holds an achievement: a credential of
// it that is not revoked.
func (mc memberCredentials) holds(achievementID string) bool {
	for _, cr := range mc.creds {
		if cr.AchievementID == achievementID && !cr.Revoked {
			return true
		}
	}
	return false
}

// awardDateSlack is how much later than a credential's stored award date
// its rule is judged: the date is kept to the millisecond (and signed to
// the second), the activity that earned it to the nanosecond, so that
// activity can lie just after the date stored.
const awardDateSlack = time.Second

// metAt reports whether a rule was met by the member's record at the
// award date t, with the badges they held then.
func (c *Corrections) metAt(ctx context.Context, rs *ruleSet, r *Rule, mc memberCredentials, t time.Time) bool {
	if mc.rec == nil {
		return false
	}
	t = t.Add(awardDateSlack)
	ec := newEvalContext(ctx, t, heldAt(mc.holds, mc.rec, t), c.awarder.Holdings, rs.names)
	return Evaluate(r, mc.rec, ec).Met
}

// earnedChecks lists the credentials of members whose rule is met at
// their award date: those a void can put in doubt.
func (c *Corrections) earnedChecks(ctx context.Context, rs *ruleSet, memberIDs []string) ([]CredentialCheck, error) {
	var out []CredentialCheck
	for _, memberID := range memberIDs {
		mc, err := c.readMember(ctx, memberID)
		if err != nil {
			return nil, err
		}
		for _, cr := range mc.creds {
			r := activeRule(rs, cr.AchievementID)
			if cr.Revoked || r == nil || !c.metAt(ctx, rs, r, mc, cr.AwardedDate) {
				continue
			}
			out = append(out, CredentialCheck{MemberID: memberID, AchievementID: cr.AchievementID, CredentialID: cr.ID, AwardedDate: cr.AwardedDate})
		}
	}
	return out, nil
}

// lapsedChecks returns those of checks whose credential is still held and
// whose rule is no longer met at its award date.
func (c *Corrections) lapsedChecks(ctx context.Context, rs *ruleSet, checks []CredentialCheck) ([]CredentialCheck, error) {
	read := map[string]memberCredentials{}
	var out []CredentialCheck
	for _, ck := range checks {
		mc, ok := read[ck.MemberID]
		if !ok {
			var err error
			if mc, err = c.readMember(ctx, ck.MemberID); err != nil {
				return nil, err
			}
			read[ck.MemberID] = mc
		}
		r := activeRule(rs, ck.AchievementID)
		if r == nil || !held(mc.creds, ck.CredentialID) || c.metAt(ctx, rs, r, mc, ck.AwardedDate) {
			continue
		}
		out = append(out, ck)
	}
	return out, nil
}

// activeRule is the rule of an active badge; nil for a badge without
// one, or archived since.
func activeRule(rs *ruleSet, achievementID string) *Rule {
	if rs.achievements[achievementID] == nil {
		return nil
	}
	return rs.rules[achievementID]
}

// held reports whether a credential is among creds and not revoked.
func held(creds []IssuedCredential, id string) bool {
	for _, cr := range creds {
		if cr.ID == id {
			return !cr.Revoked
		}
	}
	return false
}

// notePending notes, before an activity is voided, the credentials its
// members hold that the void can put in doubt.
func (c *Corrections) notePending(ctx context.Context, rs *ruleSet, activityID string, memberIDs []string) error {
	checks, err := c.earnedChecks(ctx, rs, memberIDs)
	if err != nil {
		return err
	}
	now := c.awarder.now()
	return c.reviews.ChangeReviews(ctx, rs.issuerID, func(r *Reviews) error {
		r.NotePending(activityID, checks, now)
		return nil
	})
}

// finishPending opens a review for each badge whose noted credentials
// lapsed, and forgets the correction under way, in one change.
func (c *Corrections) finishPending(ctx context.Context, rs *ruleSet, voided LoggedActivity) error {
	reviews, err := c.reviews.Reviews(ctx, rs.issuerID)
	if err != nil {
		return err
	}
	p, ok := reviews.PendingOf(voided.ID)
	if !ok {
		return nil
	}
	lapsed, err := c.lapsedChecks(ctx, rs, p.Checks)
	if err != nil {
		return err
	}
	opened, err := c.reviewsOf(ctx, rs, voided, lapsed)
	if err != nil {
		return err
	}
	return c.reviews.ChangeReviews(ctx, rs.issuerID, func(r *Reviews) error {
		for _, o := range opened {
			r.Open(o)
		}
		r.DropPending(voided.ID)
		return nil
	})
}

// reviewsOf makes the reviews of lapsed credentials: one per member and
// badge, named as they are now.
func (c *Corrections) reviewsOf(ctx context.Context, rs *ruleSet, voided LoggedActivity, lapsed []CredentialCheck) ([]Review, error) {
	var out []Review
	at := map[[2]string]int{}
	now := c.awarder.now()
	reason := ""
	if voided.Void != nil {
		reason = voided.Void.Reason
	}
	for _, ck := range lapsed {
		key := [2]string{ck.MemberID, ck.AchievementID}
		if i, ok := at[key]; ok {
			out[i].CredentialIDs = append(out[i].CredentialIDs, ck.CredentialID)
			continue
		}
		m, err := c.awarder.Members.Member(ctx, ck.MemberID)
		if err != nil {
			return nil, err
		}
		at[key] = len(out)
		out = append(out, Review{ID: NewID(), MemberID: m.ID, MemberName: m.DisplayName, AchievementID: ck.AchievementID,
			AchievementName: rs.achievements[ck.AchievementID].Name, CredentialIDs: []string{ck.CredentialID},
			ActivityID: voided.ID, Reason: reason, CreatedAt: now})
	}
	return out, nil
}
