package mongodb

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// JobStore keeps jobs in the jobs collection as computed documents, each
// read by its exact _id, never by its content:
//
//   - "<job id>": the job, small whatever its file: it is written at
//     every checkpoint and read by every look at its page;
//   - "input:<job id>:<n>": its file, in parts of jobInputPart bytes,
//     written once. The engine keeps a document as one row and writes it
//     whole on every change, and its documents are bounded (16 MiB of
//     BSON, binary stored larger still), so a file of several MiB inside
//     the job would be rewritten at each of its hundred checkpoints;
//   - "rows:<job id>:<chunk>": the results of one chunk of its rows, a
//     hundred rows to a document, not a document a row;
//   - "issuer:<issuer id>": a community's jobs, newest first, the latest
//     badges.MaxJobsOf; "unfinished": the jobs queued or running.
type JobStore struct{ db *database.DB }

var _ badges.JobStore = (*JobStore)(nil)

// NewJobStore returns the job store of db.
func NewJobStore(db *database.DB) *JobStore { return &JobStore{db: db} }

// jobInputPart is the size of the parts a job's file is kept in.
const jobInputPart = 1 << 20

const unfinishedJobs = "unfinished"

func jobsOf(issuerID string) string      { return "issuer:" + issuerID }
func jobInput(id string, n int) string   { return fmt.Sprintf("input:%s:%d", id, n) }
func jobRowsDoc(id string, n int) string { return fmt.Sprintf("rows:%s:%d", id, n) }

type jobRecord struct {
	ID            string         `bson:"id"`
	Issuer        string         `bson:"issuer"`
	Kind          string         `bson:"kind"`
	State         string         `bson:"state"`
	FileName      string         `bson:"fileName"`
	By            string         `bson:"by"`
	Rows          int            `bson:"rows"`
	Done          int            `bson:"done"`
	Counts        map[string]int `bson:"counts,omitempty"`
	Errors        []rowRecord    `bson:"errors,omitempty"`
	ErrorsDropped int            `bson:"errorsDropped,omitempty"`
	Message       string         `bson:"message,omitempty"`
	Runner        string         `bson:"runner,omitempty"`
	InputParts    int            `bson:"inputParts"`
	CreatedAt     time.Time      `bson:"createdAt"`
	StartedAt     time.Time      `bson:"startedAt,omitempty"`
	FinishedAt    time.Time      `bson:"finishedAt,omitempty"`
	UpdatedAt     time.Time      `bson:"updatedAt"`
	// Attendance are an attendance job's options.
	Attendance *attendanceRecord `bson:"attendance,omitempty"`
}

type attendanceRecord struct {
	Behaviour     string  `bson:"behaviour"`
	MinMinutes    float64 `bson:"minMinutes"`
	CreateMembers bool    `bson:"createMembers,omitempty"`
}

// rowRecord is a row's result or error, with short names: a chunk
// document holds a hundred.
type rowRecord struct {
	Line    int    `bson:"l"`
	Status  string `bson:"s,omitempty"`
	Field   string `bson:"f,omitempty"`
	Message string `bson:"m,omitempty"`
}

type jobInputRecord struct {
	Data []byte `bson:"data"`
}

type jobRowsRecord struct {
	Rows []rowRecord `bson:"rows"`
}

func jobDoc(j *badges.Job, inputParts int) jobRecord {
	r := jobRecord{ID: j.ID, Issuer: j.IssuerID, Kind: string(j.Kind), State: string(j.State), FileName: j.FileName, By: j.By,
		Rows: j.Rows, Done: j.Done, Counts: maps.Clone(j.Counts), ErrorsDropped: j.ErrorsDropped, Message: j.Message,
		Runner: j.Runner, InputParts: inputParts, CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt, UpdatedAt: j.UpdatedAt}
	for _, e := range j.Errors {
		r.Errors = append(r.Errors, rowRecord{Line: e.Line, Field: e.Field, Message: e.Message})
	}
	if o := j.Attendance; o != nil {
		r.Attendance = &attendanceRecord{Behaviour: o.Behaviour, MinMinutes: o.MinMinutes, CreateMembers: o.CreateMembers}
	}
	return r
}

func (r *jobRecord) job() *badges.Job {
	j := &badges.Job{ID: r.ID, IssuerID: r.Issuer, Kind: badges.JobKind(r.Kind), State: badges.JobState(r.State), FileName: r.FileName,
		By: r.By, Rows: r.Rows, Done: r.Done, Counts: maps.Clone(r.Counts), ErrorsDropped: r.ErrorsDropped, Message: r.Message,
		Runner: r.Runner, CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, UpdatedAt: r.UpdatedAt}
	if j.Counts == nil {
		j.Counts = map[string]int{}
	}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, badges.RowError{Line: e.Line, Field: e.Field, Message: e.Message})
	}
	if o := r.Attendance; o != nil {
		j.Attendance = &badges.AttendanceOptions{Behaviour: o.Behaviour, MinMinutes: o.MinMinutes, CreateMembers: o.CreateMembers}
	}
	return j
}

