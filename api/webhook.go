package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/chat"
	"github.com/laurel-badges/laurel/badges"
)

// A community's endpoints (signed webhooks, chat channels, REST hook
// subscriptions) are managed under /api/v1/issuers/:issuer/webhooks and in
// the console (adminwebhook*.go), both through badges.Webhooks. Every
// path names the community: the service finds an endpoint within its
// community only, so another community's endpoint is simply not found.

type webhookJSON struct {
	ID             string     `json:"id"`
	IssuerID       string     `json:"issuerId"`
	Kind           string     `json:"kind"`
	URL            string     `json:"url"`
	Description    string     `json:"description,omitempty"`
	Events         []string   `json:"events"`
	Spotlight      bool       `json:"spotlight,omitempty"`
	RESTHook       bool       `json:"restHook"`
	State          string     `json:"state"`
	DisabledReason string     `json:"disabledReason,omitempty"`
	FailingSince   *time.Time `json:"failingSince,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
	Secret         string     `json:"secret,omitempty"` // only when just made or rotated
}

func toWebhookJSON(e *badges.Endpoint) webhookJSON {
	out := webhookJSON{ID: e.ID, IssuerID: e.IssuerID, Kind: string(e.Kind), URL: shownURL(e), Description: e.Description,
		Events: make([]string, len(e.Events)), Spotlight: e.Spotlight, RESTHook: e.RESTHook, State: string(e.State),
		DisabledReason: e.DisabledReason, FailingSince: timePtr(e.FailingSince), CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	for i, t := range e.Events {
		out.Events[i] = string(t)
	}
	return out
}

// shownURL is an endpoint's URL as answers show it: a chat channel's
// incoming-webhook URL is its only credential (anyone holding it may
// post to the channel), so only its origin is shown.
func shownURL(e *badges.Endpoint) string {
	if !e.Kind.Chat() {
		return e.URL
	}
	u, err := url.Parse(e.URL)
	if err != nil || u.Host == "" {
		return "…"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

type webhookCreateRequest struct {
	URL         string              `json:"url"`
	Events      []badges.EventType  `json:"events"`
	Description string              `json:"description"`
	Kind        badges.EndpointKind `json:"kind"`
	Spotlight   bool                `json:"spotlight"`
}

type webhookUpdateRequest struct {
	URL         *string             `json:"url"`
	Events      *[]badges.EventType `json:"events"`
	Description *string             `json:"description"`
	Enabled     *bool               `json:"enabled"`
	Spotlight   *bool               `json:"spotlight"`
}

func (s *Server) handleWebhookCreate(c echo.Context) error {
	var req webhookCreateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.checkChatURL(req.Kind, req.URL); err != nil {
		return err
	}
	in := badges.EndpointInput{Kind: req.Kind, URL: req.URL, Description: req.Description, Events: req.Events, Spotlight: req.Spotlight}
	e, secret, err := s.svc.Webhooks.Create(c.Request().Context(), c.Param("issuer"), in)
	if err != nil {
		return err
	}
	out := toWebhookJSON(e)
	out.Secret = secret
	c.Response().Header().Set("Cache-Control", "no-store")
	return created(c, webhookPath(e), out)
}

// webhookPath is the API address of an endpoint.
func webhookPath(e *badges.Endpoint) string {
	return "/api/v1/issuers/" + url.PathEscape(e.IssuerID) + "/webhooks/" + url.PathEscape(e.ID)
}

func (s *Server) handleWebhookList(c echo.Context) error {
	es, err := s.svc.Webhooks.Endpoints(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[webhookJSON]{Items: make([]webhookJSON, len(es)), Total: len(es)}
	for i, e := range es {
		out.Items[i] = toWebhookJSON(e)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleWebhookGet(c echo.Context) error {
	e, err := s.svc.Webhooks.Endpoint(c.Request().Context(), c.Param("issuer"), c.Param("webhook"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWebhookJSON(e))
}

func (s *Server) handleWebhookUpdate(c echo.Context) error {
	var req webhookUpdateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, issuerID, id := c.Request().Context(), c.Param("issuer"), c.Param("webhook")
	if req.URL != nil {
		e, err := s.svc.Webhooks.Endpoint(ctx, issuerID, id)
		if err != nil {
			return err
		}
		if err := s.checkChatURL(e.Kind, *req.URL); err != nil {
			return err
		}
	}
	u := badges.EndpointUpdate{URL: req.URL, Description: req.Description, Events: req.Events, Enabled: req.Enabled, Spotlight: req.Spotlight}
	e, err := s.svc.Webhooks.Update(ctx, issuerID, id, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toWebhookJSON(e))
}

// checkChatURL checks a chat channel's URL against its platform's form,
// as the console does when a channel is added, so that the API too
// catches a URL pasted for the wrong platform; a webhook's URL is the
// service's to check. The operator's loopback switch (ChatAnyURL) lets
// any http or https URL through, for local receivers.
func (s *Server) checkChatURL(kind badges.EndpointKind, url string) error {
	if !kind.Chat() {
		return nil
	}
	return chat.CheckURL(kind, url, s.cfg.ChatAnyURL)
}

func (s *Server) handleWebhookDelete(c echo.Context) error {
	if err := s.svc.Webhooks.Delete(c.Request().Context(), c.Param("issuer"), c.Param("webhook")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// maxOverlapHours bounds a rotation's overlap: a week is time enough to
// move every receiver to the new secret.
const maxOverlapHours = 168

func (s *Server) handleWebhookRotate(c echo.Context) error {
	var req struct {
		OverlapHours *int `json:"overlapHours"`
	}
	if err := s.decodeOptionalJSON(c, &req); err != nil {
		return err
	}
	var overlap time.Duration // the service's default
	if h := req.OverlapHours; h != nil {
		if *h < 1 || *h > maxOverlapHours {
			return badges.FieldErrorf("overlapHours", "The overlap must be a whole number of hours from 1 to %d.", maxOverlapHours)
		}
		overlap = time.Duration(*h) * time.Hour
	}
	e, secret, err := s.svc.Webhooks.RotateSecret(c.Request().Context(), c.Param("issuer"), c.Param("webhook"), overlap)
	if err != nil {
		return err
	}
	out := toWebhookJSON(e)
	out.Secret = secret
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

// decodeOptionalJSON decodes a body the client may leave out.
func (s *Server) decodeOptionalJSON(c echo.Context, v any) error {
	if c.Request().ContentLength == 0 && c.Request().Header.Get(echo.HeaderContentType) == "" {
		return nil
	}
	body, err := s.readBody(c)
	if err != nil || len(body) == 0 {
		return err
	}
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	return decodeStrict(body, v)
}
