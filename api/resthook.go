package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// REST hooks, as Zapier, n8n and other no-code tools expect them: the
// tool subscribes a URL of its own to one event when a user turns a flow
// on, and unsubscribes when it is turned off. A subscription is a webhook
// endpoint marked RESTHook, listed in the console as made by a tool.

// restHookRequest is a subscribe call. Zapier's examples name the URL
// target_url, n8n's hookUrl; tools may send fields of their own, which
// are ignored.
type restHookRequest struct {
	HookURL   string           `json:"hookUrl"`
	TargetURL string           `json:"target_url"`
	Event     badges.EventType `json:"event"`
}

type restHookJSON struct {
	ID        string    `json:"id"`
	Event     string    `json:"event"`
	HookURL   string    `json:"hookUrl"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// restHookDescription names a subscription in the console.
const restHookDescription = "Subscribed by a no-code tool (REST hooks)."

func (r restHookRequest) input() (badges.EndpointInput, error) {
	hook := strings.TrimSpace(r.HookURL)
	if hook == "" {
		hook = strings.TrimSpace(r.TargetURL)
	}
	switch {
	case hook == "":
		return badges.EndpointInput{}, badges.FieldErrorf("hookUrl", "The URL to send events to, hookUrl (or target_url), is required.")
	case r.Event == "":
		return badges.EndpointInput{}, badges.FieldErrorf("event", "The event to subscribe to is required, such as %q.", badges.EventCredentialIssued)
	case !r.Event.Known():
		return badges.EndpointInput{}, badges.FieldErrorf("event", "The event %q is not a kind of event.", r.Event)
	}
	return badges.EndpointInput{Kind: badges.EndpointWebhook, URL: hook, Description: restHookDescription,
		Events: []badges.EventType{r.Event}, RESTHook: true}, nil
}

// named gives an error about the endpoint's url the name of the field
// the tool sent it in, hookUrl or target_url.
func (r restHookRequest) named(err error) error {
	var e *badges.Error
	if !errors.As(err, &e) || e.Field != "url" {
		return err
	}
	named := *e
	named.Field = "hookUrl"
	if strings.TrimSpace(r.HookURL) == "" {
		named.Field = "target_url"
	}
	named.Message = strings.Replace(e.Message, ", url,", ", "+named.Field+",", 1)
	return &named
}

func (s *Server) handleRestHookSubscribe(c echo.Context) error {
	var req restHookRequest
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &req); err != nil { // lenient: tools add fields of their own
		return badges.Errorf(badges.EINVALID, "The request body is not a JSON object with hookUrl and event.")
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	e, secret, err := s.svc.Webhooks.Create(c.Request().Context(), c.Param("issuer"), in)
	if err != nil {
		return req.named(err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	loc := "/api/v1/issuers/" + url.PathEscape(e.IssuerID) + "/hooks/" + url.PathEscape(e.ID)
	return created(c, loc, restHookJSON{ID: e.ID, Event: string(in.Events[0]), HookURL: e.URL, Secret: secret, CreatedAt: e.CreatedAt})
}

// handleRestHookUnsubscribe removes a subscription. It is idempotent: a
// tool retrying an unsubscribe, or one whose subscription an admin
// already removed, is answered 204, not an error it would show its user.
// Endpoints made otherwise are not the tool's to remove: 404.
func (s *Server) handleRestHookUnsubscribe(c echo.Context) error {
	ctx, issuerID, id := c.Request().Context(), c.Param("issuer"), c.Param("hook")
	e, err := s.svc.Webhooks.Endpoint(ctx, issuerID, id)
	switch {
	case isNotFound(err):
		return c.NoContent(http.StatusNoContent)
	case err != nil:
		return err
	case !e.RESTHook:
		return badges.Errorf(badges.ENOTFOUND, "No REST hook subscription with id %q; remove other endpoints in the console.", id)
	}
	if err := s.svc.Webhooks.Delete(ctx, issuerID, id); err != nil && !isNotFound(err) {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func isNotFound(err error) bool { return badges.ErrorCode(err) == badges.ENOTFOUND }

// handleRestHookSamples answers example payloads of one event type, for
// a tool's field mapping: shaped as deliveries are, naming the community.
func (s *Server) handleRestHookSamples(c echo.Context) error {
	t := badges.EventType(c.Param("event"))
	if !t.Known() {
		return badges.FieldErrorf("eventType", "The event %q is not a kind of event.", t)
	}
	p, err := s.svc.Issuers.Profile(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	community := badges.EventCommunity{ID: p.ID, Name: p.Name, URL: s.urls.Issuer(p.ID)}
	return c.JSON(http.StatusOK, []badges.EventPayload{s.samplePayload(community, t)})
}
