package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The member portal (/me) is for members: people who hold badges, signed
// in with a single-use link sent to their e-mail address. Every portal
// route says memberAccess in the route table; this file checks the
// session and the form's CSRF token before the handler runs, and gives the
// handler the member through memberOf. A session covers every community
// the address is a member of; the portal shows one at a time.

// Portal is what the member portal asks of sign-in links and sessions
// (badges.MemberSessions).
type Portal interface {
	RequestSignIn(ctx context.Context, email, address string) (*badges.SignInRequest, error)
	CheckSignInLink(ctx context.Context, token string) error
	SignIn(ctx context.Context, token string) (string, *badges.MemberSession, error)
	Session(ctx context.Context, token string) (*badges.MemberVisit, error)
	Switch(ctx context.Context, sessionID, memberID string) error
	SignOut(ctx context.Context, token string) error
}

// memberVisit is who is using the portal in one request: the session,
// the member it shows and that member's community, and every member the
// session covers (one per community).
type memberVisit struct {
	Session   *badges.MemberSession
	Member    *badges.Member // the member shown: every page is about this member only
	Community *issuer.Profile
	Members   []*badges.Member
}

const memberVisitKey = "laurel.portal.visit"

// memberOf is the request's member visit; routes under memberAccess
// always have one. Portal pages read the member from it, never from the
// path or the form, so that no member can open another's data.
func memberOf(c echo.Context) *memberVisit {
	v, _ := c.Get(memberVisitKey).(*memberVisit)
	return v
}

// errMemberSignIn asks the portal's error handler to send the visitor to
// the sign-in page.
var errMemberSignIn = badges.Errorf(badges.EUNAUTHORIZED, "Sign in to see your badges.")

// errMemberCSRF is a portal form without its session's token.
var errMemberCSRF = badges.Errorf(badges.EFORBIDDEN, "This form has expired or did not come from Laurel; reload the page and try again.")

// memberAccess is the access of a portal route: a signed-in member.
// Requests that change something must carry the session's CSRF token.
var memberAccess = access{name: "member", allow: func(s *Server, c echo.Context) error {
	v, err := s.portalVisit(c)
	if err != nil {
		return err
	}
	if changes(c.Request()) && !s.csrfMatches(c, v.Session.CSRF) {
		return errMemberCSRF
	}
	c.Set(memberVisitKey, v)
	return nil
}}

// memberGuest is the access of the portal's sign-in pages: anyone, with
// the sign-in CSRF token (a cookie and a field that must match) on forms,
// as on the console's sign-in pages, so that another site can neither
// ask for links in a visitor's name nor sign a visitor in as someone else.
var memberGuest = access{name: "member guest", allow: func(s *Server, c echo.Context) error {
	if changes(c.Request()) {
		cookie, err := c.Cookie(s.guestCookieName())
		if err != nil || cookie.Value == "" || !s.csrfMatches(c, cookie.Value) {
			return errMemberCSRF
		}
	}
	return nil
}}

// memberCookieName is the portal session's cookie.
func (s *Server) memberCookieName() string { return s.hostCookie("laurel-member") }

// portalVisit finds the request's member session and the community of
// the member it shows.
func (s *Server) portalVisit(c echo.Context) (*memberVisit, error) {
	cookie, err := c.Cookie(s.memberCookieName())
	if err != nil || cookie.Value == "" {
		return nil, errMemberSignIn
	}
	ctx := c.Request().Context()
	mv, err := s.svc.Portal.Session(ctx, cookie.Value)
	if badges.ErrorCode(err) == badges.EUNAUTHORIZED {
		return nil, errMemberSignIn
	}
	if err != nil {
		return nil, err
	}
	p, err := s.profile(ctx, mv.Current.IssuerID)
	if err != nil {
		return nil, err
	}
	return &memberVisit{Session: mv.Session, Member: mv.Current, Community: p, Members: mv.Members}, nil
}

// handlePortalError answers a portal route's error: the sign-in page for
// a visitor without a session, otherwise a portal page saying what went
// wrong, in the portal's layout when the visitor is signed in.
func (s *Server) handlePortalError(c echo.Context, p Problem) error {
	if p.Status == http.StatusUnauthorized {
		return c.Redirect(http.StatusSeeOther, "/me/signin")
	}
	v := memberOf(c)
	if v == nil {
		v, _ = s.portalVisit(c)
	}
	title := consoleErrorTitles[p.Status]
	if title == "" {
		title = "Something went wrong"
	}
	data := portalErrorPage{Problem: p}
	data.mePage = s.mePageFor(c, v, title, "")
	return s.renderPortal(c, p.Status, "error", data)
}

type portalErrorPage struct {
	mePage
	Problem Problem
}

func (s *Server) handlePortalSwitch(c echo.Context) error {
	v := memberOf(c)
	if err := s.svc.Portal.Switch(c.Request().Context(), v.Session.ID, c.FormValue("member")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/me")
}

func (s *Server) handlePortalSignOut(c echo.Context) error {
	if cookie, err := c.Cookie(s.memberCookieName()); err == nil {
		if err := s.svc.Portal.SignOut(c.Request().Context(), cookie.Value); err != nil {
			return err
		}
	}
	s.setCookie(c, s.memberCookieName(), "", "/")
	s.portalFlash(c, "You have signed out.")
	return c.Redirect(http.StatusSeeOther, "/me/signin")
}
