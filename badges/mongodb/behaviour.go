package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// BehaviourStore keeps the behaviours each community adds, in a small
// collection read whole per issuer; the _id "<issuer>:<key>" makes keys
// unique.
type BehaviourStore struct{ db *database.DB }

var _ badges.BehaviourStore = (*BehaviourStore)(nil)

// NewBehaviourStore returns the behaviour store of db.
func NewBehaviourStore(db *database.DB) *BehaviourStore { return &BehaviourStore{db: db} }

type behaviourRecord struct {
	ID          string `bson:"_id"` // <issuer>:<key>
	Issuer      string `bson:"issuer"`
	Key         string `bson:"key"`
	Name        string `bson:"name"`
	Description string `bson:"description,omitempty"`
	Category    string `bson:"category"`
}

// CustomBehaviours lists an issuer's own behaviours.
func (s *BehaviourStore) CustomBehaviours(ctx context.Context, issuerID string) ([]badges.Behaviour, error) {
	rs, err := database.FindAll[behaviourRecord](ctx, s.db.Collection(database.Behaviours), bson.D{{Key: "issuer", Value: issuerID}}, "read behaviours",
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	out := make([]badges.Behaviour, len(rs))
	for i, r := range rs {
		out[i] = badges.Behaviour{Key: r.Key, Name: r.Name, Description: r.Description, Category: badges.BehaviourCategory(r.Category)}
	}
	return out, nil
}

// AddBehaviour adds an issuer's own behaviour; its key is unique per issuer.
func (s *BehaviourStore) AddBehaviour(ctx context.Context, issuerID string, b badges.Behaviour) error {
	_, err := s.db.Collection(database.Behaviours).InsertOne(ctx, behaviourRecord{ID: issuerID + ":" + b.Key, Issuer: issuerID, Key: b.Key,
		Name: b.Name, Description: b.Description, Category: string(b.Category)})
	if database.IsDuplicate(err) {
		return &badges.Error{Code: badges.ECONFLICT, Field: "key", Message: "This community has a behaviour " + b.Key + " already."}
	}
	return database.Wrap(err, "store behaviour")
}
