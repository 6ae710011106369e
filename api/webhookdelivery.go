package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// An endpoint's delivery log, its test ping, and deliveries sent again:
// one of them, or every one of a time range.

type deliveryJSON struct {
	ID            string          `json:"id"`
	WebhookID     string          `json:"webhookId"`
	EventID       string          `json:"eventId"`
	EventType     string          `json:"eventType"`
	State         string          `json:"state"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt *time.Time      `json:"nextAttemptAt,omitempty"`
	CreatedAt     time.Time       `json:"createdAt"`
	DeliveredAt   *time.Time      `json:"deliveredAt,omitempty"`
	Log           []attemptJSON   `json:"log"`
	Payload       json.RawMessage `json:"payload,omitempty"` // only on a single delivery
}

type attemptJSON struct {
	At         time.Time `json:"at"`
	Status     int       `json:"status"`
	Detail     string    `json:"detail,omitempty"`
	DurationMS int64     `json:"durationMs"`
}

func toDeliveryJSON(d *badges.WebhookDelivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, WebhookID: d.EndpointID, EventID: d.EventID, EventType: string(d.EventType), State: string(d.State),
		Attempts: d.Attempts, CreatedAt: d.CreatedAt, DeliveredAt: timePtr(d.DeliveredAt), Log: make([]attemptJSON, len(d.Log))}
	if d.State == badges.DeliveryPending {
		out.NextAttemptAt = timePtr(d.NextAttemptAt)
	}
	for i, a := range d.Log {
		out.Log[i] = attemptJSON{At: a.At, Status: a.Status, Detail: a.Detail, DurationMS: a.Duration.Milliseconds()}
	}
	return out
}

// withPayload adds the body that was sent, when it is JSON (every kind
// of endpoint is sent JSON).
func withPayload(d *badges.WebhookDelivery) deliveryJSON {
	out := toDeliveryJSON(d)
	if json.Valid(d.Payload) {
		out.Payload = d.Payload
	}
	return out
}

func (s *Server) handleWebhookPing(c echo.Context) error {
	d, err := s.svc.Webhooks.Ping(c.Request().Context(), c.Param("issuer"), c.Param("webhook"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, withPayload(d))
}

func (s *Server) handleWebhookDeliveries(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Webhooks.Deliveries(c.Request().Context(), c.Param("issuer"), c.Param("webhook"), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, toDeliveryJSON))
}

// deliveryOf reads the route's delivery, which must be one of the
// route's endpoint's: another endpoint's is not found here.
func (s *Server) deliveryOf(c echo.Context, issuerID, endpointID, id string) (*badges.WebhookDelivery, error) {
	d, err := s.svc.Webhooks.Delivery(c.Request().Context(), issuerID, id)
	if err != nil {
		return nil, err
	}
	if d.EndpointID != endpointID {
		return nil, badges.Errorf(badges.ENOTFOUND, "The endpoint has no delivery with id %q.", id)
	}
	return d, nil
}

func (s *Server) handleWebhookDelivery(c echo.Context) error {
	d, err := s.deliveryOf(c, c.Param("issuer"), c.Param("webhook"), c.Param("delivery"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, withPayload(d))
}

func (s *Server) handleWebhookRedeliver(c echo.Context) error {
	issuerID := c.Param("issuer")
	d, err := s.deliveryOf(c, issuerID, c.Param("webhook"), c.Param("delivery"))
	if err != nil {
		return err
	}
	if d, err = s.svc.Webhooks.Redeliver(c.Request().Context(), issuerID, d.ID); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, toDeliveryJSON(d))
}

// maxReplayRange bounds a replay: a month of a busy community's events
// is already many deliveries to queue in one request.
const maxReplayRange = 31 * 24 * time.Hour

type replayRequest struct {
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
}

// check refuses a missing, reversed or too long range.
func (r replayRequest) check() error {
	switch {
	case r.From == nil:
		return badges.FieldErrorf("from", "The start of the range, from, is required.")
	case r.To == nil:
		return badges.FieldErrorf("to", "The end of the range, to, is required.")
	case !r.To.After(*r.From):
		return badges.FieldErrorf("to", "The end of the range, to, must be after its start, from.")
	case r.To.Sub(*r.From) > maxReplayRange:
		return badges.FieldErrorf("to", "The range may span at most 31 days.")
	}
	return nil
}

func (s *Server) handleWebhookReplay(c echo.Context) error {
	var req replayRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	n, err := s.svc.Webhooks.Replay(c.Request().Context(), c.Param("issuer"), c.Param("webhook"), *req.From, *req.To)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]int{"queued": n})
}
