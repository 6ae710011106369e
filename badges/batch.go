package badges

import (
	"context"
	"errors"
	"time"
)

// Recording a batch writes several documents that no transaction binds:
// the activity log, members' records and the week counters. A journal
// makes it one recoverable unit: each batch is journalled before its
// activities are logged and its journal entry is removed once every record
// and week has it. A batch left unfinished (the client went away, the
// process died) is applied again under its own id, which records and weeks
// remember, so nothing is lost and nothing is counted twice. This file
// holds the journal and the recovery; recording.go the normal path.

// Batch is the journal entry of one recording batch, kept until the batch
// is applied everywhere.
type Batch struct {
	ID          string
	IssuerID    string
	ActivityIDs []string // the activities the batch logs, each once
	StartedAt   time.Time
}

// BatchFilter selects unfinished batches: of one community (all when
// IssuerID is empty), started before StartedBefore (any time when zero).
type BatchFilter struct {
	IssuerID      string
	StartedBefore time.Time
}

// BatchStore is the journal of recording batches. It holds only
// unfinished ones, so it stays small enough to read whole.
type BatchStore interface {
	// StartBatch journals a batch before its activities are logged.
	StartBatch(ctx context.Context, b Batch) error
	// FinishBatch removes a batch from the journal; removing one that is
	// not there is no error.
	FinishBatch(ctx context.Context, id string) error
	// UnfinishedBatches lists the journalled batches f selects.
	UnfinishedBatches(ctx context.Context, f BatchFilter) ([]Batch, error)
}

// StaleBatchAge is how long a batch must have been unfinished before the
// award worker takes it to be abandoned and recovers it. It is longer than
// logging a batch can take, so a recovery never races the logging of a
// batch still under way (see recoverBatch).
const StaleBatchAge = time.Minute

// errBatchApplied leaves a record that has a batch already as it is: a
// change that fails writes nothing.
var errBatchApplied = errors.New("batch applied already")

// Recover applies the batches started more than olderThan ago that are
// still unfinished, in every community, and returns how many it finished.
// Call it when no batch is being logged by anyone for that long: at start
// on the embedded engine, which one process owns, any olderThan will do;
// otherwise StaleBatchAge.
func (a *Awarder) Recover(ctx context.Context, olderThan time.Duration) (int, error) {
	batches, err := a.Batches.UnfinishedBatches(ctx, BatchFilter{StartedBefore: a.now().Add(-olderThan)})
	if err != nil {
		return 0, err
	}
	sets := map[string]*ruleSet{}
	done := 0
	var errs []error
	for _, b := range batches {
		rs, ok := sets[b.IssuerID]
		if !ok {
			if rs, err = a.Catalogue.ruleSet(ctx, b.IssuerID); err != nil {
				errs = append(errs, err)
				continue
			}
			sets[b.IssuerID] = rs
		}
		if _, _, err := a.recoverBatch(ctx, rs, b, true); err != nil {
			errs = append(errs, err)
			continue
		}
		done++
	}
	return done, errors.Join(errs...)
}

// recoverStale is Recover of abandoned batches, for the award worker,
// which reports what fails and goes on.
func (a *Awarder) recoverStale(ctx context.Context) {
	n, err := a.Recover(ctx, StaleBatchAge)
	if err != nil && ctx.Err() == nil {
		a.report(Notice{Doing: "recovering unfinished activity batches", Err: err})
	}
	if n > 0 {
		a.report(Notice{Doing: "recovered unfinished activity batches", Batches: n})
	}
}

// resume recovers, for a batch whose activities the log reported as
// duplicates, the community's other unfinished batches that logged one of
// them: a client resending after a timeout or a crash gets its activities
// applied. It returns the results of the activities the recovery applied,
// by activity id.
func (a *Awarder) resume(ctx context.Context, rs *ruleSet, own string, duplicates []string) (map[string]ActivityResult, error) {
	batches, err := a.Batches.UnfinishedBatches(ctx, BatchFilter{IssuerID: rs.issuerID})
	if err != nil {
		return nil, err
	}
	wanted := make(map[string]bool, len(duplicates))
	for _, id := range duplicates {
		wanted[id] = true
	}
	stale := a.now().Add(-StaleBatchAge)
	out := map[string]ActivityResult{}
	for _, b := range batches {
		if b.ID == own || !b.holdsAny(wanted) {
			continue
		}
		applied, _, err := a.recoverBatch(ctx, rs, b, b.StartedAt.Before(stale))
		if err != nil {
			return nil, err
		}
		for _, r := range applied {
			out[r.ID] = r
		}
	}
	return out, nil
}

func (b Batch) holdsAny(ids map[string]bool) bool {
	for _, id := range b.ActivityIDs {
		if ids[id] {
			return true
		}
	}
	return false
}

// recoverBatch applies an unfinished batch again under its own id: each
// activity the log holds for it goes to its member's record and its week
// unless they have the batch already, the members' rules are evaluated
// again (a crash may have come between a record and its awards; queueing
// is idempotent), and the batch is finished. It returns the results of the
// activities it applied to a record that lacked them.
//
// Until every activity of the batch is in the log (logged by it or,
// before, by another batch), its logging may still be under way, and a
// record given part of the batch would refuse the rest; unless settled
// says the batch was abandoned, such a batch is left for later (done is
// false).
func (a *Awarder) recoverBatch(ctx context.Context, rs *ruleSet, b Batch, settled bool) (applied []ActivityResult, done bool, err error) {
	logged, err := a.Activities.Logged(ctx, b.ActivityIDs)
	if err != nil {
		return nil, false, err
	}
	if len(logged) < len(b.ActivityIDs) && !settled {
		return nil, false, nil
	}
	var acts []Activity
	for _, id := range b.ActivityIDs {
		if l, ok := logged[id]; ok && l.Batch == b.ID && l.Void == nil {
			acts = append(acts, l.Activity)
		}
	}
	outcomes, err := a.applyBatch(ctx, rs, b, acts)
	if err != nil {
		return nil, false, err
	}
	if err := a.Batches.FinishBatch(ctx, b.ID); err != nil {
		return nil, false, err
	}
	for _, act := range acts {
		if o := outcomes[act.MemberID]; o.applied {
			applied = append(applied, ActivityResult{Outcome: ActivityRecorded, ID: act.ID, MemberID: act.MemberID, Earned: o.earned})
		}
	}
	return applied, true, nil
}
