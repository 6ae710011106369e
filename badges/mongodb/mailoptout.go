package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// MailOptOutStore keeps who unsubscribed from each community's e-mail:
// one computed document per community and keyed hash of an address
// ("<issuer>:<address key>"), read by its _id before each message that
// is not transactional.
type MailOptOutStore struct{ db *database.DB }

var _ badges.MailOptOutStore = (*MailOptOutStore)(nil)

// NewMailOptOutStore returns the store of db.
func NewMailOptOutStore(db *database.DB) *MailOptOutStore { return &MailOptOutStore{db: db} }

type mailOptOutDoc struct {
	Issuer string    `bson:"issuer"`
	At     time.Time `bson:"at"`
}

// OptOut records the opt-out, keeping the time of the first.
func (s *MailOptOutStore) OptOut(ctx context.Context, issuerID, addressKey string, at time.Time) error {
	return database.Modify(ctx, s.db, database.MailOptOuts, issuerID+":"+addressKey, func(d *mailOptOutDoc, exists bool) error {
		if !exists {
			*d = mailOptOutDoc{Issuer: issuerID, At: at.UTC()}
		}
		return nil
	})
}

// OptIn forgets the opt-out.
func (s *MailOptOutStore) OptIn(ctx context.Context, issuerID, addressKey string) error {
	id := issuerID + ":" + addressKey
	defer s.db.LockDoc(database.MailOptOuts, id)()
	return database.DeleteComputed(ctx, s.db, database.MailOptOuts, id)
}

// OptedOut reports whether the address unsubscribed, and when.
func (s *MailOptOutStore) OptedOut(ctx context.Context, issuerID, addressKey string) (bool, time.Time, error) {
	d, found, err := database.ReadComputed[mailOptOutDoc](ctx, s.db, database.MailOptOuts, issuerID+":"+addressKey)
	return found, d.At, err
}
