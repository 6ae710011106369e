package badges

import (
	"context"
	"sync"
	"sync/atomic"
)

// Parallel calls f(i) for i from 0 to n-1 on at most workers goroutines,
// taking the indexes in order. Once a call fails, or ctx ends, no further
// index is taken; the calls already made finish. It returns the error of
// the lowest index that failed, which is what calling f for each index in
// turn would have returned, else ctx's error if it ended first.
func Parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if errs[i] = f(i); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	// Indexes are taken in order and every call taken finishes, so every
	// index below a failed one has run.
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if int(next.Load()) < n {
		return ctx.Err()
	}
	return nil
}
