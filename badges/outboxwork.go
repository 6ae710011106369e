package badges

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// Delivery is retried with exponential back-off: a minute after the first
// failure, doubling to an hour, then hourly, until about three days have
// passed since the first attempt.
const (
	FirstRetry = time.Minute
	MaxRetry   = time.Hour
	// MaxMessageAttempts is about three days of attempts: six in the first
	// hour (1+2+4+8+16+32 minutes), then one an hour.
	MaxMessageAttempts = 6 + 71
	// MaxDeliveryLog bounds a message's delivery log: the first attempt
	// and the latest ones are kept.
	MaxDeliveryLog = 20
	// maxDeliveryDetail bounds a server's answer or error in the log.
	maxDeliveryDetail = 500
	// sendLease is how long a message being sent is kept from other
	// drains: a crash while sending leaves it to be tried again after it.
	sendLease = 10 * time.Minute
	// sendTimeout bounds one attempt to hand a message to the server.
	sendTimeout = 2 * time.Minute
	// maxMessageDrain bounds the messages one Drain handles, so that the
	// worker comes back between long runs of work.
	maxMessageDrain = 1000
	// messageBatch is how many messages a drain leases, sends and records
	// together: the store writes its queue and counts once a batch.
	messageBatch = 50
	// recordTimeout bounds the record of a batch's attempts, which goes
	// on while the worker shuts down.
	recordTimeout = 30 * time.Second
	// relistEvery is how often the worker looks for messages that other
	// processes queued.
	relistEvery = time.Minute
	// maxRest bounds the rest between batches.
	maxRest = time.Second
)

// Run lists new messages for the console and delivers due ones until ctx
// ends: at once when Notify queues one, and every interval otherwise
// (retries fall due with time). Without a Sender it only lists: messages
// stay held. The queue is read for new messages only when this process
// queued one, and every relistEvery for those other processes queue (the
// command line, another Laurel on the same MongoDB): the embedded engine
// reads the whole queue to find them, and without a mail server the queue
// keeps every message held.
func (o *Outbox) Run(ctx context.Context, interval time.Duration) {
	o.once.Do(func() { o.wake = make(chan struct{}, 1) })
	t := time.NewTicker(interval)
	defer t.Stop()
	fresh, listed := true, time.Time{} // at start, list what others queued meanwhile
	for {
		list := fresh || o.now().Sub(listed) >= relistEvery
		if list {
			listed = o.now()
		}
		n, err := o.drain(ctx, list)
		if err != nil && ctx.Err() == nil {
			o.report(Notice{Doing: "delivering queued messages", Err: err})
		}
		if n >= maxMessageDrain {
			o.signal() // more may be due: go on after a look at ctx
		}
		fresh = false
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
			fresh = true
		case <-t.C:
		}
	}
}

func (o *Outbox) signal() {
	o.once.Do(func() { o.wake = make(chan struct{}, 1) })
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *Outbox) report(n Notice) {
	if o.Report != nil {
		o.Report(n)
	}
}

// Drain lists the messages queued since it last ran, then tries every
// message due now once, at most maxMessageDrain of them, in batches of
// messageBatch, Workers at a time, and returns how many it tried. Between
// batches it rests (see Outbox.Rest). Held messages are due: they are
// sent once a Sender is configured.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	return o.drain(ctx, true)
}

// drain is Drain, listing new messages first only when list is set.
func (o *Outbox) drain(ctx context.Context, list bool) (int, error) {
	if list {
		if _, err := o.Store.ListQueued(ctx); err != nil {
			return 0, err
		}
	}
	if o.Sender == nil {
		return 0, nil
	}
	ids, err := o.Store.DueMessages(ctx, o.now(), maxMessageDrain)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	var errs []error
	var busy time.Duration
	for start := 0; start < len(ids) && ctx.Err() == nil; start += messageBatch {
		o.rest(ctx, busy)
		var err error
		busy, err = o.deliverBatch(ctx, ids[start:min(start+messageBatch, len(ids))])
		if err != nil {
			errs = append(errs, err)
		}
	}
	return len(ids), errors.Join(append(errs, ctx.Err())...)
}

