package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Awarding many badges from a CSV file: the upload starts a job (the
// columns are the API's bulk award CSV, badges/awardcsv.go) and the
// manager follows it on the job's page. The Activity section's import
// works the same way and shares the list of recent imports.

type importPage struct {
	adminPage
	Form    formState
	Columns []csvColumn
	Recent  []importRow
	Badges  []badgeRef // for awards: the ids the achievementId column takes
}

// csvColumn explains one column of an upload.
type csvColumn struct {
	Name, Meaning string
	Required      bool
}

// badgeRef is a badge and the id a CSV file names it by.
type badgeRef struct{ Name, ID string }

// importRow is one recent import as the list shows it.
type importRow struct {
	File, Link, By, Started, State, StateClass, Summary string
}

// awardColumns are the columns of a bulk award file.
var awardColumns = []csvColumn{
	{"achievementId", "The badge, by its id (listed below).", true},
	{"memberId", "The member, by their id in Laurel; or give email (and name).", false},
	{"email", "The member’s e-mail address. Someone who is not a member yet is added, with the name given.", false},
	{"name", "The member’s name, needed to add a new member.", false},
	{"narrative", "Why the member earned the badge, in Markdown.", false},
	{"evidenceUrl", "A link to the evidence.", false},
	{"evidenceName", "The evidence’s name.", false},
	{"evidenceNarrative", "What the evidence shows.", false},
	{"result", "A result, such as a score or a grade.", false},
	{"awardedDate", "When the member earned it, as 2026-11-20T18:00:00Z; empty means when it is issued.", false},
}

// maxRecentImports bounds the recent imports a page lists.
const maxRecentImports = 10

// recentJobs are the community's latest jobs of kind, newest first,
// among its latest hundred.
func (s *Server) recentJobs(c echo.Context, kind badges.JobKind) ([]*badges.Job, error) {
	jobs, err := s.svc.Jobs.JobsOf(c.Request().Context(), visitOf(c).Community.ID, badges.ListOptions{Limit: badges.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []*badges.Job
	for _, j := range jobs.Items {
		if j.Kind == kind && len(out) < maxRecentImports {
			out = append(out, j)
		}
	}
	return out, nil
}

// recentImports are the community's latest jobs of kind as the import
// pages list them.
func (s *Server) recentImports(c echo.Context, kind badges.JobKind) ([]importRow, error) {
	jobs, err := s.recentJobs(c, kind)
	var out []importRow
	for _, j := range jobs {
		row := importRow{File: j.FileName, Link: jobPath(j), By: j.By, Started: dayOf(j.CreatedAt), Summary: jobSummary(j)}
		row.State, row.StateClass = jobStateWords(j.State)
		out = append(out, row)
	}
	return out, err
}

// jobStateWords says a job's state in words, with the tag's class.
func jobStateWords(st badges.JobState) (string, string) {
	switch st {
	case badges.JobDone:
		return "Done", "good"
	case badges.JobFailed:
		return "Stopped", "bad"
	case badges.JobRunning:
		return "Working", "warn"
	}
	return "Waiting", ""
}

// jobSummary is a job's counts in words: "3 issued · 1 rejected".
func jobSummary(j *badges.Job) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(j.Counts)) {
		if j.Counts[k] > 0 {
			parts = append(parts, thousands(j.Counts[k])+" "+k)
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%s rows", thousands(j.Rows))
	}
	return strings.Join(parts, " · ")
}

// handleAwardImportPage is the bulk award upload form.
func (s *Server) handleAwardImportPage(c echo.Context) error {
	p, err := s.awardImportPage(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "award-import", p)
}

func (s *Server) awardImportPage(c echo.Context) (importPage, error) {
	p := importPage{adminPage: s.adminPageFor(c, visitOf(c), "Award badges from a CSV file", "awards"), Columns: awardColumns}
	var err error
	if p.Recent, err = s.recentImports(c, badges.JobAwards); err != nil {
		return p, err
	}
	choices, err := s.badgeChoices(c, p.Community.ID, badges.StatusActive, "")
	if err != nil {
		return p, err
	}
	for _, b := range choices[1:] { // after "Choose a badge"
		p.Badges = append(p.Badges, badgeRef{Name: b.Label, ID: b.Value})
	}
	return p, nil
}

// handleAwardImport starts a bulk award job on the uploaded file.
func (s *Server) handleAwardImport(c echo.Context) error {
	job, err := s.startJob(c, badges.JobAwards)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p, perr := s.awardImportPage(c)
		if perr != nil {
			return perr
		}
		p.Form.fail(err, "file")
		return s.renderAdmin(c, formFailStatus(err), "award-import", p)
	}
	return s.redirectDone(c, jobPath(job), uploadedFlash(job, "awarded"))
}

// handleAwardExample downloads an example bulk award file, naming one of
// the community's active badges.
func (s *Server) handleAwardExample(c echo.Context) error {
	choices, err := s.badgeChoices(c, visitOf(c).Community.ID, badges.StatusActive, "")
	if err != nil {
		return err
	}
	badge := "ACHIEVEMENT-ID"
	if len(choices) > 1 {
		badge = choices[1].Value
	}
	earned := exampleDay(s.now(), 30)
	return csvDownload(c, "awards-example.csv", [][]string{
		{"achievementId", "email", "name", "narrative", "evidenceUrl", "evidenceName", "awardedDate"},
		{badge, "ada@example.org", "Ada Lovelace", "Hosted the October session on generics.", "https://example.org/october", "Recording", ""},
		{badge, "grace@example.org", "Grace Hopper", "", "", "", earned},
	})
}

// exampleDay is 18:00 UTC days before now, as an example file writes a
// date-time: always in the past, so the example works as it is.
func exampleDay(now time.Time, days int) string {
	d := now.UTC().AddDate(0, 0, -days)
	return time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

// uploadedFlash tells the manager an upload's job has started: "what
// is uploaded: its 40 rows are being awarded."
func uploadedFlash(job *badges.Job, done string) string {
	return fitFlash(fmt.Sprintf("%s is uploaded: its %s rows are being %s.", job.FileName, thousands(job.Rows), done),
		"The file is uploaded: its rows are being "+done+".")
}

// csvDownload answers rows as a CSV file to save.
func csvDownload(c echo.Context, name string, rows [][]string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return sendCSV(c, name, buf.Bytes())
}

// sendCSV answers an example file to save.
func sendCSV(c echo.Context, name string, data []byte) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", data)
}
