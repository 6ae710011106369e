package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Cohorts in the console: the list, creating and renaming one, archiving,
// and each cohort's members — through the same Cohorts service the API's
// /cohorts routes call.

type cohortsPage struct {
	adminPage
	Archived bool // the chip chosen
	Cohorts  []*badges.Cohort
	Name     string // the new cohort's name, as typed
	Form     formState
}

// handleCohortsPage lists a community's cohorts, active or archived.
func (s *Server) handleCohortsPage(c echo.Context) error {
	archived, err := trueFalseQuery(c, "archived")
	if err != nil {
		return err
	}
	return s.renderCohorts(c, http.StatusOK, cohortsPage{Archived: archived}, nil)
}

// trueFalseQuery reads a true/false query parameter, false when absent.
func trueFalseQuery(c echo.Context, name string) (bool, error) {
	v := c.QueryParam(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badges.FieldErrorf(name, "The query parameter %q must be true or false.", name)
	}
	return b, nil
}

func (s *Server) renderCohorts(c echo.Context, status int, p cohortsPage, failed error) error {
	v := visitOf(c)
	p.adminPage = s.adminPageFor(c, v, "Cohorts", "cohorts")
	var err error
	if p.Cohorts, err = s.svc.Cohorts.List(c.Request().Context(), v.Community.ID, &p.Archived); err != nil {
		return err
	}
	if failed != nil {
		p.Form.fail(failed, "name")
	}
	return s.renderAdmin(c, status, "cohorts", p)
}

// handleCohortCreatePage makes a cohort, then shows it.
func (s *Server) handleCohortCreatePage(c echo.Context) error {
	name := c.FormValue("name")
	co, err := s.svc.Cohorts.Create(c.Request().Context(), visitOf(c).Community.ID, name)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderCohorts(c, statusOfFormError(err), cohortsPage{Name: name}, err)
	}
	return s.redirectDone(c, cohortPath(co), co.Name+" is created. Now add its members.")
}

// statusOfFormError is the status of a form answered with err: 409 for a
// conflict (a name taken), 400 otherwise.
func statusOfFormError(err error) int {
	if badges.ErrorCode(err) == badges.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// cohortPath is a cohort's console page.
func cohortPath(co *badges.Cohort) string { return "/admin/c/" + co.IssuerID + "/cohorts/" + co.ID }

// communityCohort is the cohort the path names, of the visited community.
func (s *Server) communityCohort(c echo.Context) (*badges.Cohort, error) {
	return s.communityCohortByID(c, c.Param("cohort"))
}

// communityCohortByID is a cohort of the visited community.
func (s *Server) communityCohortByID(c echo.Context, id string) (*badges.Cohort, error) {
	return communityThing(c, "cohort", id, s.svc.Cohorts.Cohort, func(co *badges.Cohort) string { return co.IssuerID })
}

// handleCohortRename renames a cohort, on its page.
func (s *Server) handleCohortRename(c echo.Context) error {
	co, err := s.communityCohort(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	updated, err := s.svc.Cohorts.Update(c.Request().Context(), co.ID, badges.CohortUpdate{Name: &name})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderCohort(c, statusOfFormError(err), cohortPage{Name: name}, err)
	}
	return s.redirectDone(c, cohortPath(updated), "The cohort is now called "+updated.Name+".")
}

// handleCohortArchive archives a cohort (archived=true) or brings it back.
func (s *Server) handleCohortArchive(c echo.Context) error {
	co, err := s.communityCohort(c)
	if err != nil {
		return err
	}
	archive := c.FormValue("archived") == "true"
	updated, err := s.svc.Cohorts.Update(c.Request().Context(), co.ID, badges.CohortUpdate{Archived: &archive})
	if err != nil {
		return err
	}
	msg := updated.Name + " is archived: its members and counts stay, and it is left out of lists and chips."
	if !archive {
		msg = updated.Name + " is active again."
	}
	return s.redirectDone(c, cohortPath(updated), msg)
}
