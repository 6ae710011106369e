package badges

import (
	"cmp"
	"context"
	"errors"
	"slices"
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

// record is Record with the community's rules read already.
func (a *Awarder) record(ctx context.Context, rs *ruleSet, ins []ActivityInput) ([]ActivityResult, error) {
	issuerID, now := rs.issuerID, a.now()
	results := make([]ActivityResult, len(ins))
	var batch []Activity
	var rows []int
	members := map[string]string{} // how a member was named → its id, within the batch
	for i, in := range ins {
		act, err := a.prepare(ctx, issuerID, in, now, rs.catalogue, members)
		if err != nil {
			results[i] = ActivityResult{Outcome: ActivityRejected, Err: err}
			continue
		}
		results[i] = ActivityResult{ID: act.ID, MemberID: act.MemberID}
		batch, rows = append(batch, act), append(rows, i)
	}
	dups, err := a.Activities.LogActivities(ctx, batch)
	if err != nil {
		return nil, err
	}
	byMember := map[string][]Activity{}
	var order []string
	var fresh []Activity
	for j, act := range batch {
		if dups[j] {
			results[rows[j]].Outcome = ActivityDuplicate
			continue
		}
		results[rows[j]].Outcome = ActivityRecorded
		fresh = append(fresh, act)
		if _, seen := byMember[act.MemberID]; !seen {
			order = append(order, act.MemberID)
		}
		byMember[act.MemberID] = append(byMember[act.MemberID], act)
	}
	// The week counters and the records are separate documents: count
	// while the records are updated.
	counted := make(chan error, 1)
	go func() { counted <- a.Stats.CountActivities(ctx, issuerID, fresh) }()
	earnedBy, err := a.applyAll(ctx, rs, order, byMember)
	if err := errors.Join(err, <-counted); err != nil {
		return nil, err
	}
	for i := range results {
		if results[i].Outcome == ActivityRecorded {
			results[i].Earned = earnedBy[results[i].MemberID]
		}
	}
	return results, nil
}

// DefaultRecordWriters is how many members' records are updated at once
// unless Awarder.Writers says otherwise: each update waits for the
// database, and a database server does several at a time faster than one
// after another.
const DefaultRecordWriters = 8

// applyAll applies each member's new activities, several members at a
// time, and returns what each member earned.
func (a *Awarder) applyAll(ctx context.Context, rs *ruleSet, order []string, byMember map[string][]Activity) (map[string][]string, error) {
	earnedBy := make(map[string][]string, len(order))
	var mu sync.Mutex
	var firstErr error
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(cmp.Or(a.Writers, DefaultRecordWriters), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for memberID := range next {
				earned, err := a.apply(ctx, rs, memberID, byMember[memberID])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				earnedBy[memberID] = earned
				mu.Unlock()
			}
		}()
	}
	for _, memberID := range order {
		next <- memberID
	}
	close(next)
	wg.Wait()
	return earnedBy, firstErr
}

// prepare validates an activity and finds (or creates) its member.
func (a *Awarder) prepare(ctx context.Context, issuerID string, in ActivityInput, now time.Time, catalogue []Behaviour, members map[string]string) (Activity, error) {
	act := in.Activity
	act.IssuerID, act.RecordedAt = issuerID, now
	if !slices.ContainsFunc(catalogue, func(b Behaviour) bool { return b.Key == act.Behaviour }) {
		return act, FieldErrorf("behaviour", "unknown behaviour %q; see GET /api/v1/issuers/%s/behaviours", act.Behaviour, issuerID)
	}
	memberID, err := a.resolveMember(ctx, issuerID, in, members)
	if err != nil {
		return act, err
	}
	act.MemberID = memberID
	if err := ValidateActivity(act, now); err != nil {
		return act, err
	}
	if act.PeerID != "" {
		if owner, err := a.memberIssuer(ctx, act.PeerID); err != nil || owner != issuerID {
			return act, FieldErrorf("peerId", "no member %q in this community", act.PeerID)
		}
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

func (a *Awarder) resolveMember(ctx context.Context, issuerID string, in ActivityInput, members map[string]string) (string, error) {
	var key string
	var find func() (string, error)
	switch {
	case in.MemberID != "":
		key, find = "id:"+in.MemberID, func() (string, error) {
			owner, err := a.memberIssuer(ctx, in.MemberID)
			if err == nil && owner != issuerID {
				err = Errorf(ENOTFOUND, "No member with id %q.", in.MemberID)
			}
			return in.MemberID, err
		}
	case in.Email != "":
		key, find = "email:"+in.Email, func() (string, error) {
			m, err := a.memberByEmail(ctx, issuerID, in)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		}
	case in.ExternalID != "":
		key, find = "external:"+in.ExternalID, func() (string, error) {
			page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, ExternalID: in.ExternalID, ListOptions: ListOptions{Limit: 1}})
			if err == nil && len(page.Items) == 0 {
				err = Errorf(ENOTFOUND, "No member with external id %q.", in.ExternalID)
			}
			if err != nil {
				return "", err
			}
			return page.Items[0].ID, nil
		}
	default:
		return "", FieldErrorf("memberId", "name the member: memberId, email or externalId")
	}
	if id, ok := members[key]; ok {
		return id, nil
	}
	id, err := find()
	if ErrorCode(err) == ENOTFOUND {
		return "", &Error{Code: EINVALID, Field: "memberId", Message: ErrorMessage(err)}
	}
	if err != nil {
		return "", err
	}
	members[key] = id
	return id, nil
}

func (a *Awarder) memberByEmail(ctx context.Context, issuerID string, in ActivityInput) (*Member, error) {
	page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, Email: in.Email, ListOptions: ListOptions{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > 0 {
		return page.Items[0], nil
	}
	if !in.CreateMember {
		return nil, Errorf(ENOTFOUND, "No member with e-mail %q; set createMember to add one.", in.Email)
	}
	m, err := a.Members.CreateMember(ctx, issuerID, MemberInput{Email: in.Email, DisplayName: in.Name})
	if ErrorCode(err) == ECONFLICT { // created meanwhile
		return a.memberByEmail(ctx, issuerID, ActivityInput{Email: in.Email})
	}
	return m, err
}

// apply adds a member's new activities to their record, then evaluates the
// rules those activities can change and queues what is earned.
func (a *Awarder) apply(ctx context.Context, rs *ruleSet, memberID string, acts []Activity) ([]string, error) {
	var rec *MemberRecord
	err := a.Records.UpdateRecord(ctx, memberID, func(r *MemberRecord) error {
		for _, act := range acts {
			r.Add(act)
		}
		rec = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	touched := map[string]bool{}
	for _, act := range acts {
		touched[act.Behaviour] = true
	}
	return a.evaluate(ctx, rs, rec, touching(touched))
}
