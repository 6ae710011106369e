package badges

import (
	"context"
	"fmt"
	"slices"
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
	awarder *Awarder
	reviews ReviewStore
}

// NewCorrections returns the corrections of awarder's activity, with
// their reviews kept in reviews.
func NewCorrections(reviews ReviewStore, awarder *Awarder) *Corrections {
	return &Corrections{awarder: awarder, reviews: reviews}
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

// Void voids an activity, and the reciprocal activity that
// credited its peer if there is one, with an optional reason. Voiding an
// activity voided already answers it as it is (AlreadyVoided), after
// finishing any correction a failure left half done.
func (c *Corrections) Void(ctx context.Context, activityID, reason string) (*VoidResult, error) {
	reason, err := checkNote("reason", reason, maxVoidReasonLen)
	if err != nil {
		return nil, err
	}
	a := c.awarder
	ids := []string{activityID, reciprocalPrefix + activityID}
	logged, err := a.Activities.Logged(ctx, ids)
	if err != nil {
		return nil, err
	}
	first, ok := logged[activityID]
	if !ok {
		return nil, Errorf(ENOTFOUND, "There is no activity %q.", truncateForMessage(activityID))
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { _, ok := logged[id]; return !ok })
	for _, id := range ids { // every record first, so that none is voided when one cannot be
		if err := c.checkRebuildable(ctx, logged[id].MemberID); err != nil {
			return nil, err
		}
	}
	res := &VoidResult{}
	void := ActivityVoid{At: a.now(), Reason: reason}
	for _, id := range ids {
		voided, already, err := a.Activities.VoidActivity(ctx, id, void)
		if err != nil {
			return nil, err
		}
		if id == activityID {
			res.Activity, res.AlreadyVoided = voided, already
		}
		if err := c.correct(ctx, voided); err != nil {
			return nil, err
		}
	}
	if res.Reviews, err = c.openReviewsOf(ctx, first.IssuerID, ids); err != nil {
		return nil, err
	}
	return res, nil
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

// correct rebuilds the record of a voided activity's member without it,
// evaluates their rules again, and opens a review for each badge they
// hold whose rule was met before and is not now.
func (c *Corrections) correct(ctx context.Context, voided LoggedActivity) error {
	a := c.awarder
	before, err := a.Progress(ctx, voided.MemberID)
	if err != nil {
		return err
	}
	if err := a.Records.UpdateRecord(ctx, voided.MemberID, func(r *MemberRecord) error { return a.rebuild(ctx, r) }); err != nil {
		return err
	}
	if err := a.reevaluate(ctx, voided.IssuerID, voided.MemberID); err != nil {
		return err
	}
	after, err := a.Progress(ctx, voided.MemberID)
	if err != nil {
		return err
	}
	metBefore := map[string]bool{}
	for _, p := range before {
		metBefore[p.Achievement.ID] = p.Progress.Met
	}
	var lapsed []AchievementProgress
	for _, p := range after {
		if p.Held && metBefore[p.Achievement.ID] && !p.Progress.Met {
			lapsed = append(lapsed, p)
		}
	}
	return c.openReviews(ctx, voided, lapsed)
}

// rebuild makes r again from the member's activities that are not voided,
// in the order they were recorded. What does not come from activity
// (endorsements received, cohorts, badges awarded by rule, batches
// applied) stays.
func (a *Awarder) rebuild(ctx context.Context, r *MemberRecord) error {
	idx, err := a.Activities.ActivityIndex(ctx, r.MemberID)
	if err != nil {
		return err
	}
	live := idx.Live()
	logged, err := a.Activities.Logged(ctx, live)
	if err != nil {
		return err
	}
	fresh := &MemberRecord{MemberID: r.MemberID, JoinedAt: r.JoinedAt, Cohorts: r.Cohorts, Endorsements: r.Endorsements,
		Awarded: r.Awarded, Batches: r.Batches, Behaviours: map[string]*BehaviourRecord{}}
	for _, id := range live {
		if l, ok := logged[id]; ok && l.Void == nil {
			fresh.Add(l.Activity)
		}
	}
	*r = *fresh
	return nil
}

// openReviews opens a review for each lapsed badge of a voided activity's
// member.
func (c *Corrections) openReviews(ctx context.Context, voided LoggedActivity, lapsed []AchievementProgress) error {
	if len(lapsed) == 0 {
		return nil
	}
	m, err := c.awarder.Members.Member(ctx, voided.MemberID)
	if err != nil {
		return err
	}
	now := c.awarder.now()
	return c.reviews.ChangeReviews(ctx, voided.IssuerID, func(rs *Reviews) error {
		for _, p := range lapsed {
			rs.Open(Review{ID: NewID(), MemberID: m.ID, MemberName: m.DisplayName, AchievementID: p.Achievement.ID,
				AchievementName: p.Achievement.Name, ActivityID: voided.ID, Reason: voided.Void.Reason, CreatedAt: now})
		}
		return nil
	})
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

// Reviews lists a community's reviews with a status ("" for all), newest
// first.
func (c *Corrections) Reviews(ctx context.Context, issuerID, status string) ([]Review, error) {
	switch status {
	case "", ReviewOpen, ReviewRevoked, ReviewDismissed:
	default:
		return nil, FieldErrorf("status", "status must be open, revoked or dismissed, not %q", truncateForMessage(status))
	}
	rs, err := c.reviews.Reviews(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	out := []Review{}
	for _, r := range rs.Items {
		if status == "" || r.Status == status {
			out = append(out, r)
		}
	}
	return out, nil
}

// Review returns one of a community's reviews.
func (c *Corrections) Review(ctx context.Context, issuerID, id string) (Review, error) {
	rs, err := c.reviews.Reviews(ctx, issuerID)
	if err != nil {
		return Review{}, err
	}
	for _, r := range rs.Items {
		if r.ID == id {
			return r, nil
		}
	}
	return Review{}, Errorf(ENOTFOUND, "This community has no review %q.", truncateForMessage(id))
}

// Resolve closes an open review: revoked (the caller revoked the
// credential) or dismissed, with an optional note.
func (c *Corrections) Resolve(ctx context.Context, issuerID, id, status, note string) (Review, error) {
	if status != ReviewRevoked && status != ReviewDismissed {
		return Review{}, fmt.Errorf("resolve review: status %q", status)
	}
	note, err := checkNote("note", note, maxVoidReasonLen)
	if err != nil {
		return Review{}, err
	}
	now := c.awarder.now()
	var out Review
	err = c.reviews.ChangeReviews(ctx, issuerID, func(rs *Reviews) error {
		r, rerr := rs.Resolve(id, status, note, now)
		out = r
		return rerr
	})
	return out, err
}
