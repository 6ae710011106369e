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
)

// Run lists new messages for the console and delivers due ones until ctx
// ends: at once when Notify queues one, and every interval otherwise
// (retries fall due with time). Without a Sender it only lists: messages
// stay held.
func (o *Outbox) Run(ctx context.Context, interval time.Duration) {
	o.once.Do(func() { o.wake = make(chan struct{}, 1) })
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := o.Drain(ctx)
		if err != nil && ctx.Err() == nil {
			o.report(Notice{Doing: "delivering queued messages", Err: err})
		}
		if n >= maxMessageDrain {
			o.signal() // more may be due: go on after a look at ctx
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
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
// message due now once, at most maxMessageDrain of them, Workers at a
// time, and returns how many it tried. Held messages are due: they are
// sent once a Sender is configured.
func (o *Outbox) Drain(ctx context.Context) (int, error) {
	if _, err := o.Store.ListQueued(ctx); err != nil {
		return 0, err
	}
	if o.Sender == nil {
		return 0, nil
	}
	ids, err := o.Store.DueMessages(ctx, o.now(), maxMessageDrain)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 2
	}
	next := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(workers, len(ids)) {
		wg.Go(func() {
			for id := range next {
				if err := o.deliver(ctx, id); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("message %s: %w", id, err))
					mu.Unlock()
				}
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
	return len(ids), errors.Join(append(errs, ctx.Err())...)
}

// deliver leases one message (so that no other drain sends it meanwhile),
// sends it and records the attempt. A crash after the send and before the
// record sends it again once the lease ends: delivery is at least once,
// and the Message-ID lets a receiving server see a repeat.
func (o *Outbox) deliver(ctx context.Context, id string) error {
	now := o.now()
	if leased, err := o.Store.LeaseMessage(ctx, id, now, now.Add(sendLease)); err != nil || !leased {
		return err
	}
	m, err := o.Store.Message(ctx, id)
	if err != nil {
		return err
	}
	if m.State == MessageSent || m.State == MessageFailed {
		// Its queue entry outlived it (a crash): changing nothing drops it.
		_, err := o.Store.UpdateMessage(ctx, id, func(*Message) error { return nil })
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	sendErr := o.Sender.Send(sctx, m)
	cancel()
	if sendErr != nil && ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease ends and it is tried again
	}
	_, err = o.Store.UpdateMessage(ctx, id, func(m *Message) error {
		o.record(m, sendErr)
		return nil
	})
	if sendErr != nil {
		o.report(Notice{Doing: "delivering a message", Award: id, Err: sendErr})
	}
	return err
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
