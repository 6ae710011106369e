package badges

import (
	"context"
	"slices"
	"time"
)

// A correction never revokes a credential by itself: a credential is a
// signed statement others may rely on, so a person decides. When voiding
// an activity leaves a member holding a badge whose rule they no longer
// meet, a review is opened for the community's managers, who revoke the
// credential or dismiss the review.

// Review statuses.
const (
	ReviewOpen      = "open"
	ReviewRevoked   = "revoked"
	ReviewDismissed = "dismissed"
)

// Bounds of a community's reviews, kept in one document: every open one
// (up to MaxOpenReviews; past it the oldest open ones are dismissed as
// stale) and the latest MaxResolvedReviews resolved ones.
const (
	MaxOpenReviews     = 1000
	MaxResolvedReviews = 200
)

// Review is a badge to look at again after a correction: its member
// holds credentials of it whose rule was met at their award date before
// the correction and is not after it. Names are those of the moment it
// was opened.
type Review struct {
	ID              string
	MemberID        string
	MemberName      string
	AchievementID   string
	AchievementName string
	// CredentialIDs are the credentials concerned, those revoking the
	// review revokes: not the member's other credentials of the badge
	// (of other periods of a repeatable one) still earned.
	CredentialIDs []string
	ActivityID    string // the activity whose voiding opened it
	Reason        string // the void's reason, if any
	Status        string
	CreatedAt     time.Time
	ResolvedAt    time.Time
	Note          string // why it was resolved so, if said
	// Revoking is set on a review resolved revoked whose credentials may
	// not all be revoked yet: a revoke sent again finishes it.
	Revoking bool
}

// Reviews are a community's reviews, newest first, and its corrections
// under way.
type Reviews struct {
	Items   []Review
	Pending []PendingCorrection // oldest first, at most MaxPendingCorrections
}

// PendingCorrection is a void under way: the credentials whose rule was
// met at their award date before it, to check again once the records are
// rebuilt. It is noted before the activity is voided and dropped when the
// reviews it leads to are opened, so that voiding again after a failure
// finishes it.
type PendingCorrection struct {
	ActivityID string
	NotedAt    time.Time
	Checks     []CredentialCheck
}

// CredentialCheck is a member's credential of a badge with a rule.
type CredentialCheck struct {
	MemberID      string
	AchievementID string
	CredentialID  string
	AwardedDate   time.Time
}

// MaxPendingCorrections bounds the corrections under way a community
// keeps; past it the oldest, left unfinished by a failure and never
// voided again, is forgotten.
const MaxPendingCorrections = 100

// ReviewStore keeps each community's reviews.
type ReviewStore interface {
	// Reviews reads a community's reviews.
	Reviews(ctx context.Context, issuerID string) (Reviews, error)
	// ChangeReviews changes them atomically; change may run more than
	// once, and when it fails nothing is written.
	ChangeReviews(ctx context.Context, issuerID string, change func(*Reviews) error) error
}

// Open opens a review, unless one is open for the member and badge
// already: that one stays, given r's credentials too, and is returned.
func (rs *Reviews) Open(r Review) Review {
	for i, x := range rs.Items {
		if x.Status == ReviewOpen && x.MemberID == r.MemberID && x.AchievementID == r.AchievementID {
			for _, id := range r.CredentialIDs {
				if !slices.Contains(x.CredentialIDs, id) {
					x.CredentialIDs = append(x.CredentialIDs, id)
				}
			}
			rs.Items[i] = x
			return x
		}
	}
	r.Status = ReviewOpen
	rs.Items = slices.Insert(rs.Items, 0, r)
	rs.prune(r.CreatedAt)
	return r
}

// prune keeps the bounds: the oldest open reviews past MaxOpenReviews are
// dismissed, and the oldest resolved past MaxResolvedReviews dropped.
func (rs *Reviews) prune(now time.Time) {
	open, resolved := 0, 0
	rs.Items = slices.DeleteFunc(rs.Items, func(x Review) bool {
		if x.Status == ReviewOpen {
			open++
			return false
		}
		resolved++
		return resolved > MaxResolvedReviews
	})
	for i := len(rs.Items) - 1; i >= 0 && open > MaxOpenReviews; i-- {
		if rs.Items[i].Status == ReviewOpen {
			rs.Items[i].Status, rs.Items[i].ResolvedAt, rs.Items[i].Note = ReviewDismissed, now, "Too many open reviews: the oldest was set aside."
			open--
		}
	}
}

