package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// HTTP-only error codes, for failures the domain never reports.
const (
	eUnsupportedMedia = "unsupported_media_type"
	eMethodNotAllowed = "method_not_allowed"
	eRateLimited      = "rate_limited"
	eRequestTimeout   = "request_timeout"
	eGone             = "gone" // a credential's baked badge once it is revoked or expired
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[string]int{
	badges.EINVALID:      http.StatusBadRequest,
	badges.EUNAUTHORIZED: http.StatusUnauthorized,
	badges.EFORBIDDEN:    http.StatusForbidden,
	badges.ENOTFOUND:     http.StatusNotFound,
	badges.ECONFLICT:     http.StatusConflict,
	badges.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	badges.EINTERNAL:     http.StatusInternalServerError,
	badges.EUNAVAILABLE:  http.StatusServiceUnavailable,
	badges.EKEYREUSED:    http.StatusUnprocessableEntity,
	badges.ETOOMANY:      http.StatusTooManyRequests,
	eUnsupportedMedia:    http.StatusUnsupportedMediaType,
	eMethodNotAllowed:    http.StatusMethodNotAllowed,
	eRateLimited:         http.StatusTooManyRequests,
	eRequestTimeout:      http.StatusRequestTimeout,
	eGone:                http.StatusGone,
}

// codeOfStatus maps the statuses Echo itself produces back to codes.
var codeOfStatus = map[int]string{
	http.StatusBadRequest:            badges.EINVALID,
	http.StatusUnauthorized:          badges.EUNAUTHORIZED,
	http.StatusForbidden:             badges.EFORBIDDEN,
	http.StatusNotFound:              badges.ENOTFOUND,
	http.StatusMethodNotAllowed:      eMethodNotAllowed,
	http.StatusRequestEntityTooLarge: badges.ETOOLARGE,
	http.StatusUnsupportedMediaType:  eUnsupportedMedia,
	http.StatusServiceUnavailable:    badges.EUNAVAILABLE,
	http.StatusTooManyRequests:       eRateLimited,
}

// echoMessages say in Laurel's words what the errors Echo raises itself
// mean: a path no route serves, a method a path does not take, a request
// past its time limit.
var echoMessages = map[int]string{
	http.StatusNotFound:           "There is nothing at this address.",
	http.StatusMethodNotAllowed:   "This address does not take that method; the Allow header lists the ones it takes.",
	http.StatusServiceUnavailable: "The request took longer than its time limit; try again later.",
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"requestId,omitempty"`
}

// toProblem turns any error into a problem. Internal details are logged by
// the caller, never sent.
func toProblem(err error) Problem {
	code, msg, field := badges.ErrorCode(err), badges.ErrorMessage(err), badges.ErrorField(err)
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code = codeOfStatus[he.Code]
		if code == "" {
			code = badges.EINTERNAL
		}
		if msg = echoMessages[he.Code]; msg == "" {
			msg = http.StatusText(he.Code) + "."
		}
	}
	status := statusOf[code]
	if status == 0 {
		status, code = http.StatusInternalServerError, badges.EINTERNAL
	}
	if status == http.StatusInternalServerError {
		msg = "An internal error occurred; it has been logged."
	}
	return Problem{Type: "urn:laurel:problem:" + strings.ReplaceAll(code, "_", "-"), Title: http.StatusText(status),
		Status: status, Detail: msg, Code: code, Field: field}
}

// handleError is Echo's HTTPErrorHandler: JSON problems for the API and for
// clients that ask for JSON, an HTML page for everyone else.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := toProblem(err)
	p.RequestID = requestID(c)
	if p.Status >= 500 {
		s.log.Error("request failed", "err", err, "method", c.Request().Method, "path", loggedURI(c, c.Request().URL.Path), "request_id", p.RequestID)
	}
	rt, _ := s.route(c)
	if p.Status == http.StatusUnauthorized && rt.errors != consoleErrors && rt.errors != portalErrors {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="laurel"`)
	}
	var werr error
	switch {
	case c.Request().Method == http.MethodHead:
		werr = c.NoContent(p.Status)
	case rt.errors == consoleErrors:
		werr = s.handleConsoleError(c, p)
	case rt.errors == portalErrors:
		werr = s.handlePortalError(c, p)
	case s.wantsJSON(c):
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(p.Status)
		werr = jsonEncode(c.Response(), p)
	default:
		werr = s.renderPage(c, p.Status, "error", s.errorPageFor(c, p))
	}
	if werr != nil {
		s.log.Error("write error response", "err", werr, "request_id", p.RequestID)
	}
}

// wantsJSON reports whether an error should be answered in JSON: always on
// routes for programs (and, for requests matching no route, under /api/),
// otherwise when the client prefers JSON to HTML.
func (s *Server) wantsJSON(c echo.Context) bool {
	rt, matched := s.route(c)
	if matched && rt.errors == jsonErrors || !matched && strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return true
	}
	return negotiate(c.Request().Header.Get("Accept"), "text/html", "application/json") != "text/html"
}
