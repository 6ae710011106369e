package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type personPage struct {
	adminPage
	Person   *badges.Account
	Role     badges.Role
	Roles    []choice
	MayReset bool   // the visitor may give this person a new password link
	NoReset  string // why not, when they may not
	You      bool
	Form     formState
}

// RoleHint says what each role may do.
func (personPage) RoleHint() string { return roleHint }

func (s *Server) handlePersonPage(c echo.Context) error {
	a, err := s.communityPerson(c, c.Param("account"))
	if err != nil {
		return err
	}
	return s.renderPerson(c, http.StatusOK, a, personPage{})
}

// renderPerson draws a person's page: their role, the forms that change
// it, and a new password link when the visitor may make one.
func (s *Server) renderPerson(c echo.Context, status int, a *badges.Account, p personPage) error {
	v := visitOf(c)
	p.Person, p.You = a, a.ID == v.Account.ID
	if p.Role == "" {
		p.Role = a.Roles[v.Community.ID]
	}
	p.Roles = roleChoices(string(p.Role))
	p.NoReset = resetRefusal(v, a)
	p.MayReset = p.NoReset == ""
	p.adminPage = s.adminPageFor(c, v, a.Name, "people")
	return s.renderAdmin(c, status, "peopleperson", p)
}

// resetRefusal says why the visitor may not give an account a new
// password link, or "" when they may. A link lets whoever holds it take
// the account over, so an owner may make one only for an account that
// can do nothing they cannot: no service administrator, and roles only
// in communities the visitor owns. Anyone else's password is reset by a
// service administrator.
func resetRefusal(v *visit, a *badges.Account) string {
	if v.Account.ServiceAdmin {
		return ""
	}
	if a.ServiceAdmin {
		return fmt.Sprintf("%s is a service administrator: only a service administrator can give them a new password link.", a.Name)
	}
	for id := range a.Roles {
		if !v.Account.Can(id, badges.PermOwn) {
			return fmt.Sprintf("%s also helps run a community you do not own: only a service administrator can give them a new password link.", a.Name)
		}
	}
	return ""
}

// handlePersonRole changes a person's role; the service refuses to
// demote the community's last owner, and the page says so.
func (s *Server) handlePersonRole(c echo.Context) error {
	v := visitOf(c)
	a, err := s.communityPerson(c, c.Param("account"))
	if err != nil {
		return err
	}
	role, err := badges.ParseRole(c.FormValue("role"))
	if err == nil {
		err = s.svc.Accounts.SetRole(c.Request().Context(), a.ID, v.Community.ID, role)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := personPage{Role: badges.Role(c.FormValue("role"))}
		p.Form.fail(err, "role")
		return s.renderPerson(c, statusOf[badges.ErrorCode(err)], a, p)
	}
	msg := fmt.Sprintf("%s is now %s of %s.", a.Name, article(role), v.Community.Name)
	if a.ID == v.Account.ID && role != badges.RoleOwner && !v.Account.ServiceAdmin {
		return s.redirectDone(c, "/admin/c/"+v.Community.ID, msg)
	}
	return s.redirectDone(c, s.peoplePath(v, "/"+a.ID), msg)
}

// handlePersonLink makes a new set-password link for a person (a lost
// password, an invitation not used in time) and shows it once.
func (s *Server) handlePersonLink(c echo.Context) error {
	v := visitOf(c)
	a, err := s.communityPerson(c, c.Param("account"))
	if err != nil {
		return err
	}
	if why := resetRefusal(v, a); why != "" {
		return badges.Errorf(badges.EFORBIDDEN, "%s", why)
	}
	token, err := s.svc.Accounts.PasswordLink(c.Request().Context(), a.ID)
	if err != nil {
		return err
	}
	s.keepOnce(c, "reset", a.ID, token)
	return s.redirectDone(c, s.peoplePath(v, "/link"), fmt.Sprintf("A new password link for %s is made; earlier links stop working.", a.Name))
}

type personRemovePage struct {
	adminPage
	Person *badges.Account
	You    bool
	Form   formState
}

// handlePersonRemovePage asks the owner to confirm a removal, saying
// exactly what it does.
func (s *Server) handlePersonRemovePage(c echo.Context) error {
	a, err := s.communityPerson(c, c.Param("account"))
	if err != nil {
		return err
	}
	return s.renderPersonRemove(c, http.StatusOK, a, formState{})
}

func (s *Server) renderPersonRemove(c echo.Context, status int, a *badges.Account, f formState) error {
	v := visitOf(c)
	p := personRemovePage{Person: a, You: a.ID == v.Account.ID, Form: f}
	p.adminPage = s.adminPageFor(c, v, "Remove "+a.Name, "people")
	return s.renderAdmin(c, status, "peopleremove", p)
}

// handlePersonRemove takes a person's role away; the service refuses to
// remove the community's last owner, and the confirmation page says so.
func (s *Server) handlePersonRemove(c echo.Context) error {
	v := visitOf(c)
	a, err := s.communityPerson(c, c.Param("account"))
	if err != nil {
		return err
	}
	if err := s.svc.Accounts.RemoveRole(c.Request().Context(), a.ID, v.Community.ID); err != nil {
		if !isFormError(err) {
			return err
		}
		var f formState
		f.fail(err, "confirm")
		return s.renderPersonRemove(c, statusOf[badges.ErrorCode(err)], a, f)
	}
	msg := fmt.Sprintf("%s no longer helps run %s.", a.Name, v.Community.Name)
	if a.ID == v.Account.ID && !v.Account.ServiceAdmin {
		return s.redirectDone(c, "/admin", msg)
	}
	return s.redirectDone(c, s.peoplePath(v, ""), msg)
}
