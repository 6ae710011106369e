package badges

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"
)

// A rule is evaluated when a member's activity can change it, so a rule
// that is created, changed or activated would never reach the members who
// qualify already. A re-evaluation is the background job that evaluates
// one achievement's rule for every member of its community and queues
// what they earn on the award queue, as recorded activity would. It works
// the members' list in batches, checkpointing a cursor and its counts after
// each, so that a job cut short resumes where it stopped. This file starts
// and reads jobs; reevaluationrun.go runs them.

// ReevaluationState is where a re-evaluation is in its life.
type ReevaluationState string

// The states of a re-evaluation.
const (
	ReevaluationQueued  ReevaluationState = "queued"
	ReevaluationRunning ReevaluationState = "running"
	ReevaluationDone    ReevaluationState = "done"
	ReevaluationFailed  ReevaluationState = "failed"
)

// Finished reports whether a job in state s is over.
func (s ReevaluationState) Finished() bool {
	return s == ReevaluationDone || s == ReevaluationFailed
}

// ReevaluationReason says what started a re-evaluation.
type ReevaluationReason string

// The reasons a re-evaluation is started.
const (
	ReevaluationRequested   ReevaluationReason = "requested"    // an admin asked for it
	ReevaluationRuleChanged ReevaluationReason = "rule-changed" // an active achievement's rule was stored
	ReevaluationActivated   ReevaluationReason = "activated"    // an achievement with a rule became active
)

// Reevaluation is one job evaluating an achievement's rule, at one
// revision, for every member of its community.
type Reevaluation struct {
	ID              string
	IssuerID        string
	AchievementID   string
	AchievementName string
	RuleRevision    string // see RuleRevision
	Reason          ReevaluationReason
	State           ReevaluationState
	MembersTotal    int // members of the community when the job started, or done when more
	MembersDone     int
	AwardsQueued    int
	// Cursor is the position in the community's member list of the last
	// member done; "" before the first.
	Cursor string
	// InFlight is a batch evaluated whose awards are being queued: a job
	// resumed with one queues them again (queueing is idempotent) and
	// counts them once.
	InFlight                                    *ReevaluationBatch
	Runner                                      string // the process running it, while it runs
	Error                                       string // why it failed, for admins
	CreatedAt, StartedAt, FinishedAt, UpdatedAt time.Time
}

// ReevaluationBatch is one batch of members evaluated by a job.
type ReevaluationBatch struct {
	Cursor  string // the member list position after the batch
	Members int
	Awards  []PendingAward
}

// ReevaluationStore keeps re-evaluation jobs.
type ReevaluationStore interface {
	// CreateReevaluation stores a new job and lists it, newest first,
	// under its community and among the unfinished jobs.
	CreateReevaluation(ctx context.Context, j *Reevaluation) error
	// Reevaluation reads a job; ENOTFOUND when there is none.
	Reevaluation(ctx context.Context, id string) (*Reevaluation, error)
	// UpdateReevaluation changes a job atomically (change may run more
	// than once; an error from it writes nothing and is returned). A job
	// that finishes leaves the unfinished jobs.
	UpdateReevaluation(ctx context.Context, id string, change func(*Reevaluation) error) error
	// Reevaluations lists a community's jobs, newest first.
	Reevaluations(ctx context.Context, issuerID string, o ListOptions) (*Page[*Reevaluation], error)
	// UnfinishedReevaluations lists the ids of the jobs queued or
	// running, in every community, oldest first.
	UnfinishedReevaluations(ctx context.Context) ([]string, error)
	// ClaimRun reserves a unique run key for job id and returns "" once
	// it holds it, or the job holding it; owns says whether a holder
	// found older than a minute still holds it.
	ClaimRun(ctx context.Context, key, id string, owns func(holder string) (bool, error)) (holder string, err error)
	// ReleaseRun frees a run key if job id still holds it.
	ReleaseRun(ctx context.Context, key, id string) error
	// MemberIDs returns up to limit ids of a community's members after a
	// position in its member list ("" for the start), and the position
	// after the last; no ids when the list is done.
	MemberIDs(ctx context.Context, issuerID, after string, limit int) (ids []string, next string, err error)
	// AllRules maps every community's achievements that have a rule to
	// it: a scan of a small collection, done at start (see CatchUp).
	AllRules(ctx context.Context) (map[string]*Rule, error)
	// StartedRevision is the rule revision of the last job started for an
	// achievement; "" before any.
	StartedRevision(ctx context.Context, achievementID string) (string, error)
	// SetStartedRevision records that a job of a rule revision was
	// started for an achievement.
	SetStartedRevision(ctx context.Context, achievementID, revision string) error
	// MemberRecords calls f with the record of each of the members ids
	// (nil for a member without one), in any order, possibly from several
	// goroutines at once; it stops at f's first error.
	MemberRecords(ctx context.Context, ids []string, f func(memberID string, rec *MemberRecord) error) error
}

