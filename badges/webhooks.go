package badges

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Webhooks is the service of a community's endpoints and of the webhook
// outbox that delivers its events to them. Publish stores events with one
// write; the background worker (Run) fans each event out to the
// endpoints that asked for its type and delivers it, signed per the
// Standard Webhooks specification, at least once, with retries for more
// than a day and a delivery log.
type Webhooks struct {
	Store     WebhookStore
	Describer EventDescriber // names and URLs of an event, when it is fanned out
	Formatter EventFormatter // the words of chat channels
	Sender    WebhookSender  // POSTs a delivery; nil holds deliveries queued
	Sealer    SecretSealer   // seals endpoints' secrets at rest
	// Owners lists the e-mail addresses of a community's owners, told
	// when one of its endpoints is disabled after failing persistently.
	Owners   func(ctx context.Context, issuerID string) ([]string, error)
	Notifier Notifier // queues the owners' e-mail; nil tells no one
	// ConsoleURL is the console's page of a community's webhooks, the
	// link of the owners' e-mail.
	ConsoleURL func(issuerID string) string
	Now        func() time.Time // the clock; nil is time.Now
	// Jitter spreads a retry delay; nil draws from ±20%.
	Jitter func(d time.Duration) time.Duration
	Report func(Notice) // failures of the background work; nil drops them
	// Workers is how many endpoints are delivered to at once; 0 means 4.
	// Receivers answer slowly compared to the database, so several are
	// waited for at once.
	Workers int
	// Writers is how many workers record their attempts at once; 0 means
	// 1. The embedded engine writes one document at a time, and writers
	// that find it busy sleep: measured with 4 endpoints on a local
	// receiver, one writer recorded twice as fast as two.
	Writers int

	once   sync.Once
	wake   chan struct{}
	writes chan struct{}
}

// EndpointInput is a new endpoint.
type EndpointInput struct {
	Kind        EndpointKind // "" is a webhook
	URL         string
	Description string
	Events      []EventType
	Spotlight   bool
	RESTHook    bool
	// Disabled creates the endpoint disabled, so that no event reaches it
	// before it is enabled: an example whose receiver is not yet real.
	Disabled bool
}

// EndpointUpdate changes an endpoint; nil fields stay as they are.
type EndpointUpdate struct {
	URL, Description *string
	Events           *[]EventType
	Enabled          *bool
	Spotlight        *bool
}

// DeliveryState is where a delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending   DeliveryState = "pending"   // queued, or waiting to retry
	DeliveryDelivered DeliveryState = "delivered" // the endpoint answered 2xx
	DeliveryFailed    DeliveryState = "failed"    // given up: out of attempts, or the endpoint is gone
	DeliverySkipped   DeliveryState = "skipped"   // the endpoint announces nothing of this event
)

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At       time.Time
	Status   int    // the HTTP status; 0 when there was no answer
	Detail   string // the first KiB of the answer, or the error
	Duration time.Duration
}

// WebhookDelivery is one event for one endpoint: its body, its state and
// the log of its attempts. Its ID is the webhook-id header, the same in
// every attempt, so that a receiver can drop a repeat.
type WebhookDelivery struct {
	ID            string
	IssuerID      string
	EndpointID    string
	EventID       string
	EventType     EventType
	State         DeliveryState
	Attempts      int
	NextAttemptAt time.Time
	CreatedAt     time.Time
	DeliveredAt   time.Time
	Log           []DeliveryAttempt // oldest first, bounded
	Payload       []byte            // the body POSTed
	MediaType     string            // the body's media type
}

// Done reports whether a delivery is over: delivered, given up or skipped.
func (d *WebhookDelivery) Done() bool { return d.State != DeliveryPending }

// SecretSealer seals endpoints' secrets at rest, binding each to its
// endpoint's id (issuer.Sealer is one).
type SecretSealer interface {
	Seal(plaintext []byte, id string) []byte
	Open(sealed []byte, id string) ([]byte, error)
}

// StoredEndpoint is an endpoint as stored: with its secrets, sealed.
type StoredEndpoint struct {
	Endpoint
	// Secrets sign deliveries, newest first: the current one, and while
	// a rotation's overlap lasts the one before it.
	Secrets []EndpointSecret
}

// EndpointSecret is one signing secret, sealed.
type EndpointSecret struct {
	Sealed []byte
	Until  time.Time // zero for the current secret; the end of a rotation's overlap
}

// WebhookStore keeps endpoints, the queue of events to fan out, the
// deliveries with their logs, the queue of deliveries due, and each
// endpoint's deliveries in order.
type WebhookStore interface {
	EndpointStore
	DeliveryStore
}

