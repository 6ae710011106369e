package badges

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"
)

// A job is a CSV file a manager uploaded — members, awards or activity —
// worked through in the background, a chunk of rows at a time, by the
// same services the API calls for one request. The file is checked whole
// when the job starts, so a bad file is refused at once; then each row is
// done once, checkpointed after each chunk, and a job cut short (a
// restart, a crash) resumes at its last checkpoint. Rows are idempotent,
// so a chunk done again after a crash doubles nothing. This file starts
// and reads jobs; jobkind.go does the rows of each kind, jobrun.go runs
// them.

// JobKind is what a job's file holds.
type JobKind string

// The kinds of job.
const (
	JobMembers  JobKind = "members"
	JobAwards   JobKind = "awards"
	JobActivity JobKind = "activity"
	// JobAttendance is a meeting's participant report (attendancejob.go).
	JobAttendance JobKind = "attendance"
)

// JobState is where a job is in its life.
type JobState string

// The states of a job. A job is failed when it could not run as a whole
// (its Message says why); rows that fail are row errors of a done job.
const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Finished reports whether a job in state s is over.
func (s JobState) Finished() bool { return s == JobDone || s == JobFailed }

// RowError is why one row of a job's file failed. Line is the line in the
// file as its author sees it: the header is line 1.
type RowError struct {
	Line           int
	Field, Message string
}

// Job is one uploaded file being worked through.
type Job struct {
	ID, IssuerID string
	Kind         JobKind
	State        JobState
	FileName     string
	By           string // the name of who started it
	Rows, Done   int    // rows in the file; rows finished so far
	// Counts are the rows by status, in the words of each kind's report
	// (see jobkind.go).
	Counts                           map[string]int
	Errors                           []RowError // the first MaxJobErrors
	ErrorsDropped                    int        // row errors beyond those
	Message                          string     // why a failed job failed
	CreatedAt, StartedAt, FinishedAt time.Time
	// Attendance is what an attendance job was started with; nil for
	// the other kinds.
	Attendance *AttendanceOptions
	// Runner is the process running the job, while it runs, and
	// UpdatedAt its last checkpoint: a job running without a checkpoint
	// for StaleJobAge is taken over by another process.
	Runner    string
	UpdatedAt time.Time
}

// Percent is how much of the job is done, 0 to 100.
func (j *Job) Percent() int {
	switch {
	case j.State == JobDone:
		return 100
	case j.Rows <= 0:
		return 0
	}
	return min(100, j.Done*100/j.Rows)
}

// Bounds of jobs.
const (
	MaxJobErrors = 1000 // row errors a job keeps; the rest are counted
	JobChunkRows = 100  // rows between two checkpoints: what a resumed job does again
	MaxJobsOf    = 200  // jobs a community's list keeps, newest first; older ones stay readable by id
)

// JobRow is what became of one row of a job's file: its status in the
// words of its kind's report, and why when it failed.
type JobRow struct {
	Line           int
	Status         string
	Field, Message string
}

// JobStore keeps jobs, their files and their rows' results.
type JobStore interface {
	// CreateJob stores a new job with its file, and lists it under its
	// community (newest first, the latest MaxJobsOf) and among the
	// unfinished jobs.
	CreateJob(ctx context.Context, j *Job, input []byte) error
	// Job reads a job; ENOTFOUND when there is none.
	Job(ctx context.Context, id string) (*Job, error)
	// UpdateJob changes a job atomically (change may run more than once;
	// an error from it writes nothing and is returned). A job that
	// finishes leaves the unfinished jobs.
	UpdateJob(ctx context.Context, id string, change func(*Job) error) error
	// JobsOf lists a community's jobs, newest first.
	JobsOf(ctx context.Context, issuerID string, o ListOptions) (*Page[*Job], error)
	// UnfinishedJobs lists the ids of the jobs queued or running, oldest
	// first.
	UnfinishedJobs(ctx context.Context) ([]string, error)
	// JobInput reads a job's file.
	JobInput(ctx context.Context, id string) ([]byte, error)
	// PutJobRows stores the results of the chunk'th chunk of a job's
	// rows, replacing any stored before.
	PutJobRows(ctx context.Context, id string, chunk int, rows []JobRow) error
	// JobRows reads the results of a job's first chunks chunks, in order.
	JobRows(ctx context.Context, id string, chunks int) ([]JobRow, error)
}

