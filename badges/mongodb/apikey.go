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

// CreateAPIKey stores a new key. An admin key is counted among the active
// admin keys once it is stored (see badges.AdminKeys).
func (s *APIKeyService) CreateAPIKey(ctx context.Context, k *badges.APIKey) error {
	r := apiKeyRecord{ID: k.ID, Name: k.Name, SecretHash: k.SecretHash, CreatedAt: k.CreatedAt}
	for _, sc := range k.Scopes {
		r.Scopes = append(r.Scopes, string(sc))
	}
	if _, err := s.db.Collection(database.APIKeys).InsertOne(ctx, r); err != nil {
		return database.Wrap(err, "store API key")
	}
	if !k.Allows(badges.ScopeAdmin) {
		return nil
	}
	err := s.changeAdmins(ctx, func(a *badges.AdminKeys) error {
		a.Add(k.ID)
		return nil
	})
	if err != nil {
		// Nobody has the token of a key not created: remove it.
		_, _ = s.db.Collection(database.APIKeys).DeleteOne(context.WithoutCancel(ctx), database.ByID(k.ID))
	}
	return err
}

// APIKey returns one key, revoked or not.
func (s *APIKeyService) APIKey(ctx context.Context, id string) (*badges.APIKey, error) {
	if !badges.ValidID(id) {
		return nil, notFoundAPIKey(id)
	}
	var r apiKeyRecord
	if err := s.db.Collection(database.APIKeys).FindOne(ctx, database.ByID(id)).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFoundAPIKey(id)
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

func notFoundAPIKey(id string) error {
	return badges.Errorf(badges.ENOTFOUND, "No API key with id %q.", id)
}

func alreadyRevoked(id string) error {
	return badges.Errorf(badges.ECONFLICT, "API key %s is already revoked.", id)
}

// RevokeAPIKey revokes a key, unless it is the last active admin key: that
// would lock every administrator out. An admin key is uncounted first,
// atomically with the check that another one is left, and then marked
// revoked.
func (s *APIKeyService) RevokeAPIKey(ctx context.Context, id string) error {
	k, err := s.APIKey(ctx, id)
	if err != nil {
		return err
	}
	if !k.Active() {
		return alreadyRevoked(id)
	}
	if k.Allows(badges.ScopeAdmin) {
		if err := s.changeAdmins(ctx, func(a *badges.AdminKeys) error { return a.Remove(id) }); err != nil {
			return err
		}
	}
	return s.markRevoked(ctx, id)
}

// markRevoked sets a key's revocation time unless another request did.
func (s *APIKeyService) markRevoked(ctx context.Context, id string) error {
	defer s.db.LockDoc(database.APIKeys, id)()
	k, err := s.APIKey(ctx, id)
	if err != nil {
		return err
	}
	if !k.Active() {
		return alreadyRevoked(id)
	}
	notRevoked := bson.E{Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}
	res, err := s.db.Collection(database.APIKeys).UpdateOne(ctx, s.db.Guarded(id, notRevoked),
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: s.db.Now()}}}})
	if err != nil {
		return database.Wrap(err, "revoke API key")
	}
	if res.MatchedCount == 0 {
		return alreadyRevoked(id)
	}
	return nil
}

// adminKeysID names the computed document, in the counters collection,
// that holds the active admin keys (badges.AdminKeys).
const adminKeysID = "apikeys:admins"

type adminKeysDoc struct {
	IDs []string `bson:"ids"`
}

// changeAdmins changes the set of active admin keys atomically (see
// database.Modify). A database that has none yet, made before it existed,
// counts the active admin keys it holds.
func (s *APIKeyService) changeAdmins(ctx context.Context, change func(*badges.AdminKeys) error) error {
	return database.Modify(ctx, s.db, database.Counters, adminKeysID, func(d *adminKeysDoc, exists bool) error {
		a := badges.AdminKeys{IDs: d.IDs}
		if !exists {
			keys, err := s.all(ctx)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if k.Allows(badges.ScopeAdmin) {
					a.Add(k.ID)
				}
			}
		}
		if err := change(&a); err != nil {
			return err
		}
		d.IDs = a.IDs
		return nil
	})
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
// afterwards it returns "". A claim whose key was never stored (a crash in
// between) is taken over once stale, so that a start after such a crash
// still prints an admin key.
func (s *APIKeyService) BootstrapAPIKey(ctx context.Context) (string, error) {
	k, token, err := badges.NewAPIKey("bootstrap admin", []badges.Scope{badges.ScopeAdmin}, s.db.Now())
	if err != nil {
		return "", err
	}
	holder, err := s.db.ClaimKey(ctx, bootstrapKey, k.ID, s.keyExists(ctx))
	if err != nil || holder != "" {
		return "", err
	}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		_ = s.db.ReleaseKey(context.WithoutCancel(ctx), bootstrapKey, k.ID)
		return "", err
	}
	return token, nil
}

// keyExists reports whether the API key holding a claim was stored.
func (s *APIKeyService) keyExists(ctx context.Context) func(id string) (bool, error) {
	return func(id string) (bool, error) {
		_, err := s.APIKey(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			return false, nil
		}
		return err == nil, err
	}
}
