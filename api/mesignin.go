package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Members sign in with a link sent by e-mail. Asking for one always gets
// the same answer, whether the address is a member's or not. The link
// opens a page with a button; only pressing it (a POST) uses the link, so
// that mail scanners that follow links do not spend it.

// signInSent is the one answer to a request for a link.
const signInSent = "If that address belongs to a member, a sign-in link is on its way. It works once, for 15 minutes."

type meSignInPage struct {
	mePage
	Email string
	Sent  string // the answer to a request for a link, shown instead of the form
	Form  formState
}

func (s *Server) handleMeSignInPage(c echo.Context) error {
	if _, err := s.portalVisit(c); err == nil {
		return c.Redirect(http.StatusSeeOther, "/me")
	}
	p := meSignInPage{}
	p.mePage = s.guestMePage(c, "Sign in to your badges")
	return s.renderPortal(c, http.StatusOK, "signin", p)
}

func (s *Server) handleMeSignIn(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	req, err := s.svc.Portal.RequestSignIn(c.Request().Context(), email, c.RealIP())
	switch code := badges.ErrorCode(err); code {
	case "":
	case badges.EINVALID, badges.ETOOMANY:
		p := meSignInPage{Email: email}
		p.Form.fail(err, "email")
		p.mePage = s.guestMePage(c, "Sign in to your badges")
		return s.renderPortal(c, statusOf[code], "signin", p)
	default:
		return err
	}
	if err := s.notifySignIn(c, req); err != nil {
		return err
	}
	p := meSignInPage{Sent: signInSent}
	p.mePage = s.guestMePage(c, "Check your e-mail")
	return s.renderPortal(c, http.StatusOK, "signin", p)
}

// notifySignIn queues the sign-in e-mail when the address is a member's:
// one message, in the first community's branding, whatever the number of
// communities it opens.
func (s *Server) notifySignIn(c echo.Context, req *badges.SignInRequest) error {
	if len(req.Members) == 0 || s.svc.Notifier == nil {
		return nil
	}
	m := req.Members[0]
	return s.svc.Notifier.Notify(c.Request().Context(), badges.Notification{
		Key:  "signin:" + req.Hash, // each request is its own message
		Kind: badges.MailSignIn, IssuerID: m.IssuerID, MemberID: m.ID, To: req.Email,
		Data: map[string]string{"link": s.urls.Base() + "/me/signin/" + req.Token, "member": m.DisplayName, "expires": "15 minutes"},
	})
}

type meLinkPage struct {
	mePage
	Token string
	Gone  string // why the link no longer works; "" while it does
}

// handleMeLinkPage is the page a sign-in link opens. The link is a
// secret, so the page sends no referrer.
func (s *Server) handleMeLinkPage(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	err := s.svc.Portal.CheckSignInLink(c.Request().Context(), c.Param("token"))
	if err != nil && badges.ErrorCode(err) != badges.EUNAUTHORIZED {
		return err
	}
	return s.renderLinkPage(c, err)
}

// renderLinkPage shows the link's button, or why it no longer works
// (410 Gone) with the form to ask for a new one.
func (s *Server) renderLinkPage(c echo.Context, gone error) error {
	p := meLinkPage{Token: c.Param("token")}
	status := http.StatusOK
	if gone != nil {
		p.Token, p.Gone, status = "", badges.ErrorMessage(gone), http.StatusGone
	}
	p.mePage = s.guestMePage(c, "Sign in to your badges")
	return s.renderPortal(c, status, "link", p)
}

func (s *Server) handleMeLinkUse(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	token, _, err := s.svc.Portal.SignIn(c.Request().Context(), c.Param("token"))
	if badges.ErrorCode(err) == badges.EUNAUTHORIZED {
		return s.renderLinkPage(c, err)
	}
	if err != nil {
		return err
	}
	s.setCookie(c, s.memberCookieName(), token, "/")
	s.setCookie(c, s.guestCookieName(), "", "/")
	return c.Redirect(http.StatusSeeOther, "/me")
}
