package mail

import (
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// view is what the templates of a message read. Everything in it is
// plain text: the HTML templates escape it, the text templates print it.
type view struct {
	Subject     string
	Preheader   string     // the line mail clients show after the subject
	Opening     [][]string // paragraphs, each of lines
	Community   string
	PublicURL   string // the community's public page
	LogoURL     string // "" when it has no logo mail clients show
	Accent      string // the button's colour, "#rrggbb"
	AccentText  string // text on it, black or white, at least 4.5:1
	D           map[string]string
	Lines       []string // a progress message's sentences
	Approved    bool     // a decision's outcome
	Why         string   // why the member gets this message, for the footer
	Unsubscribe string   // "" for a transactional message
}

// action is a link drawn as a button or spelled out: its words, where it
// leads and its colours.
type action struct {
	Label, URL   string
	Accent, Text string // the button's colour and its text's
	Color        string // the colour of a link on white
}

// funcs are what the templates call besides the built-ins (the text
// templates parse the same files, so they know the names too).
var funcs = map[string]any{
	"button":    func(v *view, label, url string) action { return v.action(label, url) },
	"link":      func(v *view, label, url string) action { return v.action(label, url) },
	"linkColor": func(v *view) string { return v.linkColor() },
}

func (v *view) action(label, url string) action {
	return action{Label: label, URL: url, Accent: v.Accent, Text: v.AccentText, Color: v.linkColor()}
}

// linkColor is the colour of links on white: the accent when it is dark
// enough to read (white text reads on it, so it reads on white), else the
// text's own colour.
func (v *view) linkColor() string {
	if v.AccentText == "#ffffff" {
		return v.Accent
	}
	return "#1b2230"
}

// laurelAccent is Laurel's own green, for a community without an accent.
const laurelAccent = "#25613f"

// view builds the view of n for the community p with the wording t.
func (m *Composer) view(n badges.Notification, p *issuer.Profile, t *badges.MailTemplate, unsubscribe string) (*view, error) {
	d := map[string]string{}
	for k, v := range n.Data {
		d[k] = v
	}
	values := placeholderValues(n.Kind, d, p.Name)
	subject, opening, err := badges.MailWording(t, values)
	if err != nil {
		return nil, err
	}
	v := &view{Subject: subject, Opening: paragraphs(opening), Community: p.Name, PublicURL: m.cfg.URLs.Issuer(p.ID),
		D: d, Lines: nonEmptyLines(d["lines"]), Approved: d["approved"] == "true", Why: why(n.Kind, d, p.Name),
		Unsubscribe: unsubscribe}
	v.Preheader = preheader(opening)
	if p.Image != nil && p.Image.Format == badges.ImagePNG {
		v.LogoURL = m.cfg.URLs.Image(*p.Image) // most mail clients show no SVG
	}
	a, err := issuer.ParseAccent(p.AccentColor)
	if err != nil {
		a, _ = issuer.ParseAccent(laurelAccent)
	}
	v.Accent, v.AccentText = a.Color, a.Text
	return v, nil
}

// placeholderValues are the values of a kind's placeholders: its Data on
// one line each, the community's name, and a decision's outcome in a word.
func placeholderValues(kind badges.MessageKind, d map[string]string, community string) map[string]string {
	values := map[string]string{"community": badges.OneLine(community)}
	for _, name := range kind.Placeholders() {
		if v, ok := d[name]; ok {
			values[name] = badges.OneLine(v)
		}
	}
	if values["member"] == "" {
		values["member"] = "there" // "Hello there" to an address that is no member
	}
	if kind == badges.MailDecision {
		values["outcome"] = "declined"
		if d["approved"] == "true" {
			values["outcome"] = "approved"
		}
	}
	return values
}

// why says, for the footer, why the member gets a message of kind.
func why(kind badges.MessageKind, d map[string]string, community string) string {
	switch kind {
	case badges.MailEarned:
		return community + " sent you this e-mail because it awarded you a badge."
	case badges.MailSignIn:
		return community + " sent you this e-mail because someone asked to sign in with this address. If it was not you, ignore it: nothing happens."
	case badges.MailProgress:
		return community + " sent you this e-mail because you asked for a weekly summary of your progress."
	case badges.MailDecision:
		if d["what"] == "application" {
			return community + " sent you this e-mail because you applied for one of its badges."
		}
		return community + " sent you this e-mail because you were nominated for one of its badges."
	case badges.MailEndorsement:
		return community + " sent you this e-mail because one of its members endorsed you."
	case badges.MailWalletCode:
		return community + " sent you this e-mail because a wallet asked to receive your badge. If it was not you, ignore it: without the code, nothing happens."
	case badges.MailWebhookDisabled:
		return "Laurel sent you this e-mail because you own " + community + " and one of its webhook endpoints was disabled."
	default:
		return community + " sent you this e-mail because someone asked to check in with this address. If it was not you, ignore it: nothing happens."
	}
}

// paragraphs splits text at empty lines, and each paragraph into its
// lines.
func paragraphs(s string) [][]string {
	var out [][]string
	for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if lines := nonEmptyLines(p); len(lines) > 0 {
			out = append(out, lines)
		}
	}
	return out
}

// nonEmptyLines are the lines of s that hold something, trimmed.
func nonEmptyLines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// maxPreheader bounds the preview line: clients show about this much.
const maxPreheader = 140

// preheader is the opening on one line, cut at a word near maxPreheader.
func preheader(opening string) string {
	s := badges.OneLine(opening)
	if r := []rune(s); len(r) > maxPreheader {
		s = string(r[:maxPreheader])
		if i := strings.LastIndexByte(s, ' '); i > maxPreheader/2 {
			s = s[:i]
		}
		s += "…"
	}
	return s
}
