package database_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

type tally struct {
	N     int      `bson:"n"`
	Names []string `bson:"names"`
}

// TestModify_Concurrent adds to one computed document from many goroutines:
// no write may be lost, on the embedded engine (locks) or on MongoDB
// (compare-and-swap).
func TestModify_Concurrent(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	const writers = 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- database.Modify(ctx, db, database.Showcases, "tally", func(d *tally, exists bool) error {
				d.N++
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, "tally")
	if err != nil || !found || got.N != writers {
		t.Fatalf("ReadComputed = %+v, %v, %v; want n=%d", got, found, err, writers)
	}
}

// TestInsertComputed inserts new documents in one batch and reports the
// ones that exist, which are left as they were.
func TestInsertComputed(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	if err := database.Modify(ctx, db, database.Showcases, "b", func(d *tally, exists bool) error {
		if exists {
			t.Error("a new document was said to exist")
		}
		d.N, d.Names = 7, []string{"kept"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	existing, err := database.InsertComputed(ctx, db, database.Showcases, []string{"a", "b", "c"},
		[]tally{{N: 1}, {N: 2}, {N: 3}})
	if err != nil || len(existing) != 1 || existing[0] != 1 {
		t.Fatalf("InsertComputed = %v, %v; want [1]", existing, err)
	}
	for id, want := range map[string]int{"a": 1, "b": 7, "c": 3} {
		got, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, id)
		if err != nil || !found || got.N != want {
			t.Errorf("%s = %+v, %v, %v; want n=%d", id, got, found, err, want)
		}
	}
	if _, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, "missing"); found || err != nil {
		t.Errorf("missing document: found %v, %v", found, err)
	}
}

// TestModify_Cache: Modify keeps what it wrote, a failed change leaves the
// document and its cached copy as they were, a reader without the lock
// never fills the cache, and another connection to the same database
// sees every change.
func TestModify_Cache(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := t.Context()
	add := func(db *database.DB, name string) error {
		return database.Modify(ctx, db, database.Showcases, "t", func(d *tally, _ bool) error {
			d.N++
			d.Names = append(d.Names, name)
			return nil
		})
	}
	if err := add(db, "a"); err != nil {
		t.Fatal(err)
	}
	if !database.Cached(db, database.Showcases, "t") {
		t.Error("Modify did not keep the document it wrote")
	}

	failed := errors.New("refused")
	err := database.Modify(ctx, db, database.Showcases, "t", func(d *tally, _ bool) error {
		d.N, d.Names = 100, append(d.Names, "lost")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Modify = %v, want the change's error", err)
	}
	got, _, err := database.ReadComputed[tally](ctx, db, database.Showcases, "t")
	if err != nil || got.N != 1 || !slices.Equal(got.Names, []string{"a"}) {
		t.Fatalf("after a failed change: %+v, %v; want n=1 [a]", got, err)
	}
	got.Names[0] = "changed by the reader" // must not reach the cache

	other, err := database.Open(ctx, database.Options{URI: mongotest.URI(), Database: db.Name(), Engine: mongotest.Engine()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close(ctx)
	if err := add(other, "b"); err != nil {
		t.Fatal(err)
	}
	if err := add(db, "c"); err != nil {
		t.Fatal(err)
	}
	for name, conn := range map[string]*database.DB{"first": db, "second": other} {
		got, _, err := database.ReadComputed[tally](ctx, conn, database.Showcases, "t")
		if err != nil || got.N != 3 || !slices.Equal(got.Names, []string{"a", "b", "c"}) {
			t.Errorf("%s connection reads %+v, %v; want n=3 [a b c]", name, got, err)
		}
	}

	if _, err := database.InsertComputed(ctx, db, database.Showcases, []string{"u"}, []tally{{N: 1}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := database.ReadComputed[tally](ctx, db, database.Showcases, "u"); err != nil {
		t.Fatal(err)
	}
	if database.Cached(db, database.Showcases, "u") {
		t.Error("a write or read without the document's lock filled the cache")
	}
}

// TestModify_RefusedOnStaleCopy: a change refused on a cached copy that
// another process has made stale is tried again on the document as
// stored. The first process keeps [a] in its cache, the second adds b,
// and the first removes a, which is refused only when a is the last name.
func TestModify_RefusedOnStaleCopy(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	first, second := database.AsAnotherProcess(db), database.AsAnotherProcess(db)
	last := errors.New("the last name")
	add := func(db *database.DB, name string) {
		t.Helper()
		if err := database.Modify(ctx, db, database.Showcases, "t", func(d *tally, _ bool) error {
			d.Names = append(d.Names, name)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	add(first, "a")
	add(second, "b")
	err := database.Modify(ctx, first, database.Showcases, "t", func(d *tally, _ bool) error {
		if len(d.Names) < 2 {
			return last
		}
		d.Names = slices.DeleteFunc(d.Names, func(n string) bool { return n == "a" })
		return nil
	})
	if err != nil {
		t.Fatalf("removing a with b stored: %v", err)
	}
	got, _, err := database.ReadComputed[tally](ctx, second, database.Showcases, "t")
	if err != nil || !slices.Equal(got.Names, []string{"b"}) {
		t.Fatalf("stored %+v, %v; want [b]", got, err)
	}
}

// TestModify_DropForgetsCache: a database dropped and created again under
// the same name starts empty, whatever the cache held.
func TestModify_DropForgetsCache(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	if err := database.Modify(ctx, db, database.Showcases, "t", func(d *tally, _ bool) error { d.N = 5; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := database.Open(ctx, database.Options{URI: mongotest.URI(), Database: db.Name(), Engine: mongotest.Engine()})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close(ctx)
	if got, found, err := database.ReadComputed[tally](ctx, again, database.Showcases, "t"); found || err != nil {
		t.Fatalf("after Drop: %+v, found %v, %v", got, found, err)
	}
	err = database.Modify(ctx, again, database.Showcases, "t", func(d *tally, exists bool) error {
		if exists || d.N != 0 {
			t.Errorf("after Drop, Modify saw exists=%v n=%d", exists, d.N)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkModify measures a read-modify-write of a member-record-sized
// computed document, with the document in the cache (the usual case while
// activity arrives) and without (the first change after a start).
func BenchmarkModify(b *testing.B) {
	db := mongotest.NewDB(b)
	ctx := b.Context()
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("event-%03d-with-some-detail", i)
	}
	for _, cached := range []bool{true, false} {
		b.Run(fmt.Sprintf("cached=%v", cached), func(b *testing.B) {
			for b.Loop() {
				if !cached {
					database.ForgetCached(db)
				}
				err := database.Modify(ctx, db, database.Showcases, "bench", func(d *tally, _ bool) error {
					d.N++
					d.Names = names
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestModify_ReadsEarlierLayout: documents written by earlier versions,
// with their content as an embedded document, are read and changed.
func TestModify_ReadsEarlierLayout(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := t.Context()
	_, err := db.Collection(database.Showcases).InsertOne(ctx, bson.D{{Key: "_id", Value: "old"}, {Key: "rev", Value: int64(4)},
		{Key: "doc", Value: bson.D{{Key: "n", Value: 2}, {Key: "names", Value: bson.A{"x", "y"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, found, err := database.ReadComputed[tally](ctx, db, database.Showcases, "old")
	if err != nil || !found || got.N != 2 || !slices.Equal(got.Names, []string{"x", "y"}) {
		t.Fatalf("ReadComputed = %+v, %v, %v; want n=2 [x y]", got, found, err)
	}
	if err := database.Modify(ctx, db, database.Showcases, "old", func(d *tally, exists bool) error {
		if !exists || d.N != 2 {
			t.Errorf("Modify saw exists=%v n=%d", exists, d.N)
		}
		d.N++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	database.ForgetCached(db)
	if got, _, err := database.ReadComputed[tally](ctx, db, database.Showcases, "old"); err != nil || got.N != 3 {
		t.Fatalf("after Modify: %+v, %v; want n=3", got, err)
	}
}
