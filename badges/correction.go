package badges

import (
	"context"
	"time"
)

// Corrections: a manager lists a member's activities and voids one
// recorded by mistake. A voided activity stays in the log, marked, so
// that a resend of it is still a duplicate; it no longer counts: the
// member's record is rebuilt from the activities left and their rules
// evaluated again. Credentials already issued are not revoked: the
// reviews (review.go) list those whose rule is no longer met.

const maxVoidReasonLen = 500

// ActivityVoid says when and why an activity was voided.
type ActivityVoid struct {
	At     time.Time
	Reason string
}

// VoidResult is the answer to voiding an activity.
type VoidResult struct {
	Activity      LoggedActivity
	AlreadyVoided bool     // it was voided before; nothing changed
	Reviews       []Review // open reviews the void led to
}

// Corrections lists and voids members' activities and keeps the reviews
// voiding leads to.
type Corrections struct {
	awarder     *Awarder
	reviews     ReviewStore
	credentials CredentialsFunc
	revoke      RevokeFunc
}

// NewCorrections returns the corrections of awarder's activity, with
// their reviews kept in reviews, reading members' credentials with
// credentials and revoking those a review decides to with revoke.
func NewCorrections(reviews ReviewStore, awarder *Awarder, credentials CredentialsFunc, revoke RevokeFunc) *Corrections {
	return &Corrections{awarder: awarder, reviews: reviews, credentials: credentials, revoke: revoke}
}

// MemberActivities returns the member and a page of their activities,
// newest first, voided ones included.
func (c *Corrections) MemberActivities(ctx context.Context, memberID string, o ListOptions) (*Member, *Page[LoggedActivity], error) {
	m, err := c.awarder.Members.Member(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	idx, err := c.awarder.Activities.ActivityIndex(ctx, memberID)
	if err != nil {
		return nil, nil, err
	}
	p, err := idx.Page(o)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(p.Items))
	for i, e := range p.Items {
		ids[i] = e.ID
	}
	logged, err := c.awarder.Activities.Logged(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := &Page[LoggedActivity]{Items: make([]LoggedActivity, 0, len(ids)), Total: p.Total, NextCursor: p.NextCursor}
	for _, id := range ids {
		if l, ok := logged[id]; ok {
			out.Items = append(out.Items, l)
		}
	}
	return m, out, nil
}

// Activity reads one logged activity, voided or not: what a manager
// confirms before voiding it.
func (c *Corrections) Activity(ctx context.Context, id string) (LoggedActivity, error) {
	logged, err := c.awarder.Activities.Logged(ctx, []string{id})
	if err != nil {
		return LoggedActivity{}, err
	}
	l, ok := logged[id]
	if !ok {
		return LoggedActivity{}, Errorf(ENOTFOUND, "There is no activity %q.", truncateForMessage(id))
	}
	return l, nil
}

// Void voids an activity, and the reciprocal activity that credited its
// peer if there is one, with an optional reason. Voiding an activity
// voided already answers it as it is (AlreadyVoided), after finishing any
// correction a failure left half done.
func (c *Corrections) Void(ctx context.Context, activityID, reason string) (*VoidResult, error) {
	reason, err := checkNote("reason", reason, maxVoidReasonLen)
	if err != nil {
		return nil, err
	}
	a := c.awarder
	acts, err := c.voidable(ctx, activityID)
	if err != nil {
		return nil, err
	}
	rs, err := a.Catalogue.ruleSet(ctx, acts[0].IssuerID)
	if err != nil {
		return nil, err
	}
	if acts[0].Void == nil { // the records are as they were: note what the void can put in doubt
		if err := c.notePending(ctx, rs, activityID, correctedMembers(acts)); err != nil {
			return nil, err
		}
	}
	res := &VoidResult{}
	void := ActivityVoid{At: a.now(), Reason: reason}
	ids := make([]string, len(acts))
	for i := range acts {
		ids[i] = acts[i].ID
		voided, already, err := a.Activities.VoidActivity(ctx, ids[i], void)
		if err != nil {
			return nil, err
		}
		acts[i] = voided
		if i == 0 {
			res.Activity, res.AlreadyVoided = voided, already
		}
	}
	if err := c.correctRecords(ctx, rs.issuerID, acts); err != nil {
		return nil, err
	}
	if err := c.finishPending(ctx, rs, res.Activity); err != nil {
		return nil, err
	}
	if res.Reviews, err = c.openReviewsOf(ctx, rs.issuerID, ids); err != nil {
		return nil, err
	}
	return res, nil
}

// voidable returns an activity to void and its reciprocal, if any, as
// logged, once it has checked that every record concerned can be rebuilt
// (so that none is voided when one cannot be).
func (c *Corrections) voidable(ctx context.Context, activityID string) ([]LoggedActivity, error) {
	ids := []string{activityID, reciprocalPrefix + activityID}
	logged, err := c.awarder.Activities.Logged(ctx, ids)
	if err != nil {
		return nil, err
	}
	if _, ok := logged[activityID]; !ok {
		return nil, Errorf(ENOTFOUND, "There is no activity %q.", truncateForMessage(activityID))
	}
	var acts []LoggedActivity
	for _, id := range ids {
		l, ok := logged[id]
		if !ok {
			continue
		}
		if err := c.checkRebuildable(ctx, l.MemberID); err != nil {
			return nil, err
		}
		acts = append(acts, l)
	}
	return acts, nil
}

// checkRebuildable refuses to void an activity of a member whose record
// cannot be rebuilt from their index: some of their activity was
// recorded before the index was kept, or dropped from it.
func (c *Corrections) checkRebuildable(ctx context.Context, memberID string) error {
	rec, err := c.awarder.Records.Record(ctx, memberID)
	if err != nil || rec == nil {
		return err
	}
	idx, err := c.awarder.Activities.ActivityIndex(ctx, memberID)
	if err != nil {
		return err
	}
	return rebuildable(rec, idx)
}

func rebuildable(rec *MemberRecord, idx ActivityIndex) error {
	if idx.Dropped > 0 || idx.lacks(rec) {
		return Errorf(ECONFLICT, "This member's record holds activity that their activity list does not (recorded before corrections were kept, or more than %d activities), so it cannot be rebuilt and no activity of theirs can be voided.", MaxIndexedActivities)
	}
	return nil
}

// openReviewsOf returns a community's open reviews opened by voiding one
// of the given activities.
func (c *Corrections) openReviewsOf(ctx context.Context, issuerID string, activityIDs []string) ([]Review, error) {
	rs, err := c.reviews.Reviews(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	out := []Review{}
	for _, r := range rs.Items {
		for _, id := range activityIDs {
			if r.Status == ReviewOpen && r.ActivityID == id {
				out = append(out, r)
			}
		}
	}
	return out, nil
}
