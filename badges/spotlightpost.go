package badges

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The weekly spotlight post: once a week, every community with a chat
// channel that asked for it (Endpoint.Spotlight) publishes a
// spotlight.weekly event, which the webhook outbox describes (the pinned
// member, the week's awards) and posts to those channels. The event's id
// names the community and the ISO week, so publishing it again (a second
// process, a restart) posts nothing twice.

// SpotlightPostHour is when, on the Monday of an ISO week (UTC), the
// week's post falls due: a community's channels hear of it at the start
// of a working week, not at midnight.
const SpotlightPostHour = 9

// SpotlightPosts publishes the weekly spotlight posts.
type SpotlightPosts struct {
	// Communities lists the ids of every community: a scan of a small
	// collection, for this weekly sweep only.
	Communities func(ctx context.Context) ([]string, error)
	// Endpoints lists a community's endpoints (Webhooks.Endpoints).
	Endpoints func(ctx context.Context, issuerID string) ([]*Endpoint, error)
	Publisher EventPublisher
	Now       func() time.Time

	mu   sync.Mutex
	sent map[string]string // community id → the ISO week published, so an hourly sweep writes once a week
}

// SpotlightEventID is the id of a community's spotlight post of an ISO
// week: "spotlight.weekly:<issuer>:2026-W49".
func SpotlightEventID(issuerID, week string) string {
	return string(EventSpotlightWeekly) + ":" + issuerID + ":" + week
}

// SpotlightPostDue reports whether the post of now's ISO week is due:
// from Monday at SpotlightPostHour, UTC.
func SpotlightPostDue(now time.Time) bool {
	now = now.UTC()
	monday := (int(now.Weekday()) + 6) % 7 // days since Monday
	start := time.Date(now.Year(), now.Month(), now.Day()-monday, SpotlightPostHour, 0, 0, 0, time.UTC)
	return !now.Before(start)
}

// Sweep publishes this week's post for every community with an enabled
// chat channel that asked for it and not yet published by this sweep,
// and reports how many it published. A community it fails for is tried
// again at the next sweep; the errors are returned after the others are
// done.
func (s *SpotlightPosts) Sweep(ctx context.Context) (int, error) {
	now := s.Now()
	if !SpotlightPostDue(now) {
		return 0, nil
	}
	week := ISOWeek(now)
	ids, err := s.Communities(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		if s.published(id) == week {
			continue
		}
		ok, err := s.post(ctx, id, week, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ok {
			n++
		}
		s.remember(id, week)
		if ctx.Err() != nil {
			break
		}
	}
	return n, errors.Join(errs...)
}

// post publishes a community's post of week if one of its channels wants
// it, and reports whether it did.
func (s *SpotlightPosts) post(ctx context.Context, issuerID, week string, now time.Time) (bool, error) {
	eps, err := s.Endpoints(ctx, issuerID)
	if err != nil {
		return false, err
	}
	for _, e := range eps {
		if e.Kind.Chat() && e.Spotlight && e.State == EndpointEnabled {
			ev := CommunityEvent{ID: SpotlightEventID(issuerID, week), Type: EventSpotlightWeekly, IssuerID: issuerID, At: now}
			return true, s.Publisher.Publish(ctx, ev)
		}
	}
	return false, nil
}

func (s *SpotlightPosts) published(issuerID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[issuerID]
}

func (s *SpotlightPosts) remember(issuerID, week string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sent == nil {
		s.sent = map[string]string{}
	}
	s.sent[issuerID] = week
}
