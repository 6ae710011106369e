package database

import "go.mongodb.org/mongo-driver/bson"

// A read-check-write of one document (is it still unrevoked, is it still
// the revision that was read) stays correct with several Laurel processes
// on one MongoDB when the write repeats the check in its filter: MongoDB
// applies filter and update atomically, and a write whose check no longer
// holds matches nothing. The embedded engine evaluates such a filter in Go
// after reading the whole collection, and not atomically (see
// workarounds.go, 4); there the caller holds the document's lock (LockDoc)
// across the read, the check and the write, and the filter is the exact
// _id, the only one the engine reads by index.

// Guarded is the filter of a conditional write of document id: the exact
// _id and cond on MongoDB, the exact _id alone on the embedded engine,
// where the caller holds the document's lock and has checked cond on what
// it read.
func (db *DB) Guarded(id string, cond ...bson.E) bson.D {
	if db.locks != nil {
		return ByID(id)
	}
	return append(ByID(id), cond...)
}

// AtRev is the filter of a compare-and-swap on a document's rev field,
// which counts its writes: it matches only the revision that was read. A
// rev of 0 matches a document stored without one.
func (db *DB) AtRev(id string, rev int64) bson.D {
	var v any = rev
	if rev == 0 {
		v = nil // null matches the missing field
	}
	return db.Guarded(id, bson.E{Key: "rev", Value: v})
}
