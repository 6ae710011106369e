// Package mongodb stores Laurel's recognition domain in MongoDB through the
// official driver, and runs the embedded MongoDB-compatible engine used when
// no external database is configured.
//
// Every hot path reads and writes by exact _id; secondary unique keys are key
// documents whose _id is derived from the key; counts and lists that pages
// need are kept as computed documents. The embedded engine only uses an index
// for a filter that is exactly {_id: value}, and real MongoDB is fast with the
// same access pattern.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"

	"github.com/laurel-badges/laurel/badges"
)

// Collection names.
const (
	colIssuers             = "issuers"
	colKeys                = "keys"
	colAchievements        = "achievements"
	colAchievementVersions = "achievementversions"
	colMembers             = "members"
	colMemberPages         = "memberpages"
	colActivities          = "activities"
	colCredentials         = "credentials"
	colStatusLists         = "statuslists"
	colAPIKeys             = "apikeys"
	colWebhooks            = "webhooks"
	colOutbox              = "outbox"
	colAudit               = "audit"
	colCounters            = "counters"
	colKeyIndex            = "keyindex"
	colImages              = "images"
	colShowcases           = "showcases"
	colRecords             = "records"
	colRules               = "rules"
	colBehaviours          = "behaviours"
	colNominations         = "nominations"
)

var allCollections = []string{
	colIssuers, colKeys, colAchievements, colAchievementVersions, colMembers,
	colMemberPages, colActivities, colCredentials, colStatusLists, colAPIKeys,
	colWebhooks, colOutbox, colAudit, colCounters, colKeyIndex, colImages, colShowcases, colRecords, colRules, colBehaviours, colNominations,
}

// Options says which database to use.
type Options struct {
	URI      string  // mongodb:// or mongodb+srv:// URI
	Database string  // database name
	Engine   *Engine // the embedded engine behind URI, if any
	Timeout  time.Duration
}

// DB is an open database with every collection Laurel uses.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	engine *Engine
	locks  *docLocks // set with the embedded engine; see LockDoc
	docs   *docCache // computed documents; the engine's with the embedded engine
	now    func() time.Time
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
	client, err := mongo.Connect(ctx, copts)
	if err != nil {
		return nil, fmt.Errorf("connect to MongoDB: %w", err)
	}
	db := &DB{client: client, db: client.Database(o.Database), engine: o.Engine, docs: newDocCache(docCacheBudget), now: time.Now}
	if o.Engine != nil {
		db.locks, db.docs = o.Engine.locks, o.Engine.docs
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

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.client.Ping(ctx, readpref.Primary()); err != nil {
		return &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database is not reachable."}
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

func (db *DB) c(name string) *mongo.Collection { return db.db.Collection(name) }

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
	for _, n := range allCollections {
		if have[n] {
			continue
		}
		if err := db.db.CreateCollection(ctx, n); err != nil && !isNamespaceExists(err) {
			return fmt.Errorf("create collection %s: %w", n, err)
		}
	}
	// Secondary indexes serve lists on small collections; correctness never
	// depends on them.
	idx := map[string][]mongo.IndexModel{
		colAchievements: {{Keys: bson.D{{Key: "issuer", Value: 1}}}},
	}
	for coll, models := range idx {
		if _, err := db.c(coll).Indexes().CreateMany(ctx, models); err != nil {
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

func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 48 || ce.Name == "NamespaceExists")
}

// isDuplicate reports a unique-key violation. The embedded engine reports one
// caused by an update as an internal error rather than E11000.
func isDuplicate(err error) bool {
	if err == nil {
		return false
	}
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// wrap turns driver errors into domain errors: no document becomes
// ENOTFOUND with the given message, a lost connection EUNAVAILABLE; anything
// else is wrapped with what was being done.
func wrap(err error, doing string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return badges.Errorf(badges.ENOTFOUND, "%s: not found", doing)
	case mongo.IsTimeout(err) || mongo.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", doing, &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database did not answer in time."})
	case errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("%s: %w", doing, &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database is not reachable."})
	}
	var be *badges.Error
	if errors.As(err, &be) {
		return err
	}
	return fmt.Errorf("%s: %w", doing, err)
}

func isNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// Collection gives the issuer stores access to their collections.
func (db *DB) Collection(name string) *mongo.Collection { return db.c(name) }

// Now is the database's clock.
func (db *DB) Now() time.Time { return db.now().UTC().Truncate(time.Millisecond) }

// IsDuplicate reports a unique-key violation, for the issuer stores.
func IsDuplicate(err error) bool { return isDuplicate(err) }

// IsNoDocuments reports a missing document, for the issuer stores.
func IsNoDocuments(err error) bool { return isNoDocuments(err) }

// Wrap maps driver errors to domain errors, for the issuer stores.
func Wrap(err error, doing string) error { return wrap(err, doing) }

func upsert() *options.UpdateOptions { return options.Update().SetUpsert(true) }

func replaceUpsert() *options.ReplaceOptions { return options.Replace().SetUpsert(true) }

// FindAll reads every document a filter matches into T. It is for the
// small collections (issuers, keys, achievements, rules, queues) and for
// background work: on the embedded engine any filter but an exact _id
// reads the whole collection.
func FindAll[T any](ctx context.Context, c *mongo.Collection, filter any, doing string, opts ...*options.FindOptions) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, wrap(err, doing)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, wrap(err, doing)
	}
	return out, nil
}
