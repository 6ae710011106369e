package api

import (
	"errors"
	"sync"
)

// readEach reads something for each item, at most readers at once, into
// the items' order: a console page of 50 rows would otherwise wait for
// 50 reads by id in turn.
func readEach[T, R any](items []T, readers int, read func(T) (R, error)) ([]R, error) {
	out, errs := make([]R, len(items)), make([]error, len(items))
	slots := make(chan struct{}, readers)
	var wg sync.WaitGroup
	for i, it := range items {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			out[i], errs[i] = read(it)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
