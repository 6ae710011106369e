package database

import (
	"context"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
)

// A computed document is kept up to date by read-modify-write (a member's
// record, counters, a bounded list a page shows) and never queried by its
// content. It is stored as one opaque value (see computed in
// workarounds.go) with a revision counting its writes.

// modifyAttempts bounds the retries of a Modify that keeps losing races.
const modifyAttempts = 16

// Modify changes the computed document id of a collection atomically:
// it reads it (change sees exists == false and a zero T when there is
// none), applies change and writes the result back. On the embedded engine
// the document's lock makes this atomic; on MongoDB the write is a
// compare-and-swap on the revision, retried when another writer came
// first. change may run more than once, so it must only modify doc.
//
// The document is read from the process's cache of computed documents when
// it is there (see docCache), and the cache keeps what was written. On
// MongoDB a cached copy may be stale, so a change refused on one is tried
// again on the document as stored before its error is returned: the check
// it failed may hold there (another process may have added a second admin
// key, say).
func Modify[T any](ctx context.Context, db *DB, collection, id string, change func(doc *T, exists bool) error) error {
	defer db.LockDoc(collection, id)()
	for range modifyAttempts {
		done, err := modifyOnce(ctx, db, collection, id, change)
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("change %s %s: %d attempts lost a race: %w", collection, id, modifyAttempts,
		badges.Errorf(badges.EUNAVAILABLE, "The data is changing too often; try again."))
}

// modifyOnce is one attempt of Modify; done is false when it must be made
// again on the document as stored.
func modifyOnce[T any](ctx context.Context, db *DB, collection, id string, change func(doc *T, exists bool) error) (done bool, err error) {
	key := docKey(db.Name(), collection, id)
	raw, cached, err := db.readComputed(ctx, collection, id, true)
	if err != nil {
		return false, err
	}
	var rev int64
	var doc T
	exists := raw != nil
	if exists {
		if rev, doc, err = decodeComputed[T](raw); err != nil {
			db.docs.forget(key)
			return false, Wrap(err, "read "+collection)
		}
	}
	if err := change(&doc, exists); err != nil {
		if cached && !db.docsExact {
			db.docs.forget(key) // perhaps stale: judge the stored document
			return false, nil
		}
		return false, err
	}
	next, err := encodeComputed(id, rev+1, doc)
	if err != nil {
		return false, Wrap(err, "write "+collection)
	}
	return db.writeComputed(ctx, collection, id, exists, rev, next)
}

// writeComputed stores next, the change of revision rev of a computed
// document (a new one unless exists), and keeps it in the cache; done is
// false when another writer came first.
func (db *DB) writeComputed(ctx context.Context, collection, id string, exists bool, rev int64, next bson.Raw) (done bool, err error) {
	c, key := db.Collection(collection), docKey(db.Name(), collection, id)
	if db.engine != nil {
		done, handled, err := db.commitComputed(ctx, collection, !exists, rev, next)
		if handled {
			if done {
				db.docs.put(key, next)
			} else {
				db.docs.forget(key)
			}
			return done, err
		}
	}
	if !exists {
		_, err := c.InsertOne(ctx, next)
		if IsDuplicate(err) {
			return false, nil // created meanwhile: read it again
		}
		if err != nil {
			return false, Wrap(err, "write "+collection)
		}
		db.docs.put(key, next)
		return true, nil
	}
	res, err := c.ReplaceOne(ctx, db.AtRev(id, rev), next)
	if err != nil {
		db.docs.forget(key) // the write may or may not have happened
		return false, Wrap(err, "write "+collection)
	}
	if res.MatchedCount == 0 {
		db.docs.forget(key) // changed by another process: read it again
		return false, nil
	}
	db.docs.put(key, next)
	return true, nil
}

// readComputed returns a computed document as stored, nil when there is
// none, and whether it came from the cache. It comes from the cache when
// the cache has it and may be trusted: for a change (forChange), whose
// compare-and-swap catches a stale copy on MongoDB, and on the embedded
// engine, where the cache holds what is stored. Only a read for a change,
// made holding the document's lock, is kept in the cache.
func (db *DB) readComputed(ctx context.Context, collection, id string, forChange bool) (raw bson.Raw, cached bool, err error) {
	key := docKey(db.Name(), collection, id)
	if forChange || db.docsExact {
		if raw, ok := db.docs.get(key); ok {
			return raw, true, nil
		}
	}
	if db.engine != nil {
		if raw, ok, err := db.readComputedRow(ctx, collection, id); ok || err != nil {
			return db.keepRead(key, raw, forChange), false, err
		}
	}
	raw, err = db.Collection(collection).FindOne(ctx, ByID(id)).Raw()
	switch {
	case IsNoDocuments(err):
		return nil, false, nil
	case err != nil:
		return nil, false, Wrap(err, "read "+collection)
	}
	return db.keepRead(key, slices.Clone(raw), forChange), false, nil
}

// keepRead keeps a document read for a change in the cache (see
// readComputed) and returns it.
func (db *DB) keepRead(key string, raw bson.Raw, forChange bool) bson.Raw {
	if forChange && raw != nil {
		db.docs.put(key, raw)
	}
	return raw
}

// ReadComputed reads a computed document; found is false when there is
// none.
func ReadComputed[T any](ctx context.Context, db *DB, collection, id string) (doc T, found bool, err error) {
	raw, _, err := db.readComputed(ctx, collection, id, false)
	if err != nil || raw == nil {
		return doc, false, err
	}
	if _, doc, err = decodeComputed[T](raw); err != nil {
		return doc, false, Wrap(err, "read "+collection)
	}
	return doc, true, nil
}

// InsertComputed creates many computed documents with one unordered
// insert, the fast path for documents that are usually new (those of
// members created in the same batch). It returns the indexes of the ids
// that exist already, for the caller to Modify.
func InsertComputed[T any](ctx context.Context, db *DB, collection string, ids []string, docs []T) (existing []int, err error) {
	if len(ids) == 0 {
		return nil, nil
	}
	batch := make([]any, len(ids))
	for i, id := range ids {
		if batch[i], err = encodeComputed(id, 1, docs[i]); err != nil {
			return nil, Wrap(err, "write "+collection)
		}
	}
	dup, err := InsertNew(ctx, db.Collection(collection), batch, "write "+collection)
	if err != nil {
		return nil, err
	}
	for i, d := range dup {
		if d {
			existing = append(existing, i)
		}
	}
	return existing, nil
}

// InsertNew inserts documents with one unordered insert; those whose _id
// exists already are left as they are and reported in dup.
func InsertNew(ctx context.Context, c *mongo.Collection, docs []any, doing string) (dup []bool, err error) {
	dup = make([]bool, len(docs))
	if len(docs) == 0 {
		return dup, nil
	}
	_, err = c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	rows, err := DuplicateRows(err, oneEach(len(docs)), doing)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		dup[i] = true
	}
	return dup, nil
}

// DeleteComputed removes a computed document and the cache's copy of it.
// The caller holds the document's lock (LockDoc).
func DeleteComputed(ctx context.Context, db *DB, collection, id string) error {
	_, err := db.Collection(collection).DeleteOne(ctx, ByID(id))
	db.docs.forget(docKey(db.Name(), collection, id))
	return Wrap(err, "remove "+collection)
}
