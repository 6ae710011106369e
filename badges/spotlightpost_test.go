package badges_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

type recordedEvents struct{ events []badges.CommunityEvent }

func (r *recordedEvents) Publish(_ context.Context, evs ...badges.CommunityEvent) error {
	r.events = append(r.events, evs...)
	return nil
}

// TestSpotlightPosts_Sweep: a community with an enabled chat channel that
// asked for the spotlight gets one post a week, with the week in its id;
// others get none.
func TestSpotlightPosts_Sweep(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) // Monday of 2026-W50, after nine
	eps := map[string][]*badges.Endpoint{
		"guild": {{Kind: badges.EndpointWebhook, Spotlight: true, State: badges.EndpointEnabled},
			{Kind: badges.EndpointSlack, Spotlight: true, State: badges.EndpointEnabled}},
		"quiet":    {{Kind: badges.EndpointDiscord, State: badges.EndpointEnabled}},
		"disabled": {{Kind: badges.EndpointTeams, Spotlight: true, State: badges.EndpointDisabled}},
		"broken":   nil,
	}
	pub := &recordedEvents{}
	s := &badges.SpotlightPosts{
		Communities: func(context.Context) ([]string, error) { return []string{"guild", "quiet", "disabled", "broken"}, nil },
		Endpoints: func(_ context.Context, id string) ([]*badges.Endpoint, error) {
			if id == "broken" {
				return nil, badges.Errorf(badges.EINTERNAL, "the store is down")
			}
			return eps[id], nil
		},
		Publisher: pub, Now: func() time.Time { return now },
	}
	n, err := s.Sweep(context.Background())
	if n != 1 || err == nil {
		t.Fatalf("Sweep = %d, %v; want 1 post and the broken community's error", n, err)
	}
	want := badges.CommunityEvent{ID: "spotlight.weekly:guild:2026-W50", Type: badges.EventSpotlightWeekly, IssuerID: "guild", At: now}
	if len(pub.events) != 1 || pub.events[0] != want {
		t.Fatalf("published %+v, want %+v", pub.events, want)
	}
	if n, _ := s.Sweep(context.Background()); n != 0 || len(pub.events) != 1 {
		t.Errorf("a second sweep in the week published again: %d, %+v", n, pub.events)
	}
	now = now.AddDate(0, 0, 7)
	if n, _ := s.Sweep(context.Background()); n != 1 || pub.events[1].ID != "spotlight.weekly:guild:2026-W51" {
		t.Errorf("the next week's sweep: %d, %+v", n, pub.events)
	}
}

// TestSpotlightPostDue: the week's post is due from Monday at nine, UTC.
func TestSpotlightPostDue(t *testing.T) {
	cases := map[time.Time]bool{
		time.Date(2026, 12, 7, 8, 59, 0, 0, time.UTC):  false, // Monday, before nine
		time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC):   true,
		time.Date(2026, 12, 13, 23, 0, 0, 0, time.UTC): true, // Sunday
		time.Date(2026, 12, 6, 23, 0, 0, 0, time.UTC):  true, // the Sunday before: still the week before's
	}
	for at, want := range cases {
		if got := badges.SpotlightPostDue(at); got != want {
			t.Errorf("SpotlightPostDue(%s) = %v, want %v", at, got, want)
		}
	}
	s := &badges.SpotlightPosts{Communities: func(context.Context) ([]string, error) { return nil, errors.New("not asked") },
		Now: func() time.Time { return time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC) }}
	if n, err := s.Sweep(context.Background()); n != 0 || err != nil {
		t.Errorf("a sweep before the post is due asked for communities: %d, %v", n, err)
	}
}
