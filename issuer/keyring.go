package issuer

import (
	"context"
	"crypto"
	"fmt"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/laurel-badges/laurel/badges"
)

// keyCacheTTL bounds how long a process signs with keys it loaded; another
// process's rotation is seen within it. Old keys stay valid, so signing
// with one a little longer is harmless.
const keyCacheTTL = time.Minute

// SigningKey is a key with its private half opened.
type SigningKey struct {
	*Key
	Signer crypto.Signer
	JWK    jwk.Key // the private key as JWS signing wants it
}

// IssuerKeys are the keys an issuer signs with now.
type IssuerKeys struct {
	DataIntegrity SigningKey
	JWT           SigningKey
	loaded        time.Time
}

// Keyring creates, rotates and opens issuers' signing keys, keeping opened
// keys in memory for a short while so that issuing does not decrypt keys
// for every credential.
type Keyring struct {
	store  KeyStore
	sealer *Sealer
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]*IssuerKeys
}

// NewKeyring returns a keyring over a store.
func NewKeyring(store KeyStore, sealer *Sealer) *Keyring {
	return &Keyring{store: store, sealer: sealer, now: time.Now, cache: map[string]*IssuerKeys{}}
}

// Active returns the issuer's current keys, generating them on first use
// and making a new JWT key when the issuer chose another algorithm.
func (r *Keyring) Active(ctx context.Context, issuerID, jwtAlg string) (*IssuerKeys, error) {
	if jwtAlg == "" {
		jwtAlg = AlgRS256
	}
	r.mu.Lock()
	k := r.cache[issuerID]
	r.mu.Unlock()
	if k != nil && r.now().Sub(k.loaded) < keyCacheTTL && k.JWT.Alg == jwtAlg {
		return k, nil
	}
	for attempt := 0; ; attempt++ {
		keys, err := r.store.Keys(ctx, issuerID)
		if err != nil {
			return nil, err
		}
		di, jwt := Newest(keys, UseDataIntegrity), Newest(keys, UseJWT)
		switch {
		case di == nil:
			err = r.generate(ctx, issuerID, UseDataIntegrity, 1, AlgEdDSA)
		case jwt == nil:
			err = r.generate(ctx, issuerID, UseJWT, 1, jwtAlg)
		case jwt.Alg != jwtAlg:
			err = r.generate(ctx, issuerID, UseJWT, jwt.Generation+1, jwtAlg)
		default:
			return r.open(issuerID, di, jwt)
		}
		// A conflict means another request generated the same key first:
		// read again and use theirs.
		if err != nil && (badges.ErrorCode(err) != badges.ECONFLICT || attempt > 3) {
			return nil, err
		}
	}
}

func (r *Keyring) generate(ctx context.Context, issuerID string, use KeyUse, gen int, alg string) error {
	k, _, err := GenerateKey(issuerID, use, gen, alg, r.sealer, r.now())
	if err != nil {
		return err
	}
	return r.store.CreateKey(ctx, k)
}

func (r *Keyring) open(issuerID string, di, jwt *Key) (*IssuerKeys, error) {
	ik := &IssuerKeys{loaded: r.now()}
	for _, p := range []struct {
		dst *SigningKey
		key *Key
	}{{&ik.DataIntegrity, di}, {&ik.JWT, jwt}} {
		s, err := p.key.Signer(r.sealer)
		if err != nil {
			return nil, err
		}
		j, err := jwk.FromRaw(s)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", p.key.ID, err)
		}
		*p.dst = SigningKey{Key: p.key, Signer: s, JWK: j}
	}
	r.mu.Lock()
	r.cache[issuerID] = ik
	r.mu.Unlock()
	return ik, nil
}

// Rotate makes a new generation of both of an issuer's keys; the old ones
// stay published for the credentials they signed. Each key is added by
// inserting the next generation, which fails when a concurrent rotation
// took it; the rotation then reads again and takes the one after. So
// rotations racing on one issuer each add one key of each use, as if run
// one after the other.
//
// The new Data Integrity key is published, and may sign, as soon as it is
// stored, so its JWT pair is added even if the caller stops waiting
// meanwhile: a cancelled request does not stop a rotation half-way. Only a
// storage failure between the two keys can, and then the new Data
// Integrity key signs beside the previous JWT key, both published, until a
// rotation adds one of each again.
func (r *Keyring) Rotate(ctx context.Context, issuerID, jwtAlg string) ([]*Key, error) {
	if jwtAlg == "" {
		jwtAlg = AlgRS256
	}
	if err := r.addGeneration(ctx, issuerID, UseDataIntegrity, AlgEdDSA); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pairTimeout)
	defer cancel()
	if err := r.addGeneration(ctx, issuerID, UseJWT, jwtAlg); err != nil {
		return nil, err
	}
	r.mu.Lock()
	delete(r.cache, issuerID)
	r.mu.Unlock()
	return r.Keys(ctx, issuerID)
}

// pairTimeout bounds the second half of a rotation, which goes on when
// its caller stops waiting.
const pairTimeout = 30 * time.Second

// maxRotationAttempts bounds how often one rotation yields a generation
// to concurrent ones before it gives up with a conflict.
const maxRotationAttempts = 32

// addGeneration stores a new key of one use and algorithm as the
// generation after the newest, reading again whenever another process
// stored that one first.
func (r *Keyring) addGeneration(ctx context.Context, issuerID string, use KeyUse, alg string) error {
	priv, err := newPrivateKey(alg)
	if err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		keys, err := r.store.Keys(ctx, issuerID)
		if err != nil {
			return err
		}
		gen := 1
		if k := Newest(keys, use); k != nil {
			gen = k.Generation + 1
		}
		k, err := sealKey(priv, issuerID, use, gen, alg, r.sealer, r.now())
		if err != nil {
			return err
		}
		err = r.store.CreateKey(ctx, k)
		if badges.ErrorCode(err) != badges.ECONFLICT || attempt == maxRotationAttempts {
			return err
		}
	}
}

// Keys lists an issuer's public keys, newest first per use.
func (r *Keyring) Keys(ctx context.Context, issuerID string) ([]*Key, error) {
	keys, err := r.store.Keys(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	SortKeys(keys)
	return keys, nil
}

// Key returns one public key.
func (r *Keyring) Key(ctx context.Context, issuerID, id string) (*Key, error) {
	return r.store.Key(ctx, issuerID, id)
}
