package chat

import (
	"encoding/json"
)

// Microsoft Teams: a channel's Workflows webhook ("When a Teams webhook
// request is received", which replaced the Office 365 connectors) takes a
// message whose attachments are Adaptive Cards. A person's words go in
// TextRuns of RichTextBlocks, which Adaptive Cards never read as markdown,
// so they need no escaping beyond JSON's; the link is an Action.OpenUrl.
// Version 1.4 is within what Teams renders (1.0 to 1.5). Limits kept: a
// Teams message at most 28 KB; the post's own bounds keep a card far
// below it.
const (
	teamsCardVersion = "1.4"
	teamsCardSchema  = "http://adaptivecards.io/schemas/adaptive-card.json"
	teamsMessageMax  = 28 * 1024
)

type teamsRun struct {
	Type     string `json:"type"` // "TextRun"
	Text     string `json:"text"`
	Weight   string `json:"weight,omitempty"`
	Italic   bool   `json:"italic,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
}

type teamsElement struct {
	Type    string     `json:"type"` // "RichTextBlock" or "Image"
	Inlines []teamsRun `json:"inlines,omitempty"`
	URL     string     `json:"url,omitempty"`
	AltText string     `json:"altText,omitempty"`
	Size    string     `json:"size,omitempty"`
	Spacing string     `json:"spacing,omitempty"`
}

type teamsAction struct {
	Type  string `json:"type"` // "Action.OpenUrl"
	Title string `json:"title"`
	URL   string `json:"url"`
}

type teamsCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"` // "AdaptiveCard"
	Version string         `json:"version"`
	Body    []teamsElement `json:"body"`
	Actions []teamsAction  `json:"actions,omitempty"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"` // null, as the documented example has it
	Content     teamsCard `json:"content"`
}

type teamsBody struct {
	Type        string            `json:"type"` // "message"
	Attachments []teamsAttachment `json:"attachments"`
}

// teamsMessage writes p as a Teams message: one card with the headline,
// the badge art, the note and the list, the community in small print, and
// a button to the link.
func teamsMessage(p *post) ([]byte, error) {
	body := []teamsElement{teamsBlock(p.Headline, "")}
	if p.Image != "" {
		body = append(body, teamsElement{Type: "Image", URL: p.Image, AltText: p.ImageAlt, Size: "Medium"})
	}
	if p.Note != "" {
		body = append(body, teamsElement{Type: "RichTextBlock", Inlines: []teamsRun{{Type: "TextRun", Text: "“" + p.Note + "”", Italic: true}}})
	}
	for _, it := range p.Items {
		body = append(body, teamsBlock(append(line{{Text: "• "}}, it...), "Small"))
	}
	if p.More > 0 {
		body = append(body, teamsElement{Type: "RichTextBlock", Spacing: "Small", Inlines: []teamsRun{{Type: "TextRun", Text: moreText(p.More), Italic: true}}})
	}
	if p.Context != "" {
		body = append(body, teamsElement{Type: "RichTextBlock", Inlines: []teamsRun{{Type: "TextRun", Text: p.Context, IsSubtle: true}}})
	}
	card := teamsCard{Schema: teamsCardSchema, Type: "AdaptiveCard", Version: teamsCardVersion, Body: body}
	if p.Link != "" {
		card.Actions = []teamsAction{{Type: "Action.OpenUrl", Title: p.LinkText, URL: p.Link}}
	}
	return json.Marshal(teamsBody{Type: "message", Attachments: []teamsAttachment{{
		ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}})
}

// teamsBlock writes a line as a RichTextBlock, strong pieces bolder.
func teamsBlock(l line, spacing string) teamsElement {
	e := teamsElement{Type: "RichTextBlock", Spacing: spacing}
	for _, pc := range l {
		r := teamsRun{Type: "TextRun", Text: pc.Text}
		if pc.Strong {
			r.Weight = "Bolder"
		}
		e.Inlines = append(e.Inlines, r)
	}
	return e
}
