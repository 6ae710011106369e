package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// NudgeStore keeps members' opt-ins to the weekly progress e-mail, one
// computed document per member, by member id. The collection holds only
// members who ever chose, so the weekly sweep's scan of it stays small.
type NudgeStore struct{ db *database.DB }

var _ badges.NudgeStore = (*NudgeStore)(nil)

// NewNudgeStore returns the opt-ins of db.
func NewNudgeStore(db *database.DB) *NudgeStore { return &NudgeStore{db: db} }

// SetNudge records a member's choice.
func (s *NudgeStore) SetNudge(ctx context.Context, memberID, issuerID string, on bool, at time.Time) error {
	return database.Modify(ctx, s.db, database.Nudges, memberID, func(o *badges.NudgeOptIn, _ bool) error {
		o.MemberID, o.IssuerID, o.On, o.ChangedAt = memberID, issuerID, on, at
		return nil
	})
}

// Nudge reads a member's opt-in.
func (s *NudgeStore) Nudge(ctx context.Context, memberID string) (badges.NudgeOptIn, error) {
	o, _, err := database.ReadComputed[badges.NudgeOptIn](ctx, s.db, database.Nudges, memberID)
	return o, err
}

// EachNudge scans the opt-ins, passing on those that are on.
func (s *NudgeStore) EachNudge(ctx context.Context, fn func(badges.NudgeOptIn) error) error {
	return database.EachComputed(ctx, s.db, database.Nudges, func(_ string, o badges.NudgeOptIn) error {
		if !o.On {
			return nil
		}
		return fn(o)
	})
}

// MarkNudged records the week last sent.
func (s *NudgeStore) MarkNudged(ctx context.Context, memberID, week string) error {
	return database.Modify(ctx, s.db, database.Nudges, memberID, func(o *badges.NudgeOptIn, exists bool) error {
		if !exists {
			return badges.Errorf(badges.ENOTFOUND, "Member %s has no choice about the weekly e-mail.", memberID)
		}
		o.LastWeek = week
		return nil
	})
}
