package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// recentImports is how many of a community's member imports the import
// page lists.
const recentImports = 10

// memberImportPage uploads a CSV file of members, and lists the
// community's recent member imports.
type memberImportPage struct {
	adminPage
	Recent []*badges.Job
	Form   formState
}

// exampleMembersCSV is the example file the import page offers: every
// column the member import reads, optional ones included.
const exampleMembersCSV = `email,displayName,externalId,slug,publicProfile,cohorts
ada@example.org,Ada Lovelace,crm-1001,ada-lovelace,true,Spring 2026
grace@example.org,Grace Hopper,crm-1002,,false,Spring 2026;Mentors
alan@example.org,Alan Turing,,,,
`

// handleMemberImportPage is the upload form of a member import.
func (s *Server) handleMemberImportPage(c echo.Context) error {
	p, err := s.memberImportPage(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "memberimport", p)
}

// memberImportPage is the import page with the community's latest
// member imports, newest first.
func (s *Server) memberImportPage(c echo.Context) (memberImportPage, error) {
	v := visitOf(c)
	p := memberImportPage{adminPage: s.adminPageFor(c, v, "Import members from CSV", "members")}
	jobs, err := s.svc.Jobs.JobsOf(c.Request().Context(), v.Community.ID, badges.ListOptions{Limit: badges.MaxPageSize})
	if err != nil {
		return p, err
	}
	for _, j := range jobs.Items {
		if j.Kind == badges.JobMembers && len(p.Recent) < recentImports {
			p.Recent = append(p.Recent, j)
		}
	}
	return p, nil
}

// handleMemberImportForm starts a job on the uploaded file and sends the
// manager to its page; a file refused as a whole is shown on the form.
func (s *Server) handleMemberImportForm(c echo.Context) error {
	j, err := s.startJob(c, badges.JobMembers)
	if err == nil {
		return s.redirectDone(c, jobPath(j), "The file is uploaded; its members are being imported.")
	}
	if !isFormError(err) {
		return err
	}
	p, perr := s.memberImportPage(c)
	if perr != nil {
		return perr
	}
	p.Form.fail(err, "file")
	return s.renderAdmin(c, http.StatusBadRequest, "memberimport", p)
}

// handleMembersExample downloads the example file of a member import.
func (s *Server) handleMembersExample(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="members-example.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", []byte(exampleMembersCSV))
}
