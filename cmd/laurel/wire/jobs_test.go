package wire_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// jobFixture is a community on a whole Laurel, with an active repeatable
// badge, and a way to build the same Laurel again (another process, or
// the next start).
type jobFixture struct {
	db     *database.DB
	l      *wire.Laurel
	issuer string
	ach    string
}

func newJobFixture(tb testing.TB) *jobFixture {
	tb.Helper()
	f := &jobFixture{db: mongotest.NewDB(tb)}
	f.l = f.build(tb, f.db)
	ctx := context.Background()
	p, err := f.l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Guild", URL: "https://guild.example.org", Email: "hello@guild.example.org"})
	if err != nil {
		tb.Fatal(err)
	}
	ach, err := f.l.Stores.Achievements.CreateAchievement(ctx, p.ID, badges.AchievementInput{Name: "Helper", Description: "D",
		Criteria: "C", Status: badges.StatusActive, Repeatable: true})
	if err != nil {
		tb.Fatal(err)
	}
	f.issuer, f.ach = p.ID, ach.ID
	return f
}

// build makes a Laurel on db: a connection of this process, or of
// another (mongotest.Connect).
func (f *jobFixture) build(tb testing.TB, db *database.DB) *wire.Laurel {
	tb.Helper()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	l, err := wire.New(db, wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer})
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// jobs is a jobs service of l whose store is store.
func jobs(l *wire.Laurel, store badges.JobStore) *badges.Jobs {
	return badges.NewJobs(badges.JobDeps{Store: store, Members: l.Stores.Members, Cohorts: l.Cohorts, Awarder: l.Awarder,
		Awards: wire.AwardRows(l.Issuing), Now: time.Now})
}

// memberFile is n members, with bad rows at three lines: an address
// that is none (line 5), the address of line 2 again (line 130) and no
// name (line 240).
func memberFile(n int) []byte {
	var b strings.Builder
	b.WriteString("email,displayName\n")
	for i := range n {
		line := i + 2
		switch line {
		case 5:
			b.WriteString("not-an-address,Nobody\n")
		case 130:
			b.WriteString("m0@example.org,Again\n")
		case 240:
			fmt.Fprintf(&b, "m%d@example.org,\n", i)
		default:
			fmt.Fprintf(&b, "m%d@example.org,Member %d\n", i, i)
		}
	}
	return []byte(b.String())
}

