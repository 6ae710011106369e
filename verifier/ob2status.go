package verifier

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// What an Open Badges 2.0 assertion says of itself once verified: its
// dates, whether its issuer revoked it, whom it was issued to, and what it
// shows.

// checkDates checks issuedOn and expires against the clock.
func (o *ob2Run) checkDates() {
	r, now := o.r, o.now()
	issued, err := ob2Date(o.doc, "issuedOn")
	if err != nil {
		r.add(CheckDates, Fail, "The assertion's "+err.Error()+".")
		return
	}
	expires, err := ob2Date(o.doc, "expires")
	if err != nil {
		r.add(CheckDates, Fail, "The assertion's "+err.Error()+".")
		return
	}
	switch {
	case issued.IsZero():
		r.add(CheckDates, Fail, "The assertion has no issuedOn date.")
	case now.Add(ob3.JWTLeeway).Before(issued):
		r.notYetValid = true
		r.add(CheckDates, Fail, fmt.Sprintf("Not yet valid: issuedOn is %s, in the future.", wordsTime(issued)))
	case !expires.IsZero() && expires.Before(issued):
		r.add(CheckDates, Fail, fmt.Sprintf("The assertion expires (%s) before it was issued (%s).", wordsTime(expires), wordsTime(issued)))
	case !expires.IsZero() && !now.Add(-ob3.JWTLeeway).Before(expires):
		r.expired = true
		r.add(CheckDates, Fail, fmt.Sprintf("Expired: expires was %s.", wordsTime(expires)))
	case expires.IsZero():
		r.add(CheckDates, Pass, fmt.Sprintf("Issued on %s, with no expiry date.", wordsTime(issued)))
	default:
		r.add(CheckDates, Pass, fmt.Sprintf("Issued on %s; expires %s.", wordsTime(issued), wordsTime(expires)))
	}
}

// ob2Date reads a DateTime: ISO 8601 with a time, or a plain date.
func ob2Date(doc map[string]any, name string) (time.Time, error) {
	v, ok := doc[name]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	s, _ := v.(string)
	if t, err := parseDateTime(s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q is not a date-time", name, clip(fmt.Sprint(v), 40))
}

// checkStatus reports whether the issuer revoked the assertion: its hosted
// copy says so, or the issuer's revocation list names it.
func (o *ob2Run) checkStatus(ctx context.Context) {
	r := o.r
	if o.revokedHosted {
		r.Credential.Revoked = true
		msg := "The assertion has been revoked: the copy hosted at its id says so"
		if o.revokedReason != "" {
			msg += fmt.Sprintf(" (%s)", clip(o.revokedReason, 160))
		}
		r.add(CheckStatus, Fail, msg+".")
		return
	}
	listURL := idOf(o.issuer["revocationList"])
	switch {
	case o.issuer == nil:
		r.add(CheckStatus, o.missingIssuerOutcome(), "Revocation was not checked, since the issuer's profile could not be read.")
	case listURL != "":
		o.checkRevocationList(ctx, listURL)
	case o.hostedAt != "":
		r.add(CheckStatus, Pass, "Not revoked: the copy hosted at its id does not say it is, and the issuer publishes no revocation list.")
	default:
		r.add(CheckStatus, Skipped, "The issuer publishes no revocationList: its profile offers no way to check for revocation.")
	}
}

// checkRevocationList looks the assertion up in the issuer's
// RevocationList, whose revokedAssertions are ids or objects with one.
func (o *ob2Run) checkRevocationList(ctx context.Context, listURL string) {
	r := o.r
	rl, err := o.fetchDoc(ctx, listURL, KindStatus, acceptStatus)
	if err != nil {
		r.add(CheckStatus, err.outcome, fmt.Sprintf("The revocation list %s could not be read, so revocation was not checked: %s.", clip(listURL, 120), err.reason))
		return
	}
	id, uid := str(o.doc, "id"), str(o.doc, "uid")
	for _, e := range list(rl["revokedAssertions"]) {
		entry, _ := e.(map[string]any)
		if e != id && (entry == nil || (str(entry, "id") != id && (uid == "" || str(entry, "uid") != uid))) {
			continue
		}
		r.Credential.Revoked = true
		msg := "The assertion has been revoked: the revocation list " + clip(listURL, 120) + " names it"
		if reason := text(entry["revocationReason"]); reason != "" {
			msg += fmt.Sprintf(" (%s)", clip(reason, 160))
		}
		r.add(CheckStatus, Fail, msg+".")
		return
	}
	r.add(CheckStatus, Pass, "Not revoked: the revocation list "+clip(listURL, 120)+" does not name the assertion.")
}

// checkRecipient compares an e-mail address with the recipient's
// IdentityObject: a salted sha256 or md5 hash, or the address itself.
func (o *ob2Run) checkRecipient(email string) {
	r := o.r
	if o.doc == nil {
		r.add(CheckRecipient, Skipped, "The recipient was not compared, since the assertion could not be read.")
		return
	}
	rec := obj(o.doc, "recipient")
	if rec == nil {
		r.add(CheckRecipient, Warn, "The assertion names no recipient to compare the address with.")
		return
	}
	if typ := str(rec, "type"); typ != "email" {
		r.add(CheckRecipient, Warn, fmt.Sprintf("The assertion names its recipient by %q, not by e-mail address.", clip(typ, 40)))
		return
	}
	// Addresses are compared as typed and in lower case: issuers differ
	// in whether they lower-case an address before hashing it.
	email = strings.TrimSpace(email)
	identity, salt := str(rec, "identity"), str(rec, "salt")
	matched := false
	for _, e := range []string{email, strings.ToLower(email)} {
		if isHashed(rec) {
			matched = matched || ob3.MatchIdentityHash(identity, e, salt)
		} else {
			matched = matched || strings.EqualFold(identity, e)
		}
	}
	r.RecipientMatched = &matched
	if matched {
		r.add(CheckRecipient, Pass, "The assertion was issued to this e-mail address.")
		return
	}
	r.add(CheckRecipient, Fail, "The assertion was not issued to this e-mail address.")
}

// summarize fills in what the assertion discloses, for display.
func (o *ob2Run) summarize() {
	doc, b, s := o.doc, o.badge, &o.r.Credential
	if doc == nil {
		return
	}
	s.ID = str(doc, "id")
	s.ValidFrom, s.AwardedDate = str(doc, "issuedOn"), str(doc, "issuedOn")
	s.ValidUntil = str(doc, "expires")
	s.ImageURL = imageURL(doc["image"])
	if rec := obj(doc, "recipient"); rec != nil {
		s.RecipientID, s.RecipientHashed = str(rec, "identity"), isHashed(rec)
	}
	if b == nil {
		return
	}
	s.Name, s.AchievementName = text(b["name"]), text(b["name"])
	s.Description, s.AchievementDescription = text(b["description"]), text(b["description"])
	if s.ImageURL == "" {
		s.ImageURL = imageURL(b["image"])
	}
	if c := obj(b, "criteria"); c != nil {
		s.Criteria = text(c["narrative"])
		if s.Criteria == "" {
			s.Criteria = str(c, "id")
		}
	} else {
		s.Criteria = str(b, "criteria")
	}
	if o.issuer != nil {
		s.IssuerID, s.IssuerName, s.IssuerURL = str(o.issuer, "id"), text(o.issuer["name"]), str(o.issuer, "url")
	}
}
