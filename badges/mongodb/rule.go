package mongodb

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// RuleStore keeps achievements' rules by achievement id, in their JSON
// form, in a small collection read whole per issuer.
type RuleStore struct{ db *database.DB }

var _ badges.RuleStore = (*RuleStore)(nil)

// NewRuleStore returns the rule store of db.
func NewRuleStore(db *database.DB) *RuleStore { return &RuleStore{db: db} }

type ruleRecord struct {
	ID        string    `bson:"_id"` // the achievement id
	Issuer    string    `bson:"issuer"`
	Rule      string    `bson:"rule"` // its JSON form
	UpdatedAt time.Time `bson:"updatedAt"`
}

// Rules maps an issuer's achievements to their rules.
func (s *RuleStore) Rules(ctx context.Context, issuerID string) (map[string]*badges.Rule, error) {
	return findRules(ctx, s.db, bson.D{{Key: "issuer", Value: issuerID}})
}

// findRules maps the achievements of the rules filter selects to them.
func findRules(ctx context.Context, db *database.DB, filter bson.D) (map[string]*badges.Rule, error) {
	rs, err := database.FindAll[ruleRecord](ctx, db.Collection(database.Rules), filter, "read rules")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*badges.Rule, len(rs))
	for _, r := range rs {
		rule, err := badges.ParseRule([]byte(r.Rule))
		if err != nil {
			return nil, fmt.Errorf("stored rule of achievement %s: %w", r.ID, err)
		}
		out[r.ID] = rule
	}
	return out, nil
}

// SetRule stores or removes an achievement's rule. It holds the rule's
// lock, as a cohort rename's compare-and-swap does (see ChangeRule).
func (s *RuleStore) SetRule(ctx context.Context, issuerID, achievementID string, r *badges.Rule) error {
	defer s.db.LockDoc(database.Rules, achievementID)()
	if r == nil {
		_, err := s.db.Collection(database.Rules).DeleteOne(ctx, database.ByID(achievementID))
		return database.Wrap(err, "delete rule")
	}
	data, err := r.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = s.db.Collection(database.Rules).ReplaceOne(ctx, database.ByID(achievementID),
		ruleRecord{ID: achievementID, Issuer: issuerID, Rule: string(data), UpdatedAt: s.db.Now()}, replaceUpsert())
	return database.Wrap(err, "store rule")
}