// deliverBatch leases a batch's messages (so that no other drain sends
// them meanwhile), sends them Workers at a time, then records the
// attempts together, and returns how long its database work took. A
// crash after a send and before the record sends that message again once
// its lease ends: delivery is at least once, and the Message-ID lets a
// receiving server see a repeat. Shutting down (ctx ending) stops the
// sends but not the record of those sent, so that a restart does not
// send a batch again.
func (o *Outbox) deliverBatch(ctx context.Context, ids []string) (busy time.Duration, err error) {
	began := o.now()
	leased, err := o.Store.LeaseMessages(ctx, ids, began, began.Add(sendLease))
	busy = o.now().Sub(began)
	if err != nil || len(leased) == 0 {
		return busy, err
	}
	outcomes, errs := o.sendAll(ctx, leased)
	var done []string
	for _, id := range leased {
		if _, ok := outcomes[id]; ok {
			done = append(done, id)
		}
	}
	if len(done) == 0 {
		return busy, errors.Join(errs...)
	}
	recording := o.now()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	_, err = o.Store.UpdateMessages(rctx, done, func(m *Message) error {
		if out := outcomes[m.ID]; !out.stale {
			o.record(m, out.err)
		}
		return nil
	})
	busy += o.now().Sub(recording)
	return busy, errors.Join(append(errs, err)...)
}

// outcome is what became of one leased message: stale when its queue
// entry outlived it (sent or failed already: recording nothing drops the
// entry), else the error of its send.
type outcome struct {
	stale bool
	err   error
}

// sendAll sends the leased messages, Workers at a time, and returns the
// outcome of each one tried. One not tried (shutting down, or unread)
// has none: its lease ends and it is tried again.
func (o *Outbox) sendAll(ctx context.Context, ids []string) (map[string]outcome, []error) {
	workers := o.Workers
	if workers <= 0 {
		workers = 2
	}
	next := make(chan string)
	var mu sync.Mutex
	outcomes := map[string]outcome{}
	var errs []error
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Go(func() {
			for id := range next {
				out, err := o.send(ctx, id)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("message %s: %w", id, err))
				} else {
					outcomes[id] = out
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			break
		}
		next <- id
	}
	close(next)
	wg.Wait()
	return outcomes, errs
}

// send reads and sends one leased message.
func (o *Outbox) send(ctx context.Context, id string) (outcome, error) {
	m, err := o.Store.Message(ctx, id)
	if err != nil {
		return outcome{}, err
	}
	if m.State == MessageSent || m.State == MessageFailed {
		return outcome{stale: true}, nil
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	sendErr := o.Sender.Send(sctx, m)
	cancel()
	if sendErr != nil && ctx.Err() != nil {
		return outcome{}, ctx.Err() // shutting down: the lease ends and it is tried again
	}
	if sendErr != nil {
		o.report(Notice{Doing: "delivering a message", Award: id, Err: sendErr})
	}
	return outcome{err: sendErr}, nil
}

// rest waits between batches for Rest times busy, the database work of
// the batch before, at most maxRest, so that requests get the database
// between batches.
func (o *Outbox) rest(ctx context.Context, busy time.Duration) {
	factor := o.Rest
	if factor == 0 {
		factor = 1
	}
	d := min(time.Duration(factor*float64(busy)), maxRest)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// record notes an attempt's outcome in m: sent, failed for good, or put
// off with back-off.
func (o *Outbox) record(m *Message, sendErr error) {
	now := o.now()
	m.Attempts++
	d := Delivery{At: now, OK: sendErr == nil, Detail: "Accepted by the mail server."}
	if sendErr != nil {
		d.Detail = sendErr.Error()
	}
	if len(d.Detail) > maxDeliveryDetail {
		d.Detail = d.Detail[:maxDeliveryDetail] + "…"
	}
	m.Log = appendDelivery(m.Log, d)
	switch {
	case sendErr == nil:
		m.State, m.SentAt = MessageSent, now
	case errors.Is(sendErr, ErrMessageRefused) || m.Attempts >= MaxMessageAttempts:
		m.State = MessageFailed
	default:
		m.State, m.NextAttemptAt = MessagePending, now.Add(o.jitter(Backoff(m.Attempts)))
	}
}

// appendDelivery adds d to a log, keeping the first entry and the latest.
func appendDelivery(log []Delivery, d Delivery) []Delivery {
	log = append(log, d)
	if len(log) > MaxDeliveryLog {
		log = append(log[:1], log[len(log)-MaxDeliveryLog+1:]...)
	}
	return log
}

// Backoff is the delay before the attempt after the given number of
// failed ones: FirstRetry doubling up to MaxRetry.
func Backoff(failed int) time.Duration {
	d := FirstRetry
	for i := 1; i < failed && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

func (o *Outbox) jitter(d time.Duration) time.Duration {
	if o.Jitter != nil {
		return o.Jitter(d)
	}
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}
