package badges

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"
)

// Recording activity: each activity is checked and its member found (or
// created), the batch is logged once, and each member's record is updated
// and evaluated, several members at a time.

// MaxActivityBatch bounds one recording request.
const MaxActivityBatch = 1000

// ActivityInput is one activity to record, naming its member by id, e-mail
// or external id; with CreateMember, an unknown e-mail address becomes a
// new member named Name.
type ActivityInput struct {
	Activity
	Email        string
	ExternalID   string
	Name         string
	CreateMember bool
	// PeerEmail and PeerExternalID name the peer another way than
	// Activity.PeerID (see peer.go).
	PeerEmail      string
	PeerExternalID string
}

// ActivityOutcome says what became of one activity.
type ActivityOutcome string

// Outcomes of recording an activity.
const (
	ActivityRecorded  ActivityOutcome = "recorded"
	ActivityDuplicate ActivityOutcome = "duplicate" // its id or source event id was recorded before
	ActivityRejected  ActivityOutcome = "rejected"
)

// ActivityResult is the answer for one activity.
type ActivityResult struct {
	Outcome  ActivityOutcome
	ID       string // the activity's id
	MemberID string
	Err      error
	// Earned lists the achievements this activity's member qualified for
	// (queued for award).
	Earned []string
}

// Record records activities of one issuer, then evaluates the rules they
// can change for each member and queues what they earned. Each activity
// gets its own answer; only a failure of the store fails the call.
func (a *Awarder) Record(ctx context.Context, issuerID string, ins []ActivityInput) ([]ActivityResult, error) {
	if len(ins) > MaxActivityBatch {
		return nil, Errorf(ETOOLARGE, "At most %d activities can be recorded at once, not %d.", MaxActivityBatch, len(ins))
	}
	rs, err := a.Catalogue.ruleSet(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return a.record(ctx, rs, ins)
}

// record is Record with the community's rules read already. The batch is
// journalled, logged, applied to the members' records and the week
// counters under its id, and finished (see batch.go): a failure part-way
// leaves it to be recovered, by a resend of its activities or by the award
// worker.
func (a *Awarder) record(ctx context.Context, rs *ruleSet, ins []ActivityInput) ([]ActivityResult, error) {
	results, batch, rows := a.prepareAll(ctx, rs, ins)
	if len(batch) == 0 {
		return results, nil
	}
	b := Batch{ID: NewID(), IssuerID: rs.issuerID, StartedAt: a.now()}
	for _, act := range batch {
		b.ActivityIDs = append(b.ActivityIDs, act.ID)
	}
	if err := a.Batches.StartBatch(ctx, b); err != nil {
		return nil, err
	}
	fresh, err := a.log(ctx, rs, b, batch, rows, results)
	if err != nil {
		return nil, err
	}
	outcomes, err := a.applyBatch(ctx, rs, b, fresh)
	if err != nil {
		return nil, err
	}
	if err := a.Batches.FinishBatch(ctx, b.ID); err != nil {
		return nil, err
	}
	for _, i := range rows {
		if results[i].Outcome == ActivityRecorded && results[i].Earned == nil {
			results[i].Earned = outcomes[results[i].MemberID].earned
		}
	}
	return results, nil
}

// log logs a journalled batch's activities, whose results are
// results[rows[j]], and returns those logged for the first time. The
// others are duplicates, unless they belong to an unfinished batch that
// this resend recovers: those are recorded now.
func (a *Awarder) log(ctx context.Context, rs *ruleSet, b Batch, batch []Activity, rows []int, results []ActivityResult) ([]Activity, error) {
	dups, err := a.Activities.LogActivities(ctx, b.ID, batch)
	if err != nil {
		return nil, err
	}
	var fresh []Activity
	var resent []string
	for j, act := range batch {
		if act.ReciprocalOf != "" {
			// The activity it credits answers for it. Logged now, it is
			// applied now, even with that one a duplicate: a behaviour
			// given its reciprocal after the activity was recorded.
			if !dups[j] {
				fresh = append(fresh, act)
			}
			continue
		}
		if dups[j] {
			results[rows[j]].Outcome = ActivityDuplicate
			resent = append(resent, act.ID)
			continue
		}
		results[rows[j]].Outcome = ActivityRecorded
		fresh = append(fresh, act)
	}
	if len(resent) == 0 {
		return fresh, nil
	}
	resumed, err := a.resume(ctx, rs, b.ID, resent)
	if err != nil {
		return nil, err
	}
	for _, i := range rows {
		if r, ok := resumed[results[i].ID]; ok {
			results[i] = r
		}
	}
	return fresh, nil
}

// prepareAll prepares each activity of a request: it returns every
// activity's result so far, and the activities to log with the index of
// each one's result. An activity given twice is a duplicate the second
// time.
func (a *Awarder) prepareAll(ctx context.Context, rs *ruleSet, ins []ActivityInput) (results []ActivityResult, batch []Activity, rows []int) {
	now := a.now()
	results = make([]ActivityResult, len(ins))
	members := a.prefetchMembers(ctx, rs.issuerID, ins) // how a member was named → its id, within the batch
	ids := map[string]bool{}
	for i, in := range ins {
		act, err := a.prepare(ctx, rs.issuerID, in, now, rs.catalogue, members)
		switch {
		case err != nil:
			results[i] = ActivityResult{Outcome: ActivityRejected, Err: err}
		case ids[act.ID]:
			results[i] = ActivityResult{Outcome: ActivityDuplicate, ID: act.ID, MemberID: act.MemberID}
		default:
			ids[act.ID] = true
			results[i] = ActivityResult{ID: act.ID, MemberID: act.MemberID}
			batch, rows = append(batch, act), append(rows, i)
			if r, ok := reciprocal(rs.catalogue, act); ok && !ids[r.ID] {
				ids[r.ID] = true
				batch, rows = append(batch, r), append(rows, i) // answered with the activity it credits
			}
		}
	}
	return results, batch, rows
}

// memberOutcome is what applying a batch did for one member: whether
// their record lacked the batch, and what they earned.
type memberOutcome struct {
	applied bool
	earned  []string
	cohorts []string // the ids of the cohorts the member's record has
}

// applyBatch applies a batch's activities to the week counters and to
// each member's record, and evaluates the members' rules. Records and
// weeks that have the batch already are left as they are.
func (a *Awarder) applyBatch(ctx context.Context, rs *ruleSet, b Batch, acts []Activity) (map[string]memberOutcome, error) {
	if len(acts) == 0 {
		return nil, nil
	}
	byMember := map[string][]Activity{}
	var order []string
	for _, act := range acts {
		if _, seen := byMember[act.MemberID]; !seen {
			order = append(order, act.MemberID)
		}
		byMember[act.MemberID] = append(byMember[act.MemberID], act)
	}
	// The week counters and the records are separate documents: count
	// while the records are updated.
	counted := make(chan error, 1)
	go func() { counted <- a.Stats.CountActivities(ctx, rs.issuerID, b.ID, acts) }()
	outcomes, err := a.applyAll(ctx, rs, b, order, byMember)
	if err := errors.Join(err, <-counted); err != nil {
		return nil, err
	}
	// The cohorts are known once the records are read.
	if err := a.countCohortActivities(ctx, b.ID, acts, outcomes); err != nil {
		return nil, err
	}
	return outcomes, nil
}

// DefaultRecordWriters is how many members' records are updated at once
// unless Awarder.Writers says otherwise: each update waits for the
// database, and a database server does several at a time faster than one
// after another.
const DefaultRecordWriters = 8

// applyAll applies each member's activities of a batch, several members
// at a time, and returns what became of each member.
func (a *Awarder) applyAll(ctx context.Context, rs *ruleSet, b Batch, order []string, byMember map[string][]Activity) (map[string]memberOutcome, error) {
	outcomes := make(map[string]memberOutcome, len(order))
	var mu sync.Mutex
	var firstErr error
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(cmp.Or(a.Writers, DefaultRecordWriters), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for memberID := range next {
				o, err := a.apply(ctx, rs, b, memberID, byMember[memberID])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				outcomes[memberID] = o
				mu.Unlock()
			}
		}()
	}
	for _, memberID := range order {
		next <- memberID
	}
	close(next)
	wg.Wait()
	return outcomes, firstErr
}

