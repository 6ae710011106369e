package badges

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"slices"
	"strings"
	"time"
)

// Scope is what an API key may do.
type Scope string

// Scopes. Admin may do everything; read may make GET requests; ingest may
// record activity.
const (
	ScopeAdmin  Scope = "admin"
	ScopeIngest Scope = "ingest"
	ScopeRead   Scope = "read"
)

// APIKey is a bearer credential for the HTTP API. Only a hash of its secret
// is stored; the token itself is shown once, when the key is made.
type APIKey struct {
	ID         string
	Name       string
	Scopes     []Scope
	SecretHash []byte // SHA-256 of the secret: secrets are random, so no slow hash is needed
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	RevokedAt  time.Time // zero while active
}

// APIKeyService stores API keys.
type APIKeyService interface {
	CreateAPIKey(ctx context.Context, k *APIKey) error
	APIKey(ctx context.Context, id string) (*APIKey, error)
	APIKeys(ctx context.Context, o ListOptions) (*Page[*APIKey], error)
	// RevokeAPIKey refuses to revoke the last active admin key, and a key
	// that is revoked already.
	RevokeAPIKey(ctx context.Context, id string) error
	// TouchAPIKey records that a key was used.
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
	// BootstrapAPIKey creates the first admin key exactly once in the life of
	// a database, returning its token; later calls return "".
	BootstrapAPIKey(ctx context.Context) (string, error)
}

const tokenPrefix = "lrl_"

// NewAPIKey makes a key and returns it with its token, which the caller
// shows once.
func NewAPIKey(name string, scopes []Scope, now time.Time) (*APIKey, string, error) {
	name, err := CheckText("name", name, true, 100)
	if err != nil {
		return nil, "", err
	}
	if len(scopes) == 0 {
		return nil, "", FieldErrorf("scopes", "at least one scope is needed: admin, ingest or read")
	}
	var clean []Scope
	for _, s := range scopes {
		if s != ScopeAdmin && s != ScopeIngest && s != ScopeRead {
			return nil, "", FieldErrorf("scopes", "unknown scope %q; scopes are admin, ingest and read", s)
		}
		if !slices.Contains(clean, s) {
			clean = append(clean, s)
		}
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	enc := base64.RawURLEncoding.EncodeToString(secret[:])
	k := &APIKey{ID: NewID(), Name: name, Scopes: clean, SecretHash: hashSecret(enc), CreatedAt: now.UTC()}
	return k, tokenPrefix + k.ID + "_" + enc, nil
}

func hashSecret(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// ParseToken splits a token into key id and secret.
func ParseToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return "", "", false
	}
	id, secret, ok = strings.Cut(rest, "_")
	if !ok || !ValidID(id) || len(secret) != 43 {
		return "", "", false
	}
	return id, secret, true
}

// Matches reports, in constant time, whether secret belongs to the key.
func (k *APIKey) Matches(secret string) bool {
	return subtle.ConstantTimeCompare(k.SecretHash, hashSecret(secret)) == 1
}

// Active reports whether the key has not been revoked.
func (k *APIKey) Active() bool { return k.RevokedAt.IsZero() }

// Allows reports whether the key grants scope s.
func (k *APIKey) Allows(s Scope) bool {
	return k.Active() && (slices.Contains(k.Scopes, ScopeAdmin) || slices.Contains(k.Scopes, s))
}

// AdminKeys counts the active admin keys, so that the last one is never
// revoked: every Laurel process checks and changes this one set atomically,
// and two revocations of the last two admin keys at once cannot both pass.
// A key is counted once it is stored and uncounted before it is revoked, so
// every key counted is active; a crash between the two steps leaves a key
// uncounted, which can only make a later revocation be refused.
type AdminKeys struct {
	IDs []string
}

// Add counts an active admin key.
func (a *AdminKeys) Add(id string) {
	if !slices.Contains(a.IDs, id) {
		a.IDs = append(a.IDs, id)
	}
}

// Remove uncounts an admin key that is about to be revoked, refusing when
// no counted admin key would be left.
func (a *AdminKeys) Remove(id string) error {
	i := slices.Index(a.IDs, id)
	left := len(a.IDs)
	if i >= 0 {
		left--
	}
	if left == 0 {
		return Errorf(ECONFLICT, "API key %s is the last active admin key; create another admin key first.", id)
	}
	if i >= 0 {
		a.IDs = slices.Delete(a.IDs, i, i+1)
	}
	return nil
}
