package badges

import (
	"context"
	"sync"
	"sync/atomic"
)

// composeWorkers is how many messages Notify composes at once. Composing
// reads the community and the recipient's opt-outs and renders the
// message's templates: a bulk award's 10,000 messages composed one after
// another wait on 20,000 reads in turn.
const composeWorkers = 8

// composeAll composes every notification, several at once, and returns
// the messages in the notifications' order. On failure it returns the
// error of the first notification that failed, as composing them in turn
// would.
func (o *Outbox) composeAll(ctx context.Context, ns []Notification) ([]*Message, error) {
	ms := make([]*Message, len(ns))
	errs := make([]error, len(ns))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(composeWorkers, len(ns)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(ns) && !failed.Load(); i = int(next.Add(1) - 1) {
				if ms[i], errs[i] = o.compose(ctx, ns[i]); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return ms, nil
}
