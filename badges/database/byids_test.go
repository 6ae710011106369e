package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

// TestEachComputed reads a few documents of many (one by one on the
// embedded engine) and most of them (in one scan there), each once, with
// the missing ones reported as not found, and stops at f's error.
func TestEachComputed(t *testing.T) {
	db := mongotest.NewDB(t)
	ctx := context.Background()
	var ids []string
	var docs []tally
	for i := range 200 {
		ids, docs = append(ids, fmt.Sprint("d", i)), append(docs, tally{N: i})
	}
	if _, err := database.InsertComputed(ctx, db, database.Showcases, ids, docs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ids  []string
	}{
		{"few", []string{"d3", "d150", "gone"}},
		{"most", append(append([]string{}, ids[:190]...), "gone")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[string]int{}
			err := database.EachComputedOf(ctx, db, database.Showcases, tc.ids, 2, func(id string, d tally, found bool) error {
				mu.Lock()
				defer mu.Unlock()
				if want := id != "gone"; found != want || (found && fmt.Sprint("d", d.N) != id) {
					t.Errorf("%s: %+v, found %v", id, d, found)
				}
				seen[id]++
				return nil
			})
			if err != nil || len(seen) != len(tc.ids) {
				t.Fatalf("saw %d of %d, %v", len(seen), len(tc.ids), err)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s seen %d times", id, n)
				}
			}
			stop := errors.New("enough")
			if err := database.EachComputedOf(ctx, db, database.Showcases, tc.ids, 2, func(string, tally, bool) error { return stop }); !errors.Is(err, stop) {
				t.Fatalf("f's error: got %v", err)
			}
		})
	}
}
