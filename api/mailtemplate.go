package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A community words each kind of its e-mail its own way (subject and
// opening paragraph), through GET/PUT/DELETE
// /api/v1/issuers/:issuer/mail-templates/:kind and the console's e-mail
// settings, which call the same service.

// MailTemplates reads and changes communities' wording of their e-mail
// (badges.MailTemplates).
type MailTemplates interface {
	Template(ctx context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error)
	Set(ctx context.Context, issuerID string, kind badges.MessageKind, subject, opening string) (*badges.MailTemplate, error)
	Reset(ctx context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error)
}

type mailTemplateJSON struct {
	IssuerID     string     `json:"issuerId"`
	Kind         string     `json:"kind"`
	Subject      string     `json:"subject"`
	Opening      string     `json:"opening"`
	Custom       bool       `json:"custom"`
	Placeholders []string   `json:"placeholders"`
	UpdatedAt    *time.Time `json:"updatedAt,omitempty"`
}

type mailTemplateRequest struct {
	Subject string `json:"subject"`
	Opening string `json:"opening"`
}

func toMailTemplateJSON(t *badges.MailTemplate) mailTemplateJSON {
	out := mailTemplateJSON{IssuerID: t.IssuerID, Kind: string(t.Kind), Subject: t.Subject, Opening: t.Opening, Custom: t.Custom,
		Placeholders: t.Kind.Placeholders()}
	if t.Custom {
		out.UpdatedAt = &t.UpdatedAt
	}
	return out
}

// mailKindParam is the :kind of the route.
func mailKindParam(c echo.Context) (badges.MessageKind, error) {
	return badges.ParseMessageKind(c.Param("kind"))
}

func (s *Server) handleMailTemplateGet(c echo.Context) error {
	kind, err := mailKindParam(c)
	if err != nil {
		return err
	}
	t, err := s.svc.MailTemplates.Template(c.Request().Context(), c.Param("issuer"), kind)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMailTemplateJSON(t))
}

func (s *Server) handleMailTemplatePut(c echo.Context) error {
	kind, err := mailKindParam(c)
	if err != nil {
		return err
	}
	var req mailTemplateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	t, err := s.svc.MailTemplates.Set(c.Request().Context(), c.Param("issuer"), kind, req.Subject, req.Opening)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMailTemplateJSON(t))
}

// handleMailTemplateDelete goes back to Laurel's wording, and answers
// with it.
func (s *Server) handleMailTemplateDelete(c echo.Context) error {
	kind, err := mailKindParam(c)
	if err != nil {
		return err
	}
	t, err := s.svc.MailTemplates.Reset(c.Request().Context(), c.Param("issuer"), kind)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toMailTemplateJSON(t))
}
