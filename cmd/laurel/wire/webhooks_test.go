package wire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/laurel-badges/laurel/api/hooks"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// TestNew_Webhooks: the wired webhook outbox describes an event with its
// community and delivers it; the community's owners are found for the
// e-mail of an endpoint disabled.
func TestNew_Webhooks(t *testing.T) {
	ctx := context.Background()
	bodies := make(chan []byte, 1)
	r := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		bodies <- b
	}))
	defer r.Close()
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l, err := wire.New(mongotest.NewDB(t), wire.Config{BaseURL: "https://badges.example.org", Sealer: sealer,
		Webhooks: hooks.NewSender(hooks.Options{AllowLoopback: true})})
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{Name: "Guild", URL: "https://guild.example.org", Email: "hello@guild.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Accounts.CreateAccount(ctx, badges.AccountInput{Email: "owner@guild.example.org", Name: "Owner",
		Roles: map[string]badges.Role{p.ID: badges.RoleOwner}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Webhooks.Create(ctx, p.ID, badges.EndpointInput{URL: r.URL, Events: []badges.EventType{badges.EventMemberCreated}}); err != nil {
		t.Fatal(err)
	}
	if err := l.Webhooks.Publish(ctx, badges.CommunityEvent{ID: "member.created:m1", Type: badges.EventMemberCreated, IssuerID: p.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Webhooks.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var got badges.EventPayload
	if err := json.Unmarshal(<-bodies, &got); err != nil || got.Data.Community.Name != "Guild" || got.Data.Community.URL != "https://badges.example.org/issuers/"+p.ID {
		t.Errorf("payload %+v, %v", got, err)
	}
	owners, err := l.Webhooks.Owners(ctx, p.ID)
	if err != nil || len(owners) != 1 || owners[0] != "owner@guild.example.org" {
		t.Errorf("owners %v, %v", owners, err)
	}
}
