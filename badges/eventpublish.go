package badges

import (
	"context"
	"strings"
	"time"
)

// Whatever causes an event publishes it once its own state is stored, so a
// failed operation publishes nothing. Where asking again re-runs the path
// that publishes (an award with its idempotency key, a revocation, an
// approval, an endorsement), a failure to publish fails the request and
// the retry publishes the same event, which the outbox keeps once. Where
// it does not (a member added, a nomination made, a badge activated), the
// operation stands, the failure is reported for the operator, and a
// crash between the write and the event loses the event.

// EventID is the idempotency key of an event: its type and the ids of
// what it is about, e.g. "credential.issued:<credential id>".
func EventID(t EventType, parts ...string) string {
	return string(t) + ":" + strings.Join(parts, ":")
}

// NewEvent returns an event of type t in a community at at (to the
// millisecond, as stored times are), its ID made of parts (see EventID).
func NewEvent(t EventType, issuerID string, at time.Time, s EventSubject, parts ...string) CommunityEvent {
	return CommunityEvent{ID: EventID(t, parts...), Type: t, IssuerID: issuerID, At: at.UTC().Truncate(time.Millisecond), Subject: s}
}

// PublishEvents publishes events through p, which may be nil (no
// publisher wired): nothing is published then, nor for no events.
func PublishEvents(ctx context.Context, p EventPublisher, events ...CommunityEvent) error {
	if p == nil || len(events) == 0 {
		return nil
	}
	return p.Publish(ctx, events...)
}

// maxEventBatch bounds the events of one Publish call, so that a large
// import is published in a few bounded writes.
const maxEventBatch = 1000

// PublishEventBatches publishes events maxEventBatch at a time.
func PublishEventBatches(ctx context.Context, p EventPublisher, events []CommunityEvent) error {
	for len(events) > 0 {
		n := min(len(events), maxEventBatch)
		if err := PublishEvents(ctx, p, events[:n]...); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

// reportEvents publishes events and reports a failure through report
// (nil: dropped), for causes whose operation stands whatever becomes of
// its events.
func reportEvents(ctx context.Context, p EventPublisher, report func(Notice), events ...CommunityEvent) {
	err := PublishEvents(ctx, p, events...)
	if err != nil && report != nil && ctx.Err() == nil && len(events) > 0 {
		report(Notice{Doing: "publishing an event", Award: events[0].ID, Err: err})
	}
}
