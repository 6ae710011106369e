package badges

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A community may word each kind of e-mail its own way: the subject and
// the opening paragraph, plain text with placeholders such as {member} and
// {badge}. Everything else (the button, the facts, the footer) stays
// Laurel's, so a message always carries its link and says why it came.

// Bounds of a community's wording.
const (
	MaxMailSubject = 150  // characters of a subject template
	MaxMailOpening = 1500 // characters of an opening paragraph
)

// MailKinds are the kinds of message, in the order people read them.
var MailKinds = []MessageKind{MailEarned, MailSignIn, MailProgress, MailDecision, MailEndorsement, MailCheckIn, MailWalletCode, MailWebhookDisabled}

// ParseMessageKind checks the name of a kind of message.
func ParseMessageKind(s string) (MessageKind, error) {
	if k := MessageKind(s); slices.Contains(MailKinds, k) {
		return k, nil
	}
	return "", &Error{Code: ENOTFOUND, Message: fmt.Sprintf("There is no kind of e-mail called %q.", s), Field: "kind"}
}

// MailTemplate is the wording of one kind of message for one community.
type MailTemplate struct {
	IssuerID  string
	Kind      MessageKind
	Subject   string // one line, with placeholders
	Opening   string // the first paragraph(s), with placeholders
	UpdatedAt time.Time
	Custom    bool // the community's own; false for Laurel's default
}

// mailPlaceholders are the placeholders each kind offers: the Data keys
// that read as words in a sentence (links and multi-line values have
// their own place in the message), the community's name, and for a
// decision its outcome in a word.
var mailPlaceholders = map[MessageKind][]string{
	MailEarned:      {"member", "community", "badge"},
	MailSignIn:      {"member", "community", "expires"},
	MailProgress:    {"member", "community"},
	MailDecision:    {"member", "community", "badge", "what", "outcome"},
	MailEndorsement: {"member", "community", "endorser"},
	MailCheckIn:     {"member", "community", "behaviour", "expires"},
	MailWalletCode:  {"member", "community", "expires"},
	// To a community's owners, who are no members: no {member}.
	MailWebhookDisabled: {"community"},
}

// Placeholders are the placeholders a kind's wording may use.
func (k MessageKind) Placeholders() []string { return slices.Clone(mailPlaceholders[k]) }

// defaultWording is Laurel's own subject and opening of each kind.
var defaultWording = map[MessageKind][2]string{
	MailEarned:          {"You earned {badge}", "Congratulations, {member}! {community} has awarded you the {badge} badge. Accept it to add it to your badges, then share it wherever you like."},
	MailSignIn:          {"Your sign-in link for {community}", "Hello {member}, here is your link to sign in to your badges at {community}. It works once, within {expires}."},
	MailProgress:        {"Your progress at {community}", "Hello {member}, here is where you stand with the badges of {community} this week."},
	MailDecision:        {"Your {what} for {badge} was {outcome}", "Hello {member}, {community} has {outcome} the {what} for the {badge} badge."},
	MailEndorsement:     {"{endorser} endorsed you", "Hello {member}, {endorser} endorsed you at {community}."},
	MailCheckIn:         {"Confirm your check-in: {behaviour}", "Hello {member}, please confirm your check-in for “{behaviour}” at {community}."},
	MailWalletCode:      {"Your code to add a badge of {community} to your wallet", "Hello {member}, your wallet asks for a code to add your badge from {community}. Type the code below into your wallet within {expires}."},
	MailWebhookDisabled: {"A webhook endpoint of {community} was disabled", "Hello, one of the webhook endpoints of {community} kept failing and was disabled."},
}

// DefaultMailTemplate is Laurel's own wording of kind for a community.
func DefaultMailTemplate(issuerID string, kind MessageKind) *MailTemplate {
	w := defaultWording[kind]
	return &MailTemplate{IssuerID: issuerID, Kind: kind, Subject: w[0], Opening: w[1]}
}

// Validate checks and normalises a community's wording: a subject of one
// line and an opening of bounded length, both using only the kind's
// placeholders.
func (t *MailTemplate) Validate() error {
	if _, err := ParseMessageKind(string(t.Kind)); err != nil {
		return err
	}
	var err error
	if t.Subject, err = CheckLine("subject", t.Subject, true, MaxMailSubject); err != nil {
		return err
	}
	if t.Opening, err = CheckText("opening", strings.ReplaceAll(t.Opening, "\r\n", "\n"), true, MaxMailOpening); err != nil {
		return err
	}
	if err := checkPlaceholders("subject", t.Subject, t.Kind); err != nil {
		return err
	}
	return checkPlaceholders("opening", t.Opening, t.Kind)
}

