// Package database owns Laurel's database: the connection through the
// official MongoDB driver, the embedded MongoDB-compatible engine started
// when no MongoDB is configured, every workaround that engine needs (see
// workarounds.go), the name of every collection, the building blocks the
// stores share (key documents for secondary unique keys, counters,
// computed documents and their cache) and the mapping of driver errors to
// domain errors.
//
// The stores of badges/mongodb and issuer/mongodb build on it; neither
// reaches into the other.
//
// Every hot path reads and writes by exact _id; secondary unique keys are
// key documents whose _id is derived from the key; counts and lists that
// pages need are kept as computed documents. The embedded engine only uses
// an index for a filter that is exactly {_id: value}, and real MongoDB is
// fast with the same access pattern.
package database

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
)

// Options says which database to use.
type Options struct {
	URI      string  // mongodb:// or mongodb+srv:// URI
	Database string  // database name
	Engine   *Engine // the embedded engine behind URI, if any
	Timeout  time.Duration
}

// DB is an open database with every collection Laurel uses.
type DB struct {
	client   *mongo.Client
	db       *mongo.Database
	engine   *Engine
	locks    *docLocks // set with the embedded engine; see LockDoc
	keyLocks *docLocks // likewise, for key documents; see lockKey
	docs     *docCache // computed documents; the engine's with the embedded engine
	// docsExact says docs holds what is stored: it is the embedded
	// engine's, which only this process writes (see docCache).
	docsExact bool
	changes   *changes // with the embedded engine; see Version
	now       func() time.Time
}

// Open connects, checks the connection and creates missing collections and
// indexes.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Database == "" {
		return nil, errors.New("open database: no database name")
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	copts := options.Client().ApplyURI(o.URI).
		SetServerSelectionTimeout(o.Timeout).
		SetConnectTimeout(o.Timeout).
		SetAppName("laurel")
	if o.Engine != nil {
		copts.SetDialer(socketDialer{path: o.Engine.socket})
	}
	client, err := mongo.Connect(ctx, copts)
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	db := &DB{client: client, db: client.Database(o.Database), engine: o.Engine, docs: newDocCache(docCacheBudget), now: time.Now}
	if o.Engine != nil {
		db.locks, db.keyLocks = o.Engine.locks, o.Engine.keyLocks
		db.docs, db.docsExact, db.changes = o.Engine.docs, true, o.Engine.changes
	}
	if err := db.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return db, nil
}

// Ping reports whether the database answers. Its error is unavailable for
// users and wraps the driver's, which says why (authentication, name
// resolution, TLS) in the log.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("%w: %w", errUnreachable(), err)
	}
	return nil
}

// Close disconnects from the database.
func (db *DB) Close(ctx context.Context) error { return db.client.Disconnect(ctx) }

// Drop deletes the whole database. Tests use it to clean up.
func (db *DB) Drop(ctx context.Context) error {
	err := db.db.Drop(ctx)
	db.docs.forgetDatabase(db.db.Name())
	if err != nil {
		return err
	}
	if db.engine != nil {
		db.engine.forgetDB(db.db.Name())
	}
	return nil
}

// Name is the database name.
func (db *DB) Name() string { return db.db.Name() }

// SetClock replaces the clock, for tests.
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Now is the database's clock, at the precision MongoDB stores.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Millisecond) }

// Collection is one of the collections named in collections.go.
func (db *DB) Collection(name string) *mongo.Collection { return db.db.Collection(name) }

// migrate creates missing collections and the secondary indexes a real
// MongoDB would use, then applies the embedded engine's _id index fix.
func (db *DB) migrate(ctx context.Context) error {
	existing, err := db.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("list collections: %w", err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	for _, n := range all {
		if have[n] {
			continue
		}
		if err := db.db.CreateCollection(ctx, n); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("create collection %s: %w", n, err)
		}
	}
	for coll, models := range secondaryIndexes {
		if _, err := db.Collection(coll).Indexes().CreateMany(ctx, models); err != nil {
			return fmt.Errorf("create indexes on %s: %w", coll, err)
		}
	}
	if db.engine != nil {
		if err := db.engine.FixIDIndexes(ctx, db.db.Name()); err != nil {
			return err
		}
	}
	return nil
}

// ByID is the exact-_id filter, the only one the embedded engine indexes.
func ByID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// FindAll reads every document a filter matches into T. It is for the
// small collections (issuers, keys, achievements, rules, queues) and for
// background work: on the embedded engine any filter but an exact _id
// reads the whole collection.
func FindAll[T any](ctx context.Context, c *mongo.Collection, filter any, doing string, opts ...*options.FindOptions) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, Wrap(err, doing)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, Wrap(err, doing)
	}
	return out, nil
}
