package api

import (
	"container/list"
	"sync"
	"time"
)

// sizedCache is a ttlCache bounded by the bytes its values hold rather
// than by their number: credentials differ in size by an order of
// magnitude (a long achievement description, embedded images), so a
// bound on their number bounds no memory. When the budget is spent the
// least recently used entries go, so a steady set of popular pages that
// fits stays cached instead of being dropped all at once.
type sizedCache[V any] struct {
	mu       sync.Mutex
	ttl      time.Duration
	maxBytes int
	bytes    int
	size     func(V) int // bytes a value holds, its own and what it points to
	now      func() time.Time
	entries  map[string]*list.Element // values are *sizedEntry[V]
	order    list.List                // most recently used first
}

type sizedEntry[V any] struct {
	key     string
	v       V
	size    int
	expires time.Time
}

func newSizedCache[V any](ttl time.Duration, maxBytes int, size func(V) int) *sizedCache[V] {
	return &sizedCache[V]{ttl: ttl, maxBytes: maxBytes, size: size, now: time.Now, entries: make(map[string]*list.Element)}
}

// get returns the value for key, calling load when there is none fresh.
// Concurrent misses may load twice; the loads are reads, so that is
// harmless.
func (c *sizedCache[V]) get(key string, load func() (V, error)) (V, error) {
	if v, ok := c.fresh(key); ok {
		return v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.put(key, v)
	return v, nil
}

func (c *sizedCache[V]) fresh(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		var zero V
		return zero, false
	}
	se := e.Value.(*sizedEntry[V])
	if !c.now().Before(se.expires) {
		c.remove(e)
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return se.v, true
}

// put keeps v under key, making room by dropping the least recently used
// entries. A value larger than an eighth of the budget is not kept, so
// that one large record cannot empty the cache.
func (c *sizedCache[V]) put(key string, v V) {
	n := c.size(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.remove(e)
	}
	if n > c.maxBytes/8 {
		return
	}
	for c.bytes+n > c.maxBytes {
		c.remove(c.order.Back())
	}
	c.entries[key] = c.order.PushFront(&sizedEntry[V]{key: key, v: v, size: n, expires: c.now().Add(c.ttl)})
	c.bytes += n
}

func (c *sizedCache[V]) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.remove(e)
	}
}

// remove drops one entry; the caller holds the lock.
func (c *sizedCache[V]) remove(e *list.Element) {
	se := c.order.Remove(e).(*sizedEntry[V])
	delete(c.entries, se.key)
	c.bytes -= se.size
}
