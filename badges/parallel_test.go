package badges_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestParallel: every index runs once; a failure stops the taking of new
// indexes and the lowest failed index's error is returned; an ended
// context stops it too.
func TestParallel(t *testing.T) {
	var calls [1000]atomic.Int32
	if err := badges.Parallel(t.Context(), len(calls), 8, func(i int) error { calls[i].Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range calls {
		if n := calls[i].Load(); n != 1 {
			t.Fatalf("index %d ran %d times", i, n)
		}
	}
	var ran atomic.Int32
	err := badges.Parallel(t.Context(), 1000, 8, func(i int) error {
		ran.Add(1)
		if i == 40 || i == 41 || i == 300 {
			return fmt.Errorf("index %d failed", i)
		}
		return nil
	})
	if err == nil || err.Error() != "index 40 failed" {
		t.Fatalf("Parallel: %v; want index 40's error", err)
	}
	ran.Store(0)
	err = badges.Parallel(t.Context(), 1000, 1, func(i int) error { ran.Add(1); return fmt.Errorf("index %d failed", i) })
	if err == nil || err.Error() != "index 0 failed" || ran.Load() != 1 {
		t.Fatalf("one worker: %v after %d calls; want index 0's error after one call", err, ran.Load())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := badges.Parallel(ctx, 10, 2, func(int) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("with an ended context: %v", err)
	}
	if err := badges.Parallel(t.Context(), 0, 8, func(int) error { return errors.New("called") }); err != nil {
		t.Fatalf("no indexes: %v", err)
	}
}
