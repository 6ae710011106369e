package badges

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PendingAward is an award a rule earned, queued until it is issued. Its
// ID is also the award's idempotency key, so however often it is tried,
// one credential is issued.
type PendingAward struct {
	ID            string // "rule:<achievement>:<member>:<period>"
	IssuerID      string
	AchievementID string
	MemberID      string
	Narrative     string
	Links         []string
	// AwardedDate is when the member met the rule (see qualifiedAt); zero
	// in entries queued before it was kept, which are dated when issued.
	AwardedDate time.Time
	Attempts    int
	LastError   string // the last attempt's whole error, for admins
	NotBefore   time.Time
	CreatedAt   time.Time
}

// QueueStore keeps the queue of awards earned and not yet issued.
type QueueStore interface {
	// Enqueue queues awards, once each by ID.
	Enqueue(ctx context.Context, awards []PendingAward) error
	// Pending lists up to limit queued awards that are due at due (not
	// put off past it), oldest first.
	Pending(ctx context.Context, due time.Time, limit int) ([]PendingAward, error)
	// Done removes an award from the queue; Retry records a failed
	// attempt and puts the award off until next.
	Done(ctx context.Context, id string) error
	Retry(ctx context.Context, id, reason string, next time.Time) error
}

// pendingID is the queue key of a rule's award to a member in a period,
// also its idempotency key: "rule:<achievement>:<member>:<period>".
func pendingID(achievementID, memberID, period string) string {
	return "rule:" + achievementID + ":" + memberID + ":" + period
}

// pendingPeriod is the period in a queue key (periods have no colon).
func pendingPeriod(id string) string { return id[strings.LastIndexByte(id, ':')+1:] }

// MaxDrain bounds the queued awards one Drain handles, so that the worker
// comes back between long runs of work (a backlog is drained in several).
const MaxDrain = 1000

// drainBatch is how many due awards are read from the queue at a time.
const drainBatch = 100

// ErrAwardRequeued reports an award queued again by the re-evaluation
// that follows its own issue: a rule that keeps awarding itself, the kind
// of bug that would otherwise keep the worker issuing one award for ever.
// The second entry is dropped (the award was issued under the same key).
var ErrAwardRequeued = errors.New("award queued again right after it was issued")

// Run issues queued awards until ctx ends: at once when an activity
// queues one, and every interval otherwise, retrying failures with
// backoff. At start and every interval it also recovers recording batches
// left unfinished for StaleBatchAge. Beside it, it backfills members'
// activity indexes once (see BackfillActivityIndex), and waits for that
// before it returns.
func (a *Awarder) Run(ctx context.Context, interval time.Duration) {
	a.once.Do(func() { a.wake = make(chan struct{}, 1) })
	t := time.NewTicker(interval)
	defer t.Stop()
	backfilled := make(chan struct{})
	go func() { defer close(backfilled); a.backfillInBackground(ctx) }()
	defer func() { <-backfilled }()
	a.recoverStale(ctx)
	for {
		handled, _, err := a.drain(ctx)
		if err != nil && ctx.Err() == nil {
			a.report(Notice{Doing: "awarding queued awards", Err: err})
		}
		if handled >= MaxDrain {
			a.signal() // more may be due: go on after a look at ctx
		}
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		case <-t.C:
			a.recoverStale(ctx)
		}
	}
}

