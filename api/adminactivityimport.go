package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Importing activity from a CSV file: the columns of the API's activity
// CSV (badges/activitycsv.go), worked through as a job.

// activityColumns are the columns of an activity file.
var activityColumns = []csvColumn{
	{"behaviour", "What the member did, by the behaviour's key (listed below).", true},
	{"at", "When, as 2026-11-20T18:00:00Z.", true},
	{"email", "The member’s e-mail address; or give memberId or externalId.", false},
	{"memberId", "The member, by their id in Laurel.", false},
	{"externalId", "The member, by their id in your other system.", false},
	{"name", "The member’s name, to add someone new (with createMember).", false},
	{"createMember", "true to add a member the file names who is not one yet.", false},
	{"quantity", "How much, when the behaviour counts an amount (hours, say); empty counts 1.", false},
	{"peerId", "Another member involved (a mentee, say), by id; or peerEmail, peerExternalId.", false},
	{"peerEmail", "That member’s e-mail address.", false},
	{"peerExternalId", "That member’s id in your other system.", false},
	{"evidenceUrl", "A link to what was done.", false},
	{"narrative", "A note on what was done.", false},
	{"cohort", "The cohort or group it happened in.", false},
	{"sourceEventId", "Your system’s id for the event: a row sent again with it is not counted twice.", false},
}

type activityImportPage struct {
	importPage
	Behaviours []badges.Behaviour
}

// handleActivityImportPage is the activity upload form.
func (s *Server) handleActivityImportPage(c echo.Context) error {
	p, err := s.activityImportPage(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "activity-import", p)
}

func (s *Server) activityImportPage(c echo.Context) (activityImportPage, error) {
	p := activityImportPage{importPage: importPage{adminPage: s.adminPageFor(c, visitOf(c), "Import activity from a CSV file", "activity"),
		Columns: activityColumns}}
	var err error
	if p.Recent, err = s.recentImports(c, badges.JobActivity); err != nil {
		return p, err
	}
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), p.Community.ID)
	for _, b := range bs {
		if !b.Retired {
			p.Behaviours = append(p.Behaviours, b)
		}
	}
	return p, err
}

// handleActivityImport starts an activity job on the uploaded file.
func (s *Server) handleActivityImport(c echo.Context) error {
	job, err := s.startJob(c, badges.JobActivity)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p, perr := s.activityImportPage(c)
		if perr != nil {
			return perr
		}
		p.Form.fail(err, "file")
		return s.renderAdmin(c, formFailStatus(err), "activity-import", p)
	}
	return s.redirectDone(c, jobPath(job), uploadedFlash(job, "recorded"))
}

// handleActivityExample downloads an example activity file, with one of
// the community's behaviours.
func (s *Server) handleActivityExample(c echo.Context) error {
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), visitOf(c).Community.ID)
	if err != nil {
		return err
	}
	behaviour := "attended-session"
	for _, b := range bs {
		if !b.Retired {
			behaviour = b.Key
			break
		}
	}
	now := s.now()
	return csvDownload(c, "activity-example.csv", [][]string{
		{"email", "behaviour", "at", "quantity", "evidenceUrl", "narrative", "sourceEventId"},
		{"ada@example.org", behaviour, exampleDay(now, 7), "", "https://example.org/october", "October meetup.", "meetup-october-ada"},
		{"grace@example.org", behaviour, exampleDay(now, 1), "", "", "", "meetup-november-grace"},
	})
}
