package badges

import (
	"context"
	"slices"
	"time"
)

// Rebuilding records after a void. A member's record is made again from
// their activities that are not voided; an endorsement voided (the
// endorser's endorsed-peer activity) is taken out of the endorsed
// member's record, as a reciprocal activity is voided with the activity
// it derives from.

// correctRecords rebuilds the record of each voided activity's member
// and takes voided endorsements out of the endorsed members' records,
// then evaluates the rules of every member concerned again.
func (c *Corrections) correctRecords(ctx context.Context, issuerID string, voided []LoggedActivity) error {
	a := c.awarder
	for _, l := range voided {
		m, err := a.Members.Member(ctx, l.MemberID)
		if err != nil {
			return err
		}
		if err := a.Records.UpdateRecord(ctx, l.MemberID, func(r *MemberRecord) error { return a.rebuild(ctx, r, m.CreatedAt) }); err != nil {
			return err
		}
		if endorsee, ok := endorsedBy(l); ok {
			err := a.Records.UpdateRecord(ctx, endorsee, func(r *MemberRecord) error {
				removeEndorsement(r, l.MemberID, l.At)
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	for _, memberID := range correctedMembers(voided) {
		if err := a.reevaluate(ctx, issuerID, memberID); err != nil {
			return err
		}
	}
	return nil
}

// correctedMembers are the members whose records voiding activities
// changes: each activity's member, and the member an endorsement among
// them endorsed.
func correctedMembers(acts []LoggedActivity) []string {
	var out []string
	for _, l := range acts {
		out = append(out, l.MemberID)
		if endorsee, ok := endorsedBy(l); ok {
			out = append(out, endorsee)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// endorsedBy returns the member an activity endorsed, when it is the
// endorser's activity that Endorse recorded (its source event id derives
// from the endorsement); an endorsed-peer activity sent by a platform
// gave no endorsement.
func endorsedBy(l LoggedActivity) (string, bool) {
	if l.Behaviour != BehaviourEndorsement || l.PeerID == "" ||
		l.SourceEventID != endorsementEventID(l.MemberID, l.PeerID, l.At) {
		return "", false
	}
	return l.PeerID, true
}

// removeEndorsement takes out of a record the endorsement a member gave
// on at's (UTC) day: one a day, as AddEndorsement keeps them.
func removeEndorsement(r *MemberRecord, from string, at time.Time) {
	day := dayPeriod.index(at)
	r.Endorsements = slices.DeleteFunc(r.Endorsements, func(e Endorsement) bool {
		return e.From == from && dayPeriod.index(e.At) == day
	})
}

// rebuild makes r again from the member's activities that are not voided,
// applied as recording applies them: an activity's cohort was joined by
// id when it was recorded, so its name is not replayed (a member who left
// the cohort since stays out). The start of membership is the earlier of
// start (when the member was created) and their first live activity, so
// that a voided back-dated activity no longer counts towards tenure. The
// activities seen are those replayed: an activity indexed and not yet
// added (recorded at this moment) is then refused when its batch adds it.
// What does not come from activity stays: cohorts (kept by joining and
// leaving), endorsements received, the badges awarded by rule and their
// dates, and the batches applied.
func (a *Awarder) rebuild(ctx context.Context, r *MemberRecord, start time.Time) error {
	idx, err := a.Activities.ActivityIndex(ctx, r.MemberID)
	if err != nil {
		return err
	}
	live := idx.Live()
	logged, err := a.Activities.Logged(ctx, live)
	if err != nil {
		return err
	}
	fresh := NewMemberRecord(r.MemberID, start)
	for _, id := range live {
		l, ok := logged[id]
		if !ok || l.Void != nil {
			continue
		}
		act := l.Activity
		if a.cohorts != nil {
			act.Cohort = "" // as apply does (see recording.go)
		}
		fresh.Add(act)
	}
	fresh.Cohorts, fresh.Endorsements, fresh.Awarded, fresh.AwardedOn = r.Cohorts, r.Endorsements, r.Awarded, r.AwardedOn
	fresh.Batches = r.Batches
	*r = *fresh
	return nil
}
