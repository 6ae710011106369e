package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The check-in pages, for the people in the room (mostly on phones, from
// the QR code): entering a code, a check-in's page, asking for a link by
// e-mail, and the link's page, which confirms only when its button is
// pressed (mail scanners open links; they do not press buttons). Forms
// carry the guest CSRF token, as the console's sign-in forms do.

// guestCSRF wraps the handler of a check-in form: anyone may post it, with
// the guest CSRF token of a page of this site (see consoleGuest). It is
// checked in the handler, after the query parameters, so that a request
// with unknown ones is told so whatever its token.
func (s *Server) guestCSRF(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := consoleGuest.allow(s, c); err != nil {
			return err
		}
		return h(c)
	}
}

// checkInView is what every check-in page shows.
type checkInView struct {
	page
	Step      string // "enter", "session", "sent", "confirm" or "done"
	CSRF      string
	Code      string // as typed, on the enter step
	Email     string
	Error     string // the message beside the field, with Field
	Field     string
	Already   bool
	CheckIn   *badges.CheckIn
	Community string
	LogoURL   string
	Accent    issuer.Accent
	Behaviour string
	Open      bool
	Window    string // when it is open, in words
	Action    string // where the step's form posts
	// SignedIn names the member of the check-in's community signed in to
	// the member portal, who confirms with one button and MemberCSRF.
	SignedIn   string
	MemberCSRF string
}

// handleCheckInEnter is the page where a code is typed.
func (s *Server) handleCheckInEnter(c echo.Context) error {
	return s.renderCheckIn(c, http.StatusOK, checkInView{Step: "enter"})
}

// handleCheckInCode finds the typed code and sends the visitor to its page.
func (s *Server) handleCheckInCode(c echo.Context) error {
	code := c.FormValue("code")
	ci, err := s.svc.CheckIns.FindByCode(c.Request().Context(), code, c.RealIP())
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter", Code: code}, err)
	}
	return c.Redirect(http.StatusSeeOther, "/checkin/"+ci.Code)
}

// handleCheckInPublic shows a check-in: its community, title, behaviour and
// window, and while it is open, the way to confirm.
func (s *Server) handleCheckInPublic(c echo.Context) error {
	ci, err := s.svc.CheckIns.FindByCode(c.Request().Context(), c.Param("code"), c.RealIP())
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter", Code: c.Param("code")}, err)
	}
	v := checkInView{Step: "session"}
	if mv, m := s.checkInMember(c, ci); m != nil {
		v.SignedIn, v.MemberCSRF = m.DisplayName, mv.Session.CSRF
		if ci.Attended(m.ID) {
			v.Step, v.Already = "done", true
		}
	}
	return s.renderCheckInOf(c, http.StatusOK, ci, v)
}

// checkInMember is the member of a check-in's community signed in to the
// member portal in this browser, if any: a session covers the member's
// communities, one member in each.
func (s *Server) checkInMember(c echo.Context, ci *badges.CheckIn) (*memberVisit, *badges.Member) {
	mv := memberOf(c)
	if mv == nil {
		var err error
		if mv, err = s.portalVisit(c); err != nil {
			return nil, nil
		}
	}
	for _, m := range mv.Members {
		if m.IssuerID == ci.IssuerID {
			return mv, m
		}
	}
	return mv, nil
}

// handleCheckInSignedIn confirms the check-in of the member signed in to
// the portal (the route's access checked the session and its CSRF token).
func (s *Server) handleCheckInSignedIn(c echo.Context) error {
	ctx := c.Request().Context()
	ci, err := s.svc.CheckIns.FindByCode(ctx, c.Param("code"), c.RealIP())
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter", Code: c.Param("code")}, err)
	}
	_, m := s.checkInMember(c, ci)
	if m == nil {
		return badges.Errorf(badges.ENOTFOUND, "You are not a member of the community running this check-in.")
	}
	already, err := s.svc.CheckIns.Confirm(ctx, ci, m.ID)
	if badges.ErrorCode(err) == badges.ECONFLICT {
		return s.renderCheckInOf(c, http.StatusConflict, ci, checkInView{Step: "session"})
	}
	if err != nil {
		return err
	}
	if ci, err = s.svc.CheckIns.CheckIn(ctx, ci.IssuerID, ci.ID); err != nil {
		return err
	}
	return s.renderCheckInOf(c, http.StatusOK, ci, checkInView{Step: "done", Already: already, SignedIn: m.DisplayName})
}

