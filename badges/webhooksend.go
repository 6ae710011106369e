package badges

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// A delivery is tried at once, then after each failure with the delay of
// RetrySchedule, with ±20% jitter: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
// 10 h, eight attempts over about 28 hours. A 2xx answer delivers it; 410
// Gone disables its endpoint at once; any other answer, a redirect, a
// time-out or no answer at all is a failure. An endpoint whose every
// delivery failed for DisableAfter is disabled and its community's owners
// are told by e-mail.
var RetrySchedule = []time.Duration{
	5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour,
}

const (
	// DisableAfter is how long an endpoint may fail every delivery before
	// it is disabled: long enough for a weekend's outage, short enough
	// that a dead receiver stops costing work within the week.
	DisableAfter = 5 * 24 * time.Hour
	// MaxAttemptLog bounds a delivery's log: the first attempt and the
	// latest ones are kept.
	MaxAttemptLog = 20
	// pingTimeout bounds a test ping, which the console waits for.
	pingTimeout = 15 * time.Second
)

// EventPing is the type of a test ping, sent from the console or the API
// and never published.
const EventPing EventType = "ping"

// openSecrets opens an endpoint's secrets that sign at now: the current
// one, and the one before while a rotation's overlap lasts.
func (w *Webhooks) openSecrets(e *StoredEndpoint, now time.Time) ([]string, error) {
	var out []string
	for _, s := range e.Secrets {
		if !s.Until.IsZero() && !now.Before(s.Until) {
			continue
		}
		plain, err := w.Sealer.Open(s.Sealed, e.ID)
		if err != nil {
			return nil, fmt.Errorf("open the secret of endpoint %s: %w", e.ID, err)
		}
		out = append(out, string(plain))
	}
	return out, nil
}

// attempt POSTs a delivery to its endpoint once, signed when the
// endpoint is a webhook, and returns the attempt for its log.
func (w *Webhooks) attempt(ctx context.Context, e *StoredEndpoint, d *WebhookDelivery) DeliveryAttempt {
	began := w.now()
	a := DeliveryAttempt{At: began}
	headers := map[string]string{}
	if e.Kind == EndpointWebhook {
		secrets, err := w.openSecrets(e, began)
		if err == nil {
			headers, err = SignWebhook(secrets, d.ID, began, d.Payload)
		}
		if err != nil {
			a.Detail = ErrorMessage(err)
			return a
		}
	}
	ans, err := w.Sender.Post(ctx, e.URL, d.Payload, d.MediaType, headers)
	a.Duration = w.now().Sub(began)
	if err != nil {
		a.Detail = bound(err.Error())
		return a
	}
	a.Status, a.Detail = ans.Status, bound(ans.Body)
	return a
}

func bound(s string) string {
	if len(s) > MaxAnswerDetail {
		return s[:MaxAnswerDetail]
	}
	return s
}

// Succeeded reports whether an attempt delivered: a 2xx answer.
func (a DeliveryAttempt) Succeeded() bool { return a.Status >= 200 && a.Status < 300 }

// record notes an attempt in d: delivered, given up, or put off with
// back-off. A delivery done before (sent again by a replay) starts its
// attempts afresh.
func (w *Webhooks) record(d *WebhookDelivery, a DeliveryAttempt) {
	now := w.now()
	if d.Done() {
		d.Attempts = 0
	}
	d.Attempts++
	d.Log = append(d.Log, a)
	if len(d.Log) > MaxAttemptLog {
		d.Log = append(d.Log[:1], d.Log[len(d.Log)-MaxAttemptLog+1:]...)
	}
	switch {
	case a.Succeeded():
		d.State, d.DeliveredAt = DeliveryDelivered, now
	case a.Status == 410 || d.Attempts > len(RetrySchedule):
		d.State = DeliveryFailed
	default:
		d.State, d.NextAttemptAt = DeliveryPending, now.Add(w.jitter(RetrySchedule[d.Attempts-1]))
	}
}

func (w *Webhooks) jitter(d time.Duration) time.Duration {
	if w.Jitter != nil {
		return w.Jitter(d)
	}
	return d + time.Duration((rand.Float64()*0.4-0.2)*float64(d))
}

