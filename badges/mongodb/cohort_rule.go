package mongodb

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// ChangeRule changes an achievement's rule when a cohort it names is
// renamed. The write is a compare-and-swap on the rule's stored form and
// never an upsert, so a rule stored or removed meanwhile (by a request
// that replaces it, which takes the same lock on the embedded engine) is
// not overwritten or brought back.
func (s *CohortStore) ChangeRule(ctx context.Context, achievementID string, change func(*badges.Rule) bool) error {
	defer s.db.LockDoc(database.Rules, achievementID)()
	rules := s.db.Collection(database.Rules)
	for range cohortAttempts {
		var r ruleRecord
		err := rules.FindOne(ctx, database.ByID(achievementID)).Decode(&r)
		if database.IsNoDocuments(err) {
			return nil // removed: it stays removed
		}
		if err != nil {
			return database.Wrap(err, "read rule")
		}
		rule, err := badges.ParseRule([]byte(r.Rule))
		if err != nil {
			return fmt.Errorf("stored rule of achievement %s: %w", achievementID, err)
		}
		if !change(rule) {
			return nil
		}
		data, err := rule.MarshalJSON()
		if err != nil {
			return err
		}
		next := ruleRecord{ID: r.ID, Issuer: r.Issuer, Rule: string(data), UpdatedAt: s.db.Now()}
		res, err := rules.ReplaceOne(ctx, s.db.Guarded(achievementID, bson.E{Key: "rule", Value: r.Rule}), next)
		if err != nil {
			return database.Wrap(err, "store rule")
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return badges.Errorf(badges.EUNAVAILABLE, "The rule of achievement %s is being changed by many requests at once; try again.", achievementID)
}
