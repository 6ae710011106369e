package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var kinds = []badges.EndpointKind{badges.EndpointSlack, badges.EndpointDiscord, badges.EndpointTeams}

const base = "https://badges.example.org"

// issued is a credential.issued payload as the outbox describes it.
func issued(name string, public bool) *badges.EventPayload {
	return &badges.EventPayload{Type: badges.EventCredentialIssued, Timestamp: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), Data: badges.EventData{
		EventID:    "credential.issued:cred-1",
		Community:  badges.EventCommunity{ID: "guild", Name: "The Makers Guild", URL: base + "/issuers/guild"},
		Credential: &badges.EventCredential{ID: "cred-1", URL: base + "/credentials/cred-1", IssuedOn: time.Date(2026, 12, 7, 8, 59, 0, 0, time.UTC)},
		Badge:      &badges.EventBadge{ID: "lead", Name: "Community Leader", URL: base + "/achievements/lead", ImageURL: base + "/achievements/lead/image.png"},
		Member:     &badges.EventMember{ID: "m1", Name: name, Email: "ada@example.org", ExternalID: "ext-42", Public: public, ProfileURL: profile(public)},
	}}
}

func profile(public bool) string {
	if public {
		return base + "/members/ada"
	}
	return ""
}

// spotlight is a spotlight.weekly payload with n awards to consenting
// members and one to a member who does not consent.
func spotlight(n int, note string) *badges.EventPayload {
	s := &badges.EventSpotlight{URL: base + "/issuers/guild/spotlight", Note: note,
		Pinned: &badges.EventMember{ID: "m1", Name: "Ada Lovelace", Public: true, ProfileURL: base + "/members/ada"}}
	for i := range n {
		s.Awards = append(s.Awards, badges.EventAward{
			Member:        badges.EventMember{ID: fmt.Sprint("m", i), Name: fmt.Sprint("Member ", i+1), Public: true},
			Badge:         badges.EventBadge{ID: "host", Name: "Session Host", ImageURL: base + "/achievements/host/image.png"},
			CredentialURL: fmt.Sprint(base, "/credentials/c", i),
		})
	}
	s.Awards = append(s.Awards, badges.EventAward{Member: badges.EventMember{Name: "Private Person"}, Badge: badges.EventBadge{Name: "Session Host"}, CredentialURL: base + "/credentials/private"})
	return &badges.EventPayload{Type: badges.EventSpotlightWeekly, Timestamp: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), Data: badges.EventData{
		EventID: "spotlight.weekly:guild:2026-W50", Community: badges.EventCommunity{ID: "guild", Name: "The Makers Guild"}, Spotlight: s}}
}

func format(t *testing.T, kind badges.EndpointKind, p *badges.EventPayload) ([]byte, error) {
	t.Helper()
	body, mt, err := Formatter{}.Format(context.Background(), &badges.Endpoint{Kind: kind}, p)
	if err == nil && mt != "application/json" {
		t.Errorf("media type %q", mt)
	}
	return body, err
}

// TestFormatter_Golden compares each platform's messages with the
// recorded ones in testdata (see testdata/README.md for what they follow).
func TestFormatter_Golden(t *testing.T) {
	activated := issued("", false)
	activated.Type = badges.EventBadgeActivated
	ping := &badges.EventPayload{Type: badges.EventPing, Data: badges.EventData{EventID: "ping:1", Community: badges.EventCommunity{ID: "guild", Name: "The Makers Guild", URL: base + "/issuers/guild"}}}
	bare := &badges.EventPayload{Type: badges.EventPing, Data: badges.EventData{EventID: "ping:2", Community: badges.EventCommunity{ID: "guild"}}}
	cases := map[string]*badges.EventPayload{
		"ping":      ping,
		"ping-bare": bare,
		"issued":    issued("Ada Lovelace", true),
		"activated": activated,
		"spotlight": spotlight(12, "Ran every meetup this spring & fixed the 3D printer."),
	}
	for name, p := range cases {
		for _, k := range kinds {
			t.Run(name+"/"+string(k), func(t *testing.T) {
				body, err := format(t, k, p)
				if err != nil {
					t.Fatal(err)
				}
				if err := checkMessage(k, body); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", name+"."+string(k)+".json"), body)
			})
		}
	}
}