// Reevaluator starts re-evaluation jobs and runs them in the background,
// through an Awarder's rules, records and award queue.
type Reevaluator struct {
	awarder *Awarder
	store   ReevaluationStore
	runner  string // this process, as the Runner of the jobs it runs
	batch   int    // members evaluated between checkpoints

	startMu sync.Mutex // one start at a time, so that one job is made per rule revision
	wake    chan struct{}
	// missed asks the worker to catch up on rules whose job was not
	// started (see CatchUp): at start, and after a start that failed.
	missed atomic.Bool
}

// ReevaluationBatchSize is how many members a job evaluates between two
// checkpoints: what a job resumed after a crash evaluates again. Records
// are read a batch at a time, and the embedded engine reads a large batch
// fastest in one scan (see ReevaluationStore.MemberRecords).
const ReevaluationBatchSize = 5000

// NewReevaluator returns the re-evaluator of an Awarder's community rules,
// keeping its jobs in store.
func NewReevaluator(a *Awarder, store ReevaluationStore) *Reevaluator {
	return &Reevaluator{awarder: a, store: store, runner: NewID(), batch: ReevaluationBatchSize, wake: make(chan struct{}, 1)}
}

// SetBatchSize sets how many members a job evaluates between two
// checkpoints; ReevaluationBatchSize unless set.
func (v *Reevaluator) SetBatchSize(n int) { v.batch = max(1, n) }

// RuleRevision names a rule's meaning: rules are stored without versions,
// and a job evaluates one meaning. A cohort condition's name is left out
// when it names its cohort by id too, so renaming a cohort (which writes
// its new name into rules) does not end the jobs of its rules.
func RuleRevision(r *Rule) (string, error) {
	data, err := r.MarshalJSON()
	if err != nil {
		return "", err
	}
	var meaning Rule
	if err := meaning.UnmarshalJSON(data); err != nil {
		return "", err
	}
	_ = walkConditions(meaning.Condition, "", func(c Condition, _ string) error {
		if c.Kind() == KindCohort && c.Cohort.ID != "" {
			c.Cohort.Name = ""
		}
		return nil
	})
	if data, err = meaning.MarshalJSON(); err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8]), nil
}

// runKey is the unique key of a job of a rule revision while it is
// queued or running.
func runKey(achievementID, revision string) string {
	return "reevaluation:" + achievementID + ":" + revision
}

// Start queues a re-evaluation of an achievement's rule for every member
// of its community and returns it; created is false when one of the same
// rule revision was queued or running already, which is returned instead.
// The achievement must be active and have a rule.
func (v *Reevaluator) Start(ctx context.Context, achievementID string, reason ReevaluationReason) (j *Reevaluation, created bool, err error) {
	ach, r, err := v.evaluable(ctx, achievementID)
	if err != nil {
		return nil, false, err
	}
	rev, err := RuleRevision(r)
	if err != nil {
		return nil, false, err
	}
	v.startMu.Lock()
	defer v.startMu.Unlock()
	now := v.awarder.now()
	j = &Reevaluation{ID: NewID(), IssuerID: ach.IssuerID, AchievementID: ach.ID, AchievementName: ach.Name,
		RuleRevision: rev, Reason: reason, State: ReevaluationQueued, CreatedAt: now, UpdatedAt: now}
	if running, err := v.claim(ctx, j); err != nil || running != nil {
		return running, false, err
	}
	if j.MembersTotal, err = v.memberCount(ctx, ach.IssuerID); err == nil {
		err = v.store.CreateReevaluation(ctx, j)
	}
	if err != nil {
		_ = v.store.ReleaseRun(context.WithoutCancel(ctx), runKey(j.AchievementID, j.RuleRevision), j.ID)
		return nil, false, err
	}
	// The job is listed as unfinished: should this record be lost, the
	// next catch-up finds the job under way and records it then.
	if err := v.store.SetStartedRevision(ctx, ach.ID, rev); err != nil {
		v.awarder.warn("recording the start of a re-evaluation", "", err)
	}
	v.signal()
	return j, true, nil
}

