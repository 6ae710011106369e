package verifier

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// A report's plain answer, for people: what a verifier wants to know first
// ("Genuine — issued by Lyon Gophers on 3 May 2026"), worded the same on
// the verify page and by "laurel verify".

// Finding is the kind of answer a report gives, most serious first.
type Finding string

// Findings. Only FindingGenuine, FindingNotRecipient, FindingRevoked,
// FindingSuspended, FindingExpired and FindingNotYetValid mean the issuer's
// signature verified, so that what the credential says can be shown.
const (
	FindingMalformed    Finding = "malformed"     // not a well-formed credential
	FindingForged       Finding = "forged"        // a proof or the JWT claims do not match the content
	FindingUnverified   Finding = "unverified"    // no proof could be checked: no key, no network
	FindingUnchecked    Finding = "unchecked"     // nothing failed, but a document a check needs could not be fetched
	FindingRevoked      Finding = "revoked"       // genuine, revoked by its issuer
	FindingSuspended    Finding = "suspended"     // genuine, suspended by its issuer
	FindingExpired      Finding = "expired"       // genuine, past its validUntil
	FindingNotYetValid  Finding = "not-yet-valid" // genuine, before its validFrom
	FindingUnconfirmed  Finding = "unconfirmed"   // genuine signature, another check failed
	FindingNotRecipient Finding = "not-recipient" // genuine, issued to someone else
	FindingGenuine      Finding = "genuine"
)

// Trusted says whether the credential's content may be shown as what its
// issuer said: its signature verified, whatever else was found.
func (f Finding) Trusted() bool {
	switch f {
	case FindingMalformed, FindingForged, FindingUnverified, FindingUnchecked:
		return false
	}
	return true
}

// Plain is a report's answer in words.
type Plain struct {
	Finding  Finding
	Headline string // one line, dates in words
	// Reason is the check that decided the answer, in a sentence: the
	// failing check, else the first warning; "" when every check passed.
	Reason string
}

// PlainOptions say what the report alone does not know.
type PlainOptions struct {
	Checked   time.Time // when the credential was verified
	RevokedAt time.Time // when its issuer revoked it, if the issuer says; zero otherwise
}

// PlainDate is how a person reads a date: "3 May 2026".
const PlainDate = "2 January 2006"

// Plain words the report's answer.
func (r *Report) Plain(o PlainOptions) Plain {
	p := Plain{Finding: r.finding()}
	p.Headline = r.headline(p.Finding, o)
	p.Reason = r.reason()
	return p
}

// finding decides the answer from the checks, the gravest first: a
// credential that is not one, one whose content is not what was signed,
// then what its genuine issuer says of it, then its recipient.
func (r *Report) finding() Finding {
	failed := map[string]bool{}
	proofPassed, unreachable := false, false
	for _, c := range r.Checks {
		if c.Outcome == Fail {
			failed[c.ID] = true
		}
		proofPassed = proofPassed || (c.ID == CheckProof && c.Outcome == Pass)
		unreachable = unreachable || c.Outcome == Unreachable
	}
	switch {
	case len(failed) == 0 && unreachable:
		return FindingUnchecked
	case failed[CheckInput] || failed[CheckJSON] || failed[CheckContext] || failed[CheckType] || failed[CheckFields] || failed[CheckSchema]:
		return FindingMalformed
	case failed[CheckKey]:
		return FindingUnverified
	case failed[CheckProof] || failed[CheckJWTClaims]:
		return FindingForged
	case !proofPassed:
		return FindingUnverified
	case failed[CheckStatus] && r.Credential.Revoked:
		return FindingRevoked
	case failed[CheckStatus] && r.suspended:
		return FindingSuspended
	case failed[CheckDates] && r.expired:
		return FindingExpired
	case failed[CheckDates] && r.notYetValid:
		return FindingNotYetValid
	case len(failed) > 1 || (len(failed) == 1 && !failed[CheckRecipient]):
		return FindingUnconfirmed
	case failed[CheckRecipient]:
		return FindingNotRecipient
	}
	return FindingGenuine
}