// prepare validates an activity and finds (or creates) its member.
func (a *Awarder) prepare(ctx context.Context, issuerID string, in ActivityInput, now time.Time, catalogue []Behaviour, members map[string]string) (Activity, error) {
	act := in.Activity
	act.IssuerID, act.RecordedAt = issuerID, now
	if _, err := liveBehaviour(catalogue, issuerID, act.Behaviour); err != nil {
		return act, err
	}
	memberID, err := a.resolveMember(ctx, issuerID, in, members)
	if err != nil {
		return act, err
	}
	act.MemberID = memberID
	if err := ValidateActivity(act, now); err != nil {
		return act, err
	}
	if act.PeerID, err = a.resolvePeer(ctx, issuerID, memberID, in); err != nil {
		return act, err
	}
	act.ID = activityID(issuerID, act.SourceEventID)
	return act, nil
}

// activityID derives an activity's id from the source's event id, which
// makes logging it again a duplicate; without one it is new.
func activityID(issuerID, sourceEventID string) string {
	if sourceEventID == "" {
		return NewID()
	}
	return "src:" + issuerID + ":" + sourceEventID
}

// apply adds a member's activities of a batch to their record, unless it
// has the batch already, then evaluates the rules those activities can
// change and queues what is earned. Evaluating again what a record has is
// harmless (awards are queued once by key) and needed after a failure
// between the record and its awards.
func (a *Awarder) apply(ctx context.Context, rs *ruleSet, b Batch, memberID string, acts []Activity) (memberOutcome, error) {
	var rec *MemberRecord
	var o memberOutcome
	now := a.now()
	// The index first: a record never holds what its index lacks.
	if err := a.Activities.IndexActivities(ctx, memberID, acts); err != nil {
		return o, err
	}
	cohorts, err := a.joinActivityCohorts(ctx, rs.issuerID, memberID, acts)
	if err != nil {
		return o, err
	}
	err = a.Records.UpdateRecord(ctx, memberID, func(r *MemberRecord) error {
		if rec = r; !r.NoteBatch(b, now) {
			return errBatchApplied
		}
		for _, act := range acts {
			if a.cohorts != nil {
				act.Cohort = "" // the record has the cohort's id instead (see joinActivityCohorts)
			}
			r.Add(act)
		}
		for _, id := range cohorts {
			r.AddCohort(id)
		}
		return nil
	})
	switch {
	case err == nil:
		o.applied = true
	case !errors.Is(err, errBatchApplied):
		return o, err
	}
	o.cohorts = recordCohorts(rec)
	touched := map[string]bool{}
	for _, act := range acts {
		touched[act.Behaviour] = true
	}
	relevant := touching(touched)
	if len(cohorts) > 0 {
		relevant = func(d Dependencies) bool { return d.Cohorts || touching(touched)(d) }
	}
	o.earned, err = a.evaluate(ctx, rs, rec, relevant)
	return o, err
}
