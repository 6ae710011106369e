package badges

import (
	"context"
	"errors"
	"maps"
	"slices"
)

// A rule stored, or an achievement activated, is written before its job
// is started, and a process that stops in between, or a start that fails,
// would leave the rule awarding only from new activity on, never to those
// who qualify already. So each job's start is recorded by achievement with
// its rule revision, and the worker catches up at start: every active
// achievement whose current rule revision never had a job gets one. A
// database from before these records gives each active rule one job at
// its first start, which reaches everyone as a rule should.

// CatchUp starts a re-evaluation for each active achievement whose rule's
// current revision never had one started, and returns how many it
// started. A second call starts nothing more.
func (v *Reevaluator) CatchUp(ctx context.Context) (int, error) {
	rules, err := v.store.AllRules(ctx)
	if err != nil {
		return 0, err
	}
	started := 0
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(rules)) {
		if ctx.Err() != nil {
			return started, ctx.Err()
		}
		created, err := v.catchUp(ctx, id, rules[id])
		if err != nil {
			errs = append(errs, err)
		}
		if created {
			started++
		}
	}
	return started, errors.Join(errs...)
}

// catchUp starts a job for one achievement's rule, if it can award and
// its revision never had one; created says a job was made.
func (v *Reevaluator) catchUp(ctx context.Context, achievementID string, r *Rule) (created bool, err error) {
	ach, err := v.awarder.Achievements.Achievement(ctx, achievementID)
	if ErrorCode(err) == ENOTFOUND {
		return false, nil // a rule its achievement left behind
	}
	if err != nil || ach.Status != StatusActive {
		return false, err
	}
	rev, err := RuleRevision(r)
	if err != nil {
		return false, err
	}
	if started, err := v.store.StartedRevision(ctx, achievementID); err != nil || started == rev {
		return false, err
	}
	j, created, err := v.Start(ctx, achievementID, ReevaluationRuleChanged)
	switch {
	case ErrorCode(err) == ECONFLICT:
		return false, nil // archived, or its rule removed, meanwhile
	case err != nil || created:
		return created, err
	}
	// A job under way whose start was not recorded.
	return false, v.store.SetStartedRevision(ctx, achievementID, j.RuleRevision)
}

// catchUpIfMissed catches up when asked to, and asks again if it fails.
func (v *Reevaluator) catchUpIfMissed(ctx context.Context) {
	if !v.missed.Swap(false) {
		return
	}
	if _, err := v.CatchUp(ctx); err != nil {
		v.missed.Store(true)
		if ctx.Err() == nil {
			v.awarder.report(Notice{Doing: "starting the re-evaluations of rules stored while none could start", Err: err})
		}
	}
}
