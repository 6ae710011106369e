package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The form of one application: up to badges.MaxApplicationLinks links
// and the member's words. A refusal is shown on its field, with
// everything typed kept.

type applyFormPage struct {
	mePage
	Badge    applyOpening
	Links    []applyLink
	Text     string
	Form     formState
	Closed   string // why the member cannot apply, instead of the form
	MaxText  int
	MaxLinks int
}

// applyLink is one link field of the form.
type applyLink struct {
	Field, Label, Value string
}

// openFor reads a badge of the member's community for the form: one of
// another community, or none, is not found.
func (s *Server) openFor(c echo.Context) (*badges.Achievement, error) {
	a, err := s.svc.Achievements.Achievement(c.Request().Context(), c.Param("achievement"))
	if badges.ErrorCode(err) == badges.ENOTFOUND || err == nil && a.IssuerID != memberOf(c).Member.IssuerID {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such badge in your community.")
	}
	return a, err
}

// handleApplyForm is the form for one badge. A badge that is not open to
// applications, or that the member cannot earn, says why instead.
func (s *Server) handleApplyForm(c echo.Context) error {
	a, err := s.openFor(c)
	if err != nil {
		return err
	}
	v := memberOf(c)
	if err := s.svc.Applications.CanApply(c.Request().Context(), v.Member.IssuerID, v.Member.ID, a.ID); err != nil {
		if !isFormError(err) {
			return err
		}
		return s.renderApplyForm(c, http.StatusOK, a, nil, "", err)
	}
	return s.renderApplyForm(c, http.StatusOK, a, nil, "", nil)
}

// handleApplySubmit sends an application, then shows the applications
// page with a message; a refusal shows the form again.
func (s *Server) handleApplySubmit(c echo.Context) error {
	a, err := s.openFor(c)
	if err != nil {
		return err
	}
	if _, err := c.FormParams(); err != nil {
		return s.readFailure(c, err, "form")
	}
	links, text := c.Request().Form["links"], c.FormValue("text")
	v := memberOf(c)
	_, err = s.svc.Applications.Apply(c.Request().Context(), v.Member.IssuerID,
		badges.ApplyInput{MemberID: v.Member.ID, AchievementID: a.ID, Links: links, Text: text})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		status := http.StatusBadRequest
		if badges.ErrorCode(err) == badges.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderApplyForm(c, status, a, links, text, err)
	}
	s.portalFlash(c, "Your application for "+a.Name+" is sent. You will get an e-mail when it is decided.")
	return c.Redirect(http.StatusSeeOther, "/me/apply")
}

// renderApplyForm draws the form with what was typed and the error, if
// any, on its field.
func (s *Server) renderApplyForm(c echo.Context, status int, a *badges.Achievement, links []string, text string, failed error) error {
	p := applyFormPage{mePage: s.mePageFor(c, memberOf(c), "Apply for "+a.Name, "apply"), Text: text,
		MaxText: badges.MaxApplicationTextLen, MaxLinks: badges.MaxApplicationLinks,
		Badge: applyOpening{ID: a.ID, Name: a.Name, Description: a.Description, ImageURL: s.urls.Image(a.Image), Criteria: renderMarkdown(a.Criteria)}}
	for i := range badges.MaxApplicationLinks {
		n := strconv.Itoa(i + 1)
		p.Links = append(p.Links, applyLink{Field: "links." + n, Label: "Link " + n, Value: at(links, i)})
	}
	switch {
	case badges.ErrorField(failed) == "achievementId":
		p.Closed = badges.ErrorMessage(failed) // not open to the member, or applied for already
	case failed != nil:
		p.Form.fail(failed, "text")
	}
	return s.renderPortal(c, status, "applyform", p)
}