// EndpointStore keeps a community's endpoints.
type EndpointStore interface {
	// CreateEndpoint stores a new endpoint, unless its community has max
	// already (ECONFLICT).
	CreateEndpoint(ctx context.Context, e *StoredEndpoint, max int) error
	// Endpoint reads one endpoint (ENOTFOUND when there is none).
	Endpoint(ctx context.Context, id string) (*StoredEndpoint, error)
	// EndpointsOf lists a community's endpoints, oldest first.
	EndpointsOf(ctx context.Context, issuerID string) ([]*StoredEndpoint, error)
	// UpdateEndpoint changes an endpoint with change, which may run more
	// than once.
	UpdateEndpoint(ctx context.Context, id string, change func(e *StoredEndpoint) error) (*StoredEndpoint, error)
	// DeleteEndpoint removes an endpoint.
	DeleteEndpoint(ctx context.Context, issuerID, id string) error
}

// Bounds of endpoints.
const (
	MaxEndpoints           = 20 // per community
	MaxEndpointURL         = 2048
	MaxEndpointDescription = 200
	// DefaultSecretOverlap is how long a rotated secret keeps signing.
	DefaultSecretOverlap = 24 * time.Hour
	MaxSecretOverlap     = 7 * 24 * time.Hour
)

// writing holds one of the Writers' places until done is called.
func (w *Webhooks) writing() (done func()) {
	w.once.Do(w.init)
	w.writes <- struct{}{}
	return func() { <-w.writes }
}

func (w *Webhooks) init() {
	w.wake = make(chan struct{}, 1)
	w.writes = make(chan struct{}, max(1, w.Writers))
}

func (w *Webhooks) now() time.Time {
	if w.Now == nil {
		return time.Now().UTC().Truncate(time.Millisecond)
	}
	return w.Now().UTC().Truncate(time.Millisecond)
}

// Create adds an endpoint to a community and returns it with its signing
// secret, shown this once ("" for a chat channel, which is not signed).
func (w *Webhooks) Create(ctx context.Context, issuerID string, in EndpointInput) (*Endpoint, string, error) {
	if in.Kind == "" {
		in.Kind = EndpointWebhook
	}
	now := w.now()
	e := &StoredEndpoint{Endpoint: Endpoint{ID: NewID(), IssuerID: issuerID, Kind: in.Kind, URL: in.URL, Description: in.Description,
		Events: in.Events, Spotlight: in.Spotlight, RESTHook: in.RESTHook, State: EndpointEnabled, CreatedAt: now, UpdatedAt: now}}
	if in.Disabled {
		e.State, e.DisabledReason = EndpointDisabled, "Disabled by an admin."
	}
	if err := e.normalize(); err != nil {
		return nil, "", err
	}
	secret := ""
	if e.Kind == EndpointWebhook {
		var err error
		if secret, err = NewWebhookSecret(); err != nil {
			return nil, "", err
		}
		e.Secrets = []EndpointSecret{{Sealed: w.Sealer.Seal([]byte(secret), e.ID)}}
	}
	if err := w.Store.CreateEndpoint(ctx, e, MaxEndpoints); err != nil {
		return nil, "", err
	}
	return &e.Endpoint, secret, nil
}

// normalize checks an endpoint and puts it in normal form.
func (e *StoredEndpoint) normalize() error {
	var err error
	if e.URL, err = CheckEndpointURL(e.URL); err != nil {
		return err
	}
	if e.Description, err = CheckLine("description", e.Description, false, MaxEndpointDescription); err != nil {
		return err
	}
	switch {
	case e.Kind != EndpointWebhook && !e.Kind.Chat():
		return FieldErrorf("kind", "The kind %q is not a kind of endpoint: choose webhook, slack, discord or teams.", truncateForMessage(string(e.Kind)))
	case e.Spotlight && !e.Kind.Chat():
		return FieldErrorf("spotlight", "The weekly post, spotlight, is for chat channels: a webhook cannot receive it.")
	case e.RESTHook && e.Kind != EndpointWebhook:
		return FieldErrorf("kind", "The kind of a REST hook subscription is webhook, not %s.", e.Kind)
	}
	e.Events, err = checkEvents(e.Kind, e.Events)
	return err
}