// headline words a finding in one line.
func (r *Report) headline(f Finding, o PlainOptions) string {
	c := r.Credential
	switch f {
	case FindingMalformed:
		return "Not a valid Open Badge: it does not follow the standard"
	case FindingForged:
		return "Not genuine: the signature does not match its contents"
	case FindingUnverified:
		return "Not verified: its signature could not be checked"
	case FindingUnchecked:
		return "Could not be checked — " + r.uncheckedWhy()
	case FindingRevoked:
		if !o.RevokedAt.IsZero() {
			return "Revoked by its issuer on " + o.RevokedAt.UTC().Format(PlainDate)
		}
		return "Revoked by its issuer" + checkedOn(o.Checked)
	case FindingSuspended:
		return "Suspended by its issuer" + checkedOn(o.Checked)
	case FindingExpired:
		return "Expired on " + plainDate(c.ValidUntil)
	case FindingNotYetValid:
		return "Not yet valid: it takes effect on " + plainDate(c.ValidFrom)
	case FindingUnconfirmed:
		return "Not confirmed: the " + CheckName(r.firstOf(Fail).ID) + " check failed"
	case FindingNotRecipient:
		return "Genuine, but not issued to this address"
	}
	to := ""
	if r.RecipientMatched != nil && *r.RecipientMatched {
		to = " to this address"
	}
	h := "Genuine — issued" + to + " by " + r.issuerName()
	if verdictOf(r.Checks) == Warning {
		// A valid credential with warnings reads differently at a glance.
		h = "Genuine, with warnings — issued" + to + " by " + r.issuerName()
	}
	if d := plainDate(c.ValidFrom); d != "" && d != c.ValidFrom {
		h += " on " + d
	}
	return h
}

func checkedOn(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return ", as checked on " + t.UTC().Format(PlainDate)
}

// issuerName is who issued the credential, as it names itself, else the
// host of its id, else a word.
func (r *Report) issuerName() string {
	if n := r.Credential.IssuerName; n != "" {
		return isolate(clip(n, 120))
	}
	if u, err := url.Parse(r.Credential.IssuerID); err == nil && u.Host != "" {
		return u.Host
	}
	return "an issuer that gives no name"
}

// isolate keeps a name that has right-to-left text or bidirectional
// controls from reordering the sentence around it: it is set between
// first-strong isolate and pop directional isolate marks.
func isolate(name string) string {
	if !strings.ContainsFunc(name, func(r rune) bool {
		return unicode.In(r, unicode.Bidi_Control, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko)
	}) {
		return name
	}
	return "\u2068" + name + "\u2069"
}

// plainDate writes a credential's date-time (or plain date, as some
// issuers write) in words, or returns it as given when it cannot be read.
func plainDate(s string) string {
	if s == "" {
		return ""
	}
	t, err := parseDateTime(s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err != nil {
			return s
		}
	}
	return t.Format(PlainDate)
}

// reason is the deciding check in a sentence.
func (r *Report) reason() string {
	c, verb := r.firstOf(Fail), "failed"
	if c.ID == "" {
		c, verb = r.firstOf(Unreachable), "could not be made"
	}
	if c.ID == "" {
		c, verb = r.firstOf(Warn), "gave a warning"
	}
	if c.ID == "" {
		return ""
	}
	return fmt.Sprintf("The %s check %s. %s", CheckName(c.ID), verb, c.Message)
}

// firstOf is the first check with the outcome, or a zero Check.
func (r *Report) firstOf(o Outcome) Check {
	for _, c := range r.Checks {
		if c.Outcome == o {
			return c
		}
	}
	return Check{}
}

// checkNames are the checks as a person calls them.
var checkNames = map[string]string{
	CheckInput: "input", CheckJSON: "JSON", CheckContext: "JSON-LD context", CheckType: "type",
	CheckFields: "required fields", CheckSchema: "JSON Schema", CheckProof: "signature", CheckKey: "signing key",
	CheckJWTClaims: "JWT claims", CheckDates: "validity dates", CheckStatus: "revocation status",
	CheckRefresh: "refresh service", CheckEndorsements: "endorsements", CheckRecipient: "recipient",
}

// CheckName is what a person calls a check ("signature" for "proof").
func CheckName(id string) string {
	if n, ok := checkNames[id]; ok {
		return n
	}
	return id
}
