// Package mongotest gives tests a fresh database each, on the embedded
// engine (started once per test binary) or, when LAUREL_TEST_MONGODB_URI is
// set, on that MongoDB server.
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

	"github.com/laurel-badges/laurel/badges/mongodb"
)

// engine is the test binary's embedded engine; Main sets it.
var engine *mongodb.Engine

// Main runs a package's tests with an embedded engine (unless an external
// MongoDB is configured) and removes the engine's files afterwards. Call it
// from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("LAUREL_TEST_MONGODB_URI") == "" {
		dir, err := os.MkdirTemp("", "laurel-test-db-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		engine, err = mongodb.StartEngine(mongodb.EngineConfig{Dir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer engine.Close()
	}
	return m.Run()
}

// Engine is the embedded engine, or nil when tests use an external server.
func Engine() *mongodb.Engine { return engine }

// URI is the address of the test server.
func URI() string {
	if uri := os.Getenv("LAUREL_TEST_MONGODB_URI"); uri != "" || engine == nil {
		return uri
	}
	return engine.URI()
}

// NewDB opens a new, empty database for one test and drops it when the test
// ends.
func NewDB(tb testing.TB) *mongodb.DB {
	tb.Helper()
	uri := URI()
	if uri == "" {
		tb.Fatal("mongotest: call mongotest.Main from TestMain")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := mongodb.Open(ctx, mongodb.Options{URI: uri, Database: "test_" + hex.EncodeToString(b[:]), Engine: engine})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
		_ = db.Close(ctx)
	})
	return db
}
