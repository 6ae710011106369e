package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// SignInLimitStore keeps each key's window of recent sign-in attempts as a
// computed document, so that counting is atomic across processes.
type SignInLimitStore struct{ db *database.DB }

var _ badges.SignInLimitStore = (*SignInLimitStore)(nil)

type attemptsDoc struct {
	At []time.Time `bson:"at"`
}

// TakeAttempt counts an attempt under key (see badges.AttemptWindow.Take).
func (s *SignInLimitStore) TakeAttempt(ctx context.Context, key string, max int, window time.Duration, now time.Time) (time.Time, error) {
	var retryAt time.Time
	err := database.Modify(ctx, s.db, database.SignInLimits, key, func(d *attemptsDoc, _ bool) error {
		w := badges.AttemptWindow{At: d.At}
		retryAt, _ = w.Take(now.UTC(), max, window)
		d.At = w.At
		return nil
	})
	return retryAt, err
}

// ResetAttempts forgets the attempts under key.
func (s *SignInLimitStore) ResetAttempts(ctx context.Context, key string) error {
	return database.Modify(ctx, s.db, database.SignInLimits, key, func(d *attemptsDoc, exists bool) error {
		d.At = nil
		return nil
	})
}

// SweepAttempts removes the windows whose last attempt is before before:
// a scan of a small collection, in background work. A window changed
// meanwhile is left for the next sweep.
func (s *SignInLimitStore) SweepAttempts(ctx context.Context, before time.Time) error {
	var old []string
	err := database.EachComputed(ctx, s.db, database.SignInLimits, func(id string, d attemptsDoc) error {
		if len(d.At) == 0 || d.At[len(d.At)-1].Before(before) {
			old = append(old, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range old {
		if err := s.sweep(ctx, id, before); err != nil {
			return err
		}
	}
	return nil
}

// sweep removes one window if it is still old, holding its lock so that
// an attempt counted meanwhile by this process is not lost (one counted
// by another process at that very moment may be: a window lost is at
// worst a few attempts more allowed).
func (s *SignInLimitStore) sweep(ctx context.Context, id string, before time.Time) error {
	defer s.db.LockDoc(database.SignInLimits, id)()
	d, found, err := database.ReadComputed[attemptsDoc](ctx, s.db, database.SignInLimits, id)
	if err != nil || !found || len(d.At) > 0 && !d.At[len(d.At)-1].Before(before) {
		return err
	}
	return database.DeleteComputed(ctx, s.db, database.SignInLimits, id)
}
