package api

import (
	"bytes"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The attendance import of the API: a meeting's participant report, sent
// as text/csv, recorded at once row for row as the console's job records
// it (badges/attendancejob.go), or only checked with dryRun.

type attendanceJSON struct {
	MeetingID string           `json:"meetingId"`
	Topic     string           `json:"topic,omitempty"`
	Start     *time.Time       `json:"start,omitempty"`
	DryRun    bool             `json:"dryRun"`
	Counts    map[string]int   `json:"counts"`
	People    []attendeeResult `json:"people"`
}

type attendeeResult struct {
	Line    int     `json:"line"`
	Name    string  `json:"name,omitempty"`
	Email   string  `json:"email,omitempty"`
	Minutes float64 `json:"minutes"`
	Status  string  `json:"status"`
	Field   string  `json:"field,omitempty"`
	Error   string  `json:"error,omitempty"`
}

// handleAttendanceImport records the attendees of a participant report.
func (s *Server) handleAttendanceImport(c echo.Context) error {
	if mt := mediaType(c); mt != mimeCSV {
		return unsupportedMedia(mt, mimeCSV)
	}
	o, dryRun, err := attendanceQuery(c)
	if err != nil {
		return err
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	rep, err := badges.ParseAttendanceCSV(bytes.NewReader(body), badges.MaxAttendanceRows)
	if err != nil {
		return err
	}
	rows, err := s.svc.Jobs.RecordAttendance(c.Request().Context(), c.Param("issuer"), rep, o, dryRun)
	if err != nil {
		return err
	}
	out := attendanceJSON{MeetingID: rep.MeetingID, Topic: rep.Topic, DryRun: dryRun, Counts: map[string]int{}, People: make([]attendeeResult, len(rows))}
	if !rep.Start.IsZero() {
		out.Start = &rep.Start
	}
	for i, r := range rows {
		a := rep.People[i]
		out.Counts[r.Status]++
		out.People[i] = attendeeResult{Line: r.Line, Name: a.Name, Email: a.Email, Minutes: math.Round(a.Minutes*10) / 10,
			Status: r.Status, Field: r.Field, Error: r.Message}
	}
	return c.JSON(http.StatusOK, out)
}

// attendanceQuery reads the import's query: behaviour, minMinutes,
// createMembers and dryRun.
func attendanceQuery(c echo.Context) (badges.AttendanceOptions, bool, error) {
	o := badges.AttendanceOptions{Behaviour: c.QueryParam("behaviour"), MinMinutes: 30}
	if v := c.QueryParam("minMinutes"); v != "" {
		m, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(m, 0) {
			return o, false, badges.FieldErrorf("minMinutes", "The query parameter \"minMinutes\" must be a number of minutes, such as 30.")
		}
		o.MinMinutes = m
	}
	var flags [2]bool
	for i, name := range []string{"createMembers", "dryRun"} {
		if v := c.QueryParam(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return o, false, badges.FieldErrorf(name, "The query parameter %q must be true or false.", name)
			}
			flags[i] = b
		}
	}
	o.CreateMembers = flags[0]
	return o, flags[1], o.Check()
}
