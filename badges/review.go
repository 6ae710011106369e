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

// Review is a credential to look at again after a correction: its member
// holds the badge, and its rule was met before the correction and is not
// after it. Names are those of the moment it was opened.
type Review struct {
	ID              string
	MemberID        string
	MemberName      string
	AchievementID   string
	AchievementName string
	ActivityID      string // the activity whose voiding opened it
	Reason          string // the void's reason, if any
	Status          string
	CreatedAt       time.Time
	ResolvedAt      time.Time
	Note            string // why it was resolved so, if said
}

// Reviews are a community's reviews, newest first.
type Reviews struct {
	Items []Review
}

// ReviewStore keeps each community's reviews.
type ReviewStore interface {
	// Reviews reads a community's reviews.
	Reviews(ctx context.Context, issuerID string) (Reviews, error)
	// ChangeReviews changes them atomically; change may run more than
	// once, and when it fails nothing is written.
	ChangeReviews(ctx context.Context, issuerID string, change func(*Reviews) error) error
}

// Open opens a review, unless one is open for the member and badge
// already: that one stays, and is returned.
func (rs *Reviews) Open(r Review) Review {
	for _, x := range rs.Items {
		if x.Status == ReviewOpen && x.MemberID == r.MemberID && x.AchievementID == r.AchievementID {
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