// checkEvents checks the events an endpoint asks for: known, at least
// one for a webhook, credential.issued by default for a chat channel.
func checkEvents(kind EndpointKind, events []EventType) ([]EventType, error) {
	var out []EventType
	for _, t := range events {
		if !t.Known() {
			return nil, FieldErrorf("events", "The event %q in events is not a kind of event.", truncateForMessage(string(t)))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) == 0 && kind.Chat() {
		out = []EventType{EventCredentialIssued}
	}
	if len(out) == 0 {
		return nil, FieldErrorf("events", "The kinds of event to send, events, are required: name at least one, such as %q.", EventCredentialIssued)
	}
	return out, nil
}

// Endpoints lists a community's endpoints, oldest first.
func (w *Webhooks) Endpoints(ctx context.Context, issuerID string) ([]*Endpoint, error) {
	es, err := w.Store.EndpointsOf(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	out := make([]*Endpoint, len(es))
	for i, e := range es {
		out[i] = &e.Endpoint
	}
	return out, nil
}

// Endpoint reads one of a community's endpoints.
func (w *Webhooks) Endpoint(ctx context.Context, issuerID, id string) (*Endpoint, error) {
	e, err := w.endpoint(ctx, issuerID, id)
	if err != nil {
		return nil, err
	}
	return &e.Endpoint, nil
}

func (w *Webhooks) endpoint(ctx context.Context, issuerID, id string) (*StoredEndpoint, error) {
	if !ValidID(id) {
		return nil, errNoEndpoint(id)
	}
	e, err := w.Store.Endpoint(ctx, id)
	if err == nil && e.IssuerID != issuerID {
		return nil, errNoEndpoint(id)
	}
	return e, err
}

func errNoEndpoint(id string) error { return Errorf(ENOTFOUND, "No endpoint with id %q.", id) }

// Update changes one of a community's endpoints. Enabling one starts its
// count of failures afresh.
func (w *Webhooks) Update(ctx context.Context, issuerID, id string, u EndpointUpdate) (*Endpoint, error) {
	if _, err := w.endpoint(ctx, issuerID, id); err != nil {
		return nil, err
	}
	now := w.now()
	e, err := w.Store.UpdateEndpoint(ctx, id, func(e *StoredEndpoint) error {
		u.apply(e)
		e.UpdatedAt = now
		return e.normalize()
	})
	if err != nil {
		return nil, err
	}
	return &e.Endpoint, nil
}

func (u EndpointUpdate) apply(e *StoredEndpoint) {
	if u.URL != nil {
		e.URL = *u.URL
	}
	if u.Description != nil {
		e.Description = *u.Description
	}
	if u.Events != nil {
		e.Events = slices.Clone(*u.Events)
	}
	if u.Spotlight != nil {
		e.Spotlight = *u.Spotlight
	}
	switch {
	case u.Enabled == nil:
	case *u.Enabled:
		e.State, e.DisabledReason, e.FailingSince = EndpointEnabled, "", time.Time{}
	case e.State != EndpointDisabled:
		e.State, e.DisabledReason = EndpointDisabled, "Disabled by an admin."
	}
}

// RotateSecret gives a webhook a new secret, returned this once. The old
// one goes on signing every delivery beside the new one for overlap (0
// means DefaultSecretOverlap), so that receivers can move to the new one
// without losing a delivery.
func (w *Webhooks) RotateSecret(ctx context.Context, issuerID, id string, overlap time.Duration) (*Endpoint, string, error) {
	switch {
	case overlap == 0:
		overlap = DefaultSecretOverlap
	case overlap < 0 || overlap > MaxSecretOverlap:
		return nil, "", FieldErrorf("overlap", "The overlap must be between 0 and %d hours.", int(MaxSecretOverlap/time.Hour))
	}
	if _, err := w.endpoint(ctx, issuerID, id); err != nil {
		return nil, "", err
	}
	secret, err := NewWebhookSecret()
	if err != nil {
		return nil, "", err
	}
	now := w.now()
	e, err := w.Store.UpdateEndpoint(ctx, id, func(e *StoredEndpoint) error {
		if e.Kind != EndpointWebhook {
			return Errorf(ECONFLICT, "A %s channel has no secret to rotate.", e.Kind)
		}
		old := EndpointSecret{Until: now.Add(overlap)}
		if len(e.Secrets) > 0 {
			old.Sealed = e.Secrets[0].Sealed
		}
		e.Secrets = []EndpointSecret{{Sealed: w.Sealer.Seal([]byte(secret), e.ID)}}
		if old.Sealed != nil {
			e.Secrets = append(e.Secrets, old)
		}
		e.UpdatedAt = now
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return &e.Endpoint, secret, nil
}

// Delete removes one of a community's endpoints. The worker gives up its
// queued deliveries, and its delivery log can no longer be read.
func (w *Webhooks) Delete(ctx context.Context, issuerID, id string) error {
	if _, err := w.endpoint(ctx, issuerID, id); err != nil {
		return err
	}
	return w.Store.DeleteEndpoint(ctx, issuerID, id)
}
