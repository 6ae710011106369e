package database

// Cached reports whether a computed document is in the cache, for tests.
func Cached(db *DB, collection, id string) bool {
	_, ok := db.docs.get(docKey(db.Name(), collection, id))
	return ok
}

// ForgetCached empties the cache of db's database, for benchmarks that
// measure without it.
func ForgetCached(db *DB) { db.docs.forgetDatabase(db.Name()) }
