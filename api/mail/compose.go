// Package mail is Laurel's e-mail: composing each message from the
// community's wording, branding and Laurel's templates, and handing it to
// a mail server.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Profiles finds a community's profile: its name, logo and accent colour.
type Profiles interface {
	Profile(ctx context.Context, id string) (*issuer.Profile, error)
}

// Templates finds the wording of a community's messages of a kind: its
// own or Laurel's default (badges.MailTemplates).
type Templates interface {
	Template(ctx context.Context, issuerID string, kind badges.MessageKind) (*badges.MailTemplate, error)
}

// Config is what a Composer needs.
type Config struct {
	URLs      issuer.URLs            // the public origin of links to the community's logo and pages
	Profiles  Profiles               // the community's name, logo and accent
	Templates Templates              // the community's wording
	OptOuts   badges.MailOptOutStore // who unsubscribed
	// Links makes and checks unsubscribe links:
	// Sealer.LinkSigner("unsubscribe").
	Links *issuer.LinkSigner
}

// Composer turns notifications into messages: subject, text and HTML
// parts, and the unsubscribe link of those that are not transactional.
type Composer struct {
	cfg  Config
	html map[badges.MessageKind]*htmltemplate.Template
	text map[badges.MessageKind]*texttemplate.Template
}

var _ badges.Composer = (*Composer)(nil)

// NewComposer parses the templates, once.
func NewComposer(c Config) (*Composer, error) {
	if c.Profiles == nil || c.Templates == nil || c.OptOuts == nil || c.Links == nil || c.URLs.Base() == "" {
		return nil, errors.New("mail: a composer needs URLs, Profiles, Templates, OptOuts and Links")
	}
	m := &Composer{cfg: c, html: map[badges.MessageKind]*htmltemplate.Template{}, text: map[badges.MessageKind]*texttemplate.Template{}}
	for _, k := range badges.MailKinds {
		kind := "templates/mail/" + string(k) + ".tmpl"
		h, err := htmltemplate.New("layout.html").Funcs(funcs).ParseFS(assets.Mail, "templates/mail/layout.html", kind)
		if err != nil {
			return nil, fmt.Errorf("parse the HTML of %s e-mail: %w", k, err)
		}
		t, err := texttemplate.New("layout.txt").Funcs(funcs).ParseFS(assets.Mail, "templates/mail/layout.txt", kind)
		if err != nil {
			return nil, fmt.Errorf("parse the text of %s e-mail: %w", k, err)
		}
		m.html[k], m.text[k] = h, t
	}
	return m, nil
}

// Compose composes n with the community's wording. A message that is
// not transactional to an address that unsubscribed is refused with
// badges.ErrOptedOut.
func (m *Composer) Compose(ctx context.Context, n badges.Notification) (*badges.Message, error) {
	if _, err := badges.ParseMessageKind(string(n.Kind)); err != nil {
		return nil, err
	}
	if !n.Kind.Transactional() {
		out, err := m.OptedOut(ctx, n.IssuerID, n.To)
		if err != nil {
			return nil, err
		}
		if out {
			return nil, fmt.Errorf("compose %s for %s: %w", n.Kind, n.IssuerID, badges.ErrOptedOut)
		}
	}
	t, err := m.cfg.Templates.Template(ctx, n.IssuerID, n.Kind)
	if err != nil {
		return nil, err
	}
	return m.compose(ctx, n, t)
}

// Preview composes n with the wording t, as Compose would with t saved:
// the console shows it while the wording is typed.
func (m *Composer) Preview(ctx context.Context, n badges.Notification, t *badges.MailTemplate) (*badges.Message, error) {
	if _, err := badges.ParseMessageKind(string(n.Kind)); err != nil {
		return nil, err
	}
	w := *t
	w.Kind = n.Kind
	return m.compose(ctx, n, &w)
}

// compose renders n in the community's branding with the wording t.
func (m *Composer) compose(ctx context.Context, n badges.Notification, t *badges.MailTemplate) (*badges.Message, error) {
	if err := checkData(n); err != nil {
		return nil, err
	}
	p, err := m.cfg.Profiles.Profile(ctx, n.IssuerID)
	if err != nil {
		return nil, err
	}
	msg := &badges.Message{IssuerID: n.IssuerID, MemberID: n.MemberID, Kind: n.Kind, To: n.To}
	if !n.Kind.Transactional() {
		if msg.Unsubscribe, err = m.UnsubscribeURL(n.IssuerID, n.To); err != nil {
			return nil, err
		}
	}
	v, err := m.view(n, p, t, msg.Unsubscribe)
	if err != nil {
		return nil, err
	}
	msg.Subject = v.Subject
	var h, x bytes.Buffer
	if err := m.html[n.Kind].ExecuteTemplate(&h, "layout.html", v); err != nil {
		return nil, fmt.Errorf("render the HTML of %s e-mail: %w", n.Kind, err)
	}
	if err := m.text[n.Kind].ExecuteTemplate(&x, "layout.txt", v); err != nil {
		return nil, fmt.Errorf("render the text of %s e-mail: %w", n.Kind, err)
	}
	msg.HTML, msg.Text = h.String(), tidyText(x.String())
	return msg, nil
}

// links are the Data keys that hold links, per kind; the first is the
// message's main link and required.
var links = map[badges.MessageKind][]string{
	badges.MailEarned:      {"claimURL", "badgeURL", "imageURL"},
	badges.MailSignIn:      {"link"},
	badges.MailProgress:    {"portalURL"},
	badges.MailDecision:    {"badgeURL"},
	badges.MailEndorsement: {"portalURL"},
	badges.MailCheckIn:     {"link"},
	// The credential's page: the code itself is what the member needs.
	badges.MailWalletCode: {"badgeURL"},
	// The console's page of the community's webhooks.
	badges.MailWebhookDisabled: {"link"},
}

// checkData refuses a notification without its main link, or with a link
// that is not an absolute http(s) URL: a mistake of the code that queued
// it, which no template should paper over.
func checkData(n badges.Notification) error {
	for i, key := range links[n.Kind] {
		v := n.Data[key]
		if v == "" && (i > 0 || n.Kind == badges.MailDecision) {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(v, " \r\n\t") {
			return badges.Errorf(badges.EINVALID, "The %s e-mail needs %s to be an absolute http(s) link, not %q.", n.Kind, key, v)
		}
	}
	return nil
}

// tidyText trims the text part's lines and keeps at most one empty line
// between paragraphs, whatever the templates' own spacing.
func tidyText(s string) string {
	var b strings.Builder
	blank := true
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			if !blank {
				b.WriteString("\n")
			}
			blank = true
			continue
		}
		b.WriteString(line + "\n")
		blank = false
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
