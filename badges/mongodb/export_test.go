package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
)

// SnapshotAt stores a snapshot of a as of revision rev, for tests of
// snapshots that arrive out of order.
func (s *AchievementService) SnapshotAt(ctx context.Context, a *badges.Achievement, rev int64) error {
	return s.snapshot(ctx, a, rev)
}
