package api

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The console (/admin) is for community managers: people with an account,
// a password and a role in each community they help run. Its pages call
// the same services as the API; what differs is who is asking. Every
// console route says, in the route table, the least permission it needs
// in the community its path names; this file checks it, with the session
// and the form's CSRF token, before the handler runs.

// Accounts is what the console asks of console accounts and sessions.
type Accounts interface {
	SignIn(ctx context.Context, email, password, address, userAgent string) (string, *badges.Session, *badges.Account, error)
	Session(ctx context.Context, token string) (*badges.Session, *badges.Account, error)
	SignOut(ctx context.Context, token string) error
	SignOutEverywhere(ctx context.Context, accountID string) error
	SetPassword(ctx context.Context, token, password string) (*badges.Account, error)
	ChangePassword(ctx context.Context, accountID, current, next string) error
	SessionsOf(ctx context.Context, accountID string) ([]*badges.Session, error)

	// A community's people (adminpeople.go).
	Account(ctx context.Context, id string) (*badges.Account, error)
	AccountsOf(ctx context.Context, issuerID string) ([]*badges.Account, error)
	InviteToCommunity(ctx context.Context, issuerID, email, name string, role badges.Role) (*badges.Account, string, error)
	SetRole(ctx context.Context, accountID, issuerID string, role badges.Role) error
	RemoveRole(ctx context.Context, accountID, issuerID string) error
	PasswordLink(ctx context.Context, accountID string) (string, error)
}

// visit is who is using the console in one request, and in which
// community: what the access check found, for the handler.
type visit struct {
	Account   *badges.Account
	Session   *badges.Session
	Community *issuer.Profile // nil outside a community's pages
}

const visitKey = "laurel.console.visit"

// visitOf is the request's visit; console routes always have one.
func visitOf(c echo.Context) *visit {
	v, _ := c.Get(visitKey).(*visit)
	return v
}

// errSignIn asks the console's error handler to send the visitor to the
// sign-in page: the session is missing, expired or ended.
var errSignIn = badges.Errorf(badges.EUNAUTHORIZED, "Sign in to continue.")

// errCSRF is a state-changing request without its form's token: a form
// from another site, or one kept open past its session.
var errCSRF = badges.Errorf(badges.EFORBIDDEN, "This form has expired or did not come from this console; reload the page and try again.")

// consoleAccess is the access of a console route: a signed-in account
// with at least permission p in the community named by the path's
// :issuer (any signed-in account when the path names none and p is 0).
// Requests that change something must carry the session's CSRF token.
func consoleAccess(p badges.Permission) access {
	return access{name: "console", allow: func(s *Server, c echo.Context) error {
		v, err := s.consoleVisit(c)
		if err != nil {
			return err
		}
		if changes(c.Request()) && !s.csrfMatches(c, v.Session.CSRF) {
			return errCSRF
		}
		if id := c.Param("issuer"); id != "" {
			if err := v.Account.Authorize(id, p); err != nil {
				return err
			}
			if v.Community, err = s.svc.Issuers.Profile(c.Request().Context(), id); err != nil {
				return err
			}
		}
		c.Set(visitKey, v)
		return nil
	}}
}

// serviceAdmin is the access of routes for service-wide administrators:
// communities and API keys, which reach past any one community.
var serviceAdmin = access{name: "console service admin", allow: func(s *Server, c echo.Context) error {
	if err := consoleAccess(0).allow(s, c); err != nil {
		return err
	}
	if !visitOf(c).Account.ServiceAdmin {
		return badges.Errorf(badges.EFORBIDDEN, "Only a service administrator can do this.")
	}
	return nil
}}

// consoleGuest is the access of the sign-in pages: anyone, but forms
// posted to them carry the sign-in CSRF token (a cookie and a field that
// must match), so another site cannot sign a visitor in as someone else.
var consoleGuest = access{name: "console guest", allow: func(s *Server, c echo.Context) error {
	if changes(c.Request()) {
		cookie, err := c.Cookie(s.guestCookieName())
		if err != nil || cookie.Value == "" || !s.csrfMatches(c, cookie.Value) {
			return errCSRF
		}
	}
	return nil
}}