// AwardRow is what became of one row of a bulk award: issued, held or
// rejected (with why).
type AwardRow struct {
	Outcome string
	Err     error
}

// AwardRowsFunc issues awards in bulk, answering every row, as the bulk
// award API does; each row's IdempotencyKey makes doing it again issue
// nothing twice.
type AwardRowsFunc func(ctx context.Context, issuerID string, ins []AwardInput) ([]AwardRow, error)

// JobDeps are what jobs need: their store, and the services whose rules
// each row goes through.
type JobDeps struct {
	Store   JobStore
	Members MemberService
	Cohorts *Cohorts
	Awarder *Awarder      // records activity
	Awards  AwardRowsFunc // issues awards
	Now     func() time.Time
}

// Jobs starts jobs, answers what they have done, and runs them (see
// jobrun.go).
type Jobs struct {
	JobDeps
	runner string // this process, as the Runner of the jobs it runs
	wake   chan struct{}
}

// NewJobs returns the jobs service.
func NewJobs(d JobDeps) *Jobs {
	return &Jobs{JobDeps: d, runner: NewID(), wake: make(chan struct{}, 1)}
}

// StartJob checks a whole file of the given kind and queues a job for it,
// by the person named by; a file that cannot be read, is too large or has
// too many rows is refused, and nothing is queued.
func (js *Jobs) StartJob(ctx context.Context, issuerID string, kind JobKind, fileName string, data []byte, by string) (*Job, error) {
	if kind == JobAttendance {
		return nil, FieldErrorf("kind", "An attendance report is started with its behaviour and threshold.")
	}
	return js.startJob(ctx, issuerID, kind, fileName, data, by, nil)
}

// startJob checks and queues a job of any kind; opts are an attendance
// job's.
func (js *Jobs) startJob(ctx context.Context, issuerID string, kind JobKind, fileName string, data []byte, by string, opts *AttendanceOptions) (*Job, error) {
	lim, ok := jobLimits[kind]
	if !ok {
		return nil, FieldErrorf("kind", "There is no kind of job %q; the kinds are members, awards and activity.", truncateForMessage(string(kind)))
	}
	if len(data) > lim.bytes {
		return nil, &Error{Code: ETOOLARGE, Field: "file", Message: fmt.Sprintf("The file is larger than %d MiB.", lim.bytes>>20)}
	}
	name, err := CheckLine("fileName", fileName, false, 200)
	if err != nil {
		return nil, err
	}
	w, err := js.parse(issuerID, kind, data, "", opts)
	if err != nil {
		return nil, &Error{Code: ErrorCode(err), Field: "file", Message: ErrorMessage(err)}
	}
	if w.rows() == 0 {
		return nil, FieldErrorf("file", "The file has a header but no rows.")
	}
	now := js.Now()
	j := &Job{ID: NewID(), IssuerID: issuerID, Kind: kind, State: JobQueued, FileName: name, By: by,
		Rows: w.rows(), Counts: map[string]int{}, CreatedAt: now, UpdatedAt: now, Attendance: opts}
	if err := js.Store.CreateJob(ctx, j, data); err != nil {
		return nil, err
	}
	js.signal()
	return j, nil
}

// Job returns a job.
func (js *Jobs) Job(ctx context.Context, id string) (*Job, error) {
	if !ValidID(id) {
		return nil, Errorf(ENOTFOUND, "No job with id %q.", truncateForMessage(id))
	}
	return js.Store.Job(ctx, id)
}

// JobsOf lists a community's jobs, newest first.
func (js *Jobs) JobsOf(ctx context.Context, issuerID string, o ListOptions) (*Page[*Job], error) {
	if err := o.Normalize(); err != nil {
		return nil, err
	}
	return js.Store.JobsOf(ctx, issuerID, o)
}

// ResultCSV is a job's result: a CSV file with the line, status and, for
// a row that failed, the message of every row done so far.
func (js *Jobs) ResultCSV(ctx context.Context, id string) ([]byte, error) {
	j, err := js.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := js.Store.JobRows(ctx, id, (j.Done+JobChunkRows-1)/JobChunkRows)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"line", "status", "message"})
	for _, r := range rows {
		msg := r.Message
		if r.Field != "" && msg != "" {
			msg = r.Field + ": " + msg
		}
		_ = w.Write([]string{strconv.Itoa(r.Line), r.Status, msg})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

func (js *Jobs) signal() {
	select {
	case js.wake <- struct{}{}:
	default:
	}
}
