// Package mongotest gives tests a fresh database each, on the embedded
// engine (started once per test binary, listening on its private socket as
// in production) or, when LAUREL_TEST_MONGODB_URI is set, on that MongoDB
// server.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges/database"
)

// externalURI names the environment variable of an external test server;
// it is read once, by Main.
const externalURI = "LAUREL_TEST_MONGODB_URI"

// Set by Main: the test binary's embedded engine (nil with an external
// server) and the URI of the server tests use.
var (
	engine *database.Engine
	uri    string
)

// Main runs a package's tests with an embedded engine (unless an external
// MongoDB is configured) and removes the engine's files afterwards. Call it
// from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m, os.Getenv(externalURI)))
}

func run(m *testing.M, external string) int {
	uri = external
	if uri == "" {
		dir, err := os.MkdirTemp("", "laurel-test-db-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		engine, err = database.StartEngine(database.EngineConfig{Dir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer engine.Close()
		uri = engine.URI()
	}
	return m.Run()
}

// Engine is the embedded engine, or nil when tests use an external server.
func Engine() *database.Engine { return engine }

// External reports whether tests use an external MongoDB server.
func External() bool { return engine == nil && uri != "" }

// URI is the address of the test server.
func URI() string { return uri }

// NewDB opens a new, empty database for one test and drops it when the test
// ends.
func NewDB(tb testing.TB) *database.DB {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := Connect(tb, "test_"+hex.EncodeToString(b[:]))
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return db
}

// Connect opens another connection to a database of the test server and
// closes it when the test ends.
//
// With LAUREL_TEST_MONGODB_URI set it is what a second Laurel process
// would have: connections and a cache of computed documents of its own.
// On the embedded engine it shares the engine's document locks and its
// cache of computed documents with every other connection, as connections
// within one process do. There, tests of several processes prove the
// stores' logic with the locks serialising what MongoDB's conditional
// writes decide; the conditional writes themselves, and a cached copy made
// stale by another process, are exercised only against a MongoDB server.
func Connect(tb testing.TB, name string) *database.DB {
	tb.Helper()
	if uri == "" {
		tb.Fatal("mongotest: call mongotest.Main from TestMain")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := database.Open(ctx, database.Options{URI: uri, Database: name, Engine: engine})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Close(ctx)
	})
	return db
}
