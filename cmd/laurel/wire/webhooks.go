package wire

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/api/chat"
	"github.com/laurel-badges/laurel/badges"
)

// newWebhooks makes the communities' endpoints and the webhook outbox,
// which publishes the events every service causes unless c names another
// publisher. Their owners hear of an endpoint disabled after failing
// persistently.
func (l *Laurel) newWebhooks(c *Config) {
	if c.Describer == nil {
		c.Describer = l.Describer
	}
	if c.Formatter == nil {
		c.Formatter = chat.Formatter{}
	}
	l.Webhooks = &badges.Webhooks{Store: l.Stores.Webhooks, Describer: c.Describer, Formatter: c.Formatter, Sender: c.Webhooks,
		Sealer: c.Sealer, Owners: l.owners, Notifier: c.Notifier, Now: time.Now, Report: LogNotices(c.Logger),
		ConsoleURL: func(issuerID string) string { return l.URLs.Base() + "/admin/c/" + issuerID + "/integrations/webhooks" }}
	if c.Events == nil {
		l.Events.Use(l.Webhooks)
	}
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
