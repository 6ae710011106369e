package database

import "context"

// ReadKept reads a computed document that a request path reads whole on
// every call (an index of a community's credentials or members), keeping
// it in the cache of computed documents as Modify does. Plain reads
// (ReadComputed) are never kept, so after a restart such a path would
// read every document from the engine on every request until each was
// next changed. On the embedded engine the read is made holding the
// document's lock, like Modify's, so what is kept is what is stored; on
// MongoDB the cache may be stale and is not used (ReadComputed).
func ReadKept[T any](ctx context.Context, db *DB, collection, id string) (doc T, found bool, err error) {
	if !db.docsExact {
		return ReadComputed[T](ctx, db, collection, id)
	}
	if raw, ok := db.docs.get(docKey(db.Name(), collection, id)); ok {
		return decodeKept[T](raw, collection)
	}
	unlock := db.LockDoc(collection, id)
	raw, _, err := db.readComputed(ctx, collection, id, true)
	unlock()
	if err != nil || raw == nil {
		return doc, false, err
	}
	return decodeKept[T](raw, collection)
}

func decodeKept[T any](raw []byte, collection string) (doc T, found bool, err error) {
	if _, doc, err = decodeComputed[T](raw); err != nil {
		return doc, false, Wrap(err, "read "+collection)
	}
	return doc, true, nil
}

// Count is the number of documents of a collection, without reading them
// on the embedded engine (see count in workarounds.go).
func (db *DB) Count(ctx context.Context, collection string) (int64, error) {
	return db.count(ctx, collection)
}
