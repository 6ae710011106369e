package mongodb

import (
	"context"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// LeaderDayStore keeps each leader's latest day of endorsing and
// nominating as a computed document by member id: one per leader, reset
// when a new day starts, so that nothing needs sweeping and counting is
// atomic across processes.
type LeaderDayStore struct{ db *database.DB }

var _ badges.LeaderDayStore = (*LeaderDayStore)(nil)

// NewLeaderDayStore returns the leader day store of db.
func NewLeaderDayStore(db *database.DB) *LeaderDayStore { return &LeaderDayStore{db: db} }

type leaderDayDoc struct {
	Day          string `bson:"day"`
	Endorsements int    `bson:"endorsements"`
	Nominations  int    `bson:"nominations"`
}

// LeaderDay reads a leader's latest day.
func (s *LeaderDayStore) LeaderDay(ctx context.Context, memberID string) (badges.LeaderDay, error) {
	d, _, err := database.ReadComputed[leaderDayDoc](ctx, s.db, database.LeaderDays, memberID)
	return badges.LeaderDay(d), err
}

// UpdateLeaderDay changes a leader's day atomically.
func (s *LeaderDayStore) UpdateLeaderDay(ctx context.Context, memberID string, change func(*badges.LeaderDay) error) error {
	return database.Modify(ctx, s.db, database.LeaderDays, memberID, func(d *leaderDayDoc, _ bool) error {
		day := badges.LeaderDay(*d)
		if err := change(&day); err != nil {
			return err
		}
		*d = leaderDayDoc(day)
		return nil
	})
}
