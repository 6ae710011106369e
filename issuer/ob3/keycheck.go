package ob3

import (
	"crypto/ed25519"
	"crypto/sha256"
	"sync"
)

// maxCheckedKeys bounds the signing keys whose consistency is remembered.
const maxCheckedKeys = 1024

// checkedKeys remembers the Ed25519 private keys found consistent (public
// half derived from the seed), by a hash of the key, so that checking costs
// one scalar multiplication per key rather than one per signature, half the
// cost of the signature itself. Safe for concurrent use.
type checkedKeys struct {
	mu sync.RWMutex
	ok map[[sha256.Size]byte]struct{}
}

func newCheckedKeys() *checkedKeys {
	return &checkedKeys{ok: make(map[[sha256.Size]byte]struct{})}
}

// consistent reports whether key's public half is the one its seed gives.
func (c *checkedKeys) consistent(key ed25519.PrivateKey) bool {
	sum := sha256.Sum256(key)
	c.mu.RLock()
	_, seen := c.ok[sum]
	c.mu.RUnlock()
	if seen {
		return true
	}
	if !ed25519.NewKeyFromSeed(key.Seed()).Equal(key) {
		return false
	}
	c.mu.Lock()
	if len(c.ok) < maxCheckedKeys {
		c.ok[sum] = struct{}{}
	}
	c.mu.Unlock()
	return true
}
