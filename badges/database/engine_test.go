package database_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"

	_ "modernc.org/sqlite" // to reach the engine's files directly, behind its back
)

// openEngineSQL opens the SQLite file behind one of the engine's databases, so
// that a test can undo the index fix the way a stale or hand-edited file would
// lack it. The busy timeout lets it wait for the engine's own writers.
func openEngineSQL(tb testing.TB, e *database.Engine, dbName string) *sql.DB {
	tb.Helper()
	u := url.URL{Scheme: "file", Path: filepath.Join(e.Dir(), dbName+".sqlite"), RawQuery: "_pragma=busy_timeout(10000)"}
	sdb, err := sql.Open("sqlite", u.String())
	if err != nil {
		tb.Fatalf("open SQLite file of %s: %v", dbName, err)
	}
	sdb.SetMaxOpenConns(1)
	tb.Cleanup(func() { _ = sdb.Close() })
	return sdb
}

// dropIDFix removes the fix index of one collection and reports its name. The
// table name is looked up rather than guessed because the engine derives it
// from the collection name with a hash.
func dropIDFix(ctx context.Context, sdb *sql.DB, collection string) (string, error) {
	var table string
	err := sdb.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table)
	if err != nil {
		return "", fmt.Errorf("table of %s: %w", collection, err)
	}
	index := table + "__id_expr"
	if _, err := sdb.ExecContext(ctx, fmt.Sprintf(`DROP INDEX IF EXISTS %q`, index)); err != nil {
		return "", fmt.Errorf("drop %s: %w", index, err)
	}
	return index, nil
}

// planUsesFix reports whether a plan detail line is an index search on the
// fix index, as opposed to a scan or a search on some other index.
func planUsesFix(plan string) bool {
	return strings.Contains(plan, "USING INDEX") && strings.Contains(plan, "__id_expr")
}

func mustPlan(tb testing.TB, e *database.Engine, dbName, collection string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan, err := e.IDQueryPlan(ctx, dbName, collection)
	if err != nil {
		tb.Fatalf("IDQueryPlan(%s): %v", collection, err)
	}
	return plan
}

