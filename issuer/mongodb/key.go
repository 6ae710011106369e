package mongodb

import (
	"context"
	"crypto/x509"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

type keyRecord struct {
	ID         string    `bson:"_id"` // <issuer>/<key id>
	Issuer     string    `bson:"issuer"`
	KeyID      string    `bson:"kid"`
	Use        string    `bson:"use"`
	Generation int       `bson:"generation"`
	Alg        string    `bson:"alg"`
	Public     []byte    `bson:"public"` // PKIX DER
	Sealed     []byte    `bson:"sealed"` // sealed PKCS #8; never leaves the store unsealed
	CreatedAt  time.Time `bson:"createdAt"`
}

func (r *keyRecord) key() (*issuer.Key, error) {
	pub, err := x509.ParsePKIXPublicKey(r.Public)
	if err != nil {
		return nil, err
	}
	return &issuer.Key{ID: r.KeyID, IssuerID: r.Issuer, Use: issuer.KeyUse(r.Use), Generation: r.Generation,
		Alg: r.Alg, CreatedAt: r.CreatedAt, Public: pub, Sealed: r.Sealed}, nil
}

// KeyStore keeps issuers' keys, private halves sealed. An issuer has few
// keys, so its list is read by scanning the small keys collection.
type KeyStore struct{ db *database.DB }

var _ issuer.KeyStore = (*KeyStore)(nil)

// NewKeyStore returns the key store of db.
func NewKeyStore(db *database.DB) *KeyStore { return &KeyStore{db: db} }

// CreateKey stores a key; inserting by its id is what makes two processes
// generating the same generation safe.
func (s *KeyStore) CreateKey(ctx context.Context, k *issuer.Key) error {
	pub, err := x509.MarshalPKIXPublicKey(k.Public)
	if err != nil {
		return err
	}
	r := keyRecord{ID: k.IssuerID + "/" + k.ID, Issuer: k.IssuerID, KeyID: k.ID, Use: string(k.Use),
		Generation: k.Generation, Alg: k.Alg, Public: pub, Sealed: k.Sealed, CreatedAt: k.CreatedAt}
	if _, err := s.db.Collection(database.Keys).InsertOne(ctx, r); err != nil {
		if database.IsDuplicate(err) {
			return badges.Errorf(badges.ECONFLICT, "Key %s of issuer %s exists already.", k.ID, k.IssuerID)
		}
		return database.Wrap(err, "store key")
	}
	return nil
}

// Keys returns all keys of an issuer, or of every issuer for "".
func (s *KeyStore) Keys(ctx context.Context, issuerID string) ([]*issuer.Key, error) {
	filter := bson.D{}
	if issuerID != "" {
		filter = bson.D{{Key: "issuer", Value: issuerID}}
	}
	recs, err := database.FindAll[keyRecord](ctx, s.db.Collection(database.Keys), filter, "list keys")
	if err != nil {
		return nil, err
	}
	keys := make([]*issuer.Key, 0, len(recs))
	for i := range recs {
		k, err := recs[i].key()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Key returns one key.
func (s *KeyStore) Key(ctx context.Context, issuerID, id string) (*issuer.Key, error) {
	var r keyRecord
	if err := s.db.Collection(database.Keys).FindOne(ctx, bson.D{{Key: "_id", Value: issuerID + "/" + id}}).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "Issuer %s has no key %q.", issuerID, id)
		}
		return nil, database.Wrap(err, "read key")
	}
	return r.key()
}

// KeyFromDocument reads a key as the keys collection stores it, for a
// check of an exported database's keys before they are imported.
func KeyFromDocument(raw bson.Raw) (*issuer.Key, error) {
	var r keyRecord
	if err := bson.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return r.key()
}