// startAndRun starts a job and runs it to its end.
func startAndRun(t *testing.T, js *badges.Jobs, issuerID string, kind badges.JobKind, file []byte) *badges.Job {
	t.Helper()
	j, err := js.StartJob(t.Context(), issuerID, kind, "file.csv", file, "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if j.State != badges.JobQueued || j.Percent() != 0 {
		t.Fatalf("started: %+v; want queued at 0%%", j)
	}
	if n, err := js.Work(t.Context(), 0); n != 1 || err != nil {
		t.Fatalf("work: %d finished, %v; want 1", n, err)
	}
	done, err := js.Job(t.Context(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	return done
}

// checkJob compares a finished job's counts and the lines of its row
// errors with those wanted.
func checkJob(t *testing.T, j *badges.Job, rows int, counts map[string]int, errLines []int) {
	t.Helper()
	var lines []int
	for _, e := range j.Errors {
		lines = append(lines, e.Line)
		if e.Message == "" || !strings.HasSuffix(e.Message, ".") {
			t.Errorf("row error on line %d: %q; want a sentence", e.Line, e.Message)
		}
	}
	if j.State != badges.JobDone || j.Rows != rows || j.Done != rows || j.Percent() != 100 || j.By != "Ada Lovelace" ||
		j.StartedAt.IsZero() || j.FinishedAt.IsZero() || j.Runner != "" {
		t.Errorf("job: %+v; want done, %d rows", j, rows)
	}
	if !reflect.DeepEqual(j.Counts, counts) || !reflect.DeepEqual(lines, errLines) {
		t.Errorf("counts %v, errors on lines %v; want %v and %v", j.Counts, lines, counts, errLines)
	}
}

// resultRows reads a job's result CSV: status and message by line.
func resultRows(t *testing.T, js *badges.Jobs, id string) map[string][2]string {
	t.Helper()
	data, err := js.ResultCSV(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) == 0 || strings.Join(recs[0], ",") != "line,status,message" {
		t.Fatalf("result CSV: %q, %v", data, err)
	}
	out := map[string][2]string{}
	for _, r := range recs[1:] {
		out[r[0]] = [2]string{r[1], r[2]}
	}
	return out
}

// TestJobs_Members: a member file with good and bad rows, over three
// chunks, some members known already: the good rows are written, the bad
// ones answered with their lines, and the result says every row.
func TestJobs_Members(t *testing.T) {
	f := newJobFixture(t)
	ctx := t.Context()
	known := []badges.ImportRow{{Line: 2, Input: badges.MemberInput{Email: "m1@example.org", DisplayName: "Member 1"}},
		{Line: 3, Input: badges.MemberInput{Email: "m2@example.org", DisplayName: "Someone else"}}}
	if rep, err := f.l.Stores.Members.ImportMembers(ctx, f.issuer, known, false); err != nil || !rep.Applied {
		t.Fatalf("import: %+v, %v", rep, err)
	}
	j := startAndRun(t, f.l.Jobs, f.issuer, badges.JobMembers, memberFile(250))
	checkJob(t, j, 250, map[string]int{"created": 245, "updated": 1, "unchanged": 1, "rejected": 3}, []int{5, 130, 240})
	if e := j.Errors[1]; e.Field != "email" || !strings.Contains(e.Message, "line 2") {
		t.Errorf("the repeated address: %+v; want it to name the first line", e)
	}
	res := resultRows(t, f.l.Jobs, j.ID)
	if len(res) != 250 || res["2"][0] != "created" || res["3"][0] != "unchanged" || res["4"][0] != "updated" ||
		res["5"][0] != "rejected" || !strings.HasPrefix(res["5"][1], "email: ") || res["251"][0] != "created" {
		t.Errorf("result: %d rows, %v %v %v %v %v", len(res), res["2"], res["3"], res["4"], res["5"], res["251"])
	}
	if n := memberCount(t, f.l, f.issuer); n != 247 {
		t.Errorf("%d members; want 247", n)
	}
}

func memberCount(t *testing.T, l *wire.Laurel, issuerID string) int {
	t.Helper()
	p, err := l.Stores.Members.Members(t.Context(), badges.MemberFilter{IssuerID: issuerID, ListOptions: badges.ListOptions{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// awardFile is n awards of the fixture's badge to new members, with an
// unknown badge on line 3, an unreadable date on line 50 and line 10's
// award again on line 60.
func (f *jobFixture) awardFile(n int) []byte {
	var b strings.Builder
	b.WriteString("achievementId,email,name,awardedDate\n")
	for i := range n {
		ach, email, date := f.ach, fmt.Sprintf("a%d@example.org", i), ""
		switch i + 2 {
		case 3:
			ach = "unknown"
		case 50:
			date = "yesterday"
		case 60:
			email = "a8@example.org"
		}
		fmt.Fprintf(&b, "%s,%s,Awardee %d,%s\n", ach, email, i, date)
	}
	return []byte(b.String())
}

// TestJobs_Awards: an award file issues each good row once (the badge is
// repeatable: line 60 awards it to line 10's member again) and answers
// the bad ones by line.
func TestJobs_Awards(t *testing.T) {
	f := newJobFixture(t)
	j := startAndRun(t, f.l.Jobs, f.issuer, badges.JobAwards, f.awardFile(120))
	checkJob(t, j, 120, map[string]int{"issued": 118, "rejected": 2}, []int{3, 50})
	res := resultRows(t, f.l.Jobs, j.ID)
	if res["2"][0] != "issued" || res["60"][0] != "issued" || !strings.HasPrefix(res["50"][1], "awardedDate: ") {
		t.Errorf("result: %v %v %v", res["2"], res["60"], res["50"])
	}
	if n := f.credentials(t); n != 118 {
		t.Errorf("%d credentials; want 118", n)
	}
}

func (f *jobFixture) credentials(t *testing.T) int {
	t.Helper()
	p, err := f.l.Issuing.Credentials(t.Context(), issuer.CredentialFilter{IssuerID: f.issuer, AchievementID: f.ach, ListOptions: badges.ListOptions{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return p.Total
}

// activityFile is n activities of new members, with an unreadable time
// on line 4, an unknown member not to be created on line 6, and line 8's
// source event again on line 9.
func activityFile(n int) []byte {
	var b strings.Builder
	b.WriteString("email,name,createMember,behaviour,at,sourceEventId\n")
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	for i := range n {
		email, create, when, src := fmt.Sprintf("p%d@example.org", i%40), "true", at, ""
		switch i + 2 {
		case 4:
			when = "yesterday"
		case 6:
			email, create = "stranger@example.org", "false"
		case 8, 9:
			src = "event-8"
		}
		fmt.Fprintf(&b, "%s,Person %d,%s,hosted-session,%s,%s\n", email, i%40, create, when, src)
	}
	return []byte(b.String())
}

// TestJobs_Activity: an activity file records each good row once; rows
// without a source event id are keyed by the job.
func TestJobs_Activity(t *testing.T) {
	f := newJobFixture(t)
	j := startAndRun(t, f.l.Jobs, f.issuer, badges.JobActivity, activityFile(150))
	checkJob(t, j, 150, map[string]int{"recorded": 147, "duplicate": 1, "rejected": 2}, []int{4, 6})
	res := resultRows(t, f.l.Jobs, j.ID)
	if res["9"][0] != "duplicate" || !strings.HasPrefix(res["4"][1], "at: ") || res["151"][0] != "recorded" {
		t.Errorf("result: %v %v %v", res["9"], res["4"], res["151"])
	}
}

// TestJobs_RefusesABadFile: a file that cannot be read as a whole is
// refused at once, naming the problem, and nothing is queued.
func TestJobs_RefusesABadFile(t *testing.T) {
	f := newJobFixture(t)
	big := append([]byte("email,displayName\n"), bytes.Repeat([]byte("x"), badges.MaxImportBytes)...)
	var many strings.Builder
	many.WriteString("behaviour,at\n")
	for range badges.MaxActivityBatch + 1 {
		many.WriteString("hosted-session,2026-11-20T18:00:00Z\n")
	}
	var awards strings.Builder // one more than the bulk award takes
	awards.WriteString("achievementId,memberId\n")
	for range issuer.MaxBulkAwards + 1 {
		awards.WriteString("a,m\n")
	}
	for _, tc := range []struct {
		name string
		kind badges.JobKind
		file string
		code string
		want string
	}{
		{"no such kind", "badges", "email\n", badges.EINVALID, "no kind of job"},
		{"empty", badges.JobMembers, "", badges.EINVALID, "empty"},
		{"lacks a column", badges.JobMembers, "email\na@example.org\n", badges.EINVALID, `"displayName"`},
		{"unknown column", badges.JobAwards, "achievementId,colour\nx,red\n", badges.EINVALID, `"colour"`},
		{"malformed", badges.JobActivity, "behaviour,at\n\"x,y\n", badges.EINVALID, "malformed"},
		{"header only", badges.JobMembers, "email,displayName\n", badges.EINVALID, "no rows"},
		{"too many rows", badges.JobActivity, many.String(), badges.ETOOLARGE, "1000 rows"},
		{"too many awards", badges.JobAwards, awards.String(), badges.ETOOLARGE, fmt.Sprintf("%d rows", issuer.MaxBulkAwards)},
		{"too large", badges.JobMembers, string(big), badges.ETOOLARGE, "5 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := f.l.Jobs.StartJob(t.Context(), f.issuer, tc.kind, "f.csv", []byte(tc.file), "Ada")
			if j != nil || badges.ErrorCode(err) != tc.code || !strings.Contains(badges.ErrorMessage(err), tc.want) {
				t.Fatalf("StartJob: %v, %v; want %s naming %s", j, err, tc.code, tc.want)
			}
		})
	}
	p, err := f.l.Jobs.JobsOf(t.Context(), f.issuer, badges.ListOptions{})
	if err != nil || p.Total != 0 {
		t.Fatalf("jobs: %+v, %v; want none", p, err)
	}
	if n, err := f.l.Jobs.Work(t.Context(), 0); n != 0 || err != nil {
		t.Fatalf("work: %d, %v; want nothing queued", n, err)
	}
}

// stopAfterChunk stops its runner's context once a job has checkpointed
// chunks chunks, and keeps what the job's page showed then.
type stopAfterChunk struct {
	badges.JobStore
	chunks int
	stop   context.CancelFunc
	seen   *badges.Job
}

func (s *stopAfterChunk) UpdateJob(ctx context.Context, id string, change func(*badges.Job) error) error {
	if err := s.JobStore.UpdateJob(ctx, id, change); err != nil {
		return err
	}
	j, err := s.JobStore.Job(ctx, id)
	if err == nil && j.Done >= s.chunks*badges.JobChunkRows && s.seen == nil {
		s.seen = j
		s.stop()
	}
	return err
}

// TestJobs_ResumesAfterAStop: a runner stopped after its first chunk
// leaves the job running, its progress shown; the next start finishes it
// with the same result as a run without a stop, and no member twice.
func TestJobs_ResumesAfterAStop(t *testing.T) {
	f := newJobFixture(t)
	file := memberFile(250)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	cut := &stopAfterChunk{JobStore: f.l.Stores.Jobs, chunks: 1, stop: stop}
	first := jobs(f.l, cut)
	j, err := first.StartJob(ctx, f.issuer, badges.JobMembers, "members.csv", file, "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := first.Work(ctx, 0); n != 0 || (err != nil && ctx.Err() == nil) {
		t.Fatalf("stopped run: %d finished, %v; want none", n, err)
	}
	if s := cut.seen; s == nil || s.State != badges.JobRunning || s.Done != 100 || s.Percent() != 40 || s.Counts["created"] != 99 || len(s.Errors) != 1 {
		t.Fatalf("progress after the first chunk: %+v; want running, 100 done, 40%%", cut.seen)
	}
	next := f.build(t, f.db)
	if n, err := next.Jobs.Work(t.Context(), 0); n != 1 || err != nil {
		t.Fatalf("resumed: %d finished, %v; want 1", n, err)
	}
	done, err := next.Jobs.Job(t.Context(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkJob(t, done, 250, map[string]int{"created": 247, "rejected": 3}, []int{5, 130, 240})
	if res := resultRows(t, next.Jobs, j.ID); len(res) != 250 || res["102"][0] != "created" {
		t.Errorf("result: %d rows, line 102 %v", len(res), res["102"])
	}
	if n := memberCount(t, next, f.issuer); n != 247 {
		t.Errorf("%d members; want 247", n)
	}
}

// stopAfterIssuing stops its runner's context once a chunk of awards is
// issued, before the job counts it: a crash in the middle of a chunk.
type stopAfterIssuing struct {
	awards badges.AwardRowsFunc
	stop   context.CancelFunc
}

func (s *stopAfterIssuing) issue(ctx context.Context, issuerID string, ins []badges.AwardInput) ([]badges.AwardRow, error) {
	res, err := s.awards(ctx, issuerID, ins)
	s.stop()
	return res, err
}

// TestJobs_ResumesAChunkCutShort: a chunk of a repeatable badge's awards
// issued and not counted is done again after the stop; its job's keys
// issue nothing twice.
func TestJobs_ResumesAChunkCutShort(t *testing.T) {
	f := newJobFixture(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	first := jobs(f.l, f.l.Stores.Jobs)
	first.Awards = (&stopAfterIssuing{awards: wire.AwardRows(f.l.Issuing), stop: stop}).issue
	j, err := first.StartJob(ctx, f.issuer, badges.JobAwards, "awards.csv", f.awardFile(120), "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := first.Work(ctx, 0); n != 0 {
		t.Fatalf("stopped run finished %d; want none", n)
	}
	if cut, err := f.l.Jobs.Job(t.Context(), j.ID); err != nil || cut.Done != 0 || f.credentials(t) != 98 {
		t.Fatalf("after the stop: %+v, %v, %d credentials; want nothing counted, 98 issued", cut, err, f.credentials(t))
	}
	next := f.build(t, f.db)
	if n, err := next.Jobs.Work(t.Context(), 0); n != 1 || err != nil {
		t.Fatalf("resumed: %d finished, %v; want 1", n, err)
	}
	done, _ := next.Jobs.Job(t.Context(), j.ID)
	// The first chunk's awards issued before the stop are held now.
	checkJob(t, done, 120, map[string]int{"issued": 20, "held": 98, "rejected": 2}, []int{3, 50})
	if n := f.credentials(t); n != 118 {
		t.Errorf("%d credentials; want 118, each once", n)
	}
}

// countingStore counts the chunks a runner stored.
type countingStore struct {
	badges.JobStore
	mu     sync.Mutex
	chunks int
}

func (s *countingStore) PutJobRows(ctx context.Context, id string, chunk int, rows []badges.JobRow) error {
	s.mu.Lock()
	s.chunks++
	s.mu.Unlock()
	return s.JobStore.PutJobRows(ctx, id, chunk, rows)
}

// TestJobs_TwoProcessesRunAJobOnce: two Laurel processes on one database
// working at the same moment: one runs the job, the other leaves it.
func TestJobs_TwoProcessesRunAJobOnce(t *testing.T) {
	f := newJobFixture(t)
	other := f.build(t, mongotest.Connect(t, f.db.Name()))
	stores := []*countingStore{{JobStore: f.l.Stores.Jobs}, {JobStore: other.Stores.Jobs}}
	runners := []*badges.Jobs{jobs(f.l, stores[0]), jobs(other, stores[1])}
	j, err := runners[0].StartJob(t.Context(), f.issuer, badges.JobMembers, "members.csv", memberFile(250), "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	finished := make([]int, 2)
	var wg sync.WaitGroup
	for i, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if finished[i], err = r.Work(t.Context(), badges.StaleJobAge); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if finished[0]+finished[1] != 1 || stores[0].chunks+stores[1].chunks != 3 || min(stores[0].chunks, stores[1].chunks) != 0 {
		t.Fatalf("finished %v, chunks %d and %d; want one process to run the job's 3 chunks", finished, stores[0].chunks, stores[1].chunks)
	}
	done, _ := f.l.Jobs.Job(t.Context(), j.ID)
	checkJob(t, done, 250, map[string]int{"created": 247, "rejected": 3}, []int{5, 130, 240})
}

// TestJobs_List: a community's jobs, newest first, paged.
func TestJobs_List(t *testing.T) {
	f := newJobFixture(t)
	var ids []string
	for range 3 {
		j, err := f.l.Jobs.StartJob(t.Context(), f.issuer, badges.JobMembers, "m.csv", []byte("email,displayName\na@example.org,A\n"), "Ada")
		if err != nil {
			t.Fatal(err)
		}
		ids = append([]string{j.ID}, ids...)
	}
	p, err := f.l.Jobs.JobsOf(t.Context(), f.issuer, badges.ListOptions{Limit: 2})
	if err != nil || p.Total != 3 || len(p.Items) != 2 || p.Items[0].ID != ids[0] || p.NextCursor == "" {
		t.Fatalf("first page: %+v, %v", p, err)
	}
	p, err = f.l.Jobs.JobsOf(t.Context(), f.issuer, badges.ListOptions{Limit: 2, Cursor: p.NextCursor})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != ids[2] || p.NextCursor != "" {
		t.Fatalf("second page: %+v, %v", p, err)
	}
	if _, err := f.l.Jobs.Job(t.Context(), "nope"); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("unknown job: %v; want not found", err)
	}
}

// stopBeforeCounting stops its runner's context once a chunk is done and
// before it is counted: a crash in the middle of a chunk.
type stopBeforeCounting struct {
	badges.JobStore
	stop context.CancelFunc
}

func (s *stopBeforeCounting) PutJobRows(context.Context, string, int, []badges.JobRow) error {
	s.stop()
	return context.Canceled
}

// TestJobs_ResumesActivityCutShort: activity of a chunk recorded and not
// counted is recorded again after the stop; the job's keys make those
// rows duplicates, and no member has an activity twice.
func TestJobs_ResumesActivityCutShort(t *testing.T) {
	f := newJobFixture(t)
	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	first := jobs(f.l, &stopBeforeCounting{JobStore: f.l.Stores.Jobs, stop: stop})
	j, err := first.StartJob(ctx, f.issuer, badges.JobActivity, "activity.csv", activityFile(150), "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := first.Work(ctx, 0); n != 0 {
		t.Fatalf("stopped run finished %d; want none", n)
	}
	next := f.build(t, f.db)
	if n, err := next.Jobs.Work(t.Context(), 0); n != 1 || err != nil {
		t.Fatalf("resumed: %d finished, %v; want 1", n, err)
	}
	done, _ := next.Jobs.Job(t.Context(), j.ID)
	// The first chunk's 97 recorded before the stop are duplicates now.
	checkJob(t, done, 150, map[string]int{"recorded": 50, "duplicate": 98, "rejected": 2}, []int{4, 6})
	p, err := next.Stores.Members.Members(t.Context(), badges.MemberFilter{IssuerID: f.issuer, Email: "p0@example.org"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("member: %+v, %v", p, err)
	}
	idx, err := next.Stores.Activities.ActivityIndex(t.Context(), p.Items[0].ID)
	if err != nil || len(idx.Entries) != 4 {
		t.Fatalf("p0's activities: %d, %v; want 4, each once", len(idx.Entries), err)
	}
}

// TestLaurel_WorkRunsJobs: a job queued by an earlier run of Laurel is
// done by the background work of the next.
func TestLaurel_WorkRunsJobs(t *testing.T) {
	f := newJobFixture(t)
	j, err := f.l.Jobs.StartJob(t.Context(), f.issuer, badges.JobMembers, "members.csv", memberFile(120), "Ada Lovelace")
	if err != nil {
		t.Fatal(err)
	}
	next := f.build(t, f.db)
	work, stop := context.WithCancel(t.Context())
	stopped := make(chan struct{})
	go func() { defer close(stopped); next.Work(work, 20*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	defer func() { stop(); <-stopped }()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		j, err = next.Jobs.Job(t.Context(), j.ID)
		if err == nil && j.State == badges.JobDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job: %+v, %v; want it done", j, err)
		}
	}
	if j.Counts["created"] != 119 || j.Counts["rejected"] != 1 {
		t.Fatalf("counts: %v; want 119 created, 1 rejected", j.Counts)
	}
}

// BenchmarkJobs_MemberImport: a job importing a file of 10,000 new
// members, from its start to its end; and, to compare, the same file
// imported by one call of the member import the API makes.
func BenchmarkJobs_MemberImport(b *testing.B) {
	var file strings.Builder
	file.WriteString("email,displayName\n")
	for i := range badges.MaxImportRows {
		fmt.Fprintf(&file, "bench%d@example.org,Member %d\n", i, i)
	}
	data := []byte(file.String())
	b.Run("job", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			f := newJobFixture(b)
			b.StartTimer()
			j, err := f.l.Jobs.StartJob(b.Context(), f.issuer, badges.JobMembers, "members.csv", data, "Ada")
			if err != nil {
				b.Fatal(err)
			}
			if n, err := f.l.Jobs.Work(b.Context(), 0); n != 1 || err != nil {
				b.Fatalf("work: %d, %v", n, err)
			}
			if j, err = f.l.Jobs.Job(b.Context(), j.ID); err != nil || j.Counts["created"] != badges.MaxImportRows {
				b.Fatalf("job: %+v, %v", j, err)
			}
		}
	})
	b.Run("one import", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			f := newJobFixture(b)
			b.StartTimer()
			rows, err := badges.ParseMemberCSV(bytes.NewReader(data), badges.MaxImportRows)
			if err != nil {
				b.Fatal(err)
			}
			if rep, err := f.l.Stores.Members.ImportMembers(b.Context(), f.issuer, rows, false); err != nil || !rep.Applied {
				b.Fatalf("import: %v", err)
			}
		}
	})
}
