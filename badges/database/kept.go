package database

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
)

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

// ReadKeptContent is ReadKept without decoding: it returns the document's
// content as stored (the BSON of a T), for a reader that looks up one
// field of a large document. On the embedded engine it is the cache's own
// copy, shared and never changed: the caller must not change it either.
func ReadKeptContent(ctx context.Context, db *DB, collection, id string) (content bson.Raw, err error) {
	key := docKey(db.Name(), collection, id)
	raw, ok := db.docs.get(key)
	if !ok || !db.docsExact {
		unlock := db.LockDoc(collection, id)
		raw, _, err = db.readComputed(ctx, collection, id, db.docsExact)
		unlock()
		if err != nil || raw == nil {
			return nil, err
		}
	}
	return computedContent(raw, collection)
}

// ReadKeptContents is ReadKeptContent for many documents, in the order of
// ids; a missing one is nil. On MongoDB, which has no trusted cache, they
// are read with one query on _id (indexed there) instead of one each.
func ReadKeptContents(ctx context.Context, db *DB, collection string, ids []string) ([]bson.Raw, error) {
	out := make([]bson.Raw, len(ids))
	if db.docsExact {
		for i, id := range ids {
			var err error
			if out[i], err = ReadKeptContent(ctx, db, collection, id); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	at := make(map[string]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	docs, err := FindAll[bson.Raw](ctx, db.Collection(collection), bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, "read "+collection)
	if err != nil {
		return nil, err
	}
	for _, raw := range docs {
		id, _ := raw.Lookup("_id").StringValueOK()
		if i, ok := at[id]; ok {
			if out[i], err = computedContent(raw, collection); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// computedContent is the content of a computed document's stored form,
// without copying it.
func computedContent(raw bson.Raw, collection string) (bson.Raw, error) {
	if v, err := raw.LookupErr("data"); err == nil {
		if _, data, ok := v.BinaryOK(); ok {
			return data, nil
		}
		return nil, Wrap(errNotComputed, "read "+collection)
	}
	if v, err := raw.LookupErr("doc"); err == nil {
		if doc, ok := v.DocumentOK(); ok {
			return doc, nil
		}
	}
	return bson.Raw{}, nil // an empty document: no content was stored
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

var errNotComputed = errors.New("not a computed document")

// BinaryField is a binary field of a computed document's content, not
// copied (nil when the content or the field is absent).
func BinaryField(content bson.Raw, field string) ([]byte, error) {
	if content == nil {
		return nil, nil
	}
	v, err := content.LookupErr(field)
	if err != nil || v.Type == bson.TypeNull { // the driver writes an empty slice as null
		return nil, nil
	}
	_, b, ok := v.BinaryOK()
	if !ok {
		return nil, fmt.Errorf("field %s is not binary", field)
	}
	return b, nil
}
