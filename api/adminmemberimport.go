package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// memberImportPage uploads a CSV file of members, and lists the
// community's recent member imports.
type memberImportPage struct {
	adminPage
	Recent []*badges.Job
	Form   formState
}

// exampleMembersCSV is the example file the import page offers: every
// column the member import reads, optional ones included, but did (a
// wallet's DID), which few communities know up front.
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
	p := memberImportPage{adminPage: s.adminPageFor(c, visitOf(c), "Import members from CSV", "members")}
	var err error
	p.Recent, err = s.recentJobs(c, badges.JobMembers)
	return p, err
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
	return sendCSV(c, "members-example.csv", []byte(exampleMembersCSV))
}
