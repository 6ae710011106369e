package api

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// An error page for people offers a way back: to the community the
// address names, in its brand, when there is one, else to the front
// door. Only a community that exists is named; the address itself is
// never echoed.

// errorPageFor is the HTML page of a problem.
func (s *Server) errorPageFor(c echo.Context, p Problem) errorPage {
	d := errorPage{page: page{Title: p.Title}, Message: p.Detail, RequestID: p.RequestID,
		BackURL: "/", BackText: "Go to the front page"}
	id := c.Param("issuer")
	if id == "" {
		id = issuerInPath(c.Request().URL.Path)
	}
	if id == "" {
		return d
	}
	prof, err := s.profile(c.Request().Context(), id)
	if err != nil {
		return d
	}
	d.Brand = s.brandOf(prof)
	d.BackURL, d.BackText = d.Brand.URL, "Go to "+prof.Name
	return d
}

// issuerInPath is the community an address under /issuers/{id}/ names,
// for addresses no route matched.
func issuerInPath(path string) string {
	rest, ok := strings.CutPrefix(path, "/issuers/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}
