package api

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// A message that is not transactional carries an unsubscribe link,
// {base}/mail/unsubscribe/:issuer/:code?a=…, in its footer and its
// List-Unsubscribe header. GET asks first; POST unsubscribes at once, as
// mail clients do for "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
// (RFC 8058). The link's code is the capability, made and checked with
// the master key, so these forms carry no CSRF token: whoever can post
// them holds the link. The page that confirms offers to subscribe again.

// Mail composes previews and answers unsubscribe links (mail.Composer).
type Mail interface {
	// Sample is a notification of kind with made-up facts, for previews.
	Sample(issuerID string, kind badges.MessageKind) badges.Notification
	// Preview composes n with the wording t, not yet saved.
	Preview(ctx context.Context, n badges.Notification, t *badges.MailTemplate) (*badges.Message, error)
	LinkState(ctx context.Context, issuerID, code, key string) (out bool, at time.Time, err error)
	Unsubscribe(ctx context.Context, issuerID, code, key string, at time.Time) error
	Resubscribe(ctx context.Context, issuerID, code, key string) error
}

type unsubscribePage struct {
	page
	Community string
	State     string // "confirm", "done" or "again"
	Since     string // when the address unsubscribed, in words
	Action    string // the unsubscribe link
	Again     string // the link that subscribes again
}

// unsubscribeLink is the link's community, code and address key.
func unsubscribeLink(c echo.Context) (issuerID, code, key string) {
	return c.Param("issuer"), c.Param("code"), c.QueryParam("a")
}

// handleUnsubscribePage asks before unsubscribing, or says that the
// address is unsubscribed already.
func (s *Server) handleUnsubscribePage(c echo.Context) error {
	ctx := c.Request().Context()
	issuerID, code, key := unsubscribeLink(c)
	out, at, err := s.svc.Mail.LinkState(ctx, issuerID, code, key)
	if err != nil {
		return err
	}
	state := "confirm"
	if out {
		state = "done"
	}
	return s.renderUnsubscribe(c, state, at)
}

// handleUnsubscribe unsubscribes the link's address: one click, from the
// page or from a mail client.
func (s *Server) handleUnsubscribe(c echo.Context) error {
	ctx := c.Request().Context()
	issuerID, code, key := unsubscribeLink(c)
	if err := s.svc.Mail.Unsubscribe(ctx, issuerID, code, key, s.now()); err != nil {
		return err
	}
	_, at, err := s.svc.Mail.LinkState(ctx, issuerID, code, key)
	if err != nil {
		return err
	}
	return s.renderUnsubscribe(c, "done", at)
}

// handleResubscribe forgets the link's address's opt-out.
func (s *Server) handleResubscribe(c echo.Context) error {
	issuerID, code, key := unsubscribeLink(c)
	if err := s.svc.Mail.Resubscribe(c.Request().Context(), issuerID, code, key); err != nil {
		return err
	}
	return s.renderUnsubscribe(c, "again", time.Time{})
}

// renderUnsubscribe draws the page of a valid link in state, never
// cached and never indexed: the link is the address's capability.
func (s *Server) renderUnsubscribe(c echo.Context, state string, since time.Time) error {
	issuerID, code, key := unsubscribeLink(c)
	p, err := s.svc.Issuers.Profile(c.Request().Context(), issuerID)
	if err != nil {
		return err
	}
	tail := url.PathEscape(issuerID) + "/" + url.PathEscape(code) + "?" + url.Values{"a": {key}}.Encode()
	d := unsubscribePage{page: page{Title: "E-mails from " + p.Name, Brand: s.brandOf(p)}, Community: p.Name, State: state,
		Action: "/mail/unsubscribe/" + tail, Again: "/mail/resubscribe/" + tail}
	if !since.IsZero() {
		d.Since = dayOf(since)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Referrer-Policy", "no-referrer")
	return s.renderPage(c, http.StatusOK, "unsubscribe", d)
}
