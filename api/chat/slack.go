package chat

import (
	"encoding/json"
	"strings"
)

// Slack: an incoming webhook takes a JSON message with text, the fallback
// shown in notifications, and Block Kit blocks. Texts are mrkdwn, where
// &, < and > are control characters and must be written &amp;, &lt; and
// &gt;; Slack has no escape for its formatting characters (* _ ~ `), so
// a zero-width space is put on each side of one in a person's words,
// which keeps it from pairing with another into bold or strike-through.
// Limits kept (Block Kit reference): a section's text 3,000 characters,
// an image's URL 3,000 and alt text 2,000, a context block 10 elements,
// a message 50 blocks.
const (
	slackSectionMax = 3000
	slackURLMax     = 3000
	slackAltMax     = 2000
)

type slackText struct {
	Type string `json:"type"` // "mrkdwn" or "plain_text"
	Text string `json:"text"`
}

type slackElement struct {
	Type     string `json:"type"` // "image"
	ImageURL string `json:"image_url"`
	AltText  string `json:"alt_text"`
}

type slackBlock struct {
	Type      string        `json:"type"` // "section" or "context"
	Text      *slackText    `json:"text,omitempty"`
	Accessory *slackElement `json:"accessory,omitempty"`
	Elements  []slackText   `json:"elements,omitempty"`
}

type slackBody struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

// slackMessage writes p as a Slack message: a section with the headline
// and the badge art beside it, the note and the list in sections of their
// own, and a context line with the link and the community.
func slackMessage(p *post) ([]byte, error) {
	head := slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackLine(p.Headline)}}
	if p.Image != "" && len(p.Image) <= slackURLMax {
		head.Accessory = &slackElement{Type: "image", ImageURL: p.Image, AltText: cutUnits(p.ImageAlt, slackAltMax)}
	}
	m := slackBody{Text: slackEscape(p.Headline.plain()), Blocks: []slackBlock{head}}
	if p.Note != "" {
		m.Blocks = append(m.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: "> " + slackEscape(p.Note)}})
	}
	if list := slackList(p); list != "" {
		m.Blocks = append(m.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: list}})
	}
	var foot []string
	if p.Link != "" {
		foot = append(foot, slackLink(p.Link, p.LinkText))
	}
	if p.Context != "" {
		foot = append(foot, slackEscape(p.Context))
	}
	if len(foot) > 0 {
		m.Blocks = append(m.Blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: strings.Join(foot, " · ")}}})
	}
	return json.Marshal(m)
}

// slackList is the post's items as a bulleted list within one section's
// limit: items that would pass it are counted with the others left out.
func slackList(p *post) string {
	var b strings.Builder
	more := p.More
	for i, it := range p.Items {
		row := "• " + slackLine(it) + "\n"
		if units(b.String())+units(row)+40 > slackSectionMax {
			more += len(p.Items) - i
			break
		}
		b.WriteString(row)
	}
	if more > 0 {
		b.WriteString("_" + moreText(more) + "_")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// slackLine writes a line in mrkdwn: strong pieces in asterisks, linked
// ones as <url|text>.
func slackLine(l line) string {
	var b strings.Builder
	for _, pc := range l {
		t := slackEscape(pc.Text)
		if pc.Strong {
			t = "*" + t + "*"
		}
		if pc.URL != "" {
			t = slackLink(pc.URL, pc.Text)
			if pc.Strong {
				t = "*" + t + "*"
			}
		}
		b.WriteString(t)
	}
	return b.String()
}

// slackLink is a link in mrkdwn. The URL is escaped like text and a "|"
// in it, which would end the URL, is percent-encoded.
func slackLink(url, text string) string {
	return "<" + slackURLEscaper.Replace(url) + "|" + slackEscape(text) + ">"
}

// slackURLEscaper escapes a URL in a link: its control characters as
// entities, and "|", which would end it, percent-encoded.
var slackURLEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "%7C")

// slackEscaper writes the three control characters as entities and guards
// the formatting characters with zero-width spaces.
var slackEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"*", "\u200b*\u200b", "_", "\u200b_\u200b", "~", "\u200b~\u200b", "`", "\u200b`\u200b",
)

// slackEscape makes s safe as mrkdwn text.
func slackEscape(s string) string { return slackEscaper.Replace(s) }
