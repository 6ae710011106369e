package mongodb

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// exchangeRecord is a VC-API exchange as stored: a computed document by
// its id, so that completing it is one atomic change.
type exchangeRecord struct {
	Credential   string    `bson:"credential"`
	Challenge    string    `bson:"challenge"`
	CreatedAt    time.Time `bson:"createdAt"`
	ExpiresAt    time.Time `bson:"expiresAt"`
	Holder       string    `bson:"holder,omitempty"`
	Presentation string    `bson:"presentation,omitempty"`
}

// ExchangeStore keeps VC-API exchanges (issuer/exchange.go).
type ExchangeStore struct{ db *database.DB }

var _ issuer.ExchangeStore = (*ExchangeStore)(nil)

// NewExchangeStore returns the exchange store of db.
func NewExchangeStore(db *database.DB) *ExchangeStore { return &ExchangeStore{db: db} }

// CreateExchange stores a new exchange; its id is random, so one with the
// same id is a conflict.
func (s *ExchangeStore) CreateExchange(ctx context.Context, e *issuer.Exchange) error {
	r := exchangeRecord{Credential: e.CredentialID, Challenge: e.Challenge, CreatedAt: e.CreatedAt, ExpiresAt: e.ExpiresAt}
	existing, err := database.InsertComputed(ctx, s.db, database.WalletExchanges, []string{e.ID}, []exchangeRecord{r})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return badges.Errorf(badges.ECONFLICT, "An exchange with id %q exists already.", e.ID)
	}
	return nil
}

// Exchange returns an exchange by id.
func (s *ExchangeStore) Exchange(ctx context.Context, id string) (*issuer.Exchange, error) {
	r, found, err := database.ReadComputed[exchangeRecord](ctx, s.db, database.WalletExchanges, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, badges.Errorf(badges.ENOTFOUND, "No exchange %q; start a new one from the wallet link.", id)
	}
	return exchangeOf(id, r), nil
}

// CompleteExchange records the presentation that completed an exchange,
// unless one did already.
func (s *ExchangeStore) CompleteExchange(ctx context.Context, id, holder, presentation string) (*issuer.Exchange, error) {
	var stored exchangeRecord
	err := database.Modify(ctx, s.db, database.WalletExchanges, id, func(r *exchangeRecord, exists bool) error {
		if !exists {
			return badges.Errorf(badges.ENOTFOUND, "No exchange %q; start a new one from the wallet link.", id)
		}
		if r.Holder == "" {
			r.Holder, r.Presentation = holder, presentation
		}
		stored = *r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return exchangeOf(id, stored), nil
}

func exchangeOf(id string, r exchangeRecord) *issuer.Exchange {
	return &issuer.Exchange{ID: id, CredentialID: r.Credential, Challenge: r.Challenge, CreatedAt: r.CreatedAt,
		ExpiresAt: r.ExpiresAt, Holder: r.Holder, Presentation: r.Presentation}
}

// SweepExchanges deletes the exchanges that expired before before: a scan
// of the collection, for background work only.
func (s *ExchangeStore) SweepExchanges(ctx context.Context, before time.Time) (int, error) {
	var ids []string
	err := database.EachComputed(ctx, s.db, database.WalletExchanges, func(id string, r exchangeRecord) error {
		if r.ExpiresAt.Before(before) {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		unlock := s.db.LockDoc(database.WalletExchanges, id)
		err := database.DeleteComputed(ctx, s.db, database.WalletExchanges, id)
		unlock()
		if err != nil {
			return i, err
		}
	}
	return len(ids), nil
}
