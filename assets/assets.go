// Package assets embeds everything Laurel serves or reads that is not Go
// code: HTML templates, the style sheet and the OpenAPI document. It imports
// nothing from the project.
package assets

import "embed"

// Templates holds the HTML templates, parsed once at start by the api
// package.
//
//go:embed templates/*.html templates/admin/*.html templates/me/*.html
var Templates embed.FS

// Mail holds the e-mail templates: an HTML and a text layout and, per
// kind of message, a file defining its "html" and "text" parts.
//
//go:embed templates/mail
var Mail embed.FS

// Static holds files served as they are under /static/.
//
//go:embed static
var Static embed.FS

// OpenAPI is the OpenAPI 3 document of the HTTP API.
//
//go:embed openapi.json
var OpenAPI []byte