// evaluable reads an achievement a job may be started for, with its rule.
func (v *Reevaluator) evaluable(ctx context.Context, achievementID string) (*Achievement, *Rule, error) {
	ach, err := v.awarder.Achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, nil, err
	}
	switch ach.Status {
	case StatusArchived:
		return nil, nil, Errorf(ECONFLICT, "Achievement %q is archived: its rule awards nothing any more.", ach.Name)
	case StatusDraft:
		return nil, nil, Errorf(ECONFLICT, "Achievement %q is a draft: its rule awards nothing until it is active.", ach.Name)
	}
	rules, err := v.awarder.Catalogue.rules.Rules(ctx, ach.IssuerID)
	if err != nil {
		return nil, nil, err
	}
	r, ok := rules[ach.ID]
	if !ok {
		return nil, nil, Errorf(ECONFLICT, "Achievement %q has no rule: it is awarded by hand; give it one with PUT /api/v1/achievements/%s/rule first.", ach.Name, ach.ID)
	}
	return ach, r, nil
}

// claim reserves j's run key for it, or returns the job of the same rule
// revision that is queued or running. A key whose job finished or was
// never stored (a start cut short) is released and claimed again.
func (v *Reevaluator) claim(ctx context.Context, j *Reevaluation) (*Reevaluation, error) {
	key := runKey(j.AchievementID, j.RuleRevision)
	for range 3 {
		holder, err := v.store.ClaimRun(ctx, key, j.ID, v.unfinished(ctx))
		if err != nil || holder == "" {
			return nil, err
		}
		other, err := v.store.Reevaluation(ctx, holder)
		if err == nil && !other.State.Finished() {
			return other, nil
		}
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return nil, err
		}
		if err := v.store.ReleaseRun(ctx, key, holder); err != nil {
			return nil, err
		}
	}
	return nil, Errorf(EUNAVAILABLE, "Re-evaluations of this rule are being started by many requests at once; try again.")
}

// unfinished says whether the job holding a run key is still queued or
// running.
func (v *Reevaluator) unfinished(ctx context.Context) func(string) (bool, error) {
	return func(holder string) (bool, error) {
		j, err := v.store.Reevaluation(ctx, holder)
		if ErrorCode(err) == ENOTFOUND {
			return false, nil
		}
		return err == nil && !j.State.Finished(), err
	}
}

func (v *Reevaluator) memberCount(ctx context.Context, issuerID string) (int, error) {
	p, err := v.awarder.Members.Members(ctx, MemberFilter{IssuerID: issuerID, ListOptions: ListOptions{Limit: 1}})
	if err != nil {
		return 0, err
	}
	return p.Total, nil
}

// RuleChanged starts a re-evaluation after an achievement's rule was
// stored or the achievement activated, when its rule can award: the
// achievement is active and has a rule. A job of the same revision under
// way already is left to finish. The change is written already, so a
// start that fails is no failure of it: it is reported, and the worker
// catches up on the rule (see CatchUp) at once, or at the next start.
func (v *Reevaluator) RuleChanged(ctx context.Context, ach *Achievement, reason ReevaluationReason) {
	if ach.Status != StatusActive {
		return
	}
	_, _, err := v.Start(ctx, ach.ID, reason)
	if err == nil || ErrorCode(err) == ECONFLICT {
		return // started, or no rule or archived meanwhile: nothing to evaluate
	}
	v.awarder.warn("starting the re-evaluation of a rule stored", "", err)
	// A badge restored from the archive has a rule whose revision had its
	// job already: forgetting it makes the catch-up start one all the same.
	if err := v.store.SetStartedRevision(context.WithoutCancel(ctx), ach.ID, ""); err != nil {
		v.awarder.warn("forgetting the start of a re-evaluation", "", err)
	}
	v.missed.Store(true)
	v.signal()
}

// Reevaluation returns a job.
func (v *Reevaluator) Reevaluation(ctx context.Context, id string) (*Reevaluation, error) {
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "No re-evaluation with id %q.", id)
	}
	return v.store.Reevaluation(ctx, id)
}

// Reevaluations lists a community's jobs, newest first.
func (v *Reevaluator) Reevaluations(ctx context.Context, issuerID string, o ListOptions) (*Page[*Reevaluation], error) {
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	return v.store.Reevaluations(ctx, issuerID, o)
}

func (v *Reevaluator) signal() {
	select {
	case v.wake <- struct{}{}:
	default:
	}
}
