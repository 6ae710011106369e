package database

import (
	"context"
	"errors"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// scanAdvantage is how many documents the embedded engine reads in a
// scan of a collection in the time it takes to read one by exact _id:
// a query's own cost (parsing it, finding the collection, opening a
// cursor) is paid once by a scan and once per document by reads by _id.
// Measured with 10,000 member records: 87 µs a document scanned, about
// 1 ms a document read by _id; a conservative 8 is used.
const scanAdvantage = 8

// EachComputedOf calls f with each computed document of a collection
// whose _id is one of ids (found false, and a zero doc, for an id that
// has none), in no particular order; f may be called from several
// goroutines at once. It is for background work over many documents.
//
// On MongoDB it is one query, {_id: {$in: ids}}, which the _id index
// serves. The embedded engine evaluates such a filter by reading the whole
// collection, so there it reads either each document by exact _id, with
// workers reads at a time, or, when ids are many compared to the
// collection, every document of the collection in one scan, whichever
// reads less.
func EachComputedOf[T any](ctx context.Context, db *DB, collection string, ids []string, workers int, f func(id string, doc T, found bool) error) error {
	if len(ids) == 0 {
		return nil
	}
	if db.engine == nil {
		return scanComputed(ctx, db, collection, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, ids, f)
	}
	n, err := db.count(ctx, collection)
	if err != nil {
		return err
	}
	if int64(len(ids))*scanAdvantage >= n {
		return scanComputed(ctx, db, collection, bson.D{}, ids, f)
	}
	return readEach(ctx, db, collection, ids, workers, f)
}

// scanComputed reads the documents filter selects and calls f with those
// of ids, then with the ids not found.
func scanComputed[T any](ctx context.Context, db *DB, collection string, filter bson.D, ids []string, f func(string, T, bool) error) error {
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	cur, err := db.Collection(collection).Find(ctx, filter)
	if err != nil {
		return Wrap(err, "read "+collection)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		id, ok := cur.Current.Lookup("_id").StringValueOK()
		if !ok || !wanted[id] {
			continue
		}
		_, doc, err := decodeComputed[T](cur.Current)
		if err != nil {
			return Wrap(err, "read "+collection)
		}
		delete(wanted, id)
		if err := f(id, doc, true); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return Wrap(err, "read "+collection)
	}
	var none T
	for _, id := range ids {
		if wanted[id] {
			if err := f(id, none, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// readEach reads each document by exact _id, workers at a time.
func readEach[T any](ctx context.Context, db *DB, collection string, ids []string, workers int, f func(string, T, bool) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(max(1, workers), len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				doc, found, err := ReadComputed[T](ctx, db, collection, id)
				if err == nil {
					err = f(id, doc, found)
				}
				if err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}