// Ping sends a test event to one of a community's endpoints now, waits
// for the answer (at most pingTimeout), and logs it as a delivery. A
// ping is tried once, whatever the answer, and does not count towards
// disabling the endpoint.
func (w *Webhooks) Ping(ctx context.Context, issuerID, id string) (*WebhookDelivery, error) {
	e, err := w.endpoint(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	if w.Sender == nil {
		return nil, Errorf(EUNAVAILABLE, "Webhooks are not sent by this server.")
	}
	now := w.now()
	ev := CommunityEvent{ID: "ping:" + NewID(), Type: EventPing, IssuerID: issuerID, At: now}
	p, err := w.describe(ctx, ev)
	if err != nil {
		return nil, err
	}
	d, err := w.deliveryFor(ctx, e, ev, p, now)
	if err != nil {
		return nil, err
	}
	if d.State == DeliveryPending {
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		a := w.attempt(pctx, e, d)
		cancel()
		w.record(d, a)
		if !a.Succeeded() {
			d.State = DeliveryFailed // a ping is not retried
		}
	}
	if err := w.Store.AddDeliveries(context.WithoutCancel(ctx), []*WebhookDelivery{d}, nil); err != nil {
		return nil, err
	}
	return d, nil
}

// describe describes an event. A ping is about its community alone; a
// describer that cannot describe one is answered with the community's id.
func (w *Webhooks) describe(ctx context.Context, ev CommunityEvent) (*EventPayload, error) {
	p, err := w.Describer.Describe(ctx, ev)
	if err != nil && ev.Type == EventPing {
		return &EventPayload{Type: EventPing, Timestamp: ev.At, Data: EventData{EventID: ev.ID, Community: EventCommunity{ID: ev.IssuerID}}}, nil
	}
	return p, err
}

// endpointHealth follows an endpoint's run of failures after an attempt:
// a success ends it, a 410 or DisableAfter of failures disables the
// endpoint. It returns the reason when it disabled it.
func (w *Webhooks) endpointHealth(ctx context.Context, e *StoredEndpoint, a DeliveryAttempt) (string, error) {
	now := w.now()
	reason := ""
	switch {
	case a.Succeeded() && e.FailingSince.IsZero():
		return "", nil
	case a.Status == 410:
		reason = "The endpoint answered 410 Gone: it asked to receive nothing more."
	case !a.Succeeded() && !e.FailingSince.IsZero() && now.Sub(e.FailingSince) >= DisableAfter:
		reason = fmt.Sprintf("Every delivery failed for %d days.", int(DisableAfter/(24*time.Hour)))
	case !a.Succeeded() && !e.FailingSince.IsZero():
		return "", nil
	}
	updated, err := w.Store.UpdateEndpoint(ctx, e.ID, func(s *StoredEndpoint) error {
		switch {
		case reason != "":
			s.State, s.DisabledReason, s.UpdatedAt = EndpointDisabled, reason, now
		case a.Succeeded():
			s.FailingSince = time.Time{}
		case s.FailingSince.IsZero():
			s.FailingSince = now
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	*e = *updated
	return reason, nil
}

// tellOwners e-mails a community's owners that one of its endpoints was
// disabled, once per disabling.
func (w *Webhooks) tellOwners(ctx context.Context, e *StoredEndpoint, reason string) error {
	if w.Notifier == nil || w.Owners == nil || w.ConsoleURL == nil {
		return nil
	}
	owners, err := w.Owners(ctx, e.IssuerID)
	if err != nil {
		return err
	}
	ns := make([]Notification, 0, len(owners))
	for _, to := range owners {
		ns = append(ns, Notification{Key: "webhookdisabled:" + e.ID + ":" + e.UpdatedAt.Format(time.RFC3339Nano) + ":" + to,
			Kind: MailWebhookDisabled, IssuerID: e.IssuerID, To: to,
			Data: map[string]string{"url": e.URL, "reason": reason, "description": e.Description, "link": w.ConsoleURL(e.IssuerID)}})
	}
	if len(ns) == 0 {
		return nil
	}
	return w.Notifier.Notify(ctx, ns...)
}

// errEndpointGone is the detail logged for the deliveries of an endpoint
// deleted or disabled while they waited.
var errEndpointGone = errors.New("the endpoint was deleted or disabled before this delivery was sent")
