package mongodb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// keyDoc reserves a secondary unique key (an e-mail address per issuer, a
// slug) for the record named by Ref. Inserting it is the uniqueness check.
type keyDoc struct {
	ID        string    `bson:"_id"`
	Ref       string    `bson:"ref"`
	CreatedAt time.Time `bson:"createdAt"`
}

// hashPart hides personal data (e-mail addresses) inside key ids.
func hashPart(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// staleAfter is how old a key must be before it may be taken over from a
// holder that does not own it: a fresh key's holder may not be written yet.
const staleAfter = time.Minute

// claimKey reserves key for ref. It returns the current holder when the key
// is held by another record that still owns it; owns reports whether a
// holder still does (a holder deleted or changed half-way by a crash leaves
// a stale key behind, which is taken over once it is older than staleAfter).
func (db *DB) claimKey(ctx context.Context, key, ref string, owns func(holder string) (bool, error)) (holder string, err error) {
	for attempt := 0; attempt < 3; attempt++ {
		_, err = db.c(colKeyIndex).InsertOne(ctx, keyDoc{ID: key, Ref: ref, CreatedAt: db.Now()})
		if err == nil {
			return "", nil
		}
		if !isDuplicate(err) {
			return "", wrap(err, "claim key")
		}
		k, err := db.key(ctx, key)
		if err != nil {
			return "", err
		}
		if k.Ref == ref {
			return "", nil
		}
		if k.Ref != "" {
			if db.now().Sub(k.CreatedAt) < staleAfter {
				return k.Ref, nil
			}
			live, err := owns(k.Ref)
			if err != nil {
				return "", err
			}
			if live {
				return k.Ref, nil
			}
			if err := db.dropKey(ctx, key); err != nil {
				return "", err
			}
		}
	}
	return "", wrap(err, "claim key")
}

// keyRef returns the holder of key, or "" when nobody holds it.
func (db *DB) keyRef(ctx context.Context, key string) (string, error) {
	k, err := db.key(ctx, key)
	return k.Ref, err
}

// key reads a key document; a missing one is the zero keyDoc.
func (db *DB) key(ctx context.Context, key string) (keyDoc, error) {
	var k keyDoc
	err := db.c(colKeyIndex).FindOne(ctx, byID(key)).Decode(&k)
	if err == mongo.ErrNoDocuments {
		return keyDoc{}, nil
	}
	return k, wrap(err, "read key")
}

// releaseKey frees key if ref still holds it.
func (db *DB) releaseKey(ctx context.Context, key, ref string) error {
	holder, err := db.keyRef(ctx, key)
	if err != nil || holder != ref {
		return err
	}
	return db.dropKey(ctx, key)
}

func (db *DB) dropKey(ctx context.Context, key string) error {
	_, err := db.c(colKeyIndex).DeleteOne(ctx, bson.D{{Key: "_id", Value: key}})
	return wrap(err, "release key")
}

// counterDoc holds named counts, changed only with atomic $inc.
type counterDoc struct {
	ID     string           `bson:"_id"`
	Values map[string]int64 `bson:"v"`
}

// incCounter adds by to a counter field and returns the new value. It is
// atomic, so it allocates sequence numbers safely across processes.
func (db *DB) incCounter(ctx context.Context, id, field string, by int64) (int64, error) {
	defer db.LockDoc(colCounters, id)()
	var c counterDoc
	err := db.c(colCounters).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "v." + field, Value: by}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&c)
	if err != nil {
		return 0, wrap(err, "update counter")
	}
	return c.Values[field], nil
}

// counters reads all fields of a counter; missing means zero.
func (db *DB) counters(ctx context.Context, id string) (map[string]int64, error) {
	var c counterDoc
	err := db.c(colCounters).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&c)
	if err == mongo.ErrNoDocuments {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, wrap(err, "read counter")
	}
	return c.Values, nil
}

// byID is the exact-_id filter, the only one the embedded engine indexes.
func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// ClaimKey reserves a secondary unique key for ref, for the issuer stores;
// see claimKey.
func (db *DB) ClaimKey(ctx context.Context, key, ref string, owns func(holder string) (bool, error)) (string, error) {
	return db.claimKey(ctx, key, ref, owns)
}

// ReleaseKey frees key if ref holds it.
func (db *DB) ReleaseKey(ctx context.Context, key, ref string) error {
	return db.releaseKey(ctx, key, ref)
}

// KeyRef returns the holder of key, or "".
func (db *DB) KeyRef(ctx context.Context, key string) (string, error) { return db.keyRef(ctx, key) }

// IncCounter adds to a counter atomically and returns the new value.
func (db *DB) IncCounter(ctx context.Context, id, field string, by int64) (int64, error) {
	return db.incCounter(ctx, id, field, by)
}

// ClaimKeys reserves many keys at once, keys[i] for refs[i], with one
// unordered insert; the keys that were taken are claimed again one by one,
// which takes stale ones over. It returns, per key, the holder that kept it
// ("" when claimed).
func (db *DB) ClaimKeys(ctx context.Context, keys, refs []string, owns func(key, holder string) (bool, error)) ([]string, error) {
	holders := make([]string, len(keys))
	if len(keys) == 0 {
		return holders, nil
	}
	docs := make([]any, len(keys))
	for i, k := range keys {
		docs[i] = keyDoc{ID: k, Ref: refs[i], CreatedAt: db.Now()}
	}
	_, err := db.c(colKeyIndex).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed, err := bulkFailedRows(err, identity(len(keys)))
	if err != nil {
		return nil, err
	}
	for i := range failed {
		k := keys[i]
		if holders[i], err = db.claimKey(ctx, k, refs[i], func(h string) (bool, error) { return owns(k, h) }); err != nil {
			return nil, err
		}
	}
	return holders, nil
}

func identity(n int) []int {
	ix := make([]int, n)
	for i := range ix {
		ix[i] = i
	}
	return ix
}
