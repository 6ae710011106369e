package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// Sources are the tools activity comes in from (sourcehook.go takes their
// deliveries).
type Sources interface {
	Create(ctx context.Context, issuerID string, in badges.SourceInput) (*badges.Source, error)
	List(ctx context.Context, issuerID string) ([]*badges.Source, error)
	Get(ctx context.Context, issuerID, id string) (*badges.Source, error)
	Update(ctx context.Context, issuerID, id string, u badges.SourceUpdate) (*badges.Source, error)
	RotateSecret(ctx context.Context, issuerID, id string) (*badges.Source, error)
	Delete(ctx context.Context, issuerID, id string) error
	Calls(ctx context.Context, issuerID, id string) ([]badges.SourceCall, error)
	Ingest(ctx context.Context, id string, d badges.SourceDelivery) (*badges.IngestReport, error)
	DryRun(ctx context.Context, issuerID, id string, d badges.SourceDelivery, mappingJSON string) (*badges.IngestReport, error)
}

// sourceRequest creates or changes a source. Mapping is a JSON object, or
// null for the preset's mapping.
type sourceRequest struct {
	Name           *string         `json:"name"`
	Preset         *string         `json:"preset"`
	Mapping        json.RawMessage `json:"mapping"`
	UnknownMembers *string         `json:"unknownMembers"`
	Enabled        *bool           `json:"enabled"`
}

type sourceJSON struct {
	ID                  string           `json:"id"`
	IssuerID            string           `json:"issuerId"`
	Name                string           `json:"name"`
	Preset              string           `json:"preset"`
	Mapping             json.RawMessage  `json:"mapping"`
	CustomMapping       bool             `json:"customMapping"`
	UnknownMembers      string           `json:"unknownMembers"`
	Enabled             bool             `json:"enabled"`
	URL                 string           `json:"url"`
	SignatureHeader     string           `json:"signatureHeader"`
	Secret              string           `json:"secret,omitempty"`
	PreviousSecretUntil *time.Time       `json:"previousSecretUntil,omitempty"`
	CreatedAt           time.Time        `json:"createdAt"`
	UpdatedAt           time.Time        `json:"updatedAt"`
	RecentCalls         []sourceCallJSON `json:"recentCalls,omitempty"`
}

type sourceCallJSON struct {
	At        time.Time `json:"at"`
	Status    int       `json:"status"`
	Recorded  int       `json:"recorded"`
	Duplicate int       `json:"duplicate"`
	Ignored   int       `json:"ignored"`
	Skipped   int       `json:"skipped"`
	Rejected  int       `json:"rejected"`
	Detail    string    `json:"detail,omitempty"`
}

// SourceURL is where a source's tool sends its deliveries.
func SourceURL(base, sourceID string) string { return base + "/hooks/in/" + sourceID }

// sourceJSONOf answers a source; the secret only when withSecret (on
// creation and rotation: it is shown once).
func (s *Server) sourceJSONOf(src *badges.Source, withSecret bool) sourceJSON {
	out := sourceJSON{ID: src.ID, IssuerID: src.IssuerID, Name: src.Name, Preset: string(src.Preset),
		Mapping: compactJSON(src.MappingJSON()), CustomMapping: src.Mapping != "", UnknownMembers: string(src.UnknownMembers),
		Enabled: src.Enabled, URL: SourceURL(s.urls.Base(), src.ID), SignatureHeader: mapping.SignatureHeader(src.Preset),
		CreatedAt: src.CreatedAt, UpdatedAt: src.UpdatedAt}
	if withSecret {
		out.Secret = src.Secret
	}
	if src.PreviousSecret != "" && s.now().Before(src.PreviousUntil) {
		until := src.PreviousUntil
		out.PreviousSecretUntil = &until
	}
	return out
}

func compactJSON(s string) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return json.RawMessage("null")
	}
	return b.Bytes()
}

// mappingText is a request's mapping as stored: "" for null (the
// preset's), else the object as sent; present says whether it was sent.
func mappingText(raw json.RawMessage) (text string, present bool, err error) {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0:
		return "", false, nil
	case bytes.Equal(t, []byte("null")):
		return "", true, nil
	case t[0] != '{':
		return "", true, badges.FieldErrorf("mapping", "mapping must be a JSON object, or null for the preset's")
	}
	return string(t), true, nil
}

func (s *Server) handleSourceCreate(c echo.Context) error {
	var req sourceRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	in := badges.SourceInput{}
	if req.Name != nil {
		in.Name = *req.Name
	}
	if req.Preset == nil {
		return badges.FieldErrorf("preset", "preset is required: discourse, github or generic")
	}
	in.Preset = mapping.Preset(*req.Preset)
	if req.UnknownMembers != nil {
		in.UnknownMembers = badges.UnknownMembers(*req.UnknownMembers)
	}
	in.Disabled = req.Enabled != nil && !*req.Enabled
	var err error
	if in.Mapping, _, err = mappingText(req.Mapping); err != nil {
		return err
	}
	src, err := s.svc.Sources.Create(c.Request().Context(), c.Param("issuer"), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/sources/"+src.ID, s.sourceJSONOf(src, true))
}

func (s *Server) handleSourceList(c echo.Context) error {
	list, err := s.svc.Sources.List(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	out := make([]sourceJSON, len(list))
	for i, src := range list {
		out[i] = s.sourceJSONOf(src, false)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": out})
}

func (s *Server) handleSourceGet(c echo.Context) error {
	ctx := c.Request().Context()
	src, err := s.svc.Sources.Get(ctx, "", c.Param("source"))
	if err != nil {
		return err
	}
	calls, err := s.svc.Sources.Calls(ctx, "", src.ID)
	if err != nil {
		return err
	}
	out := s.sourceJSONOf(src, false)
	for _, cl := range calls {
		out.RecentCalls = append(out.RecentCalls, sourceCallJSON(cl))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleSourceUpdate(c echo.Context) error {
	var req sourceRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Preset != nil {
		return badges.FieldErrorf("preset", "preset cannot change; add another source for another tool")
	}
	u := badges.SourceUpdate{Name: req.Name, Enabled: req.Enabled}
	if req.UnknownMembers != nil {
		p := badges.UnknownMembers(*req.UnknownMembers)
		u.UnknownMembers = &p
	}
	text, present, err := mappingText(req.Mapping)
	if err != nil {
		return err
	}
	if present {
		u.Mapping = &text
	}
	src, err := s.svc.Sources.Update(c.Request().Context(), "", c.Param("source"), u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.sourceJSONOf(src, false))
}

func (s *Server) handleSourceRotate(c echo.Context) error {
	src, err := s.svc.Sources.RotateSecret(c.Request().Context(), "", c.Param("source"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.sourceJSONOf(src, true))
}

func (s *Server) handleSourceDelete(c echo.Context) error {
	if err := s.svc.Sources.Delete(c.Request().Context(), "", c.Param("source")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