// Resolve closes an open review with a status and a note.
func (rs *Reviews) Resolve(id, status, note string, now time.Time) (Review, error) {
	i := slices.IndexFunc(rs.Items, func(x Review) bool { return x.ID == id })
	if i < 0 {
		return Review{}, Errorf(ENOTFOUND, "This community has no review %q.", truncateForMessage(id))
	}
	r := &rs.Items[i]
	if r.Status != ReviewOpen {
		return *r, Errorf(ECONFLICT, "The review of %s's %s was %s already.", r.MemberName, r.AchievementName, r.Status)
	}
	r.Status, r.Note, r.ResolvedAt = status, note, now
	out := *r
	rs.prune(now)
	return out, nil
}

// ClaimRevoke resolves an open review revoked, marked Revoking until its
// credentials are revoked, with credentialIDs as its credentials when it
// names none. A review so resolved already, still Revoking, is returned
// as it is, to finish; any other resolved review is a conflict. Deciding
// first, then revoking, means a dismissal at the same moment either wins
// (and nothing is revoked) or is refused.
func (rs *Reviews) ClaimRevoke(id string, credentialIDs []string, now time.Time) (Review, error) {
	i := slices.IndexFunc(rs.Items, func(x Review) bool { return x.ID == id })
	if i < 0 {
		return Review{}, Errorf(ENOTFOUND, "This community has no review %q.", truncateForMessage(id))
	}
	r := &rs.Items[i]
	switch {
	case r.Status == ReviewRevoked && r.Revoking:
		return *r, nil
	case r.Status != ReviewOpen:
		return *r, Errorf(ECONFLICT, "The review of %s's %s was %s already.", r.MemberName, r.AchievementName, r.Status)
	}
	if len(r.CredentialIDs) == 0 {
		r.CredentialIDs = slices.Clone(credentialIDs)
	}
	r.Status, r.ResolvedAt, r.Revoking = ReviewRevoked, now, true
	out := *r
	rs.prune(now)
	return out, nil
}

// FinishRevoke notes that a review's credentials are revoked; false when
// the review is no longer kept.
func (rs *Reviews) FinishRevoke(id string) (Review, bool) {
	i := slices.IndexFunc(rs.Items, func(x Review) bool { return x.ID == id })
	if i < 0 {
		return Review{}, false
	}
	rs.Items[i].Revoking = false
	return rs.Items[i], true
}

// NotePending notes the credentials to check after voiding an activity,
// with those noted already for it (a void tried before, cut short before
// the activity was voided).
func (rs *Reviews) NotePending(activityID string, checks []CredentialCheck, now time.Time) {
	i := slices.IndexFunc(rs.Pending, func(p PendingCorrection) bool { return p.ActivityID == activityID })
	if i < 0 {
		rs.Pending = append(rs.Pending, PendingCorrection{ActivityID: activityID, NotedAt: now})
		i = len(rs.Pending) - 1
	}
	p := &rs.Pending[i]
	for _, c := range checks {
		if !slices.ContainsFunc(p.Checks, func(x CredentialCheck) bool { return x.CredentialID == c.CredentialID }) {
			p.Checks = append(p.Checks, c)
		}
	}
	if n := len(rs.Pending) - MaxPendingCorrections; n > 0 {
		rs.Pending = slices.Delete(rs.Pending, 0, n)
	}
}

// PendingOf returns the correction under way of an activity.
func (rs *Reviews) PendingOf(activityID string) (PendingCorrection, bool) {
	i := slices.IndexFunc(rs.Pending, func(p PendingCorrection) bool { return p.ActivityID == activityID })
	if i < 0 {
		return PendingCorrection{}, false
	}
	return rs.Pending[i], true
}

// DropPending forgets the correction under way of an activity.
func (rs *Reviews) DropPending(activityID string) {
	rs.Pending = slices.DeleteFunc(rs.Pending, func(p PendingCorrection) bool { return p.ActivityID == activityID })
}
