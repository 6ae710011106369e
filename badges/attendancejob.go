package badges

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
)

// An attendance job: a participant report worked through as a job (see
// job.go), one row per person. Each person who was there for at least the
// threshold becomes one activity of the chosen behaviour at the meeting's
// start, recorded as any activity is; its source event id is the meeting's
// id and the person's e-mail address, so the same report uploaded again,
// or another export of the same meeting, records nobody twice.

// AttendanceOptions are what a manager chooses when importing a report.
type AttendanceOptions struct {
	Behaviour     string  // the behaviour each attendee is recorded for
	MinMinutes    float64 // the time in the meeting that counts as attending
	CreateMembers bool    // an e-mail address that is no member's becomes a member; otherwise it is reported
}

// The statuses of an attendance job's rows, besides the recording's own
// (recorded, duplicate, rejected).
const (
	AttendanceTooShort = "too short"
	AttendanceNoEmail  = "no e-mail"
)

// maxThreshold bounds the threshold: a day.
const maxThreshold = 24 * 60

// Check checks the options, naming the field at fault.
func (o *AttendanceOptions) Check() error {
	b, err := CheckLine("behaviour", o.Behaviour, true, 100)
	if err != nil {
		return FieldErrorf("behaviour", "Choose the behaviour attendees are recorded for.")
	}
	o.Behaviour = b
	if math.IsNaN(o.MinMinutes) || o.MinMinutes < 0 || o.MinMinutes > maxThreshold {
		return FieldErrorf("minMinutes", "The threshold must be from 0 to %d minutes.", maxThreshold)
	}
	return nil
}

// Attended reports whether a person was there long enough.
func (o AttendanceOptions) Attended(a Attendee) bool { return a.Minutes >= o.MinMinutes }

// StartAttendanceJob checks a participant report and the options, and
// queues a job recording its attendees (see StartJob).
func (js *Jobs) StartAttendanceJob(ctx context.Context, issuerID, fileName string, data []byte, by string, o AttendanceOptions) (*Job, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	return js.startJob(ctx, issuerID, JobAttendance, fileName, data, by, &o)
}

type attendanceWork struct {
	js              *Jobs
	issuerID, jobID string
	rep             *AttendanceReport
	opts            AttendanceOptions
}

func (w *attendanceWork) rows() int { return len(w.rep.People) }

// do records the attendees of a chunk of people, and answers the others.
func (w *attendanceWork) do(ctx context.Context, from, to int) ([]JobRow, error) {
	people := w.rep.People[from:to]
	out := make([]JobRow, len(people))
	var ins []ActivityInput
	var idx []int
	for i, a := range people {
		if out[i] = w.dryRow(a); out[i].Status == AttendanceAttended {
			ins, idx = append(ins, w.activity(a)), append(idx, i)
		}
	}
	if len(ins) == 0 {
		return out, nil
	}
	res, err := w.js.Awarder.Record(ctx, w.issuerID, ins)
	if err != nil {
		return nil, err
	}
	for k, r := range res {
		out[idx[k]] = jobRow(people[idx[k]].Line, string(r.Outcome), r.Err)
	}
	return out, nil
}

// activity is an attendee's activity, keyed by the meeting and the person.
func (w *attendanceWork) activity(a Attendee) ActivityInput {
	sum := sha256.Sum256([]byte(a.Email))
	narrative := "Attended for " + strconv.Itoa(int(math.Round(a.Minutes))) + " minutes."
	if w.rep.Topic != "" {
		narrative = fmt.Sprintf("Attended %s for %d minutes.", truncateRunes(w.rep.Topic, 200), int(math.Round(a.Minutes)))
	}
	return ActivityInput{Email: a.Email, Name: a.Name, CreateMember: w.opts.CreateMembers,
		Activity: Activity{Behaviour: w.opts.Behaviour, At: w.rep.Start, Narrative: narrative,
			SourceEventID: "attendance:" + w.rep.MeetingID + ":" + hex.EncodeToString(sum[:12])}}
}

func displayName(a Attendee) string {
	if a.Name != "" {
		return a.Name
	}
	return "Someone"
}

// AttendanceAttended is the status of an attendee in a dry run: they
// would be recorded.
const AttendanceAttended = "attended"

// RecordAttendance records a report's attendees at once, as its job would,
// row for row (the API's synchronous import); with dryRun it records
// nothing and answers who attended. One answer a person, in the report's
// order.
func (js *Jobs) RecordAttendance(ctx context.Context, issuerID string, rep *AttendanceReport, o AttendanceOptions, dryRun bool) ([]JobRow, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	w := &attendanceWork{js: js, issuerID: issuerID, rep: rep, opts: o}
	if dryRun {
		out := make([]JobRow, len(rep.People))
		for i, a := range rep.People {
			out[i] = w.dryRow(a)
		}
		return out, nil
	}
	var out []JobRow
	for from := 0; from < len(rep.People); from += MaxActivityBatch {
		rows, err := w.do(ctx, from, min(from+MaxActivityBatch, len(rep.People)))
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// dryRow is what would become of a person.
func (w *attendanceWork) dryRow(a Attendee) JobRow {
	switch {
	case !w.opts.Attended(a):
		return JobRow{Line: a.Line, Status: AttendanceTooShort}
	case a.Email == "":
		return jobRow(a.Line, AttendanceNoEmail, FieldErrorf("email", "%s attended, but the report gives no e-mail address.", displayName(a)))
	}
	return JobRow{Line: a.Line, Status: AttendanceAttended}
}
