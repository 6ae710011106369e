package badges

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"
)

// Meeting attendance: a meeting platform's participant report (Zoom's
// "Name (Original Name), User Email, Join Time, Leave Time, Duration
// (Minutes), Guest", with or without the meeting's own block above it;
// Google Meet's and Microsoft Teams' attendance exports alike) read into
// the people who were there and for how long. A person who left and came
// back appears on several rows; their minutes are added up. Whether they
// attended is the threshold's business (attendancejob.go), not the
// parser's.

// Attendee is one person of a participant report, all their rows together.
type Attendee struct {
	Line      int    // the file's line of their first row
	Email     string // normalised; "" when the report gives none
	Name      string
	Minutes   float64 // all their rows' durations added up
	FirstJoin time.Time
	Rows      int
}

// AttendanceReport is a participant report read whole: the meeting (its
// id, topic and start, when the report says) and its people in the order
// they first appear.
type AttendanceReport struct {
	MeetingID, Topic string
	Start            time.Time // the meeting's start, or its first join
	People           []Attendee
}

// Bounds of a participant report.
const (
	MaxAttendanceBytes = 1 << 20
	MaxAttendanceRows  = 5000 // participant rows, rejoins included
	maxAttendanceCell  = 500
)

// attendanceColumns are the participant table's columns by what they
// mean, each with the spellings the platforms use (lower case).
var attendanceColumns = map[string][]string{
	"name":     {"name (original name)", "name", "full name", "participant", "participant name", "attendee", "display name"},
	"email":    {"user email", "email", "e-mail", "email address", "attendee email", "participant email", "user e-mail"},
	"join":     {"join time", "first join", "joined", "join", "first seen", "time joined"},
	"leave":    {"leave time", "last leave", "left", "leave", "last seen", "time exited"},
	"duration": {"duration (minutes)", "duration (mins)", "duration", "time in session (minutes)", "in-meeting duration", "time in call", "attendance duration", "duration (min)"},
}

// ParseAttendanceCSV reads a participant report. It fails as a whole when
// the file is not CSV, has no participant table (a header naming an
// e-mail or name column and a duration or join time), or has more than
// maxRows participant rows; a row whose times cannot be read fails the
// file too, naming its line, since a report is all one meeting.
func ParseAttendanceCSV(r io.Reader, maxRows int) (*AttendanceReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxAttendanceBytes+1))
	if err != nil {
		return nil, Errorf(EINVALID, "The file cannot be read.")
	}
	if len(data) > MaxAttendanceBytes {
		return nil, &Error{Code: ETOOLARGE, Field: "file", Message: "The attendance report is larger than 1 MiB."}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord, cr.LazyQuotes = -1, true
	p := attendanceParser{rep: &AttendanceReport{}, byEmail: map[string]int{}, maxRows: maxRows}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := p.row(line, rec); err != nil {
			return nil, err
		}
	}
	return p.finish(data)
}

type attendanceParser struct {
	rep        *AttendanceReport
	cols       map[string]int // the participant table's columns, once its header is found
	meetingHdr []string       // the meeting block's header, awaiting its values
	byEmail    map[string]int // e-mail → index in rep.People
	rows       int
	maxRows    int
}

// row takes one record: part of the meeting block, the participant
// table's header, or a participant.
func (p *attendanceParser) row(line int, rec []string) error {
	for i := range rec {
		rec[i] = strings.TrimSpace(strings.TrimPrefix(rec[i], "\ufeff"))
		if len(rec[i]) > maxAttendanceCell {
			return Errorf(EINVALID, "Line %d has a cell longer than %d characters.", line, maxAttendanceCell)
		}
	}
	switch {
	case blankRecord(rec):
		return nil
	case p.cols == nil && p.meetingHdr != nil:
		p.meeting(p.meetingHdr, rec)
		p.meetingHdr = nil
		return nil
	case p.cols == nil:
		// The meeting block names the host's e-mail and the duration too:
		// it is told apart by its meeting id.
		if isMeetingHeader(rec) {
			p.meetingHdr = rec
		} else if cols := participantHeader(rec); cols != nil {
			p.cols = cols
		}
		return nil // lines above the table that are neither: a title, a note
	}
	if participantHeader(rec) != nil {
		return nil // a report of several sessions repeats its header
	}
	if p.rows++; p.rows > p.maxRows {
		return Errorf(ETOOLARGE, "The attendance report has more than %d participant rows.", p.maxRows)
	}
	return p.participant(line, rec)
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if c != "" {
			return false
		}
	}
	return true
}

