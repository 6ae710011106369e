package chat

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestCheckURL: each platform's own incoming-webhook URLs, and nothing
// else unless any URL is allowed.
func TestCheckURL(t *testing.T) {
	cases := []struct {
		kind badges.EndpointKind
		url  string
		ok   bool
	}{
		{badges.EndpointSlack, "https://hooks.slack.com/services/T0/B0/abc", true},
		{badges.EndpointSlack, "https://hooks.slack.com/workflows/T0/abc", false},
		{badges.EndpointSlack, "http://hooks.slack.com/services/T0/B0/abc", false},
		{badges.EndpointSlack, "https://hooks.slack.com.evil.example/services/T0/B0/abc", false},
		{badges.EndpointSlack, "https://user:pw@hooks.slack.com/services/T0/B0/abc", false},
		{badges.EndpointDiscord, "https://discord.com/api/webhooks/123/tok", true},
		{badges.EndpointDiscord, "https://discordapp.com/api/webhooks/123/tok", true},
		{badges.EndpointDiscord, "https://discord.com:8443/api/webhooks/123/tok", false},
		{badges.EndpointDiscord, "https://hooks.slack.com/services/T0/B0/abc", false},
		{badges.EndpointTeams, "https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x", true},
		{badges.EndpointTeams, "https://default1234.56.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/abc/triggers/manual/paths/invoke?sig=x", true},
		{badges.EndpointTeams, "https://example.webhook.office.com/webhookb2/abc", false},
		{badges.EndpointWebhook, "https://hooks.slack.com/services/T0/B0/abc", false},
	}
	for _, c := range cases {
		err := CheckURL(c.kind, c.url, false)
		if (err == nil) != c.ok {
			t.Errorf("CheckURL(%s, %s) = %v, want ok %v", c.kind, c.url, err, c.ok)
		}
		if err != nil && badges.ErrorCode(err) != badges.EINVALID {
			t.Errorf("CheckURL(%s, %s): code %q", c.kind, c.url, badges.ErrorCode(err))
		}
	}
	if err := CheckURL(badges.EndpointSlack, "http://127.0.0.1:9/x", true); err != nil {
		t.Errorf("any URL allowed, a local receiver refused: %v", err)
	}
	if err := CheckURL(badges.EndpointSlack, "ftp://127.0.0.1/x", true); err == nil {
		t.Error("any URL allowed, an ftp URL taken")
	}
}

// TestShortURLAndRedact: a URL is shown by its host and last four
// characters, and taken out of an error message quoting it.
func TestShortURLAndRedact(t *testing.T) {
	u := "https://hooks.slack.com/services/T0/B0/secretAbcd"
	if got := ShortURL(u); got != "hooks.slack.com/…Abcd" {
		t.Errorf("ShortURL = %q", got)
	}
	if got := ShortURL("https://x.example/"); got != "x.example/…" {
		t.Errorf("ShortURL of a bare host = %q", got)
	}
	msg := `Post "` + u + `": dial tcp: connection refused`
	if got := Redact(msg, u); got != `Post "hooks.slack.com/…Abcd": dial tcp: connection refused` {
		t.Errorf("Redact = %q", got)
	}
	teams := "https://prod.logic.azure.com:443/workflows/abc/invoke?sp=x&sig=SECRETSIG"
	if got := Redact("failed at /workflows/abc/invoke?sp=x&sig=SECRETSIG", teams); got != "failed at /…?…" {
		t.Errorf("Redact of a path and query = %q", got)
	}
}
