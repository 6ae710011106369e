package api

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Jobs is what the console asks of the background jobs that work through
// an uploaded file of members, awards or activity.
type Jobs interface {
	StartJob(ctx context.Context, issuerID string, kind badges.JobKind, fileName string, csv []byte, by string) (*badges.Job, error)
	StartAttendanceJob(ctx context.Context, issuerID, fileName string, csv []byte, by string, o badges.AttendanceOptions) (*badges.Job, error)
	// RecordAttendance records a participant report's attendees at once
	// (the API's attendance import).
	RecordAttendance(ctx context.Context, issuerID string, rep *badges.AttendanceReport, o badges.AttendanceOptions, dryRun bool) ([]badges.JobRow, error)
	Job(ctx context.Context, id string) (*badges.Job, error)
	JobsOf(ctx context.Context, issuerID string, o badges.ListOptions) (*badges.Page[*badges.Job], error)
	ResultCSV(ctx context.Context, id string) ([]byte, error)
}

// jobKinds say, for each kind of job, what its page calls it and where
// the work it did is seen.
var jobKinds = map[badges.JobKind]struct{ noun, section string }{
	badges.JobMembers:    {"members", "members"},
	badges.JobAwards:     {"awards", "awards"},
	badges.JobActivity:   {"activity", "activity"},
	badges.JobAttendance: {"attendance", "integrations"},
}

type jobPage struct {
	adminPage
	Job     *badges.Job
	Noun    string
	Counts  []jobCount
	Refresh bool // the job is still running: the page asks for itself again
}

type jobCount struct {
	Label string
	N     int
}

// communityJob is a job of the visited community.
func (s *Server) communityJob(c echo.Context) (*badges.Job, error) {
	return communityThing(c, "job", c.Param("job"), s.svc.Jobs.Job, func(j *badges.Job) string { return j.IssuerID })
}

// handleJobPage shows a job's progress, counts and failed rows; while it
// runs, the progress part refreshes itself (htmx), and without
// JavaScript the page offers a link to look again.
func (s *Server) handleJobPage(c echo.Context) error {
	j, err := s.communityJob(c)
	if err != nil {
		return err
	}
	kind := jobKinds[j.Kind]
	p := jobPage{Job: j, Noun: kind.noun, Refresh: !j.State.Finished()}
	p.adminPage = s.adminPageFor(c, visitOf(c), fmt.Sprintf("Importing %s from %s", kind.noun, j.FileName), kind.section)
	for _, status := range slices.Sorted(maps.Keys(j.Counts)) {
		p.Counts = append(p.Counts, jobCount{Label: capital(status), N: j.Counts[status]})
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.renderAdminPart(c, "job", "progress", p)
	}
	return s.renderAdmin(c, http.StatusOK, "job", p)
}

// handleJobResult downloads a job's result: each row's line, status and
// message, for the manager to fix the failed rows and upload them again.
func (s *Server) handleJobResult(c echo.Context) error {
	j, err := s.communityJob(c)
	if err != nil {
		return err
	}
	data, err := s.svc.Jobs.ResultCSV(c.Request().Context(), j.ID)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(path.Base(j.FileName), path.Ext(j.FileName))
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-result.csv"`, safeFileName(base)))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", data)
}

// safeFileName keeps letters, digits, dashes and underscores of a name a
// browser will save a download under.
func safeFileName(name string) string {
	out := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, name)
	if out == "" || len(out) > 80 {
		return "import"
	}
	return out
}

// startJob starts a job of kind on the CSV file a console form uploaded
// (its field "file"), bounded by the route's limit: each import form's
// handler calls it, then sends the manager to the job's page.
func (s *Server) startJob(c echo.Context, kind badges.JobKind) (*badges.Job, error) {
	fh, data, err := s.uploadedFile(c, "file", "Choose a CSV file to upload.")
	if err != nil {
		return nil, err
	}
	v := visitOf(c)
	return s.svc.Jobs.StartJob(c.Request().Context(), v.Community.ID, kind, path.Base(fh.Filename), data, v.Account.Name)
}

// jobPath is a job's page.
func jobPath(j *badges.Job) string { return "/admin/c/" + j.IssuerID + "/jobs/" + j.ID }
