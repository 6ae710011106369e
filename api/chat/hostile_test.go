package chat

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// hostileNames are names people could choose that must stay text.
var hostileNames = map[string]string{
	"script":   `<script>alert(1)</script>`,
	"everyone": "@everyone @here <!channel> <@U123>",
	"markup":   "*bold* _it_ ~strike~ `code` **x** [link](https://evil.example) <https://evil.example|click> & co",
	"long":     strings.Repeat("Ada Lovelace the Great ", 300),
	"ampers":   strings.Repeat("&", 2000),
	"rtl":      "\u202eecalevoL adA \u0622\u062f\u0627 \u0644\u0648\u0641\u0644\u064a\u0633",
	"emoji":    strings.Repeat("👩‍👩‍👧‍👦🏳️‍🌈", 200),
	"newlines": "Ada\n\n# Heading\n> quote\r\n- list",
	"json":     `"},{"type":"section"}],"text":"x`,
}

// TestFormatter_HostileNames: whatever a member, a badge or a community is
// called, every platform's message keeps the schema's rules and limits,
// and the name stays words: no mention, no markup, no broken layout.
func TestFormatter_HostileNames(t *testing.T) {
	for name, hostile := range hostileNames {
		for _, k := range kinds {
			t.Run(name+"/"+string(k), func(t *testing.T) {
				for _, p := range hostilePayloads(hostile) {
					body, err := format(t, k, p)
					if err != nil {
						t.Fatal(err)
					}
					if err := checkMessage(k, body); err != nil {
						t.Fatal(err)
					}
					checkInert(t, k, body)
				}
			})
		}
	}
}

// hostilePayloads are an award and a spotlight naming everything hostile.
func hostilePayloads(hostile string) []*badges.EventPayload {
	p := issued(hostile, true)
	p.Data.Badge.Name, p.Data.Community.Name = hostile, hostile
	s := spotlight(12, hostile)
	s.Data.Community.Name, s.Data.Spotlight.Pinned.Name = hostile, hostile
	for i := range s.Data.Spotlight.Awards {
		s.Data.Spotlight.Awards[i].Member.Name, s.Data.Spotlight.Awards[i].Badge.Name = hostile, hostile
	}
	return []*badges.EventPayload{p, s}
}

// checkInert checks that a hostile name did not become markup in body.
func checkInert(t *testing.T, k badges.EndpointKind, body []byte) {
	t.Helper()
	s := string(body)
	for _, bad := range []string{"\u202e", "<script", "<!channel>", "<@U123>", "<https://evil.example"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: %q survives in %s", k, bad, trim(s))
		}
	}
	switch k {
	case badges.EndpointDiscord:
		var m discordBody
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Content, "[link](") || strings.Contains(m.Embeds[0].Description, "[link](https://evil") {
			t.Errorf("discord: a masked link from a name: %s", trim(s))
		}
		if strings.Contains(m.Content, "*bold*") && !strings.Contains(m.Content, `\*bold\*`) {
			t.Errorf("discord: unescaped markdown: %s", trim(m.Content))
		}
	case badges.EndpointSlack:
		if strings.Contains(s, " *bold* ") {
			t.Errorf("slack: formatting characters not guarded: %s", trim(s))
		}
	case badges.EndpointTeams:
		if strings.Contains(s, `"TextBlock"`) {
			t.Errorf("teams: a TextBlock reads markdown: %s", trim(s))
		}
	}
}

func trim(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// TestClip: names are cut on a character with an ellipsis, and cleaned.
func TestClip(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"Ada", 20, "Ada"},
		{"  Ada \n Lovelace\t", 20, "Ada Lovelace"},
		{"\u202eAda\u2066", 20, "Ada"},
		{"éééééé", 5, "éééé…"},
	}
	for _, c := range cases {
		if got := clip(c.in, c.n); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
	if got := cutUnits("a👩b", 3); got != "a…" {
		t.Errorf("cutUnits cut inside a character: %q", got)
	}
	if got := name(" \n ", "A member"); got != "A member" {
		t.Errorf("an empty name is %q", got)
	}
}
