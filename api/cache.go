package api

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// ttlCache keeps values for a short while, so that a busy public page does
// not read the same records from the database on every request. It is
// bounded: when full it starts afresh. Writes made through this process
// forget the entries they change at once; the lifetime bounds how long a
// change made by another process can go unseen.
type ttlCache[V any] struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	now     func() time.Time
	entries map[string]ttlEntry[V]

	// version, when set, tells whether a key's record changed since it was
	// read; an entry then lasts up to keep while it did not (see versioned).
	version func(key string) (uint64, bool)
	keep    time.Duration
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
	// The record's version when it was read, if exact; the entry may then
	// be used until kept while the version stays.
	version uint64
	exact   bool
	kept    time.Time
}

func newTTLCache[V any](ttl time.Duration, max int) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: max, now: time.Now, entries: make(map[string]ttlEntry[V])}
}

// get returns the value for key, calling load when there is none fresh.
// Concurrent misses may load twice; the loads are reads, so that is
// harmless.
func (c *ttlCache[V]) get(key string, load func() (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && c.fresh(key, e) {
		return e.v, nil
	}
	var fresh ttlEntry[V]
	if c.version != nil {
		// Taken before reading: a write after it changes the version.
		fresh.version, fresh.exact = c.version(key)
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	now := c.now()
	fresh.v, fresh.expires, fresh.kept = v, now.Add(c.ttl), now.Add(c.keep)
	c.mu.Lock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[key] = fresh
	c.mu.Unlock()
	return v, nil
}

// fresh says whether an entry may be used: by its version when that was
// exact, else by its lifetime.
func (c *ttlCache[V]) fresh(key string, e ttlEntry[V]) bool {
	now := c.now()
	if !e.exact {
		return now.Before(e.expires)
	}
	version, exact := c.version(key)
	return exact && version == e.version && now.Before(e.kept)
}

// versioned makes entries last while version says, exactly, that their
// record did not change, up to keep: when this process is the database's
// only writer, nothing else can change it unseen, and a change shows at
// once. Where version is not exact the lifetime rules.
func (c *ttlCache[V]) versioned(version func(key string) (uint64, bool), keep time.Duration) *ttlCache[V] {
	c.version, c.keep = version, keep
	return c
}

// clear forgets every entry.
func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *ttlCache[V]) forget(key string) {
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}

// blob is generated content (an image) and its entity tag.
type blob struct {
	data []byte
	etag string
}

func newBlob(data []byte) blob {
	sum := sha256.Sum256(data)
	return blob{data: data, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// blobCache keeps generated images by a key that names everything they
// are made from, so each is generated once. It is bounded in bytes and
// starts afresh when full.
type blobCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	entries  map[string]blob
}

func newBlobCache(maxBytes int) *blobCache {
	return &blobCache{maxBytes: maxBytes, entries: make(map[string]blob)}
}

// get returns the blob for key, making it when there is none. Concurrent
// misses may make it twice, with the same result.
func (c *blobCache) get(key string, make func() ([]byte, error)) (blob, error) {
	c.mu.Lock()
	b, ok := c.entries[key]
	c.mu.Unlock()
	if ok {
		return b, nil
	}
	data, err := make()
	if err != nil {
		return blob{}, err
	}
	b = newBlob(data)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(data) > c.maxBytes/8 {
		return b, nil // too large to keep
	}
	if c.bytes+len(data) > c.maxBytes {
		clear(c.entries)
		c.bytes = 0
	}
	if _, had := c.entries[key]; !had {
		c.bytes += len(data)
	}
	c.entries[key] = b
	return b, nil
}
