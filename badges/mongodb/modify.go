package mongodb

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
)

// computed is how a computed document is stored: a document kept up to
// date by read-modify-write (a member's record, counters, a bounded list a
// page shows), never queried by its content. Rev counts its writes.
//
// The content is one BSON binary value, opaque to the database. The
// embedded engine converts every field of a document it reads or writes to
// and from JSON, a cost that grows with the number of fields: a week of
// counters with 1,400 members was 1,400 fields, and the engine spent
// more on them than on anything else while activity was recorded. As one
// value it is copied whole.
type computed struct {
	ID   string `bson:"_id"`
	Rev  int64  `bson:"rev"`
	Data []byte `bson:"data,omitempty"`
	// Doc is the content as an embedded document, as earlier versions
	// stored it; it is read when there is no Data and replaced on the
	// next write.
	Doc bson.Raw `bson:"doc,omitempty"`
}

// encodeComputed returns the stored form of a computed document.
func encodeComputed[T any](id string, rev int64, doc T) (bson.Raw, error) {
	data, err := bson.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return bson.Marshal(computed{ID: id, Rev: rev, Data: data})
}

// decodeComputed reads the stored form of a computed document.
func decodeComputed[T any](raw bson.Raw) (rev int64, doc T, err error) {
	var c computed
	if err := bson.Unmarshal(raw, &c); err != nil {
		return 0, doc, err
	}
	content := c.Data
	if content == nil {
		content = c.Doc
	}
	if content != nil {
		err = bson.Unmarshal(content, &doc)
	}
	return c.Rev, doc, err
}

// modifyAttempts bounds the retries of a Modify that keeps losing races.
const modifyAttempts = 16

// Modify changes the computed document id of a collection atomically:
// it reads it (change sees exists == false and a zero T when there is
// none), applies change and writes the result back. On the embedded engine
// the document's lock makes this atomic; on MongoDB the write is a
// compare-and-swap on Rev, retried when another writer came first. change
// may run more than once, so it must only modify doc.
//
// The document is read from the process's cache of computed documents when
// it is there (see docCache), and the cache keeps what was written.
func Modify[T any](ctx context.Context, db *DB, collection, id string, change func(doc *T, exists bool) error) error {
	defer db.LockDoc(collection, id)()
	c, key := db.c(collection), docKey(db.Name(), collection, id)
	for range modifyAttempts {
		raw, err := db.readComputed(ctx, collection, id, true)
		if err != nil {
			return err
		}
		var rev int64
		var doc T
		exists := raw != nil
		if exists {
			if rev, doc, err = decodeComputed[T](raw); err != nil {
				db.docs.forget(key)
				return wrap(err, "read "+collection)
			}
		}
		if err := change(&doc, exists); err != nil {
			return err
		}
		next, err := encodeComputed(id, rev+1, doc)
		if err != nil {
			return wrap(err, "write "+collection)
		}
		if !exists {
			_, err := c.InsertOne(ctx, next)
			if isDuplicate(err) {
				continue // created meanwhile: read it again
			}
			if err != nil {
				return wrap(err, "write "+collection)
			}
			db.docs.put(key, next)
			return nil
		}
		filter := bson.D{{Key: "_id", Value: id}}
		if db.locks == nil {
			// Only an exact-_id filter is fast on the embedded engine, where
			// the lock already excludes other writers.
			filter = append(filter, bson.E{Key: "rev", Value: rev})
		}
		res, err := c.ReplaceOne(ctx, filter, next)
		if err != nil {
			db.docs.forget(key) // the write may or may not have happened
			return wrap(err, "write "+collection)
		}
		if res.MatchedCount == 1 {
			db.docs.put(key, next)
			return nil
		}
		db.docs.forget(key) // changed by another process: read it again
	}
	return badges.Errorf(badges.EUNAVAILABLE, "The %s document %s is changing too often; try again.", collection, id)
}

// readComputed returns a computed document as stored, nil when there is
// none. It comes from the cache when the cache has it and may be trusted:
// for a change (forChange), whose compare-and-swap catches a stale copy on
// MongoDB, and on the embedded engine, where the cache holds what is
// stored. Only a read for a change, made holding the document's lock, is
// kept in the cache.
func (db *DB) readComputed(ctx context.Context, collection, id string, forChange bool) (bson.Raw, error) {
	key := docKey(db.Name(), collection, id)
	if forChange || db.engine != nil {
		if raw, ok := db.docs.get(key); ok {
			return raw, nil
		}
	}
	raw, err := db.c(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
	switch {
	case isNoDocuments(err):
		return nil, nil
	case err != nil:
		return nil, wrap(err, "read "+collection)
	}
	if forChange {
		raw = slices.Clone(raw)
		db.docs.put(key, raw)
	}
	return raw, nil
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
			return nil, wrap(err, "write "+collection)
		}
	}
	dup, err := insertNew(ctx, db.c(collection), batch, "write "+collection)
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

// insertNew inserts documents with one unordered insert; those whose _id
// exists already are left as they are and reported in dup.
func insertNew(ctx context.Context, c *mongo.Collection, docs []any, doing string) (dup []bool, err error) {
	dup = make([]bool, len(docs))
	if len(docs) == 0 {
		return dup, nil
	}
	_, err = c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
		return dup, nil
	case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 && !isDuplicate(we) {
				return nil, wrap(we, doing)
			}
			dup[we.Index] = true
		}
		return dup, nil
	}
	return nil, wrap(err, doing)
}

// ReadComputed reads a computed document; found is false when there is
// none.
func ReadComputed[T any](ctx context.Context, db *DB, collection, id string) (doc T, found bool, err error) {
	raw, err := db.readComputed(ctx, collection, id, false)
	if err != nil || raw == nil {
		return doc, false, err
	}
	if _, doc, err = decodeComputed[T](raw); err != nil {
		return doc, false, wrap(err, "read "+collection)
	}
	return doc, true, nil
}

// ColShowcases holds the computed documents of the public pages.
const ColShowcases = colShowcases
