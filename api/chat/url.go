package chat

import (
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// An incoming-webhook URL is a secret: whoever has it can post to the
// channel. It is checked against the platform's form when a channel is
// added, so that a URL pasted into the wrong platform's field is caught at
// once, and it is shown only shortened.

// Platform is what the console says of a kind of chat channel.
type Platform struct {
	Kind  badges.EndpointKind
	Name  string // "Slack"
	Shape string // what its URLs look like, for messages and hints
}

// Platforms are the chat platforms, in the order the console offers them.
var Platforms = []Platform{
	{badges.EndpointSlack, "Slack", "https://hooks.slack.com/services/…"},
	{badges.EndpointDiscord, "Discord", "https://discord.com/api/webhooks/…"},
	{badges.EndpointTeams, "Microsoft Teams", "a Workflows URL under logic.azure.com or api.powerplatform.com"},
}

// PlatformOf is the platform of kind k; ok is false for a kind that is
// not a chat channel.
func PlatformOf(k badges.EndpointKind) (Platform, bool) {
	for _, p := range Platforms {
		if p.Kind == k {
			return p, true
		}
	}
	return Platform{}, false
}

// CheckURL checks that raw is an incoming-webhook URL of kind k's
// platform. With anyURL (the operator allows loopback receivers, as tests
// do) any http or https URL is taken.
func CheckURL(k badges.EndpointKind, raw string, anyURL bool) error {
	p, ok := PlatformOf(k)
	if !ok {
		return badges.FieldErrorf("kind", "Choose the chat platform: Slack, Discord or Microsoft Teams.")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.User != nil {
		return badges.FieldErrorf("url", "Enter the channel's incoming-webhook URL, as %s gives it: %s.", p.Name, p.Shape)
	}
	if anyURL && (u.Scheme == "https" || u.Scheme == "http") {
		return nil
	}
	if u.Scheme != "https" || !platformURL(k, strings.ToLower(u.Hostname()), u.Port(), u.Path) {
		return badges.FieldErrorf("url", "This is not a %s incoming-webhook URL: it should look like %s.", p.Name, p.Shape)
	}
	return nil
}

// platformURL reports whether host, port and path are those of kind k's
// webhooks.
func platformURL(k badges.EndpointKind, host, port, path string) bool {
	if port != "" && port != "443" {
		return false
	}
	switch k {
	case badges.EndpointSlack:
		return host == "hooks.slack.com" && strings.HasPrefix(path, "/services/") && len(path) > len("/services/")
	case badges.EndpointDiscord:
		switch host {
		case "discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com":
			return strings.HasPrefix(path, "/api/webhooks/") && len(path) > len("/api/webhooks/")
		}
	case badges.EndpointTeams:
		return (strings.HasSuffix(host, ".logic.azure.com") || strings.HasSuffix(host, ".api.powerplatform.com")) &&
			strings.Contains(path, "/workflows/")
	}
	return false
}

// ShortURL shows a webhook URL without its secret: the host and the last
// four characters, e.g. "hooks.slack.com/…x9Qz".
func ShortURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	tail := strings.TrimRight(u.Path+"?"+u.RawQuery, "?/")
	if r := []rune(tail); len(r) > 4 {
		tail = string(r[len(r)-4:])
	} else {
		tail = ""
	}
	return u.Hostname() + "/…" + tail
}

// Redact takes a webhook URL out of text (an error message may quote the
// URL it failed to reach), leaving its short form.
func Redact(text, raw string) string {
	if raw == "" {
		return text
	}
	short := ShortURL(raw)
	text = strings.ReplaceAll(text, raw, short)
	if u, err := url.Parse(raw); err == nil && u.Path != "" && len(u.Path) > 1 {
		text = strings.ReplaceAll(text, u.EscapedPath(), "/…")
		if u.RawQuery != "" {
			text = strings.ReplaceAll(text, u.RawQuery, "…")
		}
	}
	return text
}