func TestEngine_IDIndexFix(t *testing.T) {
	db := mongotest.NewDB(t)
	if mongotest.External() {
		// An external MongoDB has a working _id index of its own and no
		// engine files to inspect; only make sure none was started anyway.
		if mongotest.Engine() != nil {
			t.Fatal("an embedded engine runs although an external MongoDB is configured")
		}
		return
	}
	e := mongotest.Engine()
	if e == nil {
		t.Fatal("no embedded engine and no external MongoDB configured")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("applied by Open", func(t *testing.T) {
		for _, coll := range []string{"members", "keyindex", "achievements", "counters"} {
			if plan := mustPlan(t, e, db.Name(), coll); !planUsesFix(plan) {
				t.Errorf("%s: plan %q does not use the _id fix index", coll, plan)
			}
		}
	})

	t.Run("without it the lookup scans", func(t *testing.T) {
		sdb := openEngineSQL(t, e, db.Name())
		index, err := dropIDFix(ctx, sdb, "members")
		if err != nil {
			t.Fatal(err)
		}
		plan := mustPlan(t, e, db.Name(), "members")
		if !strings.Contains(plan, "SCAN") || planUsesFix(plan) {
			t.Fatalf("after dropping %s the plan is %q, want a table scan", index, plan)
		}
		// The other collections keep theirs: the drop was targeted.
		if plan := mustPlan(t, e, db.Name(), "keyindex"); !planUsesFix(plan) {
			t.Fatalf("keyindex lost its index too: %q", plan)
		}

		// Repairing is idempotent, so running it more than once must be
		// harmless and leave the index in place.
		for i := range 3 {
			if err := e.FixIDIndexes(ctx, db.Name()); err != nil {
				t.Fatalf("FixIDIndexes #%d: %v", i+1, err)
			}
			if plan := mustPlan(t, e, db.Name(), "members"); !planUsesFix(plan) {
				t.Fatalf("after FixIDIndexes #%d the plan is %q", i+1, plan)
			}
		}

		// The data is unaffected and still found by _id through the driver.
		if _, err := db.Collection("members").InsertOne(ctx, bson.D{{Key: "_id", Value: "m1"}, {Key: "name", Value: "Ada"}}); err != nil {
			t.Fatal(err)
		}
		var got bson.M
		if err := db.Collection("members").FindOne(ctx, bson.D{{Key: "_id", Value: "m1"}}).Decode(&got); err != nil || got["name"] != "Ada" {
			t.Fatalf("FindOne = %v, %v", got, err)
		}
	})

	t.Run("collection created after Open", func(t *testing.T) {
		// The engine creates a collection's table on first insert, outside
		// Open's migration. Any fix index it might have is dropped first so
		// that the check below proves FixIDIndexes finds the new table.
		if _, err := db.Collection("brandnew").InsertOne(ctx, bson.D{{Key: "_id", Value: "b1"}, {Key: "v", Value: 1}}); err != nil {
			t.Fatal(err)
		}
		if _, err := dropIDFix(ctx, openEngineSQL(t, e, db.Name()), "brandnew"); err != nil {
			t.Fatal(err)
		}
		if plan := mustPlan(t, e, db.Name(), "brandnew"); !strings.Contains(plan, "SCAN") || planUsesFix(plan) {
			t.Fatalf("without its fix index the new collection's plan is %q, want a table scan", plan)
		}
		if err := e.FixIDIndexes(ctx, db.Name()); err != nil {
			t.Fatal(err)
		}
		if plan := mustPlan(t, e, db.Name(), "brandnew"); !planUsesFix(plan) {
			t.Fatalf("after FixIDIndexes the plan is %q", plan)
		}
		var got bson.M
		if err := db.Collection("brandnew").FindOne(ctx, bson.D{{Key: "_id", Value: "b1"}}).Decode(&got); err != nil {
			t.Fatalf("FindOne: %v", err)
		}
	})

	t.Run("unknown collection", func(t *testing.T) {
		if _, err := e.IDQueryPlan(ctx, db.Name(), "nosuchcollection"); err == nil {
			t.Fatal("IDQueryPlan of a missing collection: no error")
		}
	})
}

// TestEngine_RestartKeepsIndexAndData writes, stops the engine and starts
// it again, in both sync modes.
func TestEngine_RestartKeepsIndexAndData(t *testing.T) {
	for _, fullSync := range []bool{false, true} {
		t.Run(fmt.Sprintf("fullSync=%v", fullSync), func(t *testing.T) { testRestart(t, fullSync) })
	}
}

func testRestart(t *testing.T, fullSync bool) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const name, id = "restart", "aaaabbbbccccddddeeee"

	start := func() (*database.Engine, *database.DB) {
		t.Helper()
		e, err := database.StartEngine(database.EngineConfig{Dir: dir, FullSync: fullSync})
		if err != nil {
			t.Fatalf("StartEngine: %v", err)
		}
		db, err := database.Open(ctx, database.Options{URI: e.URI(), Database: name, Engine: e})
		if err != nil {
			_ = e.Close()
			t.Fatalf("Open: %v", err)
		}
		return e, db
	}
	stop := func(e *database.Engine, db *database.DB) {
		t.Helper()
		if err := db.Close(ctx); err != nil {
			t.Errorf("close database: %v", err)
		}
		if err := e.Close(); err != nil {
			t.Errorf("close engine: %v", err)
		}
	}

	e, db := start()
	if _, err := db.Collection("members").InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "name", Value: "Grace"}}); err != nil {
		stop(e, db)
		t.Fatal(err)
	}
	// A computed document goes by group commit, whose connection must
	// sync as the engine's do.
	if err := database.Modify(ctx, db, database.Showcases, id, func(d *tally, _ bool) error { d.N = 7; return nil }); err != nil {
		stop(e, db)
		t.Fatal(err)
	}
	level, err := database.SyncLevel(ctx, e, name)
	if want := map[bool]int{false: 1, true: 2}[fullSync]; err != nil || level != want {
		t.Errorf("group commit's synchronous level = %d, %v; want %d", level, err, want)
	}
	if db.RecordWriters() <= badges.DefaultRecordWriters {
		t.Errorf("RecordWriters = %d, want more than a server's %d: group commit makes larger rounds of more writers", db.RecordWriters(), badges.DefaultRecordWriters)
	}
	stop(e, db)

	e, db = start()
	defer stop(e, db)
	var got struct {
		ID   string `bson:"_id"`
		Name string `bson:"name"`
	}
	if err := db.Collection("members").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil {
		t.Fatalf("FindOne after restart: %v", err)
	}
	if got.ID != id || got.Name != "Grace" {
		t.Fatalf("after restart got %+v", got)
	}
	if d, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, id); err != nil || !found || d.N != 7 {
		t.Fatalf("computed document after restart: %+v, %v, %v", d, found, err)
	}
	if plan := mustPlan(t, e, name, "members"); !planUsesFix(plan) {
		t.Fatalf("after restart the plan is %q", plan)
	}
}
