package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// AccountStores are the stores of the console's people: accounts and
// their links, sessions and sign-in limits.
type AccountStores struct {
	Accounts *AccountStore
	Sessions *SessionStore
	Limits   *SignInLimitStore
}

// NewAccountStores returns the account stores of db.
func NewAccountStores(db *database.DB) *AccountStores {
	return &AccountStores{Accounts: &AccountStore{db: db}, Sessions: &SessionStore{db: db}, Limits: &SignInLimitStore{db: db}}
}

// AccountStore keeps accounts as computed documents (changed atomically
// with database.Modify), each e-mail address as a key document, the
// set-password links by token hash, and each community's owners as a
// computed document in counters. Accounts are the console's people, few
// enough to be read whole.
type AccountStore struct{ db *database.DB }

var _ badges.AccountStore = (*AccountStore)(nil)

type accountRecord struct {
	Email         string            `bson:"email"`
	Name          string            `bson:"name"`
	PasswordHash  string            `bson:"passwordHash,omitempty"`
	ServiceAdmin  bool              `bson:"serviceAdmin,omitempty"`
	Roles         map[string]string `bson:"roles,omitempty"`
	Epoch         int               `bson:"epoch"`
	CreatedAt     time.Time         `bson:"createdAt"`
	PasswordSetAt time.Time         `bson:"passwordSetAt,omitempty"`
	LinkHash      string            `bson:"linkHash,omitempty"`
}

func (r *accountRecord) account(id string) *badges.Account {
	a := &badges.Account{ID: id, Email: r.Email, Name: r.Name, PasswordHash: r.PasswordHash, ServiceAdmin: r.ServiceAdmin,
		Roles: map[string]badges.Role{}, Epoch: r.Epoch, CreatedAt: r.CreatedAt, PasswordSetAt: r.PasswordSetAt, LinkHash: r.LinkHash}
	for issuer, role := range r.Roles {
		a.Roles[issuer] = badges.Role(role)
	}
	return a
}

func recordOf(a *badges.Account) accountRecord {
	r := accountRecord{Email: a.Email, Name: a.Name, PasswordHash: a.PasswordHash, ServiceAdmin: a.ServiceAdmin,
		Roles: map[string]string{}, Epoch: a.Epoch, CreatedAt: a.CreatedAt.UTC(), PasswordSetAt: a.PasswordSetAt.UTC(), LinkHash: a.LinkHash}
	for issuer, role := range a.Roles {
		r.Roles[issuer] = string(role)
	}
	return r
}

// emailKey is the key document of an account's e-mail address.
func accountEmailKey(email string) string { return "account:email:" + database.HashPart(email) }

// CreateAccount claims the e-mail address, then stores the account.
func (s *AccountStore) CreateAccount(ctx context.Context, a *badges.Account) error {
	key := accountEmailKey(a.Email)
	holder, err := s.db.ClaimKey(ctx, key, a.ID, s.holds(ctx, a.Email))
	if err != nil {
		return err
	}
	if holder != "" {
		return badges.Errorf(badges.ECONFLICT, "There is an account for %s already.", a.Email)
	}
	err = database.Modify(ctx, s.db, database.Accounts, a.ID, func(r *accountRecord, exists bool) error {
		if exists {
			return badges.Errorf(badges.ECONFLICT, "There is an account with id %s already.", a.ID)
		}
		*r = recordOf(a)
		return nil
	})
	if err != nil {
		_ = s.db.ReleaseKey(context.WithoutCancel(ctx), key, a.ID)
	}
	return err
}

