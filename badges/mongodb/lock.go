package mongodb

import (
	"hash/fnv"
	"sync"
)

// docLocks serialise updates to one document within this process.
//
// The embedded engine applies every update — $inc, $push, $set, or a
// replace with a filter beyond _id — by reading the document, changing it
// in Go and writing it back, with no lock: concurrent updates of one
// document are lost (measured: 100 concurrent $inc of one counter left it
// at 10). Only this process uses its embedded engine, so a lock here makes
// those updates atomic. Real MongoDB applies them atomically itself, and
// then no lock is taken, so several Laurel processes can share it.
type docLocks struct {
	stripes [256]sync.Mutex
}

func (l *docLocks) lock(collection, id string) func() {
	h := fnv.New32a()
	h.Write([]byte(collection))
	h.Write([]byte{0})
	h.Write([]byte(id))
	m := &l.stripes[h.Sum32()%uint32(len(l.stripes))]
	m.Lock()
	return m.Unlock
}

// LockDoc makes an update of one document atomic on the embedded engine
// and returns the unlock function; with an external MongoDB it does
// nothing. Hold it across the update (and, for a conditional update, the
// read it depends on).
func (db *DB) LockDoc(collection, id string) (unlock func()) {
	if db.locks == nil {
		return func() {}
	}
	return db.locks.lock(collection, id)
}