func notFoundJob(id string) error { return badges.Errorf(badges.ENOTFOUND, "No job with id %q.", id) }

// CreateJob stores a job's file, then the job, then lists it: a job
// stored and not listed (a crash in between) is never run nor shown.
func (s *JobStore) CreateJob(ctx context.Context, j *badges.Job, input []byte) error {
	var ids []string
	var parts []jobInputRecord
	for part := range slices.Chunk(input, jobInputPart) {
		ids, parts = append(ids, jobInput(j.ID, len(ids))), append(parts, jobInputRecord{Data: part})
	}
	existing, err := database.InsertComputed(ctx, s.db, database.Jobs, ids, parts)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return badges.Errorf(badges.ECONFLICT, "Job %s exists already.", j.ID)
	}
	err = database.Modify(ctx, s.db, database.Jobs, j.ID, func(r *jobRecord, exists bool) error {
		if exists {
			return badges.Errorf(badges.ECONFLICT, "Job %s exists already.", j.ID)
		}
		*r = jobDoc(j, len(ids))
		return nil
	})
	if err != nil {
		return err
	}
	if err := pushListed(ctx, s.db, database.Jobs, unfinishedJobs, j.ID, false, 0); err != nil {
		return err
	}
	return pushListed(ctx, s.db, database.Jobs, jobsOf(j.IssuerID), j.ID, true, badges.MaxJobsOf)
}

// Job reads a job.
func (s *JobStore) Job(ctx context.Context, id string) (*badges.Job, error) {
	if !badges.ValidID(id) {
		return nil, notFoundJob(id)
	}
	r, found, err := database.ReadComputed[jobRecord](ctx, s.db, database.Jobs, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFoundJob(id)
	}
	return r.job(), nil
}

// UpdateJob changes a job atomically; one that finishes leaves the
// unfinished list.
func (s *JobStore) UpdateJob(ctx context.Context, id string, change func(*badges.Job) error) error {
	if !badges.ValidID(id) {
		return notFoundJob(id)
	}
	finished := false
	err := database.Modify(ctx, s.db, database.Jobs, id, func(r *jobRecord, exists bool) error {
		if !exists {
			return notFoundJob(id)
		}
		j := r.job()
		if err := change(j); err != nil {
			return err
		}
		*r, finished = jobDoc(j, r.InputParts), j.State.Finished()
		return nil
	})
	if err != nil || !finished {
		return err
	}
	return dropListed(ctx, s.db, database.Jobs, unfinishedJobs, []string{id})
}

// JobsOf lists a community's jobs, newest first; the cursor is the last
// id of the page before.
func (s *JobStore) JobsOf(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Job], error) {
	return listedPage(ctx, s.db, database.Jobs, jobsOf(issuerID), o, s.Job)
}

// UnfinishedJobs lists the jobs queued or running, oldest first, and
// drops from the list those that finished or are gone (a crash came
// between their last change and the list's).
func (s *JobStore) UnfinishedJobs(ctx context.Context) ([]string, error) {
	return unfinishedIDs(ctx, s.db, database.Jobs, unfinishedJobs, s.Job, func(j *badges.Job) bool { return j.State.Finished() })
}

// JobInput reads a job's file, part by part.
func (s *JobStore) JobInput(ctx context.Context, id string) ([]byte, error) {
	r, found, err := database.ReadComputed[jobRecord](ctx, s.db, database.Jobs, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, notFoundJob(id)
	}
	var data []byte
	for n := range r.InputParts {
		part, found, err := database.ReadComputed[jobInputRecord](ctx, s.db, database.Jobs, jobInput(id, n))
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("job %s: part %d of its file is missing", id, n)
		}
		data = append(data, part.Data...)
	}
	return data, nil
}

// PutJobRows stores the results of a chunk of a job's rows.
func (s *JobStore) PutJobRows(ctx context.Context, id string, chunk int, rows []badges.JobRow) error {
	doc := jobRowsRecord{Rows: make([]rowRecord, len(rows))}
	for i, r := range rows {
		doc.Rows[i] = rowRecord{Line: r.Line, Status: r.Status, Field: r.Field, Message: r.Message}
	}
	return database.Modify(ctx, s.db, database.Jobs, jobRowsDoc(id, chunk), func(r *jobRowsRecord, _ bool) error {
		*r = doc
		return nil
	})
}

// JobRows reads the results of a job's first chunks, each by its exact
// _id: on the embedded engine a read of many ids at once could scan the
// collection, files and all.
func (s *JobStore) JobRows(ctx context.Context, id string, chunks int) ([]badges.JobRow, error) {
	var rows []badges.JobRow
	for n := range chunks {
		doc, _, err := database.ReadComputed[jobRowsRecord](ctx, s.db, database.Jobs, jobRowsDoc(id, n))
		if err != nil {
			return nil, err
		}
		for _, r := range doc.Rows {
			rows = append(rows, badges.JobRow{Line: r.Line, Status: r.Status, Field: r.Field, Message: r.Message})
		}
	}
	return rows, nil
}
