package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

// WalletStore keeps the OID4VCI flow's state in one collection, each
// document by its kind and the hash of its secret: "code:<hash>" for a
// pre-authorized code, "token:<hash>" for an access token, "nonce:<hash>"
// for a spent nonce. Every request reads and writes by exact _id; only
// the hourly sweep reads the collection whole.
type WalletStore struct{ db *database.DB }

var _ issuer.WalletStore = (*WalletStore)(nil)

// NewWalletStore returns the store of db.
func NewWalletStore(db *database.DB) *WalletStore { return &WalletStore{db: db} }

type walletRecord struct {
	ID         string    `bson:"_id"`
	Credential string    `bson:"credential,omitempty"`
	TxCode     string    `bson:"txCode,omitempty"`
	Attempts   int       `bson:"attempts"`
	ExpiresAt  time.Time `bson:"expiresAt"`
}

func (r *walletRecord) grant(hash string) *issuer.WalletGrant {
	return &issuer.WalletGrant{Hash: hash, CredentialID: r.Credential, TxCodeHash: r.TxCode, Attempts: r.Attempts, ExpiresAt: r.ExpiresAt}
}

func grantID(hash string) string { return "code:" + hash }

// SaveWalletGrant stores a new pre-authorized code.
func (s *WalletStore) SaveWalletGrant(ctx context.Context, g *issuer.WalletGrant) error {
	_, err := s.coll().InsertOne(ctx, walletRecord{ID: grantID(g.Hash), Credential: g.CredentialID, TxCode: g.TxCodeHash,
		Attempts: g.Attempts, ExpiresAt: g.ExpiresAt.UTC()})
	return database.Wrap(err, "store pre-authorized code")
}

// WalletGrant reads a pre-authorized code.
func (s *WalletStore) WalletGrant(ctx context.Context, hash string) (*issuer.WalletGrant, error) {
	r, err := s.read(ctx, grantID(hash), "pre-authorized code")
	if err != nil {
		return nil, err
	}
	return r.grant(hash), nil
}

// CountWalletGrantAttempt adds one to a code's attempts in one atomic
// update (under the document's lock on the embedded engine, whose $inc is
// not atomic) and returns the code as counted.
func (s *WalletStore) CountWalletGrantAttempt(ctx context.Context, hash string) (*issuer.WalletGrant, error) {
	id := grantID(hash)
	defer s.db.LockDoc(database.OID4VCI, id)()
	var r walletRecord
	err := s.coll().FindOneAndUpdate(ctx, database.ByID(id), bson.D{{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&r)
	if database.IsNoDocuments(err) {
		return nil, noWalletState("pre-authorized code")
	}
	if err != nil {
		return nil, database.Wrap(err, "count a transaction code")
	}
	return r.grant(hash), nil
}

// TakeWalletGrant reads a code and removes it: the delete decides who
// took it.
func (s *WalletStore) TakeWalletGrant(ctx context.Context, hash string) (*issuer.WalletGrant, error) {
	id := grantID(hash)
	defer s.db.LockDoc(database.OID4VCI, id)()
	r, err := s.read(ctx, id, "pre-authorized code")
	if err != nil {
		return nil, err
	}
	res, err := s.coll().DeleteOne(ctx, database.ByID(id))
	if err != nil {
		return nil, database.Wrap(err, "use pre-authorized code")
	}
	if res.DeletedCount != 1 {
		return nil, noWalletState("pre-authorized code")
	}
	return r.grant(hash), nil
}

// SaveWalletAccess stores a new access token.
func (s *WalletStore) SaveWalletAccess(ctx context.Context, a *issuer.WalletAccess) error {
	_, err := s.coll().InsertOne(ctx, walletRecord{ID: "token:" + a.Hash, Credential: a.CredentialID, ExpiresAt: a.ExpiresAt.UTC()})
	return database.Wrap(err, "store access token")
}

// WalletAccess reads an access token.
func (s *WalletStore) WalletAccess(ctx context.Context, hash string) (*issuer.WalletAccess, error) {
	r, err := s.read(ctx, "token:"+hash, "access token")
	if err != nil {
		return nil, err
	}
	return &issuer.WalletAccess{Hash: hash, CredentialID: r.Credential, ExpiresAt: r.ExpiresAt}, nil
}

// SpendNonce inserts the nonce's document: the insert is the check that
// it was not spent before.
func (s *WalletStore) SpendNonce(ctx context.Context, hash string, expiresAt time.Time) error {
	_, err := s.coll().InsertOne(ctx, walletRecord{ID: "nonce:" + hash, ExpiresAt: expiresAt.UTC()})
	if database.IsDuplicate(err) {
		return badges.Errorf(badges.ECONFLICT, "This nonce was used already.")
	}
	return database.Wrap(err, "spend nonce")
}

// DeleteWalletStateBefore removes codes, tokens and spent nonces that
// expired before t (a spent nonce past its expiry fails as expired).
func (s *WalletStore) DeleteWalletStateBefore(ctx context.Context, t time.Time) error {
	_, err := s.coll().DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: t.UTC()}}}})
	return database.Wrap(err, "sweep wallet codes")
}

func (s *WalletStore) coll() *mongo.Collection { return s.db.Collection(database.OID4VCI) }

func (s *WalletStore) read(ctx context.Context, id, what string) (*walletRecord, error) {
	var r walletRecord
	err := s.coll().FindOne(ctx, database.ByID(id)).Decode(&r)
	if database.IsNoDocuments(err) {
		return nil, noWalletState(what)
	}
	if err != nil {
		return nil, database.Wrap(err, "read "+what)
	}
	return &r, nil
}

func noWalletState(what string) error {
	return badges.Errorf(badges.ENOTFOUND, "There is no such %s.", what)
}
