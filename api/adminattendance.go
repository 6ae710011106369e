package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Meeting attendance in the console: a manager uploads a participant
// report, chooses the behaviour and the threshold, sees who attended and
// who did not, and confirms; the report is then worked through as a job
// (badges/attendancejob.go). The preview carries the report to the
// confirmation in the form itself, so nothing is stored until then.

// maxAttendanceConfirm bounds the confirmation: the report in base64 and
// the options.
const maxAttendanceConfirm = badges.MaxAttendanceBytes/3*4 + 8<<10

type attendancePage struct {
	adminPage
	Form       formState
	Behaviours []choice
	MinMinutes string
	Create     bool
	Recent     []importRow
	Preview    *attendancePreview // after an upload, before the confirmation
}

// attendancePreview is who attended and who did not, and what the
// confirmation sends back.
type attendancePreview struct {
	Meeting, When        string
	Attended, NotEnough  []attendeeRow
	NoEmail              []attendeeRow
	Strangers            []attendeeRow // attended, with an address that is no member's
	ToRecord             int           // the members who attended, and the strangers when they are added
	Summary, Button      string        // the counts in words; the confirmation's label
	FileName, Report     string        // the report, base64
	Behaviour, Threshold string
}

type attendeeRow struct{ Name, Email, Minutes string }

// handleAttendancePage is the upload form.
func (s *Server) handleAttendancePage(c echo.Context) error {
	p, err := s.attendancePage(c, badges.AttendanceOptions{MinMinutes: 30})
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "attendance", p)
}

func (s *Server) attendancePage(c echo.Context, o badges.AttendanceOptions) (attendancePage, error) {
	p := attendancePage{adminPage: s.adminPageFor(c, visitOf(c), "Meeting attendance", "integrations"),
		MinMinutes: strconv.FormatFloat(o.MinMinutes, 'f', -1, 64), Create: o.CreateMembers}
	var err error
	if p.Recent, err = s.recentImports(c, badges.JobAttendance); err != nil {
		return p, err
	}
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), p.Community.ID)
	p.Behaviours = []choice{{Value: "", Label: "Choose a behaviour", Selected: o.Behaviour == ""}}
	for _, b := range bs {
		if !b.Retired {
			p.Behaviours = append(p.Behaviours, choice{Value: b.Key, Label: b.Name, Selected: b.Key == o.Behaviour})
		}
	}
	return p, err
}

// attendanceOptions reads the form's behaviour, threshold and choice about
// unknown addresses.
func attendanceOptions(c echo.Context) (badges.AttendanceOptions, error) {
	o := badges.AttendanceOptions{Behaviour: c.FormValue("behaviour"), CreateMembers: c.FormValue("createMembers") == "yes"}
	raw := strings.TrimSpace(c.FormValue("minMinutes"))
	m, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(m, 0) {
		return o, badges.FieldErrorf("minMinutes", "The threshold must be a number of minutes, such as 30.")
	}
	o.MinMinutes = m
	return o, o.Check()
}

// handleAttendancePreview reads the uploaded report and shows who
// attended, before anything is recorded.
func (s *Server) handleAttendancePreview(c echo.Context) error {
	o, err := attendanceOptions(c)
	var fileName string
	var data []byte
	if err == nil {
		h, d, ferr := s.uploadedFile(c, "file", "Choose the meeting's participant report (a CSV file) to upload.")
		if err = ferr; err == nil {
			fileName, data = path.Base(h.Filename), d
		}
	}
	var rep *badges.AttendanceReport
	if err == nil {
		if rep, err = badges.ParseAttendanceCSV(bytes.NewReader(data), badges.MaxAttendanceRows); err != nil {
			err = &badges.Error{Code: badges.ErrorCode(err), Field: "file", Message: badges.ErrorMessage(err)}
		}
	}
	var pv *attendancePreview
	if err == nil {
		pv = previewOf(rep, o, fileName, data)
		err = s.sortStrangers(c, pv)
		pv.counted(o.CreateMembers)
	}
	return s.attendanceAnswer(c, o, err, func(p *attendancePage) { p.Preview = pv })
}

// maxPreviewLookups bounds the members a preview looks up: past it, the
// result of the job reports the strangers.
const maxPreviewLookups = 1000