// golden compares body, indented, with the file at path, or writes it
// with -update.
func golden(t *testing.T, path string, body []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, body, "", "  "); err != nil {
		t.Fatal(err)
	}
	b.WriteByte('\n')
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s differs:\n got %s\nwant %s", path, b.Bytes(), want)
	}
}

// TestFormatter_Skips: a member who does not consent to be named is never
// announced, nor an event chat does not announce, nor an empty spotlight.
func TestFormatter_Skips(t *testing.T) {
	revoked := issued("Ada Lovelace", true)
	revoked.Type = badges.EventCredentialRevoked
	noMember := issued("Ada Lovelace", true)
	noMember.Data.Member = nil
	empty := spotlight(0, "")
	empty.Data.Spotlight.Pinned = nil
	privatePin := spotlight(0, "A private note.")
	privatePin.Data.Spotlight.Pinned.Public = false
	cases := map[string]*badges.EventPayload{
		"not consenting": issued("Ada Lovelace", false),
		"revoked":        revoked,
		"no member":      noMember,
		"empty week":     empty,
		"private pin":    privatePin,
	}
	for name, p := range cases {
		for _, k := range kinds {
			t.Run(name+"/"+string(k), func(t *testing.T) {
				body, err := format(t, k, p)
				if !errors.Is(err, badges.ErrSkipEvent) {
					t.Fatalf("err %v, body %s; want ErrSkipEvent", err, body)
				}
			})
		}
	}
	if _, _, err := (Formatter{}).Format(context.Background(), &badges.Endpoint{Kind: badges.EndpointWebhook}, issued("Ada", true)); err == nil {
		t.Error("a webhook endpoint was formatted as a chat channel")
	}
}

// TestFormatter_PrivateAwardsLeftOut: the week's awards to members who do
// not consent are not named, and the list is bounded with a count.
func TestFormatter_PrivateAwardsLeftOut(t *testing.T) {
	for _, k := range kinds {
		body, err := format(t, k, spotlight(12, ""))
		if err != nil {
			t.Fatal(err)
		}
		s := string(body)
		if strings.Contains(s, "Private Person") || strings.Contains(s, "credentials/private") {
			t.Errorf("%s names a member who does not consent: %s", k, s)
		}
		if !strings.Contains(s, "Member 10") || strings.Contains(s, "Member 11") || !strings.Contains(s, "and 2 more awards") {
			t.Errorf("%s: the list is not the first 10 and a count of 2: %s", k, s)
		}
	}
}

// TestFormatter_NoAddresses: a chat post names a consenting member and
// never carries the e-mail address or external id the event describes for
// the community's own webhooks.
func TestFormatter_NoAddresses(t *testing.T) {
	for _, k := range kinds {
		body, err := format(t, k, issued("Ada Lovelace", true))
		if err != nil {
			t.Fatal(err)
		}
		if s := string(body); strings.Contains(s, "ada@example.org") || strings.Contains(s, "ext-42") {
			t.Errorf("%s carries the member's address: %s", k, s)
		}
	}
}

// TestFormatter_ImagesOnPublicServersOnly: art the platforms cannot fetch
// (a development server) is left out, and the post still goes.
func TestFormatter_ImagesOnPublicServersOnly(t *testing.T) {
	for _, img := range []string{"http://badges.example.org/a.png", "https://localhost:8080/a.png", "https://127.0.0.1/a.png", "https://10.0.0.7/a.png", "not a url"} {
		p := issued("Ada Lovelace", true)
		p.Data.Badge.ImageURL = img
		for _, k := range kinds {
			body, err := format(t, k, p)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkMessage(k, body); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(body), img) {
				t.Errorf("%s: the image %s a platform cannot fetch is posted: %s", k, img, body)
			}
		}
	}
}