// consoleVisit finds the request's session.
func (s *Server) consoleVisit(c echo.Context) (*visit, error) {
	cookie, err := c.Cookie(s.sessionCookieName())
	if err != nil || cookie.Value == "" {
		return nil, errSignIn
	}
	sess, acct, err := s.svc.Accounts.Session(c.Request().Context(), cookie.Value)
	if badges.ErrorCode(err) == badges.EUNAUTHORIZED {
		return nil, errSignIn
	}
	if err != nil {
		return nil, err
	}
	return &visit{Account: acct, Session: sess}, nil
}

// changes reports whether a request may change something.
func changes(r *http.Request) bool {
	return r.Method != http.MethodGet && r.Method != http.MethodHead
}

// csrfMatches compares the request's CSRF token (a form field, or the
// header the console's scripts send) with want, in constant time.
func (s *Server) csrfMatches(c echo.Context, want string) bool {
	got := c.Request().Header.Get("X-CSRF-Token")
	if got == "" {
		got = c.FormValue("csrf")
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// handleConsoleError answers a console route's error: the sign-in page for
// a visitor without a session, otherwise a console page saying what went
// wrong, in the console's layout when the visitor is signed in.
func (s *Server) handleConsoleError(c echo.Context, p Problem) error {
	if p.Status == http.StatusUnauthorized {
		to := "/admin/login"
		if c.Request().Method == http.MethodGet && c.Path() != "/admin" {
			to += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			c.Response().Header().Set("HX-Redirect", to)
			return c.NoContent(http.StatusUnauthorized)
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	v := visitOf(c)
	if v == nil {
		v, _ = s.consoleVisit(c)
	}
	if id := c.Param("issuer"); v != nil && v.Community == nil && id != "" && v.Account.Can(id, badges.PermView) {
		// Inside a community the visitor may open, the page keeps its
		// navigation, whatever went wrong.
		v.Community, _ = s.svc.Issuers.Profile(c.Request().Context(), id)
	}
	title := consoleErrorTitles[p.Status]
	if title == "" {
		title = "Something went wrong"
	}
	data := consoleErrorPage{Problem: p}
	data.adminPage = s.adminPageFor(c, v, title, "")
	return s.renderAdmin(c, p.Status, "error", data)
}

// consoleErrorTitles head the console's error pages, in its own words.
var consoleErrorTitles = map[int]string{
	http.StatusBadRequest:            "There is a problem",
	http.StatusForbidden:             "You cannot do this here",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Page not found",
	http.StatusConflict:              "That clashes with something",
	http.StatusRequestEntityTooLarge: "That is too large",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusServiceUnavailable:    "Laurel is busy",
}

type consoleErrorPage struct {
	adminPage
	Problem Problem
}

// safeNext is where to go after signing in: a console path of this
// site, never an address elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) ||
		!strings.HasPrefix(u.Path, "/admin") || strings.HasPrefix(u.Path, "/admin/login") {
		return "/admin"
	}
	return u.RequestURI()
}

// inCommunity refuses a thing of another community than the one the
// console page is for, as if it did not exist: a role in one community
// opens nothing of another through a guessed id.
func inCommunity(v *visit, issuerID, what string) error {
	if v.Community == nil {
		return badges.Errorf(badges.ENOTFOUND, "There is no such %s.", what)
	}
	if issuerID != v.Community.ID {
		return badges.Errorf(badges.ENOTFOUND, "There is no such %s in %s.", what, v.Community.Name)
	}
	return nil
}

// communityThing loads the thing id names with load and checks, with
// inCommunity, that it is of the visited community; issuerOf says whose
// it is. Every console page that opens a thing by id goes through it.
func communityThing[T any](c echo.Context, what, id string, load func(context.Context, string) (T, error), issuerOf func(T) string) (T, error) {
	thing, err := load(c.Request().Context(), id)
	if err == nil {
		err = inCommunity(visitOf(c), issuerOf(thing), what)
	}
	if err != nil {
		var none T
		return none, err
	}
	return thing, nil
}