// sortStrangers moves the attendees whose address is no member's apart,
// so that the preview says who will be reported (or added).
func (s *Server) sortStrangers(c echo.Context, pv *attendancePreview) error {
	if len(pv.Attended) > maxPreviewLookups {
		return nil
	}
	ctx, issuerID := c.Request().Context(), visitOf(c).Community.ID
	var members []attendeeRow
	for _, a := range pv.Attended {
		found, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: a.Email, ListOptions: badges.ListOptions{Limit: 1}})
		if err != nil {
			return err
		}
		if len(found.Items) == 0 {
			pv.Strangers = append(pv.Strangers, a)
		} else {
			members = append(members, a)
		}
	}
	pv.Attended = members
	return nil
}

// counted says how many activities the confirmation records, and the
// counts in words: "2 members attended for 30 minutes or more, 1 left
// sooner".
func (pv *attendancePreview) counted(create bool) {
	pv.ToRecord = len(pv.Attended)
	if create {
		pv.ToRecord += len(pv.Strangers)
	}
	parts := []string{plural(len(pv.Attended), "member") + " attended for " + pv.Threshold + " minutes or more"}
	switch n := len(pv.Strangers); {
	case n == 1:
		parts = append(parts, "1 person who is not a member yet")
	case n > 1:
		parts = append(parts, fmt.Sprintf("%d people who are not members yet", n))
	}
	if n := len(pv.NotEnough); n > 0 {
		parts = append(parts, fmt.Sprintf("%d left sooner", n))
	}
	if n := len(pv.NoEmail); n > 0 {
		parts = append(parts, fmt.Sprintf("%d without an e-mail address", n))
	}
	pv.Summary = strings.Join(parts, ", ")
	pv.Button = "Record " + plural(pv.ToRecord, "attendee")
}

// attendanceAnswer renders the page after a POST: the form with its
// error, or with what then fills it.
func (s *Server) attendanceAnswer(c echo.Context, o badges.AttendanceOptions, err error, fill func(*attendancePage)) error {
	if err != nil && !isFormError(err) {
		return err
	}
	p, perr := s.attendancePage(c, o)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Form.fail(err, "file")
		return s.renderAdmin(c, formFailStatus(err), "attendance", p)
	}
	if fill != nil {
		fill(&p)
	}
	return s.renderAdmin(c, http.StatusOK, "attendance", p)
}

func previewOf(rep *badges.AttendanceReport, o badges.AttendanceOptions, fileName string, data []byte) *attendancePreview {
	pv := &attendancePreview{Meeting: rep.Topic, FileName: fileName, Report: base64.StdEncoding.EncodeToString(data),
		Behaviour: o.Behaviour, Threshold: strconv.FormatFloat(o.MinMinutes, 'f', -1, 64)}
	if !rep.Start.IsZero() {
		pv.When = rep.Start.Format("2 January 2006, 15:04")
	}
	for _, a := range rep.People {
		row := attendeeRow{Name: a.Name, Email: a.Email, Minutes: fmt.Sprintf("%d", int(math.Round(a.Minutes)))}
		switch {
		case !o.Attended(a):
			pv.NotEnough = append(pv.NotEnough, row)
		case a.Email == "":
			pv.NoEmail = append(pv.NoEmail, row)
		default:
			pv.Attended = append(pv.Attended, row)
		}
	}
	return pv
}

// handleAttendanceConfirm starts the job on the report the preview showed.
func (s *Server) handleAttendanceConfirm(c echo.Context) error {
	o, err := attendanceOptions(c)
	data, derr := base64.StdEncoding.DecodeString(c.FormValue("report"))
	if err == nil && (derr != nil || len(data) == 0) {
		err = badges.FieldErrorf("file", "The report did not come back whole; upload it again.")
	}
	if err != nil {
		return s.attendanceAnswer(c, o, err, nil)
	}
	v := visitOf(c)
	job, err := s.svc.Jobs.StartAttendanceJob(c.Request().Context(), v.Community.ID, c.FormValue("fileName"), data, v.Account.Name, o)
	if err != nil {
		return s.attendanceAnswer(c, o, err, nil)
	}
	return s.redirectDone(c, jobPath(job), uploadedFlash(job, "recorded"))
}
