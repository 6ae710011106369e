package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

type apiKeyRecord struct {
	ID         string    `bson:"_id"`
	Name       string    `bson:"name"`
	Scopes     []string  `bson:"scopes"`
	SecretHash []byte    `bson:"secretHash"`
	CreatedAt  time.Time `bson:"createdAt"`
	LastUsedAt time.Time `bson:"lastUsedAt,omitempty"`
	RevokedAt  time.Time `bson:"revokedAt,omitempty"`
}

func (r *apiKeyRecord) key() *badges.APIKey {
	k := &badges.APIKey{ID: r.ID, Name: r.Name, SecretHash: r.SecretHash, CreatedAt: r.CreatedAt,
		LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
	for _, s := range r.Scopes {
		k.Scopes = append(k.Scopes, badges.Scope(s))
	}
	return k
}

// APIKeyService stores API keys. Keys are few, so lists read them whole.
type APIKeyService struct{ db *database.DB }

var _ badges.APIKeyService = (*APIKeyService)(nil)

// NewAPIKeyService returns the API key service of db.
func NewAPIKeyService(db *database.DB) *APIKeyService { return &APIKeyService{db: db} }

// CreateAPIKey stores a new key.
func (s *APIKeyService) CreateAPIKey(ctx context.Context, k *badges.APIKey) error {
	r := apiKeyRecord{ID: k.ID, Name: k.Name, SecretHash: k.SecretHash, CreatedAt: k.CreatedAt}
	for _, sc := range k.Scopes {
		r.Scopes = append(r.Scopes, string(sc))
	}
	_, err := s.db.Collection(database.APIKeys).InsertOne(ctx, r)
	return database.Wrap(err, "store API key")
}

// APIKey returns one key, revoked or not.
func (s *APIKeyService) APIKey(ctx context.Context, id string) (*badges.APIKey, error) {
	var r apiKeyRecord
	if err := s.db.Collection(database.APIKeys).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "No API key with id %q.", id)
		}
		return nil, database.Wrap(err, "read API key")
	}
	return r.key(), nil
}

func (s *APIKeyService) all(ctx context.Context) ([]*badges.APIKey, error) {
	recs, err := database.FindAll[apiKeyRecord](ctx, s.db.Collection(database.APIKeys), bson.D{}, "list API keys")
	if err != nil {
		return nil, err
	}
	keys := make([]*badges.APIKey, len(recs))
	for i := range recs {
		keys[i] = recs[i].key()
	}
	return keys, nil
}

// APIKeys lists keys, oldest first.
func (s *APIKeyService) APIKeys(ctx context.Context, o badges.ListOptions) (*badges.Page[*badges.APIKey], error) {
	keys, err := s.all(ctx)
	if err != nil {
		return nil, err
	}
	return badges.Paginate(keys, func(k *badges.APIKey) string { return badges.SortKey(k.CreatedAt, k.ID) }, o)
}

// RevokeAPIKey revokes a key, unless it is the last active admin key: that
// would lock every administrator out.
func (s *APIKeyService) RevokeAPIKey(ctx context.Context, id string) error {
	k, err := s.APIKey(ctx, id)
	if err != nil {
		return err
	}
	if !k.Active() {
		return badges.Errorf(badges.ECONFLICT, "API key %s is already revoked.", id)
	}
	if k.Allows(badges.ScopeAdmin) {
		keys, err := s.all(ctx)
		if err != nil {
			return err
		}
		admins := 0
		for _, o := range keys {
			if o.Allows(badges.ScopeAdmin) {
				admins++
			}
		}
		if admins <= 1 {
			return badges.Errorf(badges.ECONFLICT, "API key %s is the last active admin key; create another admin key first.", id)
		}
	}
	defer s.db.LockDoc(database.APIKeys, id)()
	_, err = s.db.Collection(database.APIKeys).UpdateOne(ctx, database.ByID(id), bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: s.db.Now()}}}})
	return database.Wrap(err, "revoke API key")
}

// TouchAPIKey records a use of a key.
func (s *APIKeyService) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	defer s.db.LockDoc(database.APIKeys, id)()
	_, err := s.db.Collection(database.APIKeys).UpdateOne(ctx, database.ByID(id), bson.D{{Key: "$set", Value: bson.D{{Key: "lastUsedAt", Value: at.UTC().Truncate(time.Millisecond)}}}})
	return database.Wrap(err, "record API key use")
}

// bootstrapKey marks that the first admin key was made, so that it is made
// once per database even with several processes starting together.
const bootstrapKey = "bootstrap:admin-api-key"

// BootstrapAPIKey creates the first admin key once and returns its token;
// afterwards it returns "".
func (s *APIKeyService) BootstrapAPIKey(ctx context.Context) (string, error) {
	k, token, err := badges.NewAPIKey("bootstrap admin", []badges.Scope{badges.ScopeAdmin}, s.db.Now())
	if err != nil {
		return "", err
	}
	holder, err := s.db.ClaimKey(ctx, bootstrapKey, k.ID, func(string) (bool, error) { return true, nil })
	if err != nil || holder != "" {
		return "", err
	}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		_ = s.db.DropKey(context.WithoutCancel(ctx), bootstrapKey)
		return "", err
	}
	return token, nil
}
