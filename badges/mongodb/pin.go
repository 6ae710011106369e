package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// PinStore keeps each community's spotlight pin, "pin:<issuer>" in the
// showcases collection.
type PinStore struct{ db *database.DB }

var _ badges.PinStore = (*PinStore)(nil)

// NewPinStore returns the pin store of db.
func NewPinStore(db *database.DB) *PinStore { return &PinStore{db: db} }

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
		_, err := s.db.Collection(database.Showcases).DeleteOne(ctx, database.ByID(id))
		return database.Wrap(err, "remove pin")
	}
	_, err := s.db.Collection(database.Showcases).ReplaceOne(ctx, database.ByID(id), pinRecord{ID: id, Member: p.MemberID, Note: p.Note, PinnedAt: p.PinnedAt.UTC()},
		replaceUpsert())
	return database.Wrap(err, "store pin")
}

// Pin reads a community's spotlight pin.
func (s *PinStore) Pin(ctx context.Context, issuerID string) (*badges.Pin, error) {
	var r pinRecord
	err := s.db.Collection(database.Showcases).FindOne(ctx, database.ByID("pin:"+issuerID)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, nil
	case err != nil:
		return nil, database.Wrap(err, "read pin")
	}
	return &badges.Pin{MemberID: r.Member, Note: r.Note, PinnedAt: r.PinnedAt}, nil
}
