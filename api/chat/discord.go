package chat

import (
	"encoding/json"
	"strings"
)

// Discord: executing a channel webhook takes a JSON message with content
// and up to 10 embeds. Content and embed texts are Discord's markdown,
// where a backslash escapes a formatting character. allowed_mentions with
// an empty parse list makes Discord ping no one, whatever a name says
// ("@everyone"). Limits kept (Execute Webhook and Embed Limits): content
// 2,000 characters; an embed's title 256, description 4,096, footer 2,048,
// and 6,000 in all of an embed's texts.
const (
	discordContentMax = 2000
	discordTitleMax   = 256
	discordDescMax    = 4096
	discordFooterMax  = 2048
	discordEmbedMax   = 6000
)

type discordImage struct {
	URL string `json:"url"`
}

type discordFooter struct {
	Text string `json:"text"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	URL         string         `json:"url,omitempty"`
	Description string         `json:"description,omitempty"`
	Thumbnail   *discordImage  `json:"thumbnail,omitempty"`
	Footer      *discordFooter `json:"footer,omitempty"`
}

type discordMentions struct {
	Parse []string `json:"parse"`
}

type discordBody struct {
	Content         string          `json:"content"`
	Embeds          []discordEmbed  `json:"embeds"`
	AllowedMentions discordMentions `json:"allowed_mentions"`
}

// discordMessage writes p as a Discord message: the headline as content,
// and one embed titled with the badge (or the spotlight), linking to the
// credential, with the art as its thumbnail and the community in its
// footer.
func discordMessage(p *post) ([]byte, error) {
	e := discordEmbed{Title: cutUnits(discordEscape(p.Title), discordTitleMax), URL: p.Link}
	if p.Image != "" {
		e.Thumbnail = &discordImage{URL: p.Image}
	}
	if p.Context != "" {
		e.Footer = &discordFooter{Text: cutUnits(p.Context, discordFooterMax)}
	}
	budget := min(discordDescMax, discordEmbedMax-units(e.Title)-units(p.Context))
	e.Description = discordDescription(p, budget)
	m := discordBody{
		Content:         cutUnits(discordLine(p.Headline, false), discordContentMax),
		Embeds:          []discordEmbed{e},
		AllowedMentions: discordMentions{Parse: []string{}},
	}
	return json.Marshal(m)
}

// discordDescription is the note, the list and the link, within budget
// characters: items that would pass it are counted with those left out.
func discordDescription(p *post, budget int) string {
	var b strings.Builder
	if p.Note != "" {
		b.WriteString("> " + discordEscape(p.Note) + "\n\n")
	}
	link := ""
	if p.Link != "" {
		link = "[" + discordEscape(p.LinkText) + "](" + discordURLEscaper.Replace(p.Link) + ")"
	}
	more := p.More
	for i, it := range p.Items {
		row := "- " + discordLine(it, true) + "\n"
		if units(b.String())+units(row)+units(link)+40 > budget {
			more += len(p.Items) - i
			break
		}
		b.WriteString(row)
	}
	if more > 0 {
		b.WriteString("*" + moreText(more) + "*\n")
	}
	if len(p.Items) > 0 || more > 0 {
		b.WriteString("\n")
	}
	b.WriteString(link)
	return strings.TrimSpace(b.String())
}

// discordLine writes a line in Discord's markdown: strong pieces in
// double asterisks and, where links are wanted, linked pieces as masked
// links. Content carries no links: its embed does.
func discordLine(l line, links bool) string {
	var b strings.Builder
	for _, pc := range l {
		t := discordEscape(pc.Text)
		if links && pc.URL != "" {
			t = "[" + t + "](" + discordURLEscaper.Replace(pc.URL) + ")"
		}
		if pc.Strong {
			t = "**" + t + "**"
		}
		b.WriteString(t)
	}
	return b.String()
}

// discordEscaper puts a backslash before every character Discord's
// markdown gives a meaning to.
var discordEscaper = strings.NewReplacer(
	`\`, `\\`, "*", `\*`, "_", `\_`, "~", `\~`, "`", "\\`", "|", `\|`,
	">", `\>`, "<", `\<`, "[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`,
)

// discordURLEscaper keeps a URL whole inside a masked link's parentheses.
var discordURLEscaper = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20")

// discordEscape makes s safe as Discord markdown text.
func discordEscape(s string) string { return discordEscaper.Replace(s) }
