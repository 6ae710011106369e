package issuer

import (
	"context"
	"sync"
)

// bulkNotifyPart is how many award e-mails of a bulk award one call to the
// notifier queues. Composing an e-mail reads the database a few times, one
// e-mail after another, so the parts are queued side by side.
const bulkNotifyPart = 125

// bulkNotifier queues the award e-mails of a bulk award in parts, on a few
// goroutines, while the award goes on: the e-mails of one chunk are
// composed while the next chunk is signed and stored.
type bulkNotifier struct {
	s     *Service
	slots chan struct{} // bounds the parts queued at once
	wg    sync.WaitGroup
}

func (s *Service) newBulkNotifier() *bulkNotifier {
	return &bulkNotifier{s: s, slots: make(chan struct{}, bulkLookups)}
}

// tell queues the e-mails of es in the background; wait waits for them.
func (n *bulkNotifier) tell(ctx context.Context, es []earned) {
	for len(es) > 0 {
		part := es[:min(bulkNotifyPart, len(es))]
		es = es[len(part):]
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.slots <- struct{}{}
			defer func() { <-n.slots }()
			n.s.notifyEarned(ctx, part)
		}()
	}
}

// wait returns once every e-mail told is queued, or its failure reported.
func (n *bulkNotifier) wait() { n.wg.Wait() }
