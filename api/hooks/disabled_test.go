package hooks_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestWebhooks_CreatedDisabled: an endpoint created disabled is never
// delivered to, even with events already queued when it is made, until
// it is enabled.
func TestWebhooks_CreatedDisabled(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	f.publish(t, "credential.issued:c1")
	e, _, err := f.w.Create(context.Background(), "guild", badges.EndpointInput{URL: r.URL, Disabled: true,
		Events: []badges.EventType{badges.EventCredentialIssued}})
	if err != nil {
		t.Fatal(err)
	}
	if e.State != badges.EndpointDisabled || e.DisabledReason == "" {
		t.Errorf("created disabled: state %q, reason %q", e.State, e.DisabledReason)
	}
	f.drain(t)
	if n := len(r.requests()); n != 0 {
		t.Errorf("an endpoint created disabled got %d requests", n)
	}
	on := true
	if _, err := f.w.Update(context.Background(), "guild", e.ID, badges.EndpointUpdate{Enabled: &on}); err != nil {
		t.Fatal(err)
	}
	f.publish(t, "credential.issued:c2")
	f.drain(t)
	if n := len(r.requests()); n != 1 {
		t.Errorf("enabled, the endpoint got %d requests, want 1 (c2)", n)
	}
}
