package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The spotlight in the console: the member pinned to the community's
// public spotlight page with a note, set and removed through the same
// Spotlight.SetPin the API's PUT and DELETE …/spotlight call.

// spotlightMatches bounds the members a search for whom to pin shows.
const spotlightMatches = 10

type spotlightAdminPage struct {
	adminPage
	Pin       *badges.Pin
	PinnedBy  string // the pinned member's name
	PublicURL string
	Query     string           // the search for a member to pin
	Matches   []*badges.Member // what it found
	Member    string           // the member chosen, by id, as typed
	Note      string
	Form      formState
	Confirm   bool // asking before the pin is removed
}

// handleSpotlightPage shows the pinned member and the form to pin one;
// ?q= finds members by name or e-mail address to choose from.
func (s *Server) handleSpotlightPage(c echo.Context) error {
	return s.renderSpotlight(c, http.StatusOK, spotlightAdminPage{Query: c.QueryParam("q")}, nil)
}

// renderSpotlight draws the page with p's form values and a failure.
func (s *Server) renderSpotlight(c echo.Context, status int, p spotlightAdminPage, failed error) error {
	ctx := c.Request().Context()
	v := visitOf(c)
	p.adminPage = s.adminPageFor(c, v, "Spotlight", "nominations")
	p.PublicURL = s.urls.Issuer(v.Community.ID) + "/spotlight"
	var err error
	if p.Pin, err = s.svc.Spotlight.Pinned(ctx, v.Community.ID); err != nil {
		return err
	}
	if p.Pin != nil {
		m, err := s.svc.Members.Member(ctx, p.Pin.MemberID)
		switch {
		case badges.ErrorCode(err) == badges.ENOTFOUND:
			p.PinnedBy = "A member since removed"
		case err != nil:
			return err
		default:
			p.PinnedBy = m.DisplayName
		}
	}
	if p.Query != "" {
		found, err := s.findMembers(ctx, v.Community.ID, p.Query, badges.ListOptions{Limit: spotlightMatches})
		if err != nil && !isFormError(err) {
			return err
		}
		if found != nil {
			p.Matches = found.Items
		}
	}
	if failed != nil {
		p.Form.fail(failed, "member")
	}
	return s.renderAdmin(c, status, "spotlight", p)
}

// handleSpotlightPin pins the member chosen, with the note.
func (s *Server) handleSpotlightPin(c echo.Context) error {
	p := spotlightAdminPage{Member: c.FormValue("member"), Note: c.FormValue("note"), Query: c.FormValue("q")}
	v := visitOf(c)
	if p.Member == "" {
		return s.renderSpotlight(c, http.StatusBadRequest, p, badges.FieldErrorf("member", "Choose the member to pin: search by name, then pick one."))
	}
	err := s.svc.Spotlight.SetPin(c.Request().Context(), v.Community.ID, &badges.Pin{MemberID: p.Member, Note: p.Note})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		if badges.ErrorField(err) == "memberId" {
			err = onField(err, "member")
		}
		return s.renderSpotlight(c, statusOfFormError(err), p, err)
	}
	return s.redirectDone(c, v.adminBase()+"/spotlight", "The spotlight is updated.")
}

// handleSpotlightRemovePage asks before taking the pinned member out of
// the spotlight.
func (s *Server) handleSpotlightRemovePage(c echo.Context) error {
	return s.renderSpotlight(c, http.StatusOK, spotlightAdminPage{Confirm: true}, nil)
}

// handleSpotlightRemove takes the pinned member out of the spotlight.
func (s *Server) handleSpotlightRemove(c echo.Context) error {
	v := visitOf(c)
	if err := s.svc.Spotlight.SetPin(c.Request().Context(), v.Community.ID, nil); err != nil {
		return err
	}
	return s.redirectDone(c, v.adminBase()+"/spotlight", "No one is pinned to the spotlight now.")
}
