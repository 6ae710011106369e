package api

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/assets"
)

// page is what every HTML page carries: title and social preview fields.
type page struct {
	Title        string
	Description  string
	CanonicalURL string
	ImageURL     string
	JSONURL      string
}

type errorPage struct {
	page
	Message   string
	RequestID string
}

var pageNames = []string{"issuer", "achievement", "credential", "verify", "error"}

// parsePages parses every page template with the layout, once, at start.
func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.ParseFS(assets.Templates, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// renderPage renders into a buffer first, so that a template error becomes
// a clean error response rather than half a page.
func (s *Server) renderPage(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set("Vary", "Accept")
	return c.HTMLBlob(status, buf.Bytes())
}
