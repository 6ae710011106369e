package badges_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// memRules is a community with the default behaviours and the rules set
// on it.
type memRules struct {
	badges.BehaviourStore
	rules map[string]*badges.Rule
}

func (memRules) CustomBehaviours(context.Context, string) ([]badges.Behaviour, error) {
	return nil, nil
}
func (m memRules) Rules(context.Context, string) (map[string]*badges.Rule, error) {
	return maps.Clone(m.rules), nil
}
func (m memRules) SetRule(_ context.Context, _, id string, r *badges.Rule) error {
	m.rules[id] = r
	return nil
}

// memRecords keeps members' records in memory.
type memRecords struct {
	mu   sync.Mutex
	recs map[string]*badges.MemberRecord
}

func (s *memRecords) Record(_ context.Context, id string) (*badges.MemberRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recs[id], nil
}

func (s *memRecords) UpdateRecord(_ context.Context, id string, change func(*badges.MemberRecord) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recs[id] == nil {
		s.recs[id] = badges.NewMemberRecord(id, time.Now())
	}
	return change(s.recs[id])
}

// memQueue keeps queued awards by key.
type memQueue struct {
	badges.QueueStore
	mu     sync.Mutex
	queued map[string]badges.PendingAward
}

func (q *memQueue) Enqueue(_ context.Context, awards []badges.PendingAward) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, a := range awards {
		if _, ok := q.queued[a.ID]; !ok {
			q.queued[a.ID] = a
		}
	}
	return nil
}

// memReevaluations keeps jobs in memory; the community's member list is
// members, its positions their indexes.
type memReevaluations struct {
	mu      sync.Mutex
	jobs    map[string]badges.Reevaluation
	order   []string
	keys    map[string]string
	members []string
	records *memRecords
	rules   map[string]*badges.Rule
	started map[string]string
}

func (s *memReevaluations) AllRules(context.Context) (map[string]*badges.Rule, error) {
	return maps.Clone(s.rules), nil
}

func (s *memReevaluations) StartedRevision(_ context.Context, achievementID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started[achievementID], nil
}

func (s *memReevaluations) SetStartedRevision(_ context.Context, achievementID, revision string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started[achievementID] = revision
	return nil
}

func (s *memReevaluations) CreateReevaluation(_ context.Context, j *badges.Reevaluation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[j.ID] = *j
	s.order = append([]string{j.ID}, s.order...)
	return nil
}

func (s *memReevaluations) Reevaluation(_ context.Context, id string) (*badges.Reevaluation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "No re-evaluation with id %q.", id)
	}
	return &j, nil
}

func (s *memReevaluations) UpdateReevaluation(_ context.Context, id string, change func(*badges.Reevaluation) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return badges.Errorf(badges.ENOTFOUND, "No re-evaluation with id %q.", id)
	}
	if err := change(&j); err != nil {
		return err
	}
	s.jobs[id] = j
	return nil
}

func (s *memReevaluations) Reevaluations(_ context.Context, _ string, o badges.ListOptions) (*badges.Page[*badges.Reevaluation], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := &badges.Page[*badges.Reevaluation]{Total: len(s.order)}
	for _, id := range s.order[:min(o.Limit, len(s.order))] {
		j := s.jobs[id]
		p.Items = append(p.Items, &j)
	}
	return p, nil
}

