package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
)

// Computed is a document kept up to date by read-modify-write: a counter
// set, a bounded list a page shows. Rev counts its writes.
type Computed[T any] struct {
	ID  string `bson:"_id"`
	Rev int64  `bson:"rev"`
	Doc T      `bson:"doc"`
}

// modifyAttempts bounds the retries of a Modify that keeps losing races.
const modifyAttempts = 16

// Modify changes the computed document id of a collection atomically:
// it reads it (change sees exists == false and a zero T when there is
// none), applies change and writes the result back. On the embedded engine
// the document's lock makes this atomic; on MongoDB the write is a
// compare-and-swap on Rev, retried when another writer came first. change
// may run more than once, so it must only modify doc.
func Modify[T any](ctx context.Context, db *DB, collection, id string, change func(doc *T, exists bool) error) error {
	defer db.LockDoc(collection, id)()
	c := db.c(collection)
	for range modifyAttempts {
		var cur Computed[T]
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
		exists := err == nil
		if err != nil && !isNoDocuments(err) {
			return wrap(err, "read "+collection)
		}
		if err := change(&cur.Doc, exists); err != nil {
			return err
		}
		next := Computed[T]{ID: id, Rev: cur.Rev + 1, Doc: cur.Doc}
		if !exists {
			_, err := c.InsertOne(ctx, next)
			if isDuplicate(err) {
				continue // created meanwhile: read it again
			}
			return wrap(err, "write "+collection)
		}
		filter := bson.D{{Key: "_id", Value: id}}
		if db.locks == nil {
			// Only an exact-_id filter is fast on the embedded engine, where
			// the lock already excludes other writers.
			filter = append(filter, bson.E{Key: "rev", Value: cur.Rev})
		}
		res, err := c.ReplaceOne(ctx, filter, next)
		if err != nil {
			return wrap(err, "write "+collection)
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return badges.Errorf(badges.EUNAVAILABLE, "The %s document %s is changing too often; try again.", collection, id)
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
		batch[i] = Computed[T]{ID: id, Rev: 1, Doc: docs[i]}
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
	var cur Computed[T]
	err = db.c(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
	switch {
	case err == nil:
		return cur.Doc, true, nil
	case isNoDocuments(err):
		return doc, false, nil
	}
	return doc, false, wrap(err, "read "+collection)
}

// ColShowcases holds the computed documents of the public pages.
const ColShowcases = colShowcases
