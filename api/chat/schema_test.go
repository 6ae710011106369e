package chat

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// The schema rules each platform documents, checked on a written message:
// required fields, limits, and that people's words cannot become markup.
// The fuzz target and the hostile-name tests share them.

// checkMessage reports what in body breaks kind's documented rules.
func checkMessage(kind badges.EndpointKind, body []byte) error {
	if !json.Valid(body) {
		return fmt.Errorf("not JSON: %s", body)
	}
	switch kind {
	case badges.EndpointSlack:
		return checkSlack(body)
	case badges.EndpointDiscord:
		return checkDiscord(body)
	case badges.EndpointTeams:
		return checkTeams(body)
	}
	return fmt.Errorf("kind %q", kind)
}

func checkSlack(body []byte) error {
	var m slackBody
	if err := strictJSON(body, &m); err != nil {
		return err
	}
	if m.Text == "" || len(m.Blocks) == 0 || len(m.Blocks) > 50 {
		return fmt.Errorf("slack: text %q, %d blocks", m.Text, len(m.Blocks))
	}
	var texts []string
	for _, b := range m.Blocks {
		switch b.Type {
		case "section":
			if b.Text == nil || b.Text.Text == "" || units(b.Text.Text) > slackSectionMax {
				return fmt.Errorf("slack: a section's text is empty or over %d: %+v", slackSectionMax, b.Text)
			}
			texts = append(texts, b.Text.Text)
			if a := b.Accessory; a != nil && (a.Type != "image" || a.ImageURL == "" || a.AltText == "" || units(a.AltText) > slackAltMax) {
				return fmt.Errorf("slack: accessory %+v", a)
			}
		case "context":
			if len(b.Elements) == 0 || len(b.Elements) > 10 {
				return fmt.Errorf("slack: context of %d elements", len(b.Elements))
			}
			for _, e := range b.Elements {
				texts = append(texts, e.Text)
			}
		default:
			return fmt.Errorf("slack: block type %q", b.Type)
		}
	}
	for _, t := range append(texts, m.Text) {
		if err := slackControls(t); err != nil {
			return err
		}
	}
	return nil
}

// slackControls checks that every < in a mrkdwn text opens one of our
// links (never a mention such as <!everyone>) and every & is an entity.
func slackControls(text string) error {
	t := text
	for i := strings.IndexByte(t, '<'); i >= 0; i = strings.IndexByte(t, '<') {
		end := strings.IndexByte(t[i:], '>')
		if end < 0 || !strings.HasPrefix(t[i+1:], "http") {
			return fmt.Errorf("slack: a < that is not a link in %q", text)
		}
		t = t[i+end+1:]
	}
	t = text
	for i := strings.IndexByte(t, '&'); i >= 0; i = strings.IndexByte(t, '&') {
		rest := t[i:]
		if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
			return fmt.Errorf("slack: a bare & in %q", t)
		}
		t = rest[1:]
	}
	return nil
}

func checkDiscord(body []byte) error {
	var m discordBody
	if err := strictJSON(body, &m); err != nil {
		return err
	}
	if m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		return fmt.Errorf("discord: allowed_mentions %+v", m.AllowedMentions)
	}
	if m.Content == "" || units(m.Content) > discordContentMax || len(m.Embeds) != 1 {
		return fmt.Errorf("discord: content of %d, %d embeds", units(m.Content), len(m.Embeds))
	}
	e := m.Embeds[0]
	total := units(e.Title) + units(e.Description)
	if e.Footer != nil {
		total += units(e.Footer.Text)
	}
	if e.Title == "" || units(e.Title) > discordTitleMax || units(e.Description) > discordDescMax || total > discordEmbedMax {
		return fmt.Errorf("discord: embed title %d, description %d, total %d", units(e.Title), units(e.Description), total)
	}
	if e.Thumbnail != nil && e.Thumbnail.URL == "" {
		return fmt.Errorf("discord: embed with an empty thumbnail")
	}
	return nil
}

func checkTeams(body []byte) error {
	if len(body) > teamsMessageMax {
		return fmt.Errorf("teams: %d bytes", len(body))
	}
	var m teamsBody
	if err := strictJSON(body, &m); err != nil {
		return err
	}
	if m.Type != "message" || len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		return fmt.Errorf("teams: envelope %+v", m)
	}
	c := m.Attachments[0].Content
	if c.Type != "AdaptiveCard" || c.Version != teamsCardVersion || len(c.Body) == 0 || len(c.Actions) > 1 || (len(c.Actions) == 1 && c.Actions[0].URL == "") {
		return fmt.Errorf("teams: card %+v", c)
	}
	for _, e := range c.Body {
		switch e.Type {
		case "RichTextBlock":
			if len(e.Inlines) == 0 {
				return fmt.Errorf("teams: an empty RichTextBlock")
			}
		case "Image":
			if e.URL == "" {
				return fmt.Errorf("teams: an image without its URL")
			}
		default:
			return fmt.Errorf("teams: element %q", e.Type)
		}
	}
	return nil
}

// strictJSON decodes body into v, refusing fields v does not know: a
// message carries only the fields its platform documents.
func strictJSON(body []byte, v any) error {
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.DisallowUnknownFields()
	return d.Decode(v)
}
