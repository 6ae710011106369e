package badges

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// Running re-evaluations: the worker takes the unfinished jobs one after
// another and works each through the community's member list a batch at
// a time. A batch's awards are written ahead into the job's checkpoint
// before they are queued, and the batch is counted once they are, so a job
// cut short anywhere resumes with the right counts and queues nothing
// twice (queueing is idempotent by award key, and the member record's
// memory of awards keeps an award issued meanwhile from being queued
// again).

// StaleReevaluationAge is how long a running job must have gone without a
// checkpoint before another process takes it to be abandoned. A batch
// takes far less.
const StaleReevaluationAge = time.Minute

// errNotTaken leaves a job to the process running it, or finished.
var errNotTaken = errors.New("re-evaluation finished or run by another process")

// Run works re-evaluation jobs until ctx ends: at once when one is
// started, and every interval otherwise. At start it takes over the jobs
// left running whose last checkpoint is older than takeOver: zero on the
// embedded engine, which one process owns, so that a job left running was
// cut short by the last run; StaleReevaluationAge otherwise, as later on.
// First, at start and after a start that failed, it starts the jobs of
// rules that never had one (see CatchUp), before their own jobs run.
func (v *Reevaluator) Run(ctx context.Context, interval, takeOver time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	v.missed.Store(true)
	for {
		v.catchUpIfMissed(ctx)
		if _, err := v.Work(ctx, takeOver); err != nil && ctx.Err() == nil {
			v.awarder.report(Notice{Doing: "re-evaluating rules for every member", Err: err})
		}
		takeOver = StaleReevaluationAge
		select {
		case <-ctx.Done():
			return
		case <-v.wake:
		case <-t.C:
		}
	}
}

// Work runs the unfinished jobs it may take, one after another: those
// queued, its own, and those running elsewhere without a checkpoint for
// takeOver. It returns how many it finished; a job that fails for a
// reason a retry may mend is left running, to be tried again.
func (v *Reevaluator) Work(ctx context.Context, takeOver time.Duration) (int, error) {
	ids, err := v.store.UnfinishedReevaluations(ctx)
	if err != nil {
		return 0, err
	}
	return workEach(ctx, ids, func(id string) (bool, error) { return v.runJob(ctx, id, takeOver) })
}

// runJob takes a job and runs it to its end; done reports that it ended.
func (v *Reevaluator) runJob(ctx context.Context, id string, takeOver time.Duration) (done bool, err error) {
	j, err := v.take(ctx, id, takeOver)
	if err != nil || j == nil {
		return false, err
	}
	err = v.run(ctx, j)
	switch {
	case err == nil:
		return true, v.finish(ctx, j, ReevaluationDone, "")
	case errors.Is(err, errNotTaken), ctx.Err() != nil:
		return false, nil // another process has it, or it resumes at the next start
	case cannotAward(err):
		return true, v.finish(ctx, j, ReevaluationFailed, ErrorMessage(err))
	}
	return false, err
}

// take marks a job running in this process, unless it is finished or
// another process ran it less than takeOver ago; nil when not taken.
func (v *Reevaluator) take(ctx context.Context, id string, takeOver time.Duration) (*Reevaluation, error) {
	now := v.awarder.now()
	var taken Reevaluation
	err := v.store.UpdateReevaluation(ctx, id, func(j *Reevaluation) error {
		switch {
		case j.State.Finished(),
			j.State == ReevaluationRunning && j.Runner != v.runner && now.Sub(j.UpdatedAt) < takeOver:
			return errNotTaken
		}
		j.State, j.Runner, j.UpdatedAt = ReevaluationRunning, v.runner, now
		if j.StartedAt.IsZero() {
			j.StartedAt = now
		}
		taken = *j
		return nil
	})
	if errors.Is(err, errNotTaken) || ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &taken, nil
}

// checkpoint changes the job as this process runs it, and keeps j up to
// date; errNotTaken when another process has taken it over.
func (v *Reevaluator) checkpoint(ctx context.Context, j *Reevaluation, change func(*Reevaluation)) error {
	now := v.awarder.now()
	var saved Reevaluation
	err := v.store.UpdateReevaluation(ctx, j.ID, func(s *Reevaluation) error {
		if s.Runner != v.runner || s.State != ReevaluationRunning {
			return errNotTaken
		}
		change(s)
		s.UpdatedAt = now
		saved = *s
		return nil
	})
	if err == nil {
		*j = saved
	}
	return err
}

// finish ends a job and frees its rule revision for the next.
func (v *Reevaluator) finish(ctx context.Context, j *Reevaluation, state ReevaluationState, reason string) error {
	now := v.awarder.now()
	err := v.checkpoint(ctx, j, func(s *Reevaluation) {
		s.State, s.Error, s.Runner, s.FinishedAt = state, reason, "", now
		if state == ReevaluationDone {
			s.MembersTotal = s.MembersDone // members come and go while it runs
		}
	})
	if err != nil {
		return err
	}
	return v.store.ReleaseRun(ctx, runKey(j.AchievementID, j.RuleRevision), j.ID)
}

// run works a taken job's member list from its cursor to the end.
func (v *Reevaluator) run(ctx context.Context, j *Reevaluation) error {
	if b := j.InFlight; b != nil {
		due, err := v.stillDue(ctx, b.Awards)
		if err != nil {
			return err
		}
		if err := v.commit(ctx, j, *b, due); err != nil {
			return err
		}
	}
	for {
		rs, err := v.currentRule(ctx, j)
		if err != nil {
			return err
		}
		ids, next, err := v.store.MemberIDs(ctx, j.IssuerID, j.Cursor, v.batch)
		if err != nil || len(ids) == 0 {
			return err
		}
		awards, err := v.evaluateBatch(ctx, rs, ids)
		if err != nil {
			return err
		}
		b := ReevaluationBatch{Cursor: next, Members: len(ids), Awards: awards}
		if len(awards) > 0 {
			if err := v.checkpoint(ctx, j, func(s *Reevaluation) { s.InFlight = &b }); err != nil {
				return err
			}
		}
		if err := v.commit(ctx, j, b, b.Awards); err != nil {
			return err
		}
	}
}