func (s *memReevaluations) UnfinishedReevaluations(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, id := range slices.Backward(s.order) {
		if !s.jobs[id].State.Finished() {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (s *memReevaluations) ClaimRun(_ context.Context, key, id string, owns func(string) (bool, error)) (string, error) {
	s.mu.Lock()
	holder, ok := s.keys[key]
	s.mu.Unlock()
	if ok && holder != id {
		if keeps, err := owns(holder); err != nil || keeps {
			return holder, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = id
	return "", nil
}

func (s *memReevaluations) ReleaseRun(_ context.Context, key, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys[key] == id {
		delete(s.keys, key)
	}
	return nil
}

func (s *memReevaluations) MemberRecords(ctx context.Context, ids []string, f func(string, *badges.MemberRecord) error) error {
	for _, id := range ids {
		rec, _ := s.records.Record(ctx, id)
		if err := f(id, rec); err != nil {
			return err
		}
	}
	return nil
}

func (s *memReevaluations) MemberIDs(_ context.Context, _, after string, limit int) ([]string, string, error) {
	start := 0
	if after != "" {
		start, _ = strconv.Atoi(after)
	}
	end := min(start+limit, len(s.members))
	if start >= end {
		return nil, "", nil
	}
	return s.members[start:end], strconv.Itoa(end), nil
}

// reevalWorld is a community of members in memory with a repeatable
// monthly achievement and its rule.
type reevalWorld struct {
	ach     *badges.Achievement
	rule    *badges.Rule
	records *memRecords
	queue   *memQueue
	store   *memReevaluations
	aw      *badges.Awarder
	pv      *badges.Previewer
	now     time.Time
	revoked map[string]map[string]time.Time // member: achievement: when the revoked credential was earned
}

func newReevalWorld(t *testing.T, members int) *reevalWorld {
	t.Helper()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	w := &reevalWorld{now: now, records: &memRecords{recs: map[string]*badges.MemberRecord{}},
		queue: &memQueue{queued: map[string]badges.PendingAward{}},
		store: &memReevaluations{jobs: map[string]badges.Reevaluation{}, keys: map[string]string{}, started: map[string]string{}},
		ach:   &badges.Achievement{ID: "a", IssuerID: "i", Name: "Monthly host", Status: badges.StatusActive, Repeatable: true}}
	var err error
	if w.rule, err = badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"hosted-session","min":1,"withinDays":30}},"period":"month"}`)); err != nil {
		t.Fatal(err)
	}
	ms := &pagedMembers{}
	for i := range members {
		id := fmt.Sprintf("m%03d", i)
		ms.members = append(ms.members, &badges.Member{ID: id, IssuerID: "i", DisplayName: id, CreatedAt: now.AddDate(-1, 0, 0)})
		w.store.members = append(w.store.members, id)
		rec := badges.NewMemberRecord(id, now.AddDate(-1, 0, 0))
		if i%2 == 0 { // every other member hosted this month
			rec.Add(badges.Activity{ID: "h" + id, MemberID: id, Behaviour: "hosted-session", At: now.Add(-time.Hour)})
		}
		w.records.recs[id] = rec
	}
	w.store.records = w.records
	achs := oneAchievement{ach: w.ach}
	rules := memRules{rules: map[string]*badges.Rule{w.ach.ID: w.rule}}
	w.store.rules = rules.rules
	catalogue := badges.NewCatalogue(rules, rules, achs)
	holdings := func(context.Context, string) (map[string]bool, error) { return nil, nil }
	clock := func() time.Time { return now }
	w.revoked = map[string]map[string]time.Time{}
	revoked := func(_ context.Context, memberID string) (map[string]time.Time, error) {
		return w.revoked[memberID], nil
	}
	w.aw = &badges.Awarder{Catalogue: catalogue, Records: w.records, Queue: w.queue, Members: ms, Achievements: achs,
		Holdings: holdings, Revoked: revoked, Now: clock, Writers: 2}
	w.pv = badges.NewPreviewer(catalogue, ms, w.records, holdings, revoked, clock)
	return w
}

// TestReevaluator_PreviewIsItsDryRun: the preview would award exactly
// what the job queues, leaving out the members awarded in the rule's
// period already, and those an admin revoked the badge from in it, as the
// Awarder does.
func TestReevaluator_PreviewIsItsDryRun(t *testing.T) {
	w := newReevalWorld(t, 40)
	for _, id := range []string{"m000", "m002", "m004"} { // awarded this month already
		w.records.recs[id].MarkAwarded(w.ach.ID, badges.PeriodKey("month", w.now))
	}
	w.records.recs["m006"].MarkAwarded(w.ach.ID, badges.PeriodKey("month", w.now.AddDate(0, -1, 0))) // last month: due again
	w.revoked["m008"] = map[string]time.Time{w.ach.ID: w.now.Add(-time.Hour)}                        // revoked this month: not again
	w.revoked["m010"] = map[string]time.Time{w.ach.ID: w.now.AddDate(0, -1, 0)}                      // revoked last month: due again
	p, err := w.pv.Preview(t.Context(), w.ach.ID, w.rule)
	if err != nil {
		t.Fatal(err)
	}
	rv := badges.NewReevaluator(w.aw, w.store)
	j, created, err := rv.Start(t.Context(), w.ach.ID, badges.ReevaluationRequested)
	if err != nil || !created {
		t.Fatalf("start: %v, %v", created, err)
	}
	if n, err := rv.Work(t.Context(), 0); err != nil || n != 1 {
		t.Fatalf("work: %d, %v", n, err)
	}
	if j, err = rv.Reevaluation(t.Context(), j.ID); err != nil {
		t.Fatal(err)
	}
	if j.AwardsQueued != 16 || len(w.queue.queued) != 16 || p.WouldAward != 16 || len(p.Qualify) != 16 {
		t.Fatalf("job queued %d (%d in the queue), preview would award %d (%d listed); want 16 each",
			j.AwardsQueued, len(w.queue.queued), p.WouldAward, len(p.Qualify))
	}
	if j.State != badges.ReevaluationDone || j.MembersDone != 40 || j.MembersTotal != 40 {
		t.Fatalf("job %+v; want done with 40 members", j)
	}
}

// TestRuleRevision names a rule's content: the same rule has the same
// revision, a changed one another.
func TestRuleRevision(t *testing.T) {
	rev := func(s string) string {
		t.Helper()
		r, err := badges.ParseRule([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		v, err := badges.RuleRevision(r)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a := rev(`{"condition":{"count":{"behaviour":"hosted-session","min":2}}}`)
	if b := rev(`{ "condition" : {"count": {"min":2, "behaviour":"hosted-session"}} }`); a != b {
		t.Fatalf("the same rule written differently: %s and %s", a, b)
	}
	if c := rev(`{"condition":{"count":{"behaviour":"hosted-session","min":3}}}`); a == c {
		t.Fatal("a changed rule kept its revision")
	}
	// A cohort renamed is the same rule; another cohort is not.
	spring := rev(`{"condition":{"cohort":{"name":"Spring","id":"aaaaaaaaaaaaaaaaaaaa"}}}`)
	if renamed := rev(`{"condition":{"cohort":{"name":"Spring 2026","id":"aaaaaaaaaaaaaaaaaaaa"}}}`); renamed != spring {
		t.Fatalf("a cohort's rename changed its rule's revision: %s and %s", spring, renamed)
	}
	if other := rev(`{"condition":{"cohort":{"name":"Spring","id":"bbbbbbbbbbbbbbbbbbbb"}}}`); other == spring {
		t.Fatal("a rule naming another cohort kept its revision")
	}
}

// TestReevaluator_RuleChanged starts a job only for an active achievement
// with a rule, and answers a job of the same revision while it waits.
func TestReevaluator_RuleChanged(t *testing.T) {
	w := newReevalWorld(t, 3)
	rv := badges.NewReevaluator(w.aw, w.store)
	draft := *w.ach
	draft.Status = badges.StatusDraft
	if rv.RuleChanged(t.Context(), &draft, badges.ReevaluationRuleChanged); len(w.store.jobs) != 0 {
		t.Fatalf("a draft: %d jobs; want none", len(w.store.jobs))
	}
	for range 2 {
		rv.RuleChanged(t.Context(), w.ach, badges.ReevaluationRuleChanged)
	}
	if len(w.store.jobs) != 1 {
		t.Fatalf("%d jobs; want one while it waits", len(w.store.jobs))
	}
	if _, err := rv.Work(t.Context(), 0); err != nil {
		t.Fatal(err)
	}
	if rv.RuleChanged(t.Context(), w.ach, badges.ReevaluationRuleChanged); len(w.store.jobs) != 2 {
		t.Fatalf("after it finished: %d jobs; want a second", len(w.store.jobs))
	}
}

// TestReevaluator_CatchUpRecordsAJobUnderWay: a job started whose start
// was not recorded is found under way at catch-up, which starts no other
// and records it, so that the next catch-up does nothing.
func TestReevaluator_CatchUpRecordsAJobUnderWay(t *testing.T) {
	w := newReevalWorld(t, 3)
	rv := badges.NewReevaluator(w.aw, w.store)
	if _, _, err := rv.Start(t.Context(), w.ach.ID, badges.ReevaluationRequested); err != nil {
		t.Fatal(err)
	}
	clear(w.store.started) // the record lost
	for range 2 {
		if n, err := rv.CatchUp(t.Context()); err != nil || n != 0 || len(w.store.jobs) != 1 {
			t.Fatalf("%d started, %v, %d jobs; want the one under way", n, err, len(w.store.jobs))
		}
	}
	if w.store.started[w.ach.ID] == "" {
		t.Fatal("the job under way was not recorded as started")
	}
}
