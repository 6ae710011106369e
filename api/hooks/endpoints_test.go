package hooks_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// TestWebhooks_CreateInvalid: a bad endpoint is refused with the field
// at fault, and nothing is stored.
func TestWebhooks_CreateInvalid(t *testing.T) {
	f := newFixture(t)
	ok := badges.EndpointInput{URL: "https://hooks.example.org/laurel", Events: []badges.EventType{badges.EventCredentialIssued}}
	for _, tc := range []struct {
		name, field string
		change      func(in *badges.EndpointInput)
	}{
		{"no url", "url", func(in *badges.EndpointInput) { in.URL = "" }},
		{"relative url", "url", func(in *badges.EndpointInput) { in.URL = "/hooks" }},
		{"ftp url", "url", func(in *badges.EndpointInput) { in.URL = "ftp://hooks.example.org/" }},
		{"user info", "url", func(in *badges.EndpointInput) { in.URL = "https://ann:secret@hooks.example.org/" }},
		{"long url", "url", func(in *badges.EndpointInput) { in.URL = "https://hooks.example.org/" + strings.Repeat("a", 2048) }},
		{"no events", "events", func(in *badges.EndpointInput) { in.Events = nil }},
		{"unknown event", "events", func(in *badges.EndpointInput) { in.Events = []badges.EventType{"credential.eaten"} }},
		{"spotlight event", "events", func(in *badges.EndpointInput) { in.Events = []badges.EventType{badges.EventSpotlightWeekly} }},
		{"long description", "description", func(in *badges.EndpointInput) { in.Description = strings.Repeat("d", 201) }},
		{"unknown kind", "kind", func(in *badges.EndpointInput) { in.Kind = "irc" }},
		{"webhook spotlight", "spotlight", func(in *badges.EndpointInput) { in.Spotlight = true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.change(&in)
			_, _, err := f.w.Create(context.Background(), "guild", in)
			if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != tc.field {
				t.Errorf("error %v (field %q), want field %q", err, badges.ErrorField(err), tc.field)
			}
		})
	}
	if es, err := f.w.Endpoints(context.Background(), "guild"); err != nil || len(es) != 0 {
		t.Errorf("endpoints stored: %d, %v", len(es), err)
	}
}

// TestWebhooks_Endpoints: create, read, update, delete; a chat channel
// hears of credentials issued by default and has no secret; a community
// cannot see or change another's endpoints; the bound holds.
func TestWebhooks_Endpoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e, secret := f.endpoint(t, "https://hooks.example.org/a", badges.EventMemberCreated, badges.EventMemberCreated)
	if len(e.Events) != 1 || e.State != badges.EndpointEnabled || len(secret) < 40 {
		t.Errorf("created %+v with secret %q", e, secret)
	}
	raw, err := f.db.Collection(database.Webhooks).FindOne(ctx, database.ByID(e.ID)).Raw()
	if err != nil || bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(strings.TrimPrefix(secret, "whsec_"))) {
		t.Errorf("the secret is stored in the clear (%v)", err)
	}
	slack, secret, err := f.w.Create(ctx, "guild", badges.EndpointInput{Kind: badges.EndpointSlack, URL: "https://hooks.slack.com/services/T/B/X", Spotlight: true})
	if err != nil || secret != "" || len(slack.Events) != 1 || slack.Events[0] != badges.EventCredentialIssued {
		t.Errorf("slack channel %+v, secret %q, %v", slack, secret, err)
	}
	if _, _, err := f.w.RotateSecret(ctx, "guild", slack.ID, 0); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("rotating a chat channel's secret: %v", err)
	}
	for name, err := range map[string]error{
		"read":   errOf(f.w.Endpoint(ctx, "other", e.ID)),
		"update": errOf(f.w.Update(ctx, "other", e.ID, badges.EndpointUpdate{})),
		"delete": f.w.Delete(ctx, "other", e.ID),
		"junk":   errOf(f.w.Endpoint(ctx, "guild", "../x")),
	} {
		if badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("%s from another community: %v", name, err)
		}
	}
	url, events := "https://hooks.example.org/b", []badges.EventType{badges.EventCredentialRevoked}
	got, err := f.w.Update(ctx, "guild", e.ID, badges.EndpointUpdate{URL: &url, Events: &events})
	if err != nil || got.URL != url || got.Events[0] != badges.EventCredentialRevoked {
		t.Errorf("updated %+v, %v", got, err)
	}
	bad := "not a url"
	if _, err := f.w.Update(ctx, "guild", e.ID, badges.EndpointUpdate{URL: &bad}); badges.ErrorField(err) != "url" {
		t.Errorf("update to a bad url: %v", err)
	}
	for i := 2; i < badges.MaxEndpoints; i++ {
		f.endpoint(t, fmt.Sprintf("https://hooks.example.org/%d", i))
	}
	if _, _, err := f.w.Create(ctx, "guild", badges.EndpointInput{URL: "https://hooks.example.org/x", Events: events}); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("endpoint %d: %v", badges.MaxEndpoints+1, err)
	}
	if err := f.w.Delete(ctx, "guild", e.ID); err != nil {
		t.Fatal(err)
	}
	es, err := f.w.Endpoints(ctx, "guild")
	if err != nil || len(es) != badges.MaxEndpoints-1 || es[0].ID != slack.ID {
		t.Errorf("after delete: %d endpoints, first %v, %v", len(es), es[0].ID, err)
	}
}

func errOf[T any](_ T, err error) error { return err }

// TestWebhooks_Publish: an event of no known type, or without an id or
// community, is refused and nothing is queued.
func TestWebhooks_Publish(t *testing.T) {
	f := newFixture(t)
	for _, e := range []badges.CommunityEvent{
		{ID: "", Type: badges.EventCredentialIssued, IssuerID: "guild"},
		{ID: "x", Type: "credential.eaten", IssuerID: "guild"},
		{ID: "x", Type: badges.EventCredentialIssued},
		{ID: strings.Repeat("x", 301), Type: badges.EventCredentialIssued, IssuerID: "guild"},
	} {
		if err := f.w.Publish(context.Background(), e); badges.ErrorCode(err) != badges.EINVALID {
			t.Errorf("%+v: %v", e, err)
		}
	}
}