// handleCheckInEmail sends a confirmation link to the address typed, when
// it is a member's; the answer is the same when it is not.
func (s *Server) handleCheckInEmail(c echo.Context) error {
	ctx := c.Request().Context()
	ci, err := s.svc.CheckIns.FindByCode(ctx, c.Param("code"), c.RealIP())
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter", Code: c.Param("code")}, err)
	}
	v := checkInView{Step: "sent", Email: c.FormValue("email")}
	if err := s.svc.CheckIns.SendLink(ctx, ci, v.Email); err != nil {
		v.Step = "session"
		return s.checkInFailedOf(c, ci, v, err)
	}
	return s.renderCheckInOf(c, http.StatusOK, ci, v)
}

// handleCheckInLinkPage shows what an e-mailed link confirms, with the
// button that does it; opening it uses nothing.
func (s *Server) handleCheckInLinkPage(c echo.Context) error {
	ci, err := s.svc.CheckIns.LinkCheckIn(c.Request().Context(), c.Param("token"))
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter"}, err)
	}
	return s.renderCheckInOf(c, http.StatusOK, ci, checkInView{Step: "confirm", Action: c.Request().URL.Path})
}

// handleCheckInLinkConfirm uses an e-mailed link and confirms the check-in.
func (s *Server) handleCheckInLinkConfirm(c echo.Context) error {
	ci, already, err := s.svc.CheckIns.ConfirmLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return s.checkInFailed(c, checkInView{Step: "enter"}, err)
	}
	return s.renderCheckInOf(c, http.StatusOK, ci, checkInView{Step: "done", Already: already})
}

// checkInFailed answers a code, address or link that did not work with the
// page to type a code on, the message beside the field; other errors are
// the error page's.
func (s *Server) checkInFailed(c echo.Context, v checkInView, err error) error {
	switch badges.ErrorCode(err) {
	case badges.EINVALID, badges.ENOTFOUND, badges.ETOOMANY:
	default:
		return err
	}
	v.Error, v.Field = sentence(badges.ErrorMessage(err)), "code"
	return s.renderCheckIn(c, statusOf[badges.ErrorCode(err)], v)
}

// checkInFailedOf answers an e-mail address that did not work, or a check-in
// that closed meanwhile, on the check-in's page.
func (s *Server) checkInFailedOf(c echo.Context, ci *badges.CheckIn, v checkInView, err error) error {
	switch badges.ErrorCode(err) {
	case badges.EINVALID, badges.ETOOMANY, badges.ECONFLICT:
	default:
		return err
	}
	v.Error, v.Field = sentence(badges.ErrorMessage(err)), "email"
	return s.renderCheckInOf(c, statusOf[badges.ErrorCode(err)], ci, v)
}

// renderCheckInOf fills in a check-in's community and window, then renders.
func (s *Server) renderCheckInOf(c echo.Context, status int, ci *badges.CheckIn, v checkInView) error {
	ctx := c.Request().Context()
	if err := s.checkInCommunity(ctx, ci, &v); err != nil {
		return err
	}
	now := s.now()
	v.CheckIn, v.Open = ci, ci.OpenAt(now)
	v.Window = closesWords(ci, now)
	if v.Step == "session" {
		v.Action = "/checkin/" + ci.Code
	}
	v.Title = ci.Title + " · " + v.Community
	return s.renderCheckIn(c, status, v)
}

// checkInCommunity names a check-in's community, its logo and accent, and
// its behaviour.
func (s *Server) checkInCommunity(ctx context.Context, ci *badges.CheckIn, v *checkInView) error {
	p, err := s.svc.Issuers.Profile(ctx, ci.IssuerID)
	if err != nil {
		return err
	}
	v.Community, v.Brand = p.Name, s.brandOf(p)
	if p.Image != nil {
		v.LogoURL = s.urls.Image(*p.Image)
	}
	if v.Accent, err = issuer.ParseAccent(p.AccentColor); err != nil {
		v.Accent, _ = issuer.ParseAccent(laurelAccent)
	}
	names, err := s.behaviourNames(ctx, ci.IssuerID)
	if err != nil {
		return err
	}
	v.Behaviour = names[ci.Behaviour]
	return nil
}

// renderCheckIn renders a check-in page: private to the moment, so never
// cached, and never indexed.
func (s *Server) renderCheckIn(c echo.Context, status int, v checkInView) error {
	if v.Title == "" {
		v.Title = "Check in"
	}
	v.Description = "Confirm that you were at a session, with the code shown in the room."
	v.CSRF = s.guestToken(c)
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Referrer-Policy", "no-referrer") // the link's token is in the path
	return s.renderPage(c, status, "checkin", v)
}

// CheckInLinkURL is the address of an e-mailed confirmation link, under
// the public origin base.
func CheckInLinkURL(base string) func(code, token string) string {
	return func(code, token string) string { return base + "/checkin/" + code + "/link/" + token }
}
