package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// My data (/me/data): the member downloads everything Laurel holds about
// them, chooses the weekly progress e-mail, and may ask to be forgotten,
// after a page that says what is removed and what stays. Every route reads
// the member from the session (memberOf), never from the path or form.

type meDataPage struct {
	mePage
	Email  string
	Weekly bool
}

type meForgetPage struct {
	mePage
	Email      string
	FormerName string
}

func (s *Server) handleMeData(c echo.Context) error {
	v := memberOf(c)
	on, err := s.svc.Nudges.OptedIn(c.Request().Context(), v.Member.ID)
	if err != nil {
		return err
	}
	p := meDataPage{mePage: s.mePageFor(c, v, "My data", "data"), Email: v.Member.Email, Weekly: on}
	return s.renderPortal(c, http.StatusOK, "data", p)
}

// handleMeDataExport downloads the member's own data, as the admin API's
// export answers it.
func (s *Server) handleMeDataExport(c echo.Context) error {
	return s.writeMemberData(c, memberOf(c).Member.ID)
}

// handleMeWeekly records the member's choice of the weekly e-mail.
func (s *Server) handleMeWeekly(c echo.Context) error {
	v := memberOf(c)
	var on bool
	switch c.FormValue("weekly") {
	case "on":
		on = true
	case "off":
	default:
		return badges.FieldErrorf("weekly", "Choose whether to get the weekly progress e-mail.")
	}
	if err := s.svc.Nudges.SetOptIn(c.Request().Context(), v.Member.ID, on); err != nil {
		return err
	}
	msg := "Saved: you will get a weekly e-mail about your progress when there is something to say."
	if !on {
		msg = "Saved: you will no longer get the weekly progress e-mail."
	}
	s.portalFlash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/me/data#weekly")
}

// handleMeForgetPage says what forgetting removes and what stays.
func (s *Server) handleMeForgetPage(c echo.Context) error {
	v := memberOf(c)
	p := meForgetPage{mePage: s.mePageFor(c, v, "Forget me", "data"), Email: v.Member.Email, FormerName: badges.FormerMemberName}
	return s.renderPortal(c, http.StatusOK, "forget", p)
}

// handleMeForget forgets the member, ends their session and says so on
// the sign-in page: there is no one left to sign in as.
func (s *Server) handleMeForget(c echo.Context) error {
	v := memberOf(c)
	if c.FormValue("confirm") != "yes" {
		return badges.FieldErrorf("confirm", "Tick the box to confirm that you want to be forgotten.")
	}
	ctx := c.Request().Context()
	if _, err := s.forget(ctx, v.Member.ID); err != nil {
		return err
	}
	if cookie, err := c.Cookie(s.memberCookieName()); err == nil {
		if err := s.svc.Portal.SignOut(ctx, cookie.Value); err != nil {
			return err
		}
	}
	s.setCookie(c, s.memberCookieName(), "", "/")
	s.portalFlash(c, "You are forgotten: "+v.Community.Name+" no longer holds your name, address or profile. Your badges still verify.")
	return c.Redirect(http.StatusSeeOther, "/me/signin")
}
