package mongodb_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// reevalFixture is a community whose members have records, an active
// achievement whose rule was stored after the activity (so that no
// activity evaluated it), and a re-evaluator on the stores. Issuing is
// counted by award key; a member holds what was issued to them.
type reevalFixture struct {
	db     *database.DB
	aw     *badges.Awarder
	store  *mongodb.ReevaluationStore
	ach    *badges.Achievement
	rule   *badges.Rule
	member []string // in list order

	mu     sync.Mutex
	issued map[string]int             // by award key
	held   map[string]map[string]bool // member → achievements
}

// testBatch is the tests' batch of members between checkpoints, so that
// a community of 1,200 takes three.
const testBatch = 500

// qualifies says which members the fixture's rule is met for: every
// third.
func qualifies(i int) bool { return i%3 == 0 }

// newReevalFixture makes n members; qualifying ones attended twice, the
// others once (the rule asks for two).
func newReevalFixture(tb testing.TB, n int) *reevalFixture {
	tb.Helper()
	ctx := context.Background()
	f := &reevalFixture{db: mongotest.NewDB(tb), issued: map[string]int{}, held: map[string]map[string]bool{}}
	f.aw = f.awarder(f.db)
	f.store = mongodb.NewReevaluationStore(f.db)
	ach, err := mongodb.NewAchievementService(f.db).CreateAchievement(ctx, issuerA,
		badges.AchievementInput{Name: "Regular", Description: "D", Criteria: "C", Status: badges.StatusActive})
	if err != nil {
		tb.Fatal(err)
	}
	f.ach = ach
	f.member = importMembers(tb, f.db, n)
	recs := make([]badges.MemberRecord, n)
	at := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Second)
	for i, id := range f.member {
		rec := badges.NewMemberRecord(id, at.Add(-time.Hour))
		for k := range 1 + btoi(qualifies(i)) {
			rec.Add(badges.Activity{ID: fmt.Sprintf("a%d-%d", i, k), MemberID: id, Behaviour: "attended-session", At: at.Add(time.Duration(k) * time.Hour)})
		}
		recs[i] = *rec
	}
	if _, err := database.InsertComputed(ctx, f.db, database.Records, f.member, recs); err != nil {
		tb.Fatal(err)
	}
	if f.rule, err = badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"attended-session","min":2}}}`)); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.aw.Catalogue.SetRule(ctx, ach.ID, f.rule); err != nil {
		tb.Fatal(err)
	}
	return f
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// importMembers makes n members of issuerA with one import, and returns
// their ids in list order.
func importMembers(tb testing.TB, db *database.DB, n int) []string {
	tb.Helper()
	ms := mongodb.NewMemberService(db)
	var ids []string
	for start := 0; start < n; start += badges.MaxImportRows {
		var rows []badges.ImportRow
		for i := start; i < min(n, start+badges.MaxImportRows); i++ {
			rows = append(rows, badges.ImportRow{Line: i + 2, Input: badges.MemberInput{Email: fmt.Sprintf("m%d@example.org", i), DisplayName: fmt.Sprint("Member ", i)}})
		}
		rep, err := ms.ImportMembers(context.Background(), issuerA, rows, false)
		if err != nil {
			tb.Fatal(err)
		}
		for _, r := range rep.Rows {
			if r.MemberID == "" {
				tb.Fatalf("import: %+v", r)
			}
			ids = append(ids, r.MemberID)
		}
	}
	return ids
}

// awarder is an Awarder on db, as a process of its own has one.
func (f *reevalFixture) awarder(db *database.DB) *badges.Awarder {
	aw := newAwarder(db, func(_ context.Context, _ string, in badges.AwardInput) (string, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.issued[in.IdempotencyKey]++
		if f.held[in.MemberID] == nil {
			f.held[in.MemberID] = map[string]bool{}
		}
		f.held[in.MemberID][in.AchievementID] = true
		return "cred-" + in.IdempotencyKey, nil
	}, func(_ context.Context, memberID string) (map[string]bool, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		out := map[string]bool{}
		for a := range f.held[memberID] {
			out[a] = true
		}
		return out, nil
	})
	aw.Writers = mongodb.NewRecordStore(db).Writers()
	return aw
}

func (f *reevalFixture) want() int {
	n := 0
	for i := range f.member {
		n += btoi(qualifies(i))
	}
	return n
}

// issuedCount is how many awards were issued, and how many issuings they
// took.
func (f *reevalFixture) issuedCount() (keys, total int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.issued {
		total += n
	}
	return len(f.issued), total
}

// drain issues every queued award.
func drainAll(tb testing.TB, aw *badges.Awarder) {
	tb.Helper()
	for {
		n, err := aw.Drain(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// runStarted starts a re-evaluation on rv and works it to its end.
func runStarted(tb testing.TB, rv *badges.Reevaluator, achID string) *badges.Reevaluation {
	tb.Helper()
	ctx := context.Background()
	j, created, err := rv.Start(ctx, achID, badges.ReevaluationRequested)
	if err != nil || !created {
		tb.Fatalf("start: %v, created %v", err, created)
	}
	if _, err := rv.Work(ctx, 0); err != nil {
		tb.Fatal(err)
	}
	if j, err = rv.Reevaluation(ctx, j.ID); err != nil {
		tb.Fatal(err)
	}
	return j
}

// TestReevaluator_AwardsEveryoneWhoQualifiesOnce: a rule stored after the
// activity awards, through the queue, every member who qualifies; the job
// counts them; the preview said as much; a second run awards nothing.
func TestReevaluator_AwardsEveryoneWhoQualifiesOnce(t *testing.T) {
	f := newReevalFixture(t, 1200)
	rv := badges.NewReevaluator(f.aw, f.store)
	rv.SetBatchSize(testBatch) // more than two batches
	pv := badges.NewPreviewer(f.aw.Catalogue, f.aw.Members, f.aw.Records, f.aw.Holdings, f.aw.Revoked, f.aw.Now)
	preview, err := pv.Preview(t.Context(), f.ach.ID, f.rule)
	if err != nil {
		t.Fatal(err)
	}
	j := runStarted(t, rv, f.ach.ID)
	if j.State != badges.ReevaluationDone || j.MembersDone != 1200 || j.MembersTotal != 1200 || j.AwardsQueued != f.want() {
		t.Fatalf("job %+v; want done, 1200 members, %d awards", j, f.want())
	}
	if preview.WouldAward != j.AwardsQueued {
		t.Fatalf("preview would award %d, the job queued %d", preview.WouldAward, j.AwardsQueued)
	}
	if j.StartedAt.IsZero() || j.FinishedAt.Before(j.StartedAt) || j.RuleRevision == "" || j.Runner != "" || j.InFlight != nil {
		t.Fatalf("job %+v: want its times, revision, no runner, nothing in flight", j)
	}
	drainAll(t, f.aw)
	if keys, total := f.issuedCount(); keys != f.want() || total != f.want() {
		t.Fatalf("issued %d awards in %d issuings; want %d", keys, total, f.want())
	}
	again := runStarted(t, rv, f.ach.ID)
	if again.ID == j.ID || again.AwardsQueued != 0 || again.MembersDone != 1200 {
		t.Fatalf("second job %+v: want a new job that queues nothing", again)
	}
	if p, err := pv.Preview(t.Context(), f.ach.ID, f.rule); err != nil || p.WouldAward != 0 {
		t.Fatalf("preview after the awards: %+v, %v; want nothing to award", p, err)
	}
	page, err := rv.Reevaluations(t.Context(), issuerA, badges.ListOptions{Limit: 1})
	if err != nil || page.Total != 2 || len(page.Items) != 1 || page.Items[0].ID != again.ID || page.NextCursor == "" {
		t.Fatalf("list: %+v, %v; want the newest of two first", page, err)
	}
	next, err := rv.Reevaluations(t.Context(), issuerA, badges.ListOptions{Limit: 1, Cursor: page.NextCursor})
	if err != nil || len(next.Items) != 1 || next.Items[0].ID != j.ID || next.NextCursor != "" {
		t.Fatalf("second page: %+v, %v; want the first job, last", next, err)
	}
}

// TestReevaluator_StartedTwiceRunsOnce: a start while a job of the same
// rule revision is queued answers that job; a changed rule is another
// revision and gets its own.
func TestReevaluator_StartedTwiceRunsOnce(t *testing.T) {
	f := newReevalFixture(t, 30)
	rv := badges.NewReevaluator(f.aw, f.store)
	ctx := t.Context()
	starts := mongotest.AtOnce(
		func() error { _, _, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRequested); return err },
		func() error { _, _, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRequested); return err },
		func() error { _, _, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRequested); return err },
	)
	for _, err := range starts {
		if err != nil {
			t.Fatal(err)
		}
	}
	first, created, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRuleChanged)
	if err != nil || created || first.State != badges.ReevaluationQueued {
		t.Fatalf("start again: %+v, created %v, %v; want the queued job", first, created, err)
	}
	if page, err := rv.Reevaluations(ctx, issuerA, badges.ListOptions{}); err != nil || page.Total != 1 {
		t.Fatalf("jobs: %+v, %v; want one", page, err)
	}
	changed, err := badges.ParseRule([]byte(`{"condition":{"count":{"behaviour":"attended-session","min":1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.aw.Catalogue.SetRule(ctx, f.ach.ID, changed); err != nil {
		t.Fatal(err)
	}
	second, created, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRuleChanged)
	if err != nil || !created || second.RuleRevision == first.RuleRevision {
		t.Fatalf("start after a change: %+v, created %v, %v; want a job of the new revision", second, created, err)
	}
	if _, err := rv.Work(ctx, 0); err != nil {
		t.Fatal(err)
	}
	old, err := rv.Reevaluation(ctx, first.ID)
	if err != nil || old.State != badges.ReevaluationFailed || old.Error == "" {
		t.Fatalf("job of the old rule: %+v, %v; want it failed, saying the rule changed", old, err)
	}
	done, err := rv.Reevaluation(ctx, second.ID)
	if err != nil || done.State != badges.ReevaluationDone || done.AwardsQueued != 30 {
		t.Fatalf("job of the new rule: %+v, %v; want 30 awards queued", done, err)
	}
}

// TestReevaluator_RefusesWhatCannotBeEvaluated: an unknown achievement is
// not found; one without a rule, a draft or an archived one is a conflict
// that says why.
func TestReevaluator_RefusesWhatCannotBeEvaluated(t *testing.T) {
	f := newReevalFixture(t, 1)
	rv := badges.NewReevaluator(f.aw, f.store)
	ctx := t.Context()
	achs := mongodb.NewAchievementService(f.db)
	create := func(st badges.AchievementStatus) string {
		a, err := achs.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Other", Description: "D", Criteria: "C", Status: st})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	draft := create(badges.StatusDraft)
	if _, err := f.aw.Catalogue.SetRule(ctx, draft, f.rule); err != nil {
		t.Fatal(err)
	}
	archived := create(badges.StatusActive)
	if _, err := f.aw.Catalogue.SetRule(ctx, archived, f.rule); err != nil {
		t.Fatal(err)
	}
	st := badges.StatusArchived
	if _, err := achs.UpdateAchievement(ctx, archived, badges.AchievementUpdate{Status: &st}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id, code string
	}{
		{"unknown", "aaaaaaaaaaaaaaaaaaaa", badges.ENOTFOUND},
		{"no rule", create(badges.StatusActive), badges.ECONFLICT},
		{"draft", draft, badges.ECONFLICT},
		{"archived", archived, badges.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := rv.Start(ctx, tc.id, badges.ReevaluationRequested); badges.ErrorCode(err) != tc.code {
				t.Fatalf("got %v; want %s", err, tc.code)
			}
		})
	}
}

// stopAfter is a re-evaluation store whose record reads end the run's
// context after the first n, as a process stopping mid-way does.
type stopAfter struct {
	badges.ReevaluationStore
	mu   sync.Mutex
	n    int
	stop context.CancelFunc
}

func (s *stopAfter) MemberRecords(ctx context.Context, ids []string, f func(string, *badges.MemberRecord) error) error {
	return s.ReevaluationStore.MemberRecords(ctx, ids, func(id string, rec *badges.MemberRecord) error {
		s.mu.Lock()
		s.n--
		if s.n < 0 {
			s.stop()
		}
		s.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return err
		}
		return f(id, rec)
	})
}

