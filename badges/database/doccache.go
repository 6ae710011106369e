package database

import (
	"container/list"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// Bounds of the computed-document cache.
const (
	docCacheBudget  = 64 << 20 // bytes of documents kept, all databases together
	docCacheLargest = 1 << 20  // a larger document is not kept
)

// docCache remembers computed documents (see Modify) as this process last
// read or wrote them, so that changing one does not read it first. A member
// record is read and written for every batch of activity; on the embedded
// engine the read costs about half as much as the write.
//
// A cached copy may be stale on a MongoDB other processes write to; Modify
// finds out when its compare-and-swap on the revision fails, forgets the
// copy and reads the document. On the embedded engine only this process
// writes, and the cache is shared by every connection to the engine, like
// its document locks, so the copy is the document.
//
// Entries are the whole stored document in BSON, never changed once kept;
// the least recently used go when the budget is spent.
//
// Only Modify fills the cache, holding the document's lock, after its write
// succeeded or after reading the document to change it. A reader without
// the lock may have read the document just before a change and finish after
// it, so what it reads is never kept.
type docCache struct {
	mu      sync.Mutex
	budget  int // bytes
	size    int
	entries map[string]*list.Element // by key; values are *cachedDoc
	order   list.List                // most recently used first
}

type cachedDoc struct {
	key string
	raw bson.Raw
}

func newDocCache(budget int) *docCache {
	return &docCache{budget: budget, entries: map[string]*list.Element{}}
}

// docKey is the cache key of a document of a database's collection.
func docKey(database, collection, id string) string {
	return database + "\x00" + collection + "\x00" + id
}

// get returns the document kept under key, if any. The caller must not
// change it.
func (c *docCache) get(key string) (bson.Raw, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cachedDoc).raw, true
}

// put keeps raw under key, replacing what was there. The caller holds the
// document's lock; raw must not be changed afterwards.
func (c *docCache) put(key string, raw bson.Raw) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
	if len(raw) > min(docCacheLargest, c.budget) {
		return
	}
	c.entries[key] = c.order.PushFront(&cachedDoc{key: key, raw: raw})
	c.size += len(raw)
	for c.size > c.budget {
		c.remove(c.order.Back().Value.(*cachedDoc).key)
	}
}

// forget drops the document kept under key.
func (c *docCache) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
}

// forgetDatabase drops every document of a database.
func (c *docCache) forgetDatabase(database string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := database + "\x00"
	for key := range c.entries {
		if strings.HasPrefix(key, prefix) {
			c.remove(key)
		}
	}
}

func (c *docCache) remove(key string) {
	e, ok := c.entries[key]
	if !ok {
		return
	}
	c.size -= len(e.Value.(*cachedDoc).raw)
	c.order.Remove(e)
	delete(c.entries, key)
}