// holds reports whether the account holding an e-mail key was stored
// with that address, so that a key left by a crash is taken over.
func (s *AccountStore) holds(ctx context.Context, email string) func(id string) (bool, error) {
	return func(id string) (bool, error) {
		a, err := s.Account(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		return err == nil && a.Email == email, err
	}
}

// Account reads one account.
func (s *AccountStore) Account(ctx context.Context, id string) (*badges.Account, error) {
	r, found, err := database.ReadComputed[accountRecord](ctx, s.db, database.Accounts, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such account.")
	}
	return r.account(id), nil
}

// AccountByEmail reads the account of an e-mail address (in its normal,
// lower-case form) through its key document.
func (s *AccountStore) AccountByEmail(ctx context.Context, email string) (*badges.Account, error) {
	id, err := s.db.KeyRef(ctx, accountEmailKey(email))
	if err != nil {
		return nil, err
	}
	if id != "" {
		a, err := s.Account(ctx, id)
		if err == nil && a.Email == email || badges.ErrorCode(err) != badges.ENOTFOUND && err != nil {
			return a, err
		}
	}
	return nil, badges.Errorf(badges.ENOTFOUND, "There is no account for %s.", email)
}

// UpdateAccount changes an account atomically.
func (s *AccountStore) UpdateAccount(ctx context.Context, id string, change func(*badges.Account) error) (*badges.Account, error) {
	var out *badges.Account
	err := database.Modify(ctx, s.db, database.Accounts, id, func(r *accountRecord, exists bool) error {
		if !exists {
			return badges.Errorf(badges.ENOTFOUND, "There is no such account.")
		}
		a := r.account(id)
		if err := change(a); err != nil {
			return err
		}
		*r, out = recordOf(a), a
		return nil
	})
	return out, err
}

// Accounts reads every account, oldest first.
func (s *AccountStore) Accounts(ctx context.Context) ([]*badges.Account, error) {
	var all []*badges.Account
	err := database.EachComputed(ctx, s.db, database.Accounts, func(id string, r accountRecord) error {
		all = append(all, r.account(id))
		return nil
	})
	sortAccounts(all)
	return all, err
}

type ownersDoc struct {
	IDs []string `bson:"ids"`
}

// ChangeOwners changes a community's owners atomically (see
// database.Modify). A community with no such document yet counts the
// owners its accounts name.
func (s *AccountStore) ChangeOwners(ctx context.Context, issuerID string, change func([]string) ([]string, error)) error {
	return database.Modify(ctx, s.db, database.Counters, "owners:"+issuerID, func(d *ownersDoc, exists bool) error {
		if !exists {
			all, err := s.Accounts(ctx)
			if err != nil {
				return err
			}
			d.IDs = nil
			for _, a := range all {
				if a.Roles[issuerID] == badges.RoleOwner {
					d.IDs = append(d.IDs, a.ID)
				}
			}
		}
		ids, err := change(d.IDs)
		if err != nil {
			return err
		}
		d.IDs = ids
		return nil
	})
}

type linkRecord struct {
	ID        string    `bson:"_id"` // the token's hash
	Account   string    `bson:"account"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// SaveLink stores a set-password link.
func (s *AccountStore) SaveLink(ctx context.Context, l badges.PasswordLink) error {
	_, err := s.db.Collection(database.AccountLinks).InsertOne(ctx, linkRecord{ID: l.Hash, Account: l.AccountID, ExpiresAt: l.ExpiresAt.UTC()})
	return database.Wrap(err, "store set-password link")
}

// Link reads a set-password link by its token's hash.
func (s *AccountStore) Link(ctx context.Context, hash string) (*badges.PasswordLink, error) {
	var r linkRecord
	err := s.db.Collection(database.AccountLinks).FindOne(ctx, database.ByID(hash)).Decode(&r)
	switch {
	case database.IsNoDocuments(err):
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such link.")
	case err != nil:
		return nil, database.Wrap(err, "read set-password link")
	}
	return &badges.PasswordLink{Hash: r.ID, AccountID: r.Account, ExpiresAt: r.ExpiresAt}, nil
}

// DeleteLink removes a used link.
func (s *AccountStore) DeleteLink(ctx context.Context, hash string) error {
	_, err := s.db.Collection(database.AccountLinks).DeleteOne(ctx, database.ByID(hash))
	return database.Wrap(err, "remove set-password link")
}

// DeleteLinksBefore removes links expired by t: a scan of a small
// collection, in background work.
func (s *AccountStore) DeleteLinksBefore(ctx context.Context, t time.Time) error {
	_, err := s.db.Collection(database.AccountLinks).DeleteMany(ctx,
		bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lte", Value: t.UTC()}}}})
	return database.Wrap(err, "sweep set-password links")
}
