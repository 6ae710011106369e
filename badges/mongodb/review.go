package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// ReviewStore keeps each community's reviews as one computed document by
// issuer id: bounded (see badges.MaxOpenReviews), read whole.
type ReviewStore struct{ db *database.DB }

var _ badges.ReviewStore = (*ReviewStore)(nil)

// NewReviewStore returns the review store of db.
func NewReviewStore(db *database.DB) *ReviewStore { return &ReviewStore{db: db} }

// Reviews reads a community's reviews.
func (s *ReviewStore) Reviews(ctx context.Context, issuerID string) (badges.Reviews, error) {
	rs, _, err := database.ReadComputed[badges.Reviews](ctx, s.db, database.Reviews, issuerID)
	return rs, err
}

// ChangeReviews changes a community's reviews atomically.
func (s *ReviewStore) ChangeReviews(ctx context.Context, issuerID string, change func(*badges.Reviews) error) error {
	return database.Modify(ctx, s.db, database.Reviews, issuerID, func(rs *badges.Reviews, _ bool) error { return change(rs) })
}
