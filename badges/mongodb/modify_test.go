package mongodb_test

import (
	"context"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/badges/mongodb/mongotest"
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
			errs <- mongodb.Modify(ctx, db, mongodb.ColShowcases, "tally", func(d *tally, exists bool) error {
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
	got, found, err := mongodb.ReadComputed[tally](ctx, db, mongodb.ColShowcases, "tally")
	if err != nil || !found || got.N != writers {
		t.Fatalf("ReadComputed = %+v, %v, %v; want n=%d", got, found, err, writers)
	}
}

// TestInsertComputed inserts new documents in one batch and reports the
// ones that exist, which are left as they were.
func TestInsertComputed(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	if err := mongodb.Modify(ctx, db, mongodb.ColShowcases, "b", func(d *tally, exists bool) error {
		if exists {
			t.Error("a new document was said to exist")
		}
		d.N, d.Names = 7, []string{"kept"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	existing, err := mongodb.InsertComputed(ctx, db, mongodb.ColShowcases, []string{"a", "b", "c"},
		[]tally{{N: 1}, {N: 2}, {N: 3}})
	if err != nil || len(existing) != 1 || existing[0] != 1 {
		t.Fatalf("InsertComputed = %v, %v; want [1]", existing, err)
	}
	for id, want := range map[string]int{"a": 1, "b": 7, "c": 3} {
		got, found, err := mongodb.ReadComputed[tally](ctx, db, mongodb.ColShowcases, id)
		if err != nil || !found || got.N != want {
			t.Errorf("%s = %+v, %v, %v; want n=%d", id, got, found, err, want)
		}
	}
	if _, found, err := mongodb.ReadComputed[tally](ctx, db, mongodb.ColShowcases, "missing"); found || err != nil {
		t.Errorf("missing document: found %v, %v", found, err)
	}
}