// participantHeader returns the columns of a participant table's header,
// or nil when rec is not one.
func participantHeader(rec []string) map[string]int {
	cols := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(h)
		for col, names := range attendanceColumns {
			if _, seen := cols[col]; !seen && containsString(names, h) {
				cols[col] = i
			}
		}
	}
	_, email := cols["email"]
	_, name := cols["name"]
	_, dur := cols["duration"]
	_, join := cols["join"]
	if (email || name) && (dur || join) {
		return cols
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// isMeetingHeader reports whether rec heads Zoom's meeting block ("Meeting
// ID, Topic, Start Time, …"), whose values are on the next line.
func isMeetingHeader(rec []string) bool {
	for _, h := range rec {
		if strings.EqualFold(h, "meeting id") || strings.EqualFold(h, "meeting code") || strings.EqualFold(h, "conference id") {
			return true
		}
	}
	return false
}

// meeting reads the meeting block's values.
func (p *attendanceParser) meeting(hdr, vals []string) {
	for i, h := range hdr {
		if i >= len(vals) {
			break
		}
		switch strings.ToLower(h) {
		case "meeting id", "meeting code", "conference id":
			p.rep.MeetingID = strings.Join(strings.Fields(vals[i]), "")
		case "topic", "meeting title", "title":
			p.rep.Topic = vals[i]
		case "start time", "start", "meeting start time":
			if t, ok := parseReportTime(vals[i]); ok {
				p.rep.Start = t
			}
		}
	}
}

// participant adds one participant row to its person.
func (p *attendanceParser) participant(line int, rec []string) error {
	get := func(col string) string {
		if i, ok := p.cols[col]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	name, email := get("name"), strings.ToLower(get("email"))
	if name == "" && email == "" {
		return nil // a summary line under the table
	}
	join, leave := get("join"), get("leave")
	a := Attendee{Line: line, Email: email, Name: name, Rows: 1}
	var ok bool
	if join != "" {
		if a.FirstJoin, ok = parseReportTime(join); !ok {
			return FieldErrorf("file", "Line %d: the join time %q is not a date and time this report format uses.", line, truncateForMessage(join))
		}
	}
	minutes, err := rowMinutes(line, get("duration"), a.FirstJoin, leave)
	if err != nil {
		return err
	}
	a.Minutes = minutes
	p.add(a)
	return nil
}

// add merges a row into its person: by e-mail, or by name for a guest
// without one.
func (p *attendanceParser) add(a Attendee) {
	key := a.Email
	if key == "" {
		key = "name:" + strings.ToLower(a.Name)
	}
	i, ok := p.byEmail[key]
	if !ok {
		p.byEmail[key] = len(p.rep.People)
		p.rep.People = append(p.rep.People, a)
		return
	}
	have := &p.rep.People[i]
	have.Minutes += a.Minutes
	have.Rows++
	if have.Name == "" {
		have.Name = a.Name
	}
	if !a.FirstJoin.IsZero() && (have.FirstJoin.IsZero() || a.FirstJoin.Before(have.FirstJoin)) {
		have.FirstJoin = a.FirstJoin
	}
}

// finish checks the report has a table and people, and fills in what the
// meeting block did not say: its start from the first join, its id from
// the file's content, so that the same file uploaded again is the same
// meeting.
func (p *attendanceParser) finish(data []byte) (*AttendanceReport, error) {
	if p.cols == nil {
		return nil, FieldErrorf("file", "The file has no participant table: a header row naming an e-mail or name column and a duration or join time column, such as Zoom's \"Name (Original Name), User Email, Join Time, Leave Time, Duration (Minutes)\".")
	}
	if len(p.rep.People) == 0 {
		return nil, FieldErrorf("file", "The participant table has no rows.")
	}
	if p.rep.Start.IsZero() {
		for _, a := range p.rep.People {
			if !a.FirstJoin.IsZero() && (p.rep.Start.IsZero() || a.FirstJoin.Before(p.rep.Start)) {
				p.rep.Start = a.FirstJoin
			}
		}
	}
	if p.rep.MeetingID == "" {
		sum := sha256.Sum256(data)
		p.rep.MeetingID = "file-" + hex.EncodeToString(sum[:8])
	}
	p.rep.MeetingID = truncateRunes(p.rep.MeetingID, 64)
	return p.rep, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
