package database

// Cached reports whether a computed document is in the cache, for tests.
func Cached(db *DB, collection, id string) bool {
	_, ok := db.docs.get(docKey(db.Name(), collection, id))
	return ok
}

// ForgetCached empties the cache of db's database, for benchmarks that
// measure without it.
func ForgetCached(db *DB) { db.docs.forgetDatabase(db.Name()) }

// AsAnotherProcess returns a handle on db's connection with what another
// process on a MongoDB server would have: a document cache of its own and
// no document locks. On the embedded engine, whose updates are atomic only
// under the shared locks, it is for tests that use it one step at a time.
func AsAnotherProcess(db *DB) *DB {
	other := *db
	other.locks, other.docs, other.docsExact = nil, newDocCache(docCacheBudget), false
	return &other
}
