package badges

import (
	"bytes"
	"context"
	"slices"
	"strconv"
)

// The rows of each kind of job, done by the services the API calls: a
// member import, a bulk award, a batch of activity. Each row is keyed so
// that doing a chunk again after a crash doubles nothing: members by
// e-mail address (the import updates a member it finds, and a second run
// finds them unchanged), awards by an idempotency key of the job and the
// line, activity by its source event id, or one of the job and the line
// when the file gives none.

// jobLimit bounds a job's file as the API bounds the same upload.
type jobLimit struct{ bytes, rows int }

// Bounds of the bulk award upload (the API's body limit and the issuing
// service's MaxBulkAwards) and of an activity CSV (the API's body limit).
const (
	maxAwardJobBytes    = 8 << 20
	maxAwardJobRows     = 10000
	maxActivityJobBytes = 4 << 20
)

var jobLimits = map[JobKind]jobLimit{
	JobMembers:    {MaxImportBytes, MaxImportRows},
	JobAwards:     {maxAwardJobBytes, maxAwardJobRows},
	JobActivity:   {maxActivityJobBytes, MaxActivityBatch},
	JobAttendance: {MaxAttendanceBytes, MaxAttendanceRows},
}

// jobWork is a parsed file: its rows, and a way to do some of them.
type jobWork interface {
	rows() int
	// do does rows [from, to) and answers each; an error is a failure of
	// the whole chunk (the database), and then no answer counts.
	do(ctx context.Context, from, to int) ([]JobRow, error)
}

// parse reads a job's file whole; jobID keys the rows' writes (it is ""
// when a file is only checked), and opts are an attendance job's.
func (js *Jobs) parse(issuerID string, kind JobKind, data []byte, jobID string, opts *AttendanceOptions) (jobWork, error) {
	maxRows := jobLimits[kind].rows
	switch kind {
	case JobMembers:
		rows, err := ParseMemberCSV(bytes.NewReader(data), maxRows)
		return &memberWork{js: js, issuerID: issuerID, list: rows}, err
	case JobAwards:
		ins, lines, err := ParseAwardCSV(bytes.NewReader(data), maxRows)
		return &awardWork{js: js, issuerID: issuerID, jobID: jobID, ins: ins, lines: lines}, err
	case JobActivity:
		rows, err := ParseActivityCSV(bytes.NewReader(data), maxRows)
		return &activityWork{js: js, issuerID: issuerID, jobID: jobID, list: rows}, err
	case JobAttendance:
		if opts == nil {
			return nil, Errorf(EINVALID, "The attendance job has no behaviour nor threshold.")
		}
		rep, err := ParseAttendanceCSV(bytes.NewReader(data), maxRows)
		return &attendanceWork{js: js, issuerID: issuerID, jobID: jobID, rep: rep, opts: *opts}, err
	}
	return nil, Errorf(EINVALID, "There is no kind of job %q.", truncateForMessage(string(kind)))
}

// jobRow is the answer for one row: its status, and its error's field
// and message when it has one.
func jobRow(line int, status string, err error) JobRow {
	r := JobRow{Line: line, Status: status}
	if err != nil {
		r.Field, r.Message = ErrorField(err), ErrorMessage(err)
	}
	return r
}

// rowKey is the idempotency key of a row of a job.
func rowKey(jobID string, line int) string { return "job:" + jobID + ":" + strconv.Itoa(line) }

type memberWork struct {
	js       *Jobs
	issuerID string
	list     []ImportRow
}

func (w *memberWork) rows() int { return len(w.list) }

// do imports a chunk of members. An import is all or nothing, so the rows
// it rejects are answered and the others imported again, until one is
// applied: a chunk's good rows are written whatever its bad ones.
func (w *memberWork) do(ctx context.Context, from, to int) ([]JobRow, error) {
	chunk := slices.Clone(w.list[from:to])
	if err := w.js.Cohorts.CheckImportCohorts(ctx, w.issuerID, chunk); err != nil {
		return nil, err
	}
	out := make([]JobRow, len(chunk))
	at := make(map[int]int, len(chunk)) // line → index in chunk
	var pending []ImportRow
	for i, r := range chunk {
		at[r.Line] = i
		if out[i] = jobRow(r.Line, RowRejected, r.Err); r.Err == nil {
			pending = append(pending, r)
		}
	}
	for len(pending) > 0 {
		rep, err := w.js.Members.ImportMembers(ctx, w.issuerID, pending, false)
		if err != nil {
			return nil, err
		}
		if rep.Applied {
			if err := w.js.Cohorts.JoinImported(ctx, pending, rep); err != nil {
				return nil, err
			}
			for _, res := range rep.Rows {
				out[at[res.Line]] = jobRow(res.Line, res.Status, res.Err)
			}
			return out, nil
		}
		if pending, err = w.dropRejected(rep, pending, out, at); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// dropRejected answers the rows an import that was not applied rejected,
// and returns the others.
func (w *memberWork) dropRejected(rep *ImportReport, pending []ImportRow, out []JobRow, at map[int]int) ([]ImportRow, error) {
	var rest []ImportRow
	for k, res := range rep.Rows {
		if res.Status == RowRejected {
			out[at[res.Line]] = jobRow(res.Line, res.Status, res.Err)
			continue
		}
		rest = append(rest, pending[k])
	}
	if len(rest) == len(pending) {
		return nil, Errorf(EINTERNAL, "A member import rejected no row and applied none.")
	}
	return rest, nil
}

type awardWork struct {
	js              *Jobs
	issuerID, jobID string
	ins             []AwardInput
	lines           []int
}

func (w *awardWork) rows() int { return len(w.ins) }

// do issues a chunk of awards, each keyed by the job and its line.
func (w *awardWork) do(ctx context.Context, from, to int) ([]JobRow, error) {
	ins := slices.Clone(w.ins[from:to])
	for i := range ins {
		ins[i].IdempotencyKey = rowKey(w.jobID, w.lines[from+i])
	}
	res, err := w.js.Awards(ctx, w.issuerID, ins)
	if err != nil {
		return nil, err
	}
	out := make([]JobRow, len(res))
	for i, r := range res {
		out[i] = jobRow(w.lines[from+i], r.Outcome, r.Err)
	}
	return out, nil
}

type activityWork struct {
	js              *Jobs
	issuerID, jobID string
	list            []ActivityCSVRow
}

func (w *activityWork) rows() int { return len(w.list) }

// do records a chunk of activities; one without a source event id gets
// the job's key of its line, so that recording it again is a duplicate.
func (w *activityWork) do(ctx context.Context, from, to int) ([]JobRow, error) {
	chunk := w.list[from:to]
	out := make([]JobRow, len(chunk))
	var ins []ActivityInput
	var idx []int
	for i, r := range chunk {
		if out[i] = jobRow(r.Line, string(ActivityRejected), r.Err); r.Err != nil {
			continue
		}
		in := r.Input
		if in.SourceEventID == "" {
			in.SourceEventID = rowKey(w.jobID, r.Line)
		}
		ins, idx = append(ins, in), append(idx, i)
	}
	if len(ins) == 0 {
		return out, nil
	}
	res, err := w.js.Awarder.Record(ctx, w.issuerID, ins)
	if err != nil {
		return nil, err
	}
	for k, r := range res {
		out[idx[k]] = jobRow(chunk[idx[k]].Line, string(r.Outcome), r.Err)
	}
	return out, nil
}
