package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// sourceTry is a dry run in the console: the sample as typed and what it
// would come to.
type sourceTry struct {
	Headers string
	Payload string
	Report  *badges.IngestReport
}

// maxTryForm bounds the dry run's form: a sample payload, escaped as a
// form escapes it, and its headers.
const maxTryForm = 1 << 20

// handleSourceTry maps a pasted sample delivery with the mapping as typed
// (saved or not) and shows what it would record, recording nothing.
func (s *Server) handleSourceTry(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(c.FormValue("mapping"))
	p := sourcePage{Name: src.Name, Mapping: text}
	if p.Mapping == "" {
		p.Mapping = src.MappingJSON()
	}
	p.Try.Headers, p.Try.Payload = c.FormValue("headers"), c.FormValue("payload")
	d := badges.SourceDelivery{Header: http.Header{}, Body: []byte(strings.TrimSpace(p.Try.Payload))}
	for line := range strings.Lines(p.Try.Headers) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) != "" {
			d.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	p.Try.Report, err = s.svc.Sources.DryRun(c.Request().Context(), src.IssuerID, src.ID, d, text)
	status := http.StatusOK
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.fail(consoleSourceError(err), "payload")
		status = statusOfFormError(err)
	}
	return s.renderSource(c, status, src, p, string(src.UnknownMembers), src.Enabled)
}

// consoleSourceError points a mapping's error at the mapping's textarea,
// its message led by the part of the mapping at fault; a payload's error
// at the sample's.
func consoleSourceError(err error) error {
	field := badges.ErrorField(err)
	switch {
	case strings.HasPrefix(field, "mapping."):
		return &badges.Error{Code: badges.EINVALID, Field: "mapping", Message: "The mapping at " + strings.TrimPrefix(field, "mapping.") + ": " + badges.ErrorMessage(err)}
	case field == "" && badges.ErrorCode(err) != badges.ECONFLICT:
		return &badges.Error{Code: badges.EINVALID, Field: "payload", Message: badges.ErrorMessage(err)}
	}
	return err
}

// handleSourceRotateForm gives the source a new secret, shown once.
func (s *Server) handleSourceRotateForm(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	if src, err = s.svc.Sources.RotateSecret(c.Request().Context(), src.IssuerID, src.ID); err != nil {
		return err
	}
	s.keepOnce(c, "source", src.ID, src.Secret)
	return s.redirectDone(c, sourcePath(src.IssuerID, src.ID),
		"The source has a new secret. Give it to "+presetLabel(src.Preset)+" now; the old one works for 24 hours more.")
}

type sourceRemovePage struct {
	adminPage
	Source *badges.Source
	Tool   string
}

func (s *Server) handleSourceRemovePage(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	p := sourceRemovePage{adminPage: s.adminPageFor(c, visitOf(c), "Remove "+src.Name+"?", "integrations"), Source: src, Tool: presetLabel(src.Preset)}
	return s.renderAdmin(c, http.StatusOK, "sourceremove", p)
}

func (s *Server) handleSourceRemove(c echo.Context) error {
	src, err := s.consoleSource(c)
	if err != nil {
		return err
	}
	if err := s.svc.Sources.Delete(c.Request().Context(), src.IssuerID, src.ID); err != nil {
		return err
	}
	return s.redirectDone(c, "/admin/c/"+src.IssuerID+"/integrations/sources",
		"The source “"+src.Name+"” is removed; the activity it recorded stays.")
}
