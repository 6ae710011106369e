package verifier

import (
	"sync"
	"time"
)

// cache keeps fetched documents in memory for a while. It is bounded: when
// full, expired entries go first, then the one closest to expiry.
type cache struct {
	mu      sync.Mutex
	max     int
	entries map[string]entry
	now     func() time.Time
}

type entry struct {
	body      []byte
	mediaType string
	expires   time.Time
}

func newCache(max int) *cache {
	return &cache{max: max, entries: make(map[string]entry), now: time.Now}
}

func (c *cache) get(key string) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return entry{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, key)
		return entry{}, false
	}
	return e, true
}

func (c *cache) put(key string, e entry, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e.expires = now.Add(ttl)
	if _, exists := c.entries[key]; !exists && len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[key] = e
}

// evict makes room for one entry. It scans the whole map, which is small and
// bounded, rather than keeping an expiry heap.
func (c *cache) evict(now time.Time) {
	var victim string
	var soonest time.Time
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		if victim == "" || e.expires.Before(soonest) {
			victim, soonest = k, e.expires
		}
	}
	if len(c.entries) >= c.max && victim != "" {
		delete(c.entries, victim)
	}
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
