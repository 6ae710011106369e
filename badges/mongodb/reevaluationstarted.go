package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// What the re-evaluator catches up on at start (see badges.CatchUp): the
// rules of every community, and, beside the jobs, the rule revision of
// the last job started per achievement, as "started:<achievement>".

type startedRevision struct {
	Revision string `bson:"revision"`
}

func startedKey(achievementID string) string { return "started:" + achievementID }

// AllRules reads every community's rules: the rules collection is small,
// and this is read at start only.
func (s *ReevaluationStore) AllRules(ctx context.Context) (map[string]*badges.Rule, error) {
	return findRules(ctx, s.db, bson.D{})
}

// StartedRevision reads the rule revision of the last job started for an
// achievement.
func (s *ReevaluationStore) StartedRevision(ctx context.Context, achievementID string) (string, error) {
	r, _, err := database.ReadComputed[startedRevision](ctx, s.db, database.Reevaluations, startedKey(achievementID))
	return r.Revision, err
}

// SetStartedRevision records the rule revision of a job started for an
// achievement.
func (s *ReevaluationStore) SetStartedRevision(ctx context.Context, achievementID, revision string) error {
	return database.Modify(ctx, s.db, database.Reevaluations, startedKey(achievementID), func(r *startedRevision, _ bool) error {
		r.Revision = revision
		return nil
	})
}
