package mongodb

import (
	"context"
	"time"

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
	ID          string    `bson:"_id"` // <issuer>:<key>
	Issuer      string    `bson:"issuer"`
	Key         string    `bson:"key"`
	Name        string    `bson:"name"`
	Description string    `bson:"description,omitempty"`
	Category    string    `bson:"category"`
	Reciprocal  string    `bson:"reciprocal,omitempty"`
	Retired     bool      `bson:"retired,omitempty"`
	RetiredAt   time.Time `bson:"retiredAt,omitempty"`
	Rev         int64     `bson:"rev,omitempty"` // counts changes, for compare-and-swap
}

func newBehaviourRecord(issuerID string, b badges.Behaviour, rev int64) behaviourRecord {
	return behaviourRecord{ID: issuerID + ":" + b.Key, Issuer: issuerID, Key: b.Key, Name: b.Name, Description: b.Description,
		Category: string(b.Category), Reciprocal: b.Reciprocal, Retired: b.Retired, RetiredAt: b.RetiredAt.UTC(), Rev: rev}
}

func (r behaviourRecord) behaviour() badges.Behaviour {
	b := badges.Behaviour{Key: r.Key, Name: r.Name, Description: r.Description, Category: badges.BehaviourCategory(r.Category),
		Reciprocal: r.Reciprocal, Retired: r.Retired}
	if !r.RetiredAt.IsZero() {
		b.RetiredAt = r.RetiredAt.UTC()
	}
	return b
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
		out[i] = r.behaviour()
	}
	return out, nil
}

// AddBehaviour adds an issuer's own behaviour; its key is unique per issuer.
func (s *BehaviourStore) AddBehaviour(ctx context.Context, issuerID string, b badges.Behaviour) error {
	_, err := s.db.Collection(database.Behaviours).InsertOne(ctx, newBehaviourRecord(issuerID, b, 0))
	if database.IsDuplicate(err) {
		return &badges.Error{Code: badges.ECONFLICT, Field: "key", Message: "This community has a behaviour " + b.Key + " already."}
	}
	return database.Wrap(err, "store behaviour")
}

// behaviourAttempts bounds the retries of a change that keeps losing
// races.
const behaviourAttempts = 8

// ChangeBehaviour reads an issuer's behaviour (base when it has none
// stored), changes it and writes it back if its rev is still the one read:
// a compare-and-swap on MongoDB, under the document's lock on the
// embedded engine. A default behaviour changed for the first time is
// stored under the same _id an own behaviour would have.
func (s *BehaviourStore) ChangeBehaviour(ctx context.Context, issuerID string, base badges.Behaviour, change func(*badges.Behaviour) error) (badges.Behaviour, error) {
	id := issuerID + ":" + base.Key
	defer s.db.LockDoc(database.Behaviours, id)()
	c := s.db.Collection(database.Behaviours)
	for range behaviourAttempts {
		var r behaviourRecord
		err := c.FindOne(ctx, database.ByID(id)).Decode(&r)
		stored := err == nil
		switch {
		case database.IsNoDocuments(err):
			r = newBehaviourRecord(issuerID, base, 0)
		case err != nil:
			return badges.Behaviour{}, database.Wrap(err, "read behaviour")
		}
		b := r.behaviour()
		if err := change(&b); err != nil {
			return badges.Behaviour{}, err
		}
		done, err := s.write(ctx, issuerID, b, stored, r.Rev)
		if err != nil || done {
			return b, err
		}
	}
	return badges.Behaviour{}, badges.Errorf(badges.EUNAVAILABLE, "Behaviour %s is changing too often; try again.", base.Key)
}

// write stores a changed behaviour: a new document unless stored, else
// the replacement of revision rev; done is false when another writer came
// first.
func (s *BehaviourStore) write(ctx context.Context, issuerID string, b badges.Behaviour, stored bool, rev int64) (done bool, err error) {
	c := s.db.Collection(database.Behaviours)
	next := newBehaviourRecord(issuerID, b, rev+1)
	if !stored {
		_, err := c.InsertOne(ctx, next)
		if database.IsDuplicate(err) {
			return false, nil
		}
		return err == nil, database.Wrap(err, "store behaviour")
	}
	res, err := c.ReplaceOne(ctx, s.db.AtRev(next.ID, rev), next)
	if err != nil {
		return false, database.Wrap(err, "store behaviour")
	}
	return res.MatchedCount == 1, nil
}