func (a *Awarder) signal() {
	a.once.Do(func() { a.wake = make(chan struct{}, 1) })
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Drain issues the queued awards that are due, at most MaxDrain of them,
// and returns how many were issued (or found issued already). An award
// that queues itself again is reported with ErrAwardRequeued.
func (a *Awarder) Drain(ctx context.Context) (int, error) {
	_, done, err := a.drain(ctx)
	return done, err
}

// drain is Drain, also saying how many queue entries it handled.
func (a *Awarder) drain(ctx context.Context) (handled, done int, err error) {
	sets := map[string]*ruleSet{} // by community, read once for the whole drain
	issued := map[string]bool{}   // queue entries issued by this drain
	var requeued []error
	for handled < MaxDrain && ctx.Err() == nil {
		now := a.now()
		batch, err := a.Queue.Pending(ctx, now, min(drainBatch, MaxDrain-handled))
		if err != nil || len(batch) == 0 {
			return handled, done, errors.Join(append(requeued, err)...)
		}
		for _, p := range batch {
			handled++
			if issued[p.ID] {
				requeued = append(requeued, fmt.Errorf("%w: %s", ErrAwardRequeued, p.ID))
				if err := a.Queue.Done(ctx, p.ID); err != nil {
					return handled, done, err
				}
				continue
			}
			if err := a.issue(ctx, p, sets); err != nil {
				if ctx.Err() != nil {
					return handled, done, ctx.Err()
				}
				// The queue is admins' to read: it keeps the whole error,
				// not the message a user would be shown.
				a.warn("issuing a queued award", p.ID, err)
				backoff := min(time.Duration(1<<min(p.Attempts, 10))*time.Second, time.Hour)
				if rerr := a.Queue.Retry(ctx, p.ID, err.Error(), now.Add(backoff)); rerr != nil {
					return handled, done, rerr
				}
				continue
			}
			issued[p.ID] = true
			done++
		}
	}
	return handled, done, errors.Join(append(requeued, ctx.Err())...)
}

// issue makes one queued award. The queue entry's id is the award's
// idempotency key: if a crash came after the credential was issued and
// before the entry was removed, issuing again returns the same credential.
func (a *Awarder) issue(ctx context.Context, p PendingAward, sets map[string]*ruleSet) error {
	in := AwardInput{AchievementID: p.AchievementID, MemberID: p.MemberID, Narrative: p.Narrative, AwardedDate: p.AwardedDate, IdempotencyKey: p.ID}
	for _, l := range p.Links {
		in.Evidence = append(in.Evidence, Evidence{URL: l, Name: "Recorded activity"})
	}
	if err := a.issueDated(ctx, p.IssuerID, &in); err != nil {
		if cannotAward(err) {
			a.warn("queued award dropped", p.ID, err)
			return a.Queue.Done(ctx, p.ID)
		}
		return err
	}
	// Remember the award in the member's record before it leaves the
	// queue: the rule is still met, and without this the evaluation below
	// would queue it again, for ever.
	var rec *MemberRecord
	err := a.Records.UpdateRecord(ctx, p.MemberID, func(r *MemberRecord) error {
		r.MarkAwarded(p.AchievementID, pendingPeriod(p.ID))
		noteAwardedOn(r, p.AchievementID, in.AwardedDate)
		rec = r
		return nil
	})
	if err != nil {
		return err
	}
	if err := a.Queue.Done(ctx, p.ID); err != nil {
		return err
	}
	// A new badge may complete a pathway. The award is made whatever
	// happens here: a failure is reported, and the member's next activity
	// evaluates their rules again.
	rs, ok := sets[p.IssuerID]
	if !ok {
		var err error
		if rs, err = a.Catalogue.ruleSet(ctx, p.IssuerID); err != nil {
			a.warn("re-evaluating after an award", p.ID, err)
			return nil
		}
		sets[p.IssuerID] = rs
	}
	if _, err := a.evaluate(ctx, rs, rec, everyRule); err != nil {
		a.warn("re-evaluating after an award", p.ID, err)
	}
	return nil
}

// issueDated issues an award by rule with the date the member met the
// rule. An issuer whose clock is behind the awarder's finds that date in
// the future and refuses it; the award is then dated when it is issued
// (in.AwardedDate is set to that moment, as the awarder's clock reads it).
func (a *Awarder) issueDated(ctx context.Context, issuerID string, in *AwardInput) error {
	_, err := a.Issue(ctx, issuerID, *in)
	var fe *Error
	if errors.As(err, &fe) && fe.Field == "awardedDate" && !in.AwardedDate.IsZero() {
		in.AwardedDate = time.Time{}
		_, err = a.Issue(ctx, issuerID, *in)
		in.AwardedDate = a.now()
	}
	return err
}
