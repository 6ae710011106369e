package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// An endpoint's page in the console: what it receives, its state, its
// delivery log (newest first, paged), a test ping, and deliveries sent
// again, one at a time or a range of days.

type webhookPage struct {
	adminPage
	Endpoint     *badges.Endpoint
	FailingSince string // in words, while deliveries fail
	Rows         []deliveryView
	Pager        pager
}

// deliveryView is a delivery as people read it.
type deliveryView struct {
	*badges.WebhookDelivery
	When   string // queued, in words
	Answer string // the last attempt's status in words
	Next   string // the next attempt, while pending
}

// statusWords says an HTTP status in words: "200 OK", or that there was
// no answer at all.
func statusWords(code int) string {
	if code == 0 {
		return "No answer"
	}
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("%d", code)
}

func viewDelivery(d *badges.WebhookDelivery) deliveryView {
	v := deliveryView{WebhookDelivery: d, When: momentOf(d.CreatedAt), Answer: "Not tried yet"}
	if n := len(d.Log); n > 0 {
		v.Answer = statusWords(d.Log[n-1].Status)
	}
	if d.State == badges.DeliveryPending && !d.NextAttemptAt.IsZero() {
		v.Next = momentOf(d.NextAttemptAt)
	}
	return v
}

func (s *Server) handleWebhookPage(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	o, from, err := spanListOptions(c)
	if err != nil {
		return err
	}
	page, err := s.svc.Webhooks.Deliveries(c.Request().Context(), e.IssuerID, e.ID, o)
	if err != nil {
		return err
	}
	p := webhookPage{Endpoint: e}
	if !e.FailingSince.IsZero() {
		p.FailingSince = momentOf(e.FailingSince)
	}
	for _, d := range page.Items {
		p.Rows = append(p.Rows, viewDelivery(d))
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), webhookTitle(e), "integrations")
	p.Pager = newPager(listURL(webhooksBase(visitOf(c))+"/"+e.ID, nil), "from", from, len(page.Items), page.Total, page.NextCursor)
	return s.renderAdmin(c, http.StatusOK, "webhook", p)
}

// webhookTitle names an endpoint: its description, or its address.
func webhookTitle(e *badges.Endpoint) string {
	if e.Description != "" {
		return e.Description
	}
	return e.URL
}

// handleWebhookPingForm sends a test event now and shows how it went.
func (s *Server) handleWebhookPingForm(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	d, err := s.svc.Webhooks.Ping(c.Request().Context(), e.IssuerID, e.ID)
	if badges.ErrorCode(err) == badges.EUNAVAILABLE { // a server that sends no webhooks: say so where the button was
		return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID, sentence(badges.ErrorMessage(err))+" The test ping was not sent.")
	}
	if err != nil {
		return err
	}
	answer := viewDelivery(d).Answer
	done := "Test ping delivered: the endpoint answered " + answer + "."
	if d.State != badges.DeliveryDelivered {
		done = "Test ping not delivered (" + answer + "): the attempt below says why."
	}
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID+"/deliveries/"+d.ID, done)
}

type webhookDeliveryPage struct {
	adminPage
	Endpoint *badges.Endpoint
	Delivery deliveryView
	Log      []attemptView
	Payload  string // indented JSON
}

// attemptView is one attempt in words.
type attemptView struct {
	When, Answer, Detail, Took string
	OK                         bool
}

// communityDelivery is the path's delivery of the path's endpoint.
func (s *Server) communityDelivery(c echo.Context) (*badges.Endpoint, *badges.WebhookDelivery, error) {
	e, err := s.communityWebhook(c)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.deliveryOf(c, e.IssuerID, e.ID, c.Param("delivery"))
	return e, d, err
}

func (s *Server) handleWebhookDeliveryPage(c echo.Context) error {
	e, d, err := s.communityDelivery(c)
	if err != nil {
		return err
	}
	p := webhookDeliveryPage{Endpoint: e, Delivery: viewDelivery(d), Payload: indentJSON(d.Payload)}
	for i := len(d.Log) - 1; i >= 0; i-- { // newest first
		a := d.Log[i]
		p.Log = append(p.Log, attemptView{When: momentOf(a.At), Answer: statusWords(a.Status), Detail: a.Detail,
			Took: tookWords(a.Duration), OK: a.Status >= 200 && a.Status < 300})
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Delivery of "+string(d.EventType), "integrations")
	return s.renderAdmin(c, http.StatusOK, "webhookdelivery", p)
}

// indentJSON lays out a payload for reading, its fields in the order
// they were sent; one that is not JSON is shown as it is.
func indentJSON(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return string(b)
	}
	return out.String()
}

// tookWords says how long an attempt took, to the millisecond.
func tookWords(d time.Duration) string {
	if d < time.Millisecond {
		return "Under a millisecond"
	}
	return d.Round(time.Millisecond).String()
}

func (s *Server) handleWebhookRedeliverForm(c echo.Context) error {
	e, d, err := s.communityDelivery(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.Webhooks.Redeliver(c.Request().Context(), e.IssuerID, d.ID); err != nil {
		return err
	}
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID, "The "+string(d.EventType)+" event is queued to be delivered again.")
}
