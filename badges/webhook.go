package badges

import (
	"context"
	"errors"
	"time"
)

// A community's endpoints receive its events: webhooks signed per the
// Standard Webhooks specification, chat channels (Slack, Discord and
// Microsoft Teams incoming webhooks) that announce awards, and REST hook
// subscriptions that no-code tools make and remove themselves. Every
// delivery leaves through the durable webhook outbox, at least once, with
// retries and a delivery log.

// EndpointKind says what receives an endpoint's events and in what form.
type EndpointKind string

// The kinds of endpoint.
const (
	EndpointWebhook EndpointKind = "webhook" // the event's JSON, signed
	EndpointSlack   EndpointKind = "slack"   // a Slack incoming webhook: announcements
	EndpointDiscord EndpointKind = "discord" // a Discord channel webhook: announcements
	EndpointTeams   EndpointKind = "teams"   // a Microsoft Teams incoming webhook: announcements
)

// Chat reports whether k is a chat channel, which announces events in
// words rather than receiving their JSON.
func (k EndpointKind) Chat() bool {
	return k == EndpointSlack || k == EndpointDiscord || k == EndpointTeams
}

// EventSpotlightWeekly is the weekly spotlight post to chat channels that
// asked for it; webhooks cannot subscribe to it.
const EventSpotlightWeekly EventType = "spotlight.weekly"

// EndpointState says whether an endpoint receives deliveries.
type EndpointState string

// The states of an endpoint.
const (
	EndpointEnabled  EndpointState = "enabled"
	EndpointDisabled EndpointState = "disabled" // by an admin, or after failing persistently
)

// Endpoint is one receiver of a community's events.
type Endpoint struct {
	ID          string
	IssuerID    string
	Kind        EndpointKind
	URL         string
	Description string
	Events      []EventType
	// Spotlight asks a chat channel for the weekly spotlight post.
	Spotlight bool
	// RESTHook marks a subscription a no-code tool made through the REST
	// hooks API, which it removes by unsubscribing.
	RESTHook bool
	State    EndpointState
	// DisabledReason says why an endpoint is disabled, in words.
	DisabledReason string
	// FailingSince is when the current run of failed deliveries began;
	// zero while deliveries succeed.
	FailingSince time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// EventFormatter writes an event for an endpoint: the body of the POST
// and its media type. ErrSkipEvent means the endpoint has nothing to say
// of this event (a chat channel and a member who does not consent to be
// named): the delivery is recorded as skipped, not sent.
type EventFormatter interface {
	Format(ctx context.Context, ep *Endpoint, p *EventPayload) (body []byte, mediaType string, err error)
}

// ErrSkipEvent is what an EventFormatter answers for an event its
// endpoint does not announce.
var ErrSkipEvent = errors.New("badges: the endpoint does not announce this event")
