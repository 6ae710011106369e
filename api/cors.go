package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// Cross-origin calls: a browser application on another origin may call the
// API with a key only when the operator lists that origin
// (LAUREL_CORS_ORIGINS). Only /api/v1/* answers such calls; the console and
// the portal, which run on cookies, never do, and no answer allows
// credentials, so a listed origin still cannot ride a signed-in session.

// corsPrefix is the part of the site that answers cross-origin calls.
const corsPrefix = "/api/v1/"

// The preflight's answer: the methods the API has, and the request headers
// a client sends with a key.
const (
	corsMethods = "GET, POST, PUT, PATCH, DELETE"
	corsHeaders = "Authorization, Content-Type, Idempotency-Key"
	corsExpose  = "Location, Retry-After"
	corsMaxAge  = "600" // seconds a browser may keep a preflight's answer
)

// ParseOrigin checks one origin as an operator lists it: a scheme (http or
// https) and a host, an optional port, and nothing else. It returns the
// origin as browsers send it, in lower case.
func ParseOrigin(s string) (string, error) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	bad := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "") || strings.HasSuffix(s, "?") || strings.Contains(u.Host, "*")
	if bad {
		return "", fmt.Errorf("%q is not an origin such as https://app.example.org (a scheme and a host, an optional port, no path)", s)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// cors answers cross-origin calls to the API from the listed origins: a
// preflight (OPTIONS with Access-Control-Request-Method) gets the methods
// and headers allowed, a call gets its origin allowed. Other origins, and
// every other part of the site, get no CORS header at all.
func cors(origins []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if len(origins) == 0 {
			return next
		}
		return func(c echo.Context) error {
			r := c.Request()
			if !strings.HasPrefix(r.URL.Path, corsPrefix) {
				return next(c)
			}
			h := c.Response().Header()
			h.Add(echo.HeaderVary, echo.HeaderOrigin) // the answer depends on the Origin header
			origin := r.Header.Get(echo.HeaderOrigin)
			if origin == "" || !slices.Contains(origins, strings.ToLower(origin)) {
				return next(c)
			}
			h.Set(echo.HeaderAccessControlAllowOrigin, origin)
			if r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
				h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
				h.Set(echo.HeaderAccessControlAllowHeaders, corsHeaders)
				h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
				return c.NoContent(http.StatusNoContent)
			}
			h.Set(echo.HeaderAccessControlExposeHeaders, corsExpose)
			return next(c)
		}
	}
}

// corsOrigins checks the configured origins, naming the first that is not
// one.
func corsOrigins(list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		o, err := ParseOrigin(s)
		if err != nil {
			return nil, fmt.Errorf("CORS origins: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}
