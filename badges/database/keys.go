package database

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// KeyDoc reserves a secondary unique key (an e-mail address per issuer, a
// slug, an idempotency key) for the record named by Ref. Inserting it into
// KeyIndex is the uniqueness check: no transaction is needed.
type KeyDoc struct {
	ID        string    `bson:"_id"`
	Ref       string    `bson:"ref"`
	CreatedAt time.Time `bson:"createdAt"`
}

// HashPart hides personal data (e-mail addresses) inside key ids.
func HashPart(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// staleAfter is how old a key must be before it may be taken over from a
// holder that does not own it: a fresh key's holder may not be written yet.
const staleAfter = time.Minute

// ClaimKey reserves key for ref and returns "" once ref holds it (or held
// it already). When another record holds it, ClaimKey returns that holder
// while the key is under staleAfter old, without asking owns, and after
// that while owns(holder) reports that the holder still owns it. A key
// older than staleAfter whose holder no longer owns it (the holder was
// deleted or changed half-way by a crash) is taken over. Losing that race
// three times is an error.
//
// ClaimKey holds no lock of its own while it calls owns.
func (db *DB) ClaimKey(ctx context.Context, key, ref string, owns func(holder string) (bool, error)) (holder string, err error) {
	for attempt := 0; attempt < 3; attempt++ {
		_, err = db.Collection(KeyIndex).InsertOne(ctx, KeyDoc{ID: key, Ref: ref, CreatedAt: db.Now()})
		if err == nil {
			return "", nil
		}
		if !IsDuplicate(err) {
			return "", Wrap(err, "claim key")
		}
		k, err := db.key(ctx, key)
		if err != nil {
			return "", err
		}
		if k.Ref == ref {
			return "", nil
		}
		if k.Ref == "" {
			continue // released meanwhile
		}
		if keeps, err := db.keeps(k, owns); err != nil || keeps {
			return k.Ref, err
		}
		if err := db.dropStale(ctx, k); err != nil {
			return "", err
		}
	}
	return "", Wrap(err, "claim key")
}

// keeps reports whether the holder of k keeps it: while k is fresh, or
// while owns says the holder still owns it.
func (db *DB) keeps(k KeyDoc, owns func(holder string) (bool, error)) (bool, error) {
	if db.now().Sub(k.CreatedAt) < staleAfter {
		return true, nil
	}
	return owns(k.Ref)
}

// dropStale deletes the key document k only if it is still the one that
// was read: another claim may have taken the key over since, and its fresh
// key must stay.
func (db *DB) dropStale(ctx context.Context, k KeyDoc) error {
	defer db.lockKey(k.ID)()
	now, err := db.key(ctx, k.ID)
	if err != nil || now.Ref != k.Ref || !now.CreatedAt.Equal(k.CreatedAt) {
		return err
	}
	_, err = db.Collection(KeyIndex).DeleteOne(ctx, db.Guarded(k.ID,
		bson.E{Key: "ref", Value: k.Ref}, bson.E{Key: "createdAt", Value: k.CreatedAt}))
	return Wrap(err, "take over key")
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
		docs[i] = KeyDoc{ID: k, Ref: refs[i], CreatedAt: db.Now()}
	}
	_, err := db.Collection(KeyIndex).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	taken, err := DuplicateRows(err, oneEach(len(keys)), "claim keys")
	if err != nil {
		return nil, err
	}
	for i := range taken {
		k := keys[i]
		if holders[i], err = db.ClaimKey(ctx, k, refs[i], func(h string) (bool, error) { return owns(k, h) }); err != nil {
			return nil, err
		}
	}
	return holders, nil
}

// KeyRef returns the holder of key, or "" when nobody holds it.
func (db *DB) KeyRef(ctx context.Context, key string) (string, error) {
	k, err := db.key(ctx, key)
	return k.Ref, err
}

// key reads a key document; a missing one is the zero KeyDoc.
func (db *DB) key(ctx context.Context, key string) (KeyDoc, error) {
	var k KeyDoc
	err := db.Collection(KeyIndex).FindOne(ctx, ByID(key)).Decode(&k)
	if IsNoDocuments(err) {
		return KeyDoc{}, nil
	}
	return k, Wrap(err, "read key")
}

// ReleaseKey frees key if ref still holds it; a key another record took
// over meanwhile stays that record's.
func (db *DB) ReleaseKey(ctx context.Context, key, ref string) error {
	defer db.lockKey(key)()
	holder, err := db.KeyRef(ctx, key)
	if err != nil || holder != ref {
		return err
	}
	_, err = db.Collection(KeyIndex).DeleteOne(ctx, db.Guarded(key, bson.E{Key: "ref", Value: ref}))
	return Wrap(err, "release key")
}

// counterDoc holds named counts, changed only with atomic $inc.
type counterDoc struct {
	ID     string           `bson:"_id"`
	Values map[string]int64 `bson:"v"`
}

// IncCounter adds by to a counter field and returns the new value. It is
// atomic, so it allocates sequence numbers safely across processes.
func (db *DB) IncCounter(ctx context.Context, id, field string, by int64) (int64, error) {
	defer db.LockDoc(Counters, id)()
	var c counterDoc
	err := db.Collection(Counters).FindOneAndUpdate(ctx,
		ByID(id),
		bson.D{{Key: "$inc", Value: bson.D{{Key: "v." + field, Value: by}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
	).Decode(&c)
	if err != nil {
		return 0, Wrap(err, "update counter")
	}
	return c.Values[field], nil
}

// Counters reads all fields of a counter; missing means zero.
func (db *DB) Counters(ctx context.Context, id string) (map[string]int64, error) {
	var c counterDoc
	err := db.Collection(Counters).FindOne(ctx, ByID(id)).Decode(&c)
	if IsNoDocuments(err) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, Wrap(err, "read counter")
	}
	return c.Values, nil
}
