package database

import (
	"hash/maphash"
	"sync/atomic"
)

// changeBuckets is how many counters changes keeps. Documents share a
// counter when their names hash alike, which costs a needless read now
// and then, never a stale one.
const changeBuckets = 4096

// changes counts the writes of documents for caches that keep a document
// until it changes (see Version). Only the embedded engine has one: only
// this process writes it.
type changes struct {
	seed    maphash.Seed
	buckets [changeBuckets]atomic.Uint64
}

func newChanges() *changes { return &changes{seed: maphash.MakeSeed()} }

func (c *changes) bucket(collection, id string) *atomic.Uint64 {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(collection)
	h.WriteByte(0)
	h.WriteString(id)
	return &c.buckets[h.Sum64()%changeBuckets]
}

// Changed records that a document was written or deleted. Call it after
// the write: a reader that took the Version before reading then sees a
// new one.
func (db *DB) Changed(collection, id string) {
	if db.changes != nil {
		db.changes.bucket(collection, id).Add(1)
	}
}

// Version is a number that changes whenever the document is written
// through Changed. exact is false unless this process writes the database
// alone (the embedded engine): then a reader may keep what it read for as
// long as the version stays the same, provided it took the version before
// reading. Otherwise another process may write at any time, and the
// version says nothing.
func (db *DB) Version(collection, id string) (version uint64, exact bool) {
	if db.changes == nil {
		return 0, false
	}
	return db.changes.bucket(collection, id).Load(), true
}
