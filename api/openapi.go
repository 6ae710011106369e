package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/assets"
)

// The OpenAPI document as served: the embedded one, with its servers
// naming this Laurel's public origin, so that a generated client or the
// API reference page (/api/docs) calls the right host. It is made once at
// start; the embedded copy keeps "/" so that tests route it anywhere.

// servedOpenAPI is the embedded document with servers set to base.
func servedOpenAPI(base string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(assets.OpenAPI, &doc); err != nil {
		return nil, fmt.Errorf("the embedded OpenAPI document: %w", err)
	}
	servers, err := json.Marshal([]map[string]string{{"url": base, "description": "This Laurel."}})
	if err != nil {
		return nil, err
	}
	doc["servers"] = servers
	return json.Marshal(doc)
}

func (s *Server) handleOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, s.openapi)
}