// commit queues the awards of a batch still due and counts the batch
// done, with all its awards.
func (v *Reevaluator) commit(ctx context.Context, j *Reevaluation, b ReevaluationBatch, due []PendingAward) error {
	if len(due) > 0 {
		if err := v.awarder.Queue.Enqueue(ctx, due); err != nil {
			return err
		}
		v.awarder.signal()
	}
	return v.checkpoint(ctx, j, func(s *Reevaluation) {
		s.Cursor, s.InFlight = b.Cursor, nil
		s.MembersDone += b.Members
		s.AwardsQueued += len(b.Awards)
	})
}

// stillDue are the awards of a batch cut short that its members' records
// do not show issued: an award queued before the cut may have been issued
// and left the queue since, and is not queued again.
func (v *Reevaluator) stillDue(ctx context.Context, awards []PendingAward) ([]PendingAward, error) {
	var due []PendingAward
	for _, p := range awards {
		rec, err := v.awarder.Records.Record(ctx, p.MemberID)
		if err != nil {
			return nil, err
		}
		if rec == nil || !rec.AwardedIn(p.AchievementID, pendingPeriod(p.ID)) {
			due = append(due, p)
		}
	}
	return due, nil
}

// currentRule is the community's rule set narrowed to the job's
// achievement, read again for each batch: a job whose achievement is no
// longer active, or whose rule changed, has nothing more to do (a change
// starts a job of its own).
func (v *Reevaluator) currentRule(ctx context.Context, j *Reevaluation) (*ruleSet, error) {
	rs, err := v.awarder.Catalogue.ruleSet(ctx, j.IssuerID)
	if err != nil {
		return nil, err
	}
	if _, ok := rs.achievements[j.AchievementID]; !ok {
		return nil, Errorf(ECONFLICT, "Achievement %q was archived, or lost its rule, while it was re-evaluated.", j.AchievementName)
	}
	rev, err := RuleRevision(rs.rules[j.AchievementID])
	if err != nil {
		return nil, err
	}
	if rev != j.RuleRevision {
		return nil, Errorf(ECONFLICT, "The rule of achievement %q changed while it was re-evaluated; the re-evaluation of the new rule takes over.", j.AchievementName)
	}
	only := *rs
	only.ids = []string{j.AchievementID}
	return &only, nil
}

// evaluateBatch evaluates the rule for a batch of members, Writers of them
// at a time as their records are read, and returns the awards they earn,
// by key.
func (v *Reevaluator) evaluateBatch(ctx context.Context, rs *ruleSet, ids []string) ([]PendingAward, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	kept := &keptAwards{}
	dry := v.dryRun(kept)
	type member struct {
		id  string
		rec *MemberRecord
	}
	next := make(chan member)
	var wg sync.WaitGroup
	for range min(max(1, cmp.Or(v.awarder.Writers, DefaultRecordWriters)), len(ids)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range next {
				if err := v.evaluateMember(ctx, dry, rs, m.id, m.rec); err != nil {
					cancel(err)
				}
			}
		}()
	}
	err := v.store.MemberRecords(ctx, ids, func(id string, rec *MemberRecord) error {
		select {
		case next <- member{id, rec}:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(next)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil {
		return nil, cause
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(kept.awards, func(x, y PendingAward) int { return cmp.Compare(x.ID, y.ID) })
	return kept.awards, nil
}

// evaluateMember evaluates the rule for one member, as the preview does:
// a member without a record is one without activity since joining.
func (v *Reevaluator) evaluateMember(ctx context.Context, dry *Awarder, rs *ruleSet, memberID string, rec *MemberRecord) error {
	if rec == nil {
		m, err := v.awarder.Members.Member(ctx, memberID)
		if ErrorCode(err) == ENOTFOUND {
			return nil // deleted since the list was read
		}
		if err != nil {
			return err
		}
		rec = NewMemberRecord(memberID, m.CreatedAt)
	}
	_, err := dry.evaluate(ctx, rs, rec, everyRule)
	return err
}

// dryRun is the job's Awarder: evaluate queues awards on its Awarder's
// queue, and this one keeps them, for the job to write them ahead into
// its checkpoint before it queues them.
func (v *Reevaluator) dryRun(kept *keptAwards) *Awarder {
	a := v.awarder
	return &Awarder{Catalogue: a.Catalogue, Activities: a.Activities, Batches: a.Batches, Records: a.Records,
		Queue: kept, Stats: a.Stats, Members: a.Members, Achievements: a.Achievements, Issue: a.Issue,
		Holdings: a.Holdings, Revoked: a.Revoked, Report: a.Report, Now: a.Now, Writers: a.Writers, cohorts: a.cohorts}
}

// keptAwards is a queue that keeps what is queued on it, and issues
// nothing.
type keptAwards struct {
	mu     sync.Mutex
	awards []PendingAward
}

func (k *keptAwards) Enqueue(_ context.Context, awards []PendingAward) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.awards = append(k.awards, awards...)
	return nil
}

func (k *keptAwards) Pending(context.Context, time.Time, int) ([]PendingAward, error) {
	return nil, nil
}
func (k *keptAwards) Done(context.Context, string) error                     { return nil }
func (k *keptAwards) Retry(context.Context, string, string, time.Time) error { return nil }
