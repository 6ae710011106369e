// Package chat writes what a community's chat channels are told: Slack,
// Discord and Microsoft Teams incoming-webhook messages announcing a
// credential issued to a member who consents to be named, a new badge to
// earn, and the weekly spotlight. It knows each platform's documented
// message schema and limits; delivery, retries and the delivery log are
// the webhook outbox's (badges.Webhooks).
//
// Every event is first made into a post, a platform-neutral message of
// plain text with a few emphasised or linked pieces; each platform then
// writes the post in its own markup with its own escaping. Names and notes
// come from people and are never trusted as markup.
package chat

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// mediaType is the body's media type on every platform.
const mediaType = "application/json"

// MaxSpotlightAwards bounds the awards one spotlight post names; the rest
// are counted ("and 4 more").
const MaxSpotlightAwards = 10

// Formatter writes events for chat channels: a badges.EventFormatter for
// the slack, discord and teams kinds of endpoint.
type Formatter struct{}

var _ badges.EventFormatter = Formatter{}

// Format writes p for ep's platform, or answers badges.ErrSkipEvent when
// the channel has nothing to say of it: an event type not announced, a
// member who does not consent to be named, an empty spotlight.
func (Formatter) Format(_ context.Context, ep *badges.Endpoint, p *badges.EventPayload) ([]byte, string, error) {
	if ep == nil || p == nil {
		return nil, "", badges.ErrSkipEvent
	}
	post, ok := postOf(p)
	if !ok {
		return nil, "", badges.ErrSkipEvent
	}
	var body []byte
	var err error
	switch ep.Kind {
	case badges.EndpointSlack:
		body, err = slackMessage(post)
	case badges.EndpointDiscord:
		body, err = discordMessage(post)
	case badges.EndpointTeams:
		body, err = teamsMessage(post)
	default:
		return nil, "", fmt.Errorf("chat: an endpoint of kind %q is not a chat channel", ep.Kind)
	}
	if err != nil {
		return nil, "", err
	}
	return body, mediaType, nil
}

// piece is a run of a line: plain text, emphasised, or a link.
type piece struct {
	Text   string
	Strong bool
	URL    string // "" for no link
}

// line is one sentence of a post, in pieces.
type line []piece

// plain is the line as plain text.
func (l line) plain() string {
	s := ""
	for _, p := range l {
		s += p.Text
	}
	return s
}

// post is a message before it is written for a platform.
type post struct {
	Headline line   // the announcement, one sentence
	Title    string // a short title: the badge's name, or the spotlight's
	Note     string // a quoted note (the spotlight's), plain; "" for none
	Items    []line // a bulleted list (the week's awards)
	More     int    // how many items were left out
	Image    string // the badge art's URL; "" for none
	ImageAlt string
	Link     string // the call to action's URL
	LinkText string
	Context  string // small print: the community's name
}

// postOf makes the post of p, or reports that p is not announced.
func postOf(p *badges.EventPayload) (*post, bool) {
	switch p.Type {
	case badges.EventCredentialIssued:
		return issuedPost(&p.Data)
	case badges.EventBadgeActivated:
		return activatedPost(&p.Data)
	case badges.EventSpotlightWeekly:
		return spotlightPost(&p.Data)
	case badges.EventPing:
		return pingPost(&p.Data), true
	}
	return nil, false
}

// issuedPost is "🎉 Ada Lovelace earned Community Leader", for a member
// who consents to a public profile only.
func issuedPost(d *badges.EventData) (*post, bool) {
	m, b, c := d.Member, d.Badge, d.Credential
	if m == nil || !m.Public || b == nil || c == nil || c.URL == "" {
		return nil, false
	}
	who, what := name(m.Name, "A member"), name(b.Name, "a badge")
	return &post{
		Headline: line{{Text: "🎉 "}, {Text: who, Strong: true, URL: m.ProfileURL}, {Text: " earned "}, {Text: what, Strong: true, URL: c.URL}},
		Title:    what,
		Image:    publicImage(b.ImageURL), ImageAlt: what + " badge",
		Link: c.URL, LinkText: "See the credential",
		Context: clip(d.Community.Name, maxName),
	}, true
}

// activatedPost is "New badge to earn: Community Leader": a badge is news
// to every member, and names no one.
func activatedPost(d *badges.EventData) (*post, bool) {
	b := d.Badge
	if b == nil || b.URL == "" {
		return nil, false
	}
	what := name(b.Name, "a badge")
	return &post{
		Headline: line{{Text: "🏅 New badge to earn: "}, {Text: what, Strong: true, URL: b.URL}},
		Title:    what,
		Image:    publicImage(b.ImageURL), ImageAlt: what + " badge",
		Link: b.URL, LinkText: "See how to earn it",
		Context: clip(d.Community.Name, maxName),
	}, true
}

// spotlightPost is the weekly post: the pinned member and the note, and
// the week's awards to members who consent to be named, up to
// MaxSpotlightAwards. A week with neither is not posted.
func spotlightPost(d *badges.EventData) (*post, bool) {
	s := d.Spotlight
	if s == nil || s.URL == "" {
		return nil, false
	}
	community := name(d.Community.Name, "the community")
	p := &post{Title: "This week in " + community, Link: s.URL, LinkText: "See the spotlight", Context: community}
	p.Headline = line{{Text: "✨ This week in "}, {Text: community, Strong: true}}
	if s.Pinned != nil && s.Pinned.Public {
		p.Headline = append(p.Headline, piece{Text: ": "}, piece{Text: name(s.Pinned.Name, "A member"), Strong: true, URL: s.Pinned.ProfileURL}, piece{Text: " is in the spotlight"})
		p.Note = clip(s.Note, maxNote)
	}
	for _, a := range s.Awards {
		if !a.Member.Public || a.CredentialURL == "" {
			continue
		}
		if len(p.Items) == MaxSpotlightAwards {
			p.More++
			continue
		}
		p.Items = append(p.Items, line{{Text: name(a.Member.Name, "A member"), Strong: true}, {Text: " earned "}, {Text: name(a.Badge.Name, "a badge"), URL: a.CredentialURL}})
		if p.Image == "" {
			p.Image, p.ImageAlt = publicImage(a.Badge.ImageURL), name(a.Badge.Name, "a badge")+" badge"
		}
	}
	if len(p.Headline) == 2 && len(p.Items) == 0 {
		return nil, false
	}
	return p, true
}

// publicImage is an image's URL if the platforms can fetch it, else "":
// Slack refuses a whole message whose image it cannot download, so art on
// a server that is not public (http, localhost, a loopback or private
// address, as in development) is left out rather than sinking the post.
func publicImage(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
		return ""
	}
	return raw
}

// pingPost is the test post: it names the community and no one else.
func pingPost(d *badges.EventData) *post {
	community := name(d.Community.Name, "your community")
	return &post{
		Headline: line{{Text: "👋 Laurel is connected: this channel will hear of the badges of "}, {Text: community, Strong: true}},
		Title:    "Laurel is connected",
		Link:     d.Community.URL, LinkText: "See the community",
		Context: community,
	}
}

// moreText is the count of awards left out, in words.
func moreText(n int) string {
	if n == 1 {
		return "and 1 more award"
	}
	return fmt.Sprintf("and %d more awards", n)
}
