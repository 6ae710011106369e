package database

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// scanBatch is how many documents a scan reads from the server at a time.
const scanBatch = 500

// Each calls each with every document of a collection, decoded into T,
// without a sort (the embedded engine would sort the whole collection in
// memory). It reads the whole collection: for background work only. An
// error from each stops the scan and is returned as it is.
func Each[T any](ctx context.Context, db *DB, collection string, each func(T) error) error {
	return eachRaw(ctx, db, collection, func(raw bson.Raw) error {
		var doc T
		if err := bson.Unmarshal(raw, &doc); err != nil {
			return Wrap(err, "read "+collection)
		}
		return each(doc)
	})
}

// EachComputed is Each over a collection of computed documents: each is
// called with every document's id and content.
func EachComputed[T any](ctx context.Context, db *DB, collection string, each func(id string, doc T) error) error {
	return eachRaw(ctx, db, collection, func(raw bson.Raw) error {
		id, _ := raw.Lookup("_id").StringValueOK()
		_, doc, err := decodeComputed[T](raw)
		if err != nil {
			return Wrap(err, "read "+collection)
		}
		return each(id, doc)
	})
}

func eachRaw(ctx context.Context, db *DB, collection string, each func(bson.Raw) error) error {
	cur, err := db.Collection(collection).Find(ctx, bson.D{}, options.Find().SetBatchSize(scanBatch))
	if err != nil {
		return Wrap(err, "read "+collection)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		if err := each(cur.Current); err != nil {
			return err
		}
	}
	return Wrap(cur.Err(), "read "+collection)
}
