package api

import (
	"context"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/verifier"
)

// The verify page's report: the plain answer first, what a trusted
// credential says, then every check, worded for people.

// verdictLook is how the page shows a finding: a tone for its colours, a
// mark and a short tag above the headline.
type verdictLook struct {
	Tone, Mark, Tag string
}

// looks are the findings' looks. The tag of a credential that is not valid
// says so in words, whatever the headline explains.
var looks = map[verifier.Finding]verdictLook{
	verifier.FindingGenuine:      {"good", "✔", "Verified"},
	verifier.FindingNotRecipient: {"caution", "!", "Another recipient"},
	verifier.FindingRevoked:      {"bad", "✘", "Not valid"},
	verifier.FindingSuspended:    {"bad", "✘", "Not valid"},
	verifier.FindingExpired:      {"bad", "✘", "Not valid"},
	verifier.FindingNotYetValid:  {"bad", "✘", "Not valid yet"},
	verifier.FindingUnconfirmed:  {"bad", "✘", "Not valid"},
	verifier.FindingForged:       {"bad", "✘", "Cannot be trusted"},
	verifier.FindingMalformed:    {"bad", "✘", "Cannot be trusted"},
	verifier.FindingUnverified:   {"bad", "✘", "Cannot be trusted"},
	verifier.FindingUnchecked:    {"unknown", "?", "Could not be checked"},
}

// checkRow is one check as the table shows it.
type checkRow struct {
	Name, Outcome, Result string
	Message               []messagePart
}

// messagePart is a run of a check's message: prose, or an identifier (a
// URL, a key id) that may wrap anywhere since it has no words to keep.
type messagePart struct {
	Text string
	ID   bool
}

var outcomeWords = map[verifier.Outcome]string{verifier.Pass: "Passed", verifier.Fail: "Failed", verifier.Warn: "Warning",
	verifier.Unreachable: "Not reached", verifier.Skipped: "Not checked"}

// reportView fills in the page's report from a verifier's report.
func (s *Server) reportView(ctx context.Context, d *verifyPage, rep *verifier.Report) error {
	d.Report = rep
	opts := verifier.PlainOptions{Checked: s.now()}
	laurel, err := s.laurelCredential(ctx, rep)
	if err != nil {
		return err
	}
	if laurel != nil {
		opts.RevokedAt = laurel.RevokedAt
	}
	d.Plain = rep.Plain(opts)
	d.Look = looks[d.Plain.Finding]
	if d.Plain.Finding == verifier.FindingGenuine && rep.Verdict == verifier.Warning {
		d.Look.Tag = "Verified, with a warning"
	}
	if rep.Version == verifier.OpenBadges2 {
		d.Look.Tag += " · Open Badges 2.0"
	}
	d.Trusted = d.Plain.Finding.Trusted()
	d.CheckedAt = dateOf("Checked on", opts.Checked)
	c := rep.Credential
	d.ClaimedName = clipText(firstNonEmpty(c.AchievementName, c.Name), 200)
	d.Reason = messageParts(d.Plain.Reason)
	if d.Trusted {
		s.trustedView(d, c, laurel)
	}
	if m := rep.RecipientMatched; m != nil {
		d.Recipient = map[bool]string{true: "match", false: "mismatch"}[*m]
	}
	for _, ch := range rep.Checks {
		d.Checks = append(d.Checks, checkRow{Name: capitalise(verifier.CheckName(ch.ID)), Outcome: string(ch.Outcome),
			Result: outcomeWords[ch.Outcome], Message: messageParts(ch.Message)})
	}
	return nil
}

// plainWords is a report's answer in words, as the verify page gives it.
func (s *Server) plainWords(ctx context.Context, rep *verifier.Report) (verifier.Plain, error) {
	opts := verifier.PlainOptions{Checked: s.now()}
	laurel, err := s.laurelCredential(ctx, rep)
	if err != nil {
		return verifier.Plain{}, err
	}
	if laurel != nil {
		opts.RevokedAt = laurel.RevokedAt
	}
	return rep.Plain(opts), nil
}

// trustedView fills in what a credential whose signature verified says.
func (s *Server) trustedView(d *verifyPage, c verifier.Summary, laurel *shownCredential) {
	d.Dates = documentDates(c.AwardedDate, c.ValidFrom, c.ValidUntil)
	// Earned the day it was issued, as most badges are: one line.
	if len(d.Dates) > 1 && d.Dates[0].Label == "Earned on" && d.Dates[1].Label == "Issued on" && d.Dates[0].Human == d.Dates[1].Human {
		d.Dates = d.Dates[1:]
	}
	if laurel != nil {
		d.BadgePage = "/credentials/" + laurel.ID
	}
	// The page's policy loads images from this Laurel only.
	if strings.HasPrefix(c.ImageURL, s.urls.Base()+"/") {
		d.ArtURL = c.ImageURL
	}
	if u, err := url.Parse(c.IssuerURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		d.IssuerURL = c.IssuerURL
	}
	switch id := c.RecipientID; {
	case c.RecipientHashed || strings.Contains(id, "$"):
		d.RecipientKind = "hashed"
	case id != "":
		d.RecipientKind = "id"
	}
}

// laurelCredential is the stored credential when the report's is one this
// Laurel issued and its signature verified, so that the page can link to
// its badge page and say when it was revoked; nil otherwise.
func (s *Server) laurelCredential(ctx context.Context, rep *verifier.Report) (*shownCredential, error) {
	c := rep.Credential
	prefix := s.urls.Credential("")
	id, ok := strings.CutPrefix(c.ID, prefix)
	if !ok || id == "" || strings.ContainsAny(id, "/?#") || !s.urls.NamesOurIssuer(c.IssuerID) {
		return nil, nil
	}
	if f := rep.Plain(verifier.PlainOptions{}).Finding; !f.Trusted() {
		return nil, nil
	}
	sc, err := s.credential(ctx, id)
	if err != nil && badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, nil
	}
	return sc, err
}

// messageParts splits a check's message into prose and identifiers: words
// with a scheme, or too long to be words.
func messageParts(msg string) []messagePart {
	var parts []messagePart
	add := func(text string, id bool) {
		if n := len(parts); n > 0 && parts[n-1].ID == id {
			parts[n-1].Text += text
			return
		}
		parts = append(parts, messagePart{Text: text, ID: id})
	}
	for i, w := range strings.Split(msg, " ") {
		if i > 0 {
			add(" ", false)
		}
		isID := strings.Contains(w, "://") || strings.HasPrefix(w, "did:") || strings.HasPrefix(w, "urn:") ||
			utf8.RuneCountInString(w) > 28
		add(w, isID)
	}
	return parts
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// clipText shortens text a stranger wrote to n runes, with an ellipsis.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