// checkPlaceholders refuses placeholders the kind does not offer, naming
// each of them and the ones it does.
func checkPlaceholders(field, s string, kind MessageKind) error {
	allowed := mailPlaceholders[kind]
	var unknown []string
	scanPlaceholders(s, func(name string) string {
		if !slices.Contains(allowed, name) && !slices.Contains(unknown, "{"+name+"}") {
			unknown = append(unknown, "{"+name+"}")
		}
		return ""
	})
	if len(unknown) == 0 {
		return nil
	}
	offered := make([]string, len(allowed))
	for i, a := range allowed {
		offered[i] = "{" + a + "}"
	}
	return FieldErrorf(field, "%s uses %s, which this e-mail does not know; it may use %s",
		field, strings.Join(unknown, ", "), strings.Join(offered, ", "))
}

// ExpandMail replaces each placeholder of s by its value, once: a value
// is never read for placeholders itself, so a name such as "{badge}" is
// shown as it is. A placeholder without a value is left as written.
func ExpandMail(s string, values map[string]string) string {
	return scanPlaceholders(s, func(name string) string {
		if v, ok := values[name]; ok {
			return v
		}
		return "{" + name + "}"
	})
}

// scanPlaceholders copies s, replacing each "{name}" (name of ASCII
// letters) by what replace returns; other braces are text.
func scanPlaceholders(s string, replace func(name string) string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := open + 1
		for end < len(s) && (s[end] >= 'a' && s[end] <= 'z' || s[end] >= 'A' && s[end] <= 'Z') {
			end++
		}
		if end == open+1 || end == len(s) || s[end] != '}' {
			b.WriteString(s[:open+1])
			s = s[open+1:]
			continue
		}
		b.WriteString(s[:open])
		b.WriteString(replace(s[open+1 : end]))
		s = s[end+1:]
	}
}

// MailTemplateStore keeps communities' own wording, one per community and
// kind.
type MailTemplateStore interface {
	// MailTemplate is the community's wording of kind; ENOTFOUND when it
	// has none.
	MailTemplate(ctx context.Context, issuerID string, kind MessageKind) (*MailTemplate, error)
	PutMailTemplate(ctx context.Context, t *MailTemplate) error
	// DeleteMailTemplate removes the community's wording; removing none
	// is no error.
	DeleteMailTemplate(ctx context.Context, issuerID string, kind MessageKind) error
}

// MailTemplates is the service that reads and changes communities'
// wording.
type MailTemplates struct {
	Store MailTemplateStore
	Now   func() time.Time
}

// Template is the wording a community's messages of kind use: its own,
// or Laurel's default.
func (m *MailTemplates) Template(ctx context.Context, issuerID string, kind MessageKind) (*MailTemplate, error) {
	if _, err := ParseMessageKind(string(kind)); err != nil {
		return nil, err
	}
	t, err := m.Store.MailTemplate(ctx, issuerID, kind)
	if ErrorCode(err) == ENOTFOUND {
		return DefaultMailTemplate(issuerID, kind), nil
	}
	if err != nil {
		return nil, err
	}
	t.Custom = true
	return t, nil
}

// Set saves a community's own wording of kind.
func (m *MailTemplates) Set(ctx context.Context, issuerID string, kind MessageKind, subject, opening string) (*MailTemplate, error) {
	t := &MailTemplate{IssuerID: issuerID, Kind: kind, Subject: subject, Opening: opening, UpdatedAt: m.Now().UTC(), Custom: true}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if err := m.Store.PutMailTemplate(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// Reset goes back to Laurel's default wording of kind.
func (m *MailTemplates) Reset(ctx context.Context, issuerID string, kind MessageKind) (*MailTemplate, error) {
	if _, err := ParseMessageKind(string(kind)); err != nil {
		return nil, err
	}
	if err := m.Store.DeleteMailTemplate(ctx, issuerID, kind); err != nil {
		return nil, err
	}
	return DefaultMailTemplate(issuerID, kind), nil
}

// errNoKind guards Compose against a kind without wording.
var errNoKind = errors.New("badges: a message of unknown kind")

// MailWording is the wording of a notification's kind with its
// placeholders filled from values: the subject on one line (line breaks
// and other control characters in a value become spaces) and the opening.
func MailWording(t *MailTemplate, values map[string]string) (subject, opening string, err error) {
	if _, ok := mailPlaceholders[t.Kind]; !ok {
		return "", "", fmt.Errorf("%w %q", errNoKind, t.Kind)
	}
	return OneLine(ExpandMail(t.Subject, values)), ExpandMail(t.Opening, values), nil
}

// OneLine writes s on one line: each run of control characters and
// spaces becomes one space, so nothing in it can start a new header line.
func OneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r >= 0x80 && r < 0xa0
	}), " ")
}
