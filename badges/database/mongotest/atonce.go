package mongotest

import "sync"

// AtOnce runs every f on its own goroutine, released together so that they
// race as requests to several Laurel processes do, and returns their
// errors in order.
func AtOnce(fs ...func() error) []error {
	errs := make([]error, len(fs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f()
		}()
	}
	close(start)
	wg.Wait()
	return errs
}
