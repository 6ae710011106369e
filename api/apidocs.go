package api

import (
	"bytes"
	"html/template"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/assets"
)

// The API reference: /api/docs renders the OpenAPI document with the
// vendored Swagger UI (assets/static/vendor/VENDORED.md says why that one),
// under the same Content-Security-Policy as every page. The page is the
// same for everyone, so it is rendered once.

// openAPIPath is where the OpenAPI document is served.
const openAPIPath = "/api/v1/openapi.json"

// handleAPIDocs serves the API reference page, rendered when the routes
// are made; a template that cannot be rendered fails every request.
func (s *Server) handleAPIDocs() echo.HandlerFunc {
	page, err := renderAPIDocs()
	return func(c echo.Context) error {
		if err != nil {
			return err
		}
		return serveBlob(c, page, echo.MIMETextHTMLCharsetUTF8, "public, max-age=300")
	}
}

func renderAPIDocs() (blob, error) {
	t, err := template.ParseFS(assets.Templates, "templates/apidocs.html")
	if err != nil {
		return blob{}, err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, struct{ Spec string }{openAPIPath}); err != nil {
		return blob{}, err
	}
	return newBlob(buf.Bytes()), nil
}