// stopAfterQueueing is an award queue whose first enqueue queues and then
// ends the run's context: the process stops after queueing a batch's
// awards and before counting them.
type stopAfterQueueing struct {
	badges.QueueStore
	once sync.Once
	stop context.CancelFunc
}

func (s *stopAfterQueueing) Enqueue(ctx context.Context, awards []badges.PendingAward) error {
	if err := s.QueueStore.Enqueue(ctx, awards); err != nil {
		return err
	}
	stopped := false
	s.once.Do(func() { s.stop(); stopped = true })
	if stopped {
		return context.Canceled
	}
	return nil
}

// resumeElsewhere finishes the unfinished jobs as the next start of
// Laurel does: another connection, awarder and re-evaluator on the same
// database, taking over at once.
func (f *reevalFixture) resumeElsewhere(t *testing.T, id string) *badges.Reevaluation {
	t.Helper()
	db := mongotest.Connect(t, f.db.Name())
	aw := f.awarder(db)
	rv := badges.NewReevaluator(aw, mongodb.NewReevaluationStore(db))
	rv.SetBatchSize(testBatch)
	if n, err := rv.Work(t.Context(), 0); err != nil || n != 1 {
		t.Fatalf("resume: %d finished, %v; want the one", n, err)
	}
	drainAll(t, aw)
	j, err := rv.Reevaluation(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestReevaluator_ResumesAfterAStop: a run stopped part-way (in the
// second batch) keeps the first batch's checkpoint; the next start
// finishes the job with the right totals, and no award is issued twice.
func TestReevaluator_ResumesAfterAStop(t *testing.T) {
	f := newReevalFixture(t, 1200)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	rv := badges.NewReevaluator(f.aw, &stopAfter{ReevaluationStore: f.store, n: testBatch + 200, stop: stop})
	rv.SetBatchSize(testBatch)
	j, _, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRequested)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := rv.Work(ctx, 0); n != 0 || (err != nil && ctx.Err() == nil) {
		t.Fatalf("stopped run: %d finished, %v; want none", n, err)
	}
	cut, err := rv.Reevaluation(t.Context(), j.ID)
	if err != nil || cut.State != badges.ReevaluationRunning || cut.MembersDone != testBatch || cut.Cursor == "" {
		t.Fatalf("after the stop: %+v, %v; want running with the first batch done", cut, err)
	}
	drainAll(t, f.aw) // the first batch's awards are issued meanwhile
	done := f.resumeElsewhere(t, j.ID)
	if done.State != badges.ReevaluationDone || done.MembersDone != 1200 || done.AwardsQueued != f.want() {
		t.Fatalf("resumed: %+v; want done, 1200 members, %d awards", done, f.want())
	}
	if keys, total := f.issuedCount(); keys != f.want() || total != f.want() {
		t.Fatalf("issued %d awards in %d issuings; want %d, once each", keys, total, f.want())
	}
}

// TestReevaluator_ResumesABatchQueuedButNotCounted: a stop between
// queueing a batch's awards and counting them leaves them written ahead
// in the job; the resumed job counts them once and does not queue again
// those issued meanwhile.
func TestReevaluator_ResumesABatchQueuedButNotCounted(t *testing.T) {
	f := newReevalFixture(t, 1200)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	aw := f.awarder(f.db)
	aw.Queue = &stopAfterQueueing{QueueStore: aw.Queue, stop: stop}
	rv := badges.NewReevaluator(aw, f.store)
	rv.SetBatchSize(testBatch)
	j, _, err := rv.Start(ctx, f.ach.ID, badges.ReevaluationRequested)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rv.Work(ctx, 0); err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	cut, err := rv.Reevaluation(t.Context(), j.ID)
	if err != nil || cut.InFlight == nil || cut.MembersDone != 0 || cut.AwardsQueued != 0 {
		t.Fatalf("after the stop: %+v, %v; want the first batch in flight, nothing counted", cut, err)
	}
	drainAll(t, f.aw)
	first, _ := f.issuedCount()
	if first == 0 || first != len(cut.InFlight.Awards) {
		t.Fatalf("issued %d before resuming; want the %d queued", first, len(cut.InFlight.Awards))
	}
	done := f.resumeElsewhere(t, j.ID)
	if done.State != badges.ReevaluationDone || done.MembersDone != 1200 || done.AwardsQueued != f.want() || done.InFlight != nil {
		t.Fatalf("resumed: %+v; want done, 1200 members, %d awards", done, f.want())
	}
	if keys, total := f.issuedCount(); keys != f.want() || total != f.want() {
		t.Fatalf("issued %d awards in %d issuings; want %d, once each", keys, total, f.want())
	}
}

// BenchmarkReevaluation re-evaluates one rule for a community of 10,000
// members with records (a third qualify), reading each record from the
// database, and reports members evaluated a second.
//
//	go test -run '^$' -bench Reevaluation -benchtime 3x ./badges/mongodb/
func BenchmarkReevaluation(b *testing.B) {
	const members = 10000
	f := newReevalFixture(b, members)
	rv := badges.NewReevaluator(f.aw, f.store)
	probe := startProbe(b, f)
	b.ResetTimer()
	start, cpu := time.Now(), cpuTime(b)
	for b.Loop() {
		if j := runStarted(b, rv, f.ach.ID); j.MembersDone != members || j.AwardsQueued != f.want() {
			b.Fatalf("job %+v; want %d members, %d awards", j, members, f.want())
		}
	}
	evaluated := float64(members * b.N)
	b.ReportMetric(evaluated/time.Since(start).Seconds(), "members/s")
	// The process's CPU time (the embedded engine's included) says what
	// the wall clock hides on a machine shared with other work.
	b.ReportMetric(evaluated/(cpuTime(b)-cpu).Seconds(), "members/cpu-s")
	b.ReportMetric(float64(probe.p99().Microseconds())/1000, "read-p99-ms")
}

// probe reads members by _id, as requests do, every few milliseconds
// while the benchmark runs, and times each read.
type probe struct {
	mu    sync.Mutex
	times []time.Duration
}

func startProbe(b *testing.B, f *reevalFixture) *probe {
	p := &probe{}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	b.Cleanup(func() { stop(); <-done })
	ms := mongodb.NewMemberService(f.db)
	go func() {
		defer close(done)
		for i := 0; ctx.Err() == nil; i++ {
			start := time.Now()
			if _, err := ms.Member(ctx, f.member[(i*7919)%len(f.member)]); err != nil && ctx.Err() == nil {
				b.Error(err)
				return
			}
			p.mu.Lock()
			p.times = append(p.times, time.Since(start))
			p.mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return p
}

func (p *probe) p99() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.times) == 0 {
		return 0
	}
	ts := slices.Clone(p.times)
	slices.Sort(ts)
	return ts[len(ts)*99/100]
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
