package mongodb

import (
	"context"
	"crypto/rand"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

type statusListRecord struct {
	ID      string `bson:"_id"` // <issuer>:<number>
	Issuer  string `bson:"issuer"`
	Number  int    `bson:"number"`
	Key     []byte `bson:"key"`
	Revoked []int  `bson:"revoked"`
	Rev     int64  `bson:"rev"`
}

// StatusStore keeps revocation lists: for each, the key of the permutation
// that places credentials in it and the revoked positions.
type StatusStore struct{ db *database.DB }

var _ issuer.StatusStore = (*StatusStore)(nil)

// NewStatusStore returns the status store of db.
func NewStatusStore(db *database.DB) *StatusStore { return &StatusStore{db: db} }

func statusListID(issuerID string, number int) string { return fmt.Sprintf("%s:%d", issuerID, number) }

// AllocateStatus reserves n slots with one atomic increment.
func (s *StatusStore) AllocateStatus(ctx context.Context, issuerID string, n int) (int64, error) {
	last, err := s.db.IncCounter(ctx, "status:"+issuerID, "slots", int64(n))
	if err != nil {
		return 0, err
	}
	return last - int64(n), nil
}

// StatusList returns a list, creating it with a random permutation key on
// first use. Inserting by _id decides the key once, whoever comes first.
func (s *StatusStore) StatusList(ctx context.Context, issuerID string, number int) (*issuer.StatusList, error) {
	id := statusListID(issuerID, number)
	var r statusListRecord
	err := s.db.Collection(database.StatusLists).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	if database.IsNoDocuments(err) {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		r = statusListRecord{ID: id, Issuer: issuerID, Number: number, Key: key, Revoked: []int{}}
		if _, err = s.db.Collection(database.StatusLists).InsertOne(ctx, r); database.IsDuplicate(err) {
			return s.StatusList(ctx, issuerID, number)
		}
	}
	if err != nil {
		return nil, database.Wrap(err, "read status list")
	}
	return &issuer.StatusList{IssuerID: r.Issuer, Number: r.Number, Key: r.Key, Revoked: r.Revoked, Rev: r.Rev}, nil
}

// FindStatusList returns a list only if it exists.
func (s *StatusStore) FindStatusList(ctx context.Context, issuerID string, number int) (*issuer.StatusList, error) {
	var r statusListRecord
	if err := s.db.Collection(database.StatusLists).FindOne(ctx, bson.D{{Key: "_id", Value: statusListID(issuerID, number)}}).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "Issuer %s has no status list %d.", issuerID, number)
		}
		return nil, database.Wrap(err, "read status list")
	}
	return &issuer.StatusList{IssuerID: r.Issuer, Number: r.Number, Key: r.Key, Revoked: r.Revoked, Rev: r.Rev}, nil
}

// SetRevoked adds an index to a list's revoked set.
func (s *StatusStore) SetRevoked(ctx context.Context, issuerID string, number, index int) error {
	if _, err := s.StatusList(ctx, issuerID, number); err != nil {
		return err
	}
	id := statusListID(issuerID, number)
	defer s.db.LockDoc(database.StatusLists, id)()
	_, err := s.db.Collection(database.StatusLists).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{
		{Key: "$addToSet", Value: bson.D{{Key: "revoked", Value: index}}},
		{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}},
	})
	return database.Wrap(err, "revoke in status list")
}
