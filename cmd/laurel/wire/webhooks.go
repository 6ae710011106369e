package wire

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

// newWebhooks makes the communities' endpoints and the webhook outbox.
// Their owners hear of an endpoint disabled after failing persistently.
func (l *Laurel) newWebhooks(c *Config) {
	if c.Describer == nil {
		c.Describer = communityDescriber{profiles: l.Stores.Profiles, urls: l.URLs}
	}
	if c.Formatter == nil {
		c.Formatter = silentChat{}
	}
	l.Webhooks = &badges.Webhooks{Store: l.Stores.Webhooks, Describer: c.Describer, Formatter: c.Formatter, Sender: c.Webhooks,
		Sealer: c.Sealer, Owners: l.owners, Notifier: c.Notifier, Now: time.Now, Report: LogNotices(c.Logger),
		ConsoleURL: func(issuerID string) string { return l.URLs.Base() + "/admin/c/" + issuerID + "/integrations/webhooks" }}
}

// owners are the addresses of a community's owners.
func (l *Laurel) owners(ctx context.Context, issuerID string) ([]string, error) {
	accounts, err := l.Accounts.AccountsOf(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range accounts {
		if role, ok := a.RoleIn(issuerID); ok && role == badges.RoleOwner {
			out = append(out, a.Email)
		}
	}
	return out, nil
}

// communityDescriber describes an event by its community alone: the
// describer Laurel uses until one names each event's subject.
type communityDescriber struct {
	profiles *imongo.ProfileService
	urls     issuer.URLs
}

func (d communityDescriber) Describe(ctx context.Context, e badges.CommunityEvent) (*badges.EventPayload, error) {
	c := badges.EventCommunity{ID: e.IssuerID, URL: d.urls.Issuer(e.IssuerID)}
	p, err := d.profiles.Profile(ctx, e.IssuerID)
	switch {
	case err == nil:
		c.Name = p.Name
	case badges.ErrorCode(err) != badges.ENOTFOUND: // a community gone is described by its id
		return nil, err
	}
	return &badges.EventPayload{Type: e.Type, Timestamp: e.At, Data: badges.EventData{EventID: e.ID, Community: c}}, nil
}

// silentChat announces nothing in chat channels: the formatter Laurel
// uses until one words each event for each platform.
type silentChat struct{}

func (silentChat) Format(context.Context, *badges.Endpoint, *badges.EventPayload) ([]byte, string, error) {
	return nil, "", badges.ErrSkipEvent
}
