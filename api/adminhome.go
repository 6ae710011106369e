package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/issuer"
)

type homePage struct {
	adminPage
	Name, Description, URL string
	Form                   formState
}

// handleConsoleHome is /admin: the one community an account helps run
// opens at once; with several, the visitor picks one; a service
// administrator with none yet creates the first.
func (s *Server) handleConsoleHome(c echo.Context) error {
	v := visitOf(c)
	p := homePage{adminPage: s.adminPageFor(c, v, "Your communities", "")}
	if len(p.Communities) == 1 && p.Flash == "" {
		return c.Redirect(http.StatusSeeOther, "/admin/c/"+p.Communities[0].ID)
	}
	return s.renderAdmin(c, http.StatusOK, "home", p)
}

// handleCommunityCreate makes a community (an issuer) from the console.
func (s *Server) handleCommunityCreate(c echo.Context) error {
	in := issuer.ProfileInput{Name: c.FormValue("name"), Description: c.FormValue("description"), URL: c.FormValue("url")}
	prof, err := s.svc.Issuers.CreateProfile(c.Request().Context(), in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := homePage{adminPage: s.adminPageFor(c, visitOf(c), "Your communities", ""), Name: in.Name, Description: in.Description, URL: in.URL}
		p.Form.fail(err, "name")
		return s.renderAdmin(c, http.StatusBadRequest, "home", p)
	}
	return s.redirectDone(c, "/admin/c/"+prof.ID, prof.Name+" is created. Next, define its first badge.")
}
