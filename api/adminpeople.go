package api

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A community's people are the accounts with a role in it; its owners
// invite them, change their roles, remove them and give them a new
// password link. The rules (the last owner stays, links expire) are the
// Accounts service's.

type peoplePage struct {
	adminPage
	People            []personRow
	Email, Name, Role string
	Roles             []choice
	Form              formState
}

// RoleHint says what each role may do.
func (peoplePage) RoleHint() string { return roleHint }

// personRow is one account in the list of a community's people.
type personRow struct {
	ID, Name, Email string
	Role            badges.Role
	Pending         bool // no password yet: the invitation has not been used
	You             bool
}

// roleWords name each role shortly, for the forms that give one (a
// phone shows a select's option in one line); roleHint says the rest.
var roleWords = []struct {
	Role  badges.Role
	Words string
}{
	{badges.RoleViewer, "Viewer: reads"},
	{badges.RoleAwarder, "Awarder: awards"},
	{badges.RoleAdmin, "Admin: manages"},
	{badges.RoleOwner, "Owner: everything"},
}

const roleHint = "Viewers read every page; awarders also award badges and record activity; admins also change badges, rules, members and awards; owners also manage people, settings and signing keys."

// roleChoices are the roles as a select's options, selected marked.
func roleChoices(selected string) []choice {
	out := make([]choice, len(roleWords))
	for i, r := range roleWords {
		out[i] = choice{Value: string(r.Role), Label: r.Words, Selected: string(r.Role) == selected}
	}
	return out
}

func (s *Server) handlePeoplePage(c echo.Context) error {
	p := peoplePage{Role: string(badges.RoleViewer)}
	return s.renderPeople(c, http.StatusOK, p)
}

// renderPeople fills in the list of people and the base of the page.
func (s *Server) renderPeople(c echo.Context, status int, p peoplePage) error {
	v := visitOf(c)
	accounts, err := s.svc.Accounts.AccountsOf(c.Request().Context(), v.Community.ID)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		p.People = append(p.People, personRow{ID: a.ID, Name: a.Name, Email: a.Email, Role: a.Roles[v.Community.ID],
			Pending: a.PasswordHash == "", You: a.ID == v.Account.ID})
	}
	sort.Slice(p.People, func(i, j int) bool {
		return strings.ToLower(p.People[i].Name) < strings.ToLower(p.People[j].Name)
	})
	p.Roles = roleChoices(p.Role)
	p.adminPage = s.adminPageFor(c, v, "People", "people")
	return s.renderAdmin(c, status, "people", p)
}

// handlePersonInvite gives the person with an e-mail address a role: an
// account that exists gets it at once; for anyone else an account is
// made, and the link that sets its password is shown once.
func (s *Server) handlePersonInvite(c echo.Context) error {
	v := visitOf(c)
	in := peoplePage{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name")), Role: c.FormValue("role")}
	role, err := badges.ParseRole(in.Role)
	var a *badges.Account
	var token string
	if err == nil {
		a, token, err = s.svc.Accounts.InviteToCommunity(c.Request().Context(), v.Community.ID, in.Email, in.Name, role)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		in.Form.fail(err, "email")
		return s.renderPeople(c, statusOf[badges.ErrorCode(err)], in)
	}
	if token == "" {
		return s.redirectDone(c, s.peoplePath(v, ""), fmt.Sprintf("%s is now %s of %s, and signs in with their own password.",
			a.Name, article(role), v.Community.Name))
	}
	s.keepOnce(c, "invite", a.ID, token)
	return s.redirectDone(c, s.peoplePath(v, "/link"), fmt.Sprintf("%s is invited as %s.", a.Name, role))
}

// article is a role with its indefinite article ("an owner").
func article(r badges.Role) string {
	if strings.ContainsRune("aeiou", rune(r[0])) {
		return "an " + string(r)
	}
	return "a " + string(r)
}

func (s *Server) peoplePath(v *visit, rest string) string {
	return "/admin/c/" + v.Community.ID + "/people" + rest
}

type peopleLinkPage struct {
	adminPage
	Person *badges.Account
	Link   string
	Invite bool // a new account's first link, not a reset
}

// handlePeopleLinkPage shows a set-password link made by the previous
// form, once: reloading the page shows that it is gone.
func (s *Server) handlePeopleLinkPage(c echo.Context) error {
	v := visitOf(c)
	p := peopleLinkPage{adminPage: s.adminPageFor(c, v, "Pass on the password link", "people")}
	if o := s.takeOnce(c, "invite", "reset"); o != nil {
		a, err := s.communityPerson(c, o.Subject)
		if err != nil {
			return err
		}
		p.Person, p.Link, p.Invite = a, s.urls.Base()+"/admin/password/"+o.Secret, o.Kind == "invite"
	}
	return s.renderAdmin(c, http.StatusOK, "peoplelink", p)
}

// communityPerson is an account with a role in the visited community.
func (s *Server) communityPerson(c echo.Context, id string) (*badges.Account, error) {
	v := visitOf(c)
	a, err := s.svc.Accounts.Account(c.Request().Context(), id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such person in %s.", v.Community.Name)
	}
	if err != nil {
		return nil, err
	}
	if _, ok := a.Roles[v.Community.ID]; !ok {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such person in %s.", v.Community.Name)
	}
	return a, nil
}
