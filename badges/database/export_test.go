package database

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
)

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
	other.locks, other.keyLocks = nil, nil
	other.docs, other.docsExact = newDocCache(docCacheBudget), false
	return &other
}

// KeyOnStripeOf returns a key whose document's stripe number is that of a
// collection's document id, for tests that hold the document's lock while
// claiming or releasing the key.
func KeyOnStripeOf(collection, id string) string {
	for i := 0; ; i++ {
		if key := fmt.Sprintf("key-%d", i); stripe(KeyIndex, key) == stripe(collection, id) {
			return key
		}
	}
}

// ExportCollection writes one collection to a new archive as Export would
// after counting count documents in it, for tests of a count that changed.
func ExportCollection(ctx context.Context, db *DB, w io.Writer, name string, count int64) error {
	h := &ArchiveHeader{Format: ArchiveFormat, Version: ArchiveVersion, Collections: []ArchiveCollection{{Name: name, Count: count}}}
	aw, err := newArchiveWriter(w, h)
	if err != nil {
		return err
	}
	return db.exportCollection(ctx, aw, h.Collections[0])
}

// CheckEmpty returns an ErrNotEmpty error naming the first collection that
// holds a document, nil when none does.
func (db *DB) CheckEmpty(ctx context.Context) error { return db.checkEmpty(ctx) }

// IDQueryPlan returns SQLite's plan for the engine's exact-_id query on a
// collection, for tests that prove the index fix is used.
func (e *Engine) IDQueryPlan(ctx context.Context, database, collection string) (string, error) {
	db, err := e.sqlDB(database)
	if err != nil {
		return "", err
	}
	tables, err := collectionTables(ctx, db)
	if err != nil {
		return "", err
	}
	t, ok := tables[collection]
	if !ok {
		return "", fmt.Errorf("no collection %q", collection)
	}
	q := fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, t)
	var id, parent, notUsed int
	var detail string
	if err := db.QueryRowContext(ctx, q, `"x"`).Scan(&id, &parent, &notUsed, &detail); err != nil {
		return "", err
	}
	return detail, nil
}

// EncodeComputed is encodeComputed, for tests of the stored form.
func EncodeComputed[T any](id string, rev int64, doc T) ([]byte, error) {
	return encodeComputed(id, rev, doc)
}

// EngineRow is engineRow, for tests of the engine's row format.
func EngineRow(raw []byte) (string, error) {
	row, _, err := engineRow(raw)
	return row, err
}

// StoredRow reads the engine's row text of a document by _id straight
// from SQLite.
func StoredRow(ctx context.Context, db *DB, collection, id string) (string, error) {
	sdb, err := db.engine.sqlDB(db.Name())
	if err != nil {
		return "", err
	}
	t, err := db.engine.table(ctx, db.Name(), sdb, collection)
	if err != nil {
		return "", err
	}
	idJSON, err := json.Marshal(id)
	if err != nil {
		return "", err
	}
	var row string
	q := fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, t)
	return row, sdb.QueryRowContext(ctx, q, string(idJSON)).Scan(&row)
}

// ReadRow is readComputedRow, for tests of reads that bypass the engine.
func ReadRow(ctx context.Context, db *DB, collection, id string) (raw []byte, ok bool, err error) {
	return db.readComputedRow(ctx, collection, id)
}

// SyncLevel is SQLite's synchronous setting on the connection group
// commit writes through: 1 normal, 2 full.
func SyncLevel(ctx context.Context, e *Engine, database string) (int, error) {
	sdb, err := e.sqlDB(database)
	if err != nil {
		return 0, err
	}
	var level int
	return level, sdb.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&level)
}
