package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
)

// PinStore keeps each community's spotlight pin, "pin:<issuer>" in the
// showcases collection.
type PinStore struct{ db *DB }

var _ badges.PinStore = (*PinStore)(nil)

// NewPinStore returns the pin store of db.
func NewPinStore(db *DB) *PinStore { return &PinStore{db: db} }

type pinRecord struct {
	ID       string    `bson:"_id"` // "pin:<issuer>"
	Member   string    `bson:"member"`
	Note     string    `bson:"note,omitempty"`
	PinnedAt time.Time `bson:"pinnedAt"`
}

// SetPin stores or removes a community's spotlight pin.
func (s *PinStore) SetPin(ctx context.Context, issuerID string, p *badges.Pin) error {
	id := "pin:" + issuerID
	if p == nil {
		_, err := s.db.c(colShowcases).DeleteOne(ctx, byID(id))
		return wrap(err, "remove pin")
	}
	_, err := s.db.c(colShowcases).ReplaceOne(ctx, byID(id), pinRecord{ID: id, Member: p.MemberID, Note: p.Note, PinnedAt: p.PinnedAt.UTC()},
		options.Replace().SetUpsert(true))
	return wrap(err, "store pin")
}

// Pin reads a community's spotlight pin.
func (s *PinStore) Pin(ctx context.Context, issuerID string) (*badges.Pin, error) {
	var r pinRecord
	err := s.db.c(colShowcases).FindOne(ctx, byID("pin:"+issuerID)).Decode(&r)
	switch {
	case isNoDocuments(err):
		return nil, nil
	case err != nil:
		return nil, wrap(err, "read pin")
	}
	return &badges.Pin{MemberID: r.Member, Note: r.Note, PinnedAt: r.PinnedAt}, nil
}
