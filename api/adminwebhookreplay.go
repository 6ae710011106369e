package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Replaying a range of days to an endpoint, for a receiver that lost
// them: dates are chosen, the next step says what will happen, and only
// then are the deliveries queued again.

type webhookReplayPage struct {
	adminPage
	Endpoint *badges.Endpoint
	From, To string // as typed, YYYY-MM-DD
	Confirm  bool   // the dates are good: ask before queueing
	Span     string // the range in words, on the confirmation
	Form     formState
}

// replayDates reads the form's days: from the start of the first to the
// end of the last, in UTC, at most maxReplayRange.
func replayDates(from, to string) (time.Time, time.Time, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return f, f, badges.FieldErrorf("from", "Choose the first day to deliver again.")
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return f, t, badges.FieldErrorf("to", "Choose the last day to deliver again.")
	}
	t = t.AddDate(0, 0, 1) // to the end of the last day
	r := replayRequest{From: &f, To: &t}
	if err := r.check(); err != nil {
		if badges.ErrorField(err) == "to" && t.After(f) {
			return f, t, badges.FieldErrorf("to", "The days may span at most 31 days.")
		}
		return f, t, badges.FieldErrorf("to", "The last day must be on or after the first day.")
	}
	return f, t, nil
}

func (s *Server) renderWebhookReplay(c echo.Context, status int, p webhookReplayPage) error {
	p.adminPage = s.adminPageFor(c, visitOf(c), "Deliver a range of days again", "integrations")
	return s.renderAdmin(c, status, "webhookreplay", p)
}

func (s *Server) handleWebhookReplayPage(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	today := s.now().UTC()
	return s.renderWebhookReplay(c, http.StatusOK, webhookReplayPage{Endpoint: e,
		From: today.AddDate(0, 0, -1).Format(time.DateOnly), To: today.Format(time.DateOnly)})
}

// handleWebhookReplayForm checks the days and asks to confirm; with the
// confirmation, it queues the range again.
func (s *Server) handleWebhookReplayForm(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	p := webhookReplayPage{Endpoint: e, From: c.FormValue("from"), To: c.FormValue("to")}
	from, to, err := replayDates(p.From, p.To)
	if err != nil {
		p.Form.fail(err, "from")
		return s.renderWebhookReplay(c, http.StatusBadRequest, p)
	}
	if c.FormValue("confirm") != "yes" {
		p.Confirm, p.Span = true, dayOf(from)+" to "+dayOf(to.AddDate(0, 0, -1))
		return s.renderWebhookReplay(c, http.StatusOK, p)
	}
	n, err := s.svc.Webhooks.Replay(c.Request().Context(), e.IssuerID, e.ID, from, to)
	if err != nil {
		return err
	}
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID, countDeliveries(n)+" queued to be delivered again.")
}

// countDeliveries says how many deliveries, as a sentence's subject.
func countDeliveries(n int) string {
	switch n {
	case 0:
		return "No delivery is"
	case 1:
		return "1 delivery is"
	}
	return thousands(n) + " deliveries are"
}
