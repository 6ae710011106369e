package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// An e-mail's preview is the message the composer makes from the wording
// as typed, for a made-up member (Ada Lovelace, who earned Session Host):
// its subject and text part on the page, its HTML part in a frame.
//
// The HTML part is an e-mail, styled inline as mail clients need, so it
// cannot be shown under the console's policy (no inline styles). It is
// served on its own route, preview.html, with a policy of its own that
// allows inline styles and nothing else: no script from anywhere, no
// forms, no plugins, the CSP sandbox, and framing by the console's own
// pages only. The frame is <iframe sandbox> as well, so even markup that
// slipped through escaping could run nothing and reach nothing. An
// escaped listing of the markup would be as safe but would not show what
// the member sees.

// mailPreview is the preview of a wording.
type mailPreview struct {
	Subject  string
	Text     string
	FrameSrc string // the route of the HTML part, for the frame
	Problem  string // why the wording would not save, "" when it would
}

// Bounds of the wording a preview takes from its query: generous beyond
// what saving allows, so that a preview can say what is too long.
const (
	maxPreviewSubject = 4 * badges.MaxMailSubject * 4 // characters of up to 4 bytes
	maxPreviewOpening = 4 * badges.MaxMailOpening
)

// previewWording is the kind a preview route names and the wording of its
// query, or the saved wording when the query has none.
func (s *Server) previewWording(c echo.Context) (badges.MessageKind, mailTemplateForm, error) {
	kind, err := mailKindOf(c)
	if err != nil {
		return "", mailTemplateForm{}, err
	}
	in := mailTemplateForm{Subject: c.QueryParam("subject"), Opening: c.QueryParam("opening")}
	switch {
	case len(in.Subject) > maxPreviewSubject:
		return kind, in, badges.FieldErrorf("subject", "The subject to preview is longer than %d bytes.", maxPreviewSubject)
	case len(in.Opening) > maxPreviewOpening:
		return kind, in, badges.FieldErrorf("opening", "The opening to preview is longer than %d bytes.", maxPreviewOpening)
	case !c.QueryParams().Has("subject") && !c.QueryParams().Has("opening"):
		t, err := s.svc.MailTemplates.Template(c.Request().Context(), visitOf(c).Community.ID, kind)
		if err != nil {
			return kind, in, err
		}
		in = mailTemplateForm{Subject: t.Subject, Opening: t.Opening}
	}
	return kind, in, nil
}

// compose composes the sample message of kind with the wording in.
func (s *Server) composePreview(c echo.Context, kind badges.MessageKind, in mailTemplateForm) (*badges.Message, error) {
	id := visitOf(c).Community.ID
	t := &badges.MailTemplate{IssuerID: id, Kind: kind, Subject: in.Subject, Opening: in.Opening}
	return s.svc.Mail.Preview(c.Request().Context(), s.svc.Mail.Sample(id, kind), t)
}

// mailPreview is the preview of kind with the wording in.
func (s *Server) mailPreview(c echo.Context, kind badges.MessageKind, in mailTemplateForm) (mailPreview, error) {
	m, err := s.composePreview(c, kind, in)
	if err != nil {
		return mailPreview{}, err
	}
	p := mailPreview{Subject: m.Subject, Text: m.Text,
		FrameSrc: visitOf(c).communityPath() + "/settings/emails/" + string(kind) + "/preview.html?" + previewQuery(in)}
	check := badges.MailTemplate{Kind: kind, Subject: in.Subject, Opening: in.Opening}
	if err := check.Validate(); err != nil {
		p.Problem = sentence(badges.ErrorMessage(err))
	}
	return p, nil
}

// handleMailPreviewPart answers htmx with the preview of the wording as
// typed: the part of the page it replaces.
func (s *Server) handleMailPreviewPart(c echo.Context) error {
	kind, in, err := s.previewWording(c)
	if err != nil {
		return err
	}
	p, err := s.mailPreview(c, kind, in)
	if err != nil {
		return err
	}
	return s.renderAdminPart(c, "email", "emailpreview", p)
}

// handleMailPreviewHTML answers the frame with the HTML part alone,
// under the policy described above.
func (s *Server) handleMailPreviewHTML(c echo.Context) error {
	kind, in, err := s.previewWording(c)
	if err != nil {
		return err
	}
	m, err := s.composePreview(c, kind, in)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' "+s.urls.Base()+" data:; "+
		"frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, []byte(m.HTML))
}
