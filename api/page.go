package api

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/assets"
)

// page is what every HTML page carries: title and social preview fields.
type page struct {
	Title        string
	Description  string
	CanonicalURL string
	JSONURL      string
	// The social preview image: absolute URL, alternative text, and its
	// size when known; LargeImage asks for a large card.
	ImageURL                string
	ImageAlt                string
	ImageWidth, ImageHeight int
	LargeImage              bool
	// Brand is the community whose page this is: its name, logo and
	// accent lead the page, and its header links back to its home. Nil on
	// Laurel's own pages (the front door, verify, errors).
	Brand *communityBrand
}

type errorPage struct {
	page
	Message   string
	RequestID string
	// The way back: the community the address names, or the front door.
	BackURL, BackText string
}

var pageNames = []string{"frontdoor", "directory", "issuer", "achievement", "holders", "credential", "member", "spotlight", "verify", "error", "outcome", "unsubscribe", "claim", "checkin", "wallet"}

// pageFuncs are what templates may call besides the built-ins: markdown
// renders a narrative from outside (a verified credential's criteria)
// safely, as the pages' own narratives are rendered before they reach the
// template; initial is a name's first letter, for a monogram.
var pageFuncs = template.FuncMap{"markdown": renderMarkdown, "initial": initial}

// parsePages parses every page template with the layout, once, at start.
func parsePages() (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(pageFuncs).ParseFS(assets.Templates, "templates/layout.html", "templates/"+name+".html")
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
	page, err := s.render(name, data)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		c.Response().Header().Set("Vary", "Accept")
		return c.HTMLBlob(status, page.data)
	}
	return servePage(c, page)
}

// render renders a page into a blob.
func (s *Server) render(name string, data any) (blob, error) {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return blob{}, fmt.Errorf("render %s: %w", name, err)
	}
	return newBlob(buf.Bytes()), nil
}

// servePage answers with a rendered page, or 304 Not Modified.
func servePage(c echo.Context, page blob) error {
	c.Response().Header().Set("Vary", "Accept")
	return serveBlob(c, page, echo.MIMETextHTMLCharsetUTF8, "")
}

// serveBlob answers with generated content and its entity tag, or 304 Not
// Modified when the client has it already. An empty cacheControl keeps
// what the handler set.
func serveBlob(c echo.Context, b blob, contentType, cacheControl string) error {
	h := c.Response().Header()
	h.Set("ETag", b.etag)
	if cacheControl != "" {
		h.Set("Cache-Control", cacheControl)
	}
	if etagMatches(c.Request().Header.Get("If-None-Match"), b.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if kept, ok := c.Get(pageGzipKey).(*blobCache); ok {
		z, err := keptGzip(kept, b)
		if err != nil {
			return err
		}
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		return c.Blob(http.StatusOK, contentType, z)
	}
	return c.Blob(http.StatusOK, contentType, b.data)
}

// etagMatches reads an If-None-Match header: a list of entity tags, weak
// ones included (gzip makes them weak), or "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
