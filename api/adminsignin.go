package api

import (
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Cookies of the console. The session cookie is HttpOnly and SameSite=Lax
// and, where browsers allow it, Secure with the __Host- prefix (which pins
// it to this host and path /).
const flashCookie = "laurel-flash" // one message for the next page

// secureCookies reports whether cookies may be Secure: the site is served
// over HTTPS, or from a loopback name, which browsers treat as secure.
func (s *Server) secureCookies() bool {
	u, err := url.Parse(s.cfg.BaseURL)
	if err != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || ip != nil && ip.IsLoopback()
}

func (s *Server) sessionCookieName() string { return s.hostCookie("laurel-console") }

// guestCookieName is the cookie of the sign-in forms' CSRF token: with
// the prefix on HTTPS too, so that a neighbouring subdomain cannot plant
// one and sign a visitor in as someone else.
func (s *Server) guestCookieName() string { return s.hostCookie("laurel-signin") }

// hostCookie is a cookie's name with the __Host- prefix where the site is
// served over HTTPS.
func (s *Server) hostCookie(name string) string {
	if strings.HasPrefix(s.cfg.BaseURL, "https://") {
		return "__Host-" + name
	}
	return name
}

// setCookie sets a console cookie; an empty value removes it.
func (s *Server) setCookie(c echo.Context, name, value, path string) {
	cookie := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode}
	if value == "" {
		cookie.MaxAge = -1
	}
	c.SetCookie(cookie)
}

// randomToken is 32 random bytes, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// guestToken is the sign-in forms' CSRF token, set as a cookie when the
// visitor has none.
func (s *Server) guestToken(c echo.Context) string {
	if cookie, err := c.Cookie(s.guestCookieName()); err == nil && len(cookie.Value) == 43 {
		return cookie.Value
	}
	t := randomToken()
	s.setCookie(c, s.guestCookieName(), t, "/")
	return t
}

type signInPage struct {
	adminPage
	Email, Next string
	Form        formState
}

func (s *Server) handleSignInPage(c echo.Context) error {
	if v, err := s.consoleVisit(c); err == nil && v != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	return s.renderSignIn(c, http.StatusOK, signInPage{Next: safeNext(c.QueryParam("next"))})
}

func (s *Server) renderSignIn(c echo.Context, status int, p signInPage) error {
	p.adminPage = s.guestPage(c, "Sign in")
	return s.renderAdmin(c, status, "signin", p)
}

func (s *Server) handleSignIn(c echo.Context) error {
	email, next := strings.TrimSpace(c.FormValue("email")), safeNext(c.FormValue("next"))
	token, _, _, err := s.svc.Accounts.SignIn(c.Request().Context(), email, c.FormValue("password"), c.RealIP(), c.Request().UserAgent())
	switch badges.ErrorCode(err) {
	case "":
	case badges.EUNAUTHORIZED, badges.EINVALID, badges.ETOOMANY:
		p := signInPage{Email: email, Next: next}
		p.Form.fail(err, "email")
		return s.renderSignIn(c, statusOf[badges.ErrorCode(err)], p)
	default:
		return err
	}
	s.setCookie(c, s.sessionCookieName(), token, "/")
	s.setCookie(c, s.guestCookieName(), "", "/")
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) handleSignOut(c echo.Context) error {
	if cookie, err := c.Cookie(s.sessionCookieName()); err == nil {
		if err := s.svc.Accounts.SignOut(c.Request().Context(), cookie.Value); err != nil {
			return err
		}
	}
	s.setCookie(c, s.sessionCookieName(), "", "/")
	s.flash(c, "You have signed out.")
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

func (s *Server) handleSignOutEverywhere(c echo.Context) error {
	if err := s.svc.Accounts.SignOutEverywhere(c.Request().Context(), visitOf(c).Account.ID); err != nil {
		return err
	}
	s.setCookie(c, s.sessionCookieName(), "", "/")
	s.flash(c, "You have signed out on every device.")
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

type passwordPage struct {
	adminPage
	Token string
	Form  formState
}

// handlePasswordPage shows the form a one-time link opens: an invitation
// or a reset. The link is a secret, so the page sends no referrer.
func (s *Server) handlePasswordPage(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	p := passwordPage{Token: c.Param("token")}
	p.adminPage = s.guestPage(c, "Choose your password")
	return s.renderAdmin(c, http.StatusOK, "password", p)
}

func (s *Server) handlePasswordSet(c echo.Context) error {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	password := c.FormValue("password")
	if password != c.FormValue("confirm") {
		p := passwordPage{Token: c.Param("token")}
		p.Form.fail(badges.FieldErrorf("confirm", "The two passwords are not the same."), "password")
		p.adminPage = s.guestPage(c, "Choose your password")
		return s.renderAdmin(c, http.StatusBadRequest, "password", p)
	}
	if _, err := s.svc.Accounts.SetPassword(c.Request().Context(), c.Param("token"), password); err != nil {
		if code := badges.ErrorCode(err); code != badges.EINVALID && code != badges.ENOTFOUND {
			return err
		}
		p := passwordPage{Token: c.Param("token")}
		p.Form.fail(err, "password")
		p.adminPage = s.guestPage(c, "Choose your password")
		return s.renderAdmin(c, statusOf[badges.ErrorCode(err)], "password", p)
	}
	s.setCookie(c, s.sessionCookieName(), "", "/")
	s.flash(c, "Your password is set. Sign in with it.")
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

type accountPage struct {
	adminPage
	Sessions []sessionRow // where the account is signed in
	Form     formState
}

func (s *Server) handleAccountPage(c echo.Context) error {
	return s.renderAccount(c, http.StatusOK, accountPage{})
}

// renderAccount draws the account page, with where the account is
// signed in.
func (s *Server) renderAccount(c echo.Context, status int, p accountPage) error {
	v := visitOf(c)
	sessions, err := s.svc.Accounts.SessionsOf(c.Request().Context(), v.Account.ID)
	if err != nil {
		return err
	}
	p.Sessions = sessionRows(sessions, v.Session.ID, s.now())
	p.adminPage = s.adminPageFor(c, v, "Your account", "account")
	return s.renderAdmin(c, status, "account", p)
}

func (s *Server) handlePasswordChange(c echo.Context) error {
	v := visitOf(c)
	next := c.FormValue("password")
	var err error = badges.FieldErrorf("confirm", "The two new passwords are not the same.")
	if next == c.FormValue("confirm") {
		err = s.svc.Accounts.ChangePassword(c.Request().Context(), v.Account.ID, c.FormValue("currentPassword"), next)
	}
	if err != nil {
		if code := badges.ErrorCode(err); code != badges.EINVALID && code != badges.EUNAUTHORIZED && code != badges.ETOOMANY {
			return err
		}
		var p accountPage
		p.Form.fail(err, "currentPassword")
		return s.renderAccount(c, statusOf[badges.ErrorCode(err)], p)
	}
	s.setCookie(c, s.sessionCookieName(), "", "/")
	s.flash(c, "Your password is changed, and you are signed out everywhere. Sign in with the new password.")
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}
