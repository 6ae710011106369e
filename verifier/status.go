package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Status entry types this package reads.
const (
	statusBitstring      = "BitstringStatusListEntry"
	statusList2021       = "StatusList2021Entry" // the Bitstring list's predecessor, read the same way
	statusRevocationList = "1EdTechRevocationList"
)

// checkDates checks validFrom and validUntil (issuanceDate and
// expirationDate in VC 1.1) against the clock.
func (v *Verifier) checkDates(r *Report, doc map[string]any) {
	now := v.now()
	from, fromField, err := dateOf(doc, "validFrom", "issuanceDate")
	if err != nil {
		r.add(CheckDates, Fail, err.Error()+".")
		return
	}
	until, untilField, err := dateOf(doc, "validUntil", "expirationDate")
	if err != nil {
		r.add(CheckDates, Fail, err.Error()+".")
		return
	}
	switch {
	case !from.IsZero() && now.Add(ob3.JWTLeeway).Before(from):
		r.notYetValid = true
		r.add(CheckDates, Fail, fmt.Sprintf("Not yet valid: %s is %s.", fromField, wordsTime(from)))
	case !until.IsZero() && !now.Add(-ob3.JWTLeeway).Before(until):
		r.expired = true
		r.add(CheckDates, Fail, fmt.Sprintf("Expired: %s was %s.", untilField, wordsTime(until)))
	case from.IsZero():
		r.add(CheckDates, Fail, "The credential has no validFrom date.")
	case until.IsZero():
		r.add(CheckDates, Pass, fmt.Sprintf("Valid since %s, with no end date.", wordsTime(from)))
	default:
		r.add(CheckDates, Pass, fmt.Sprintf("Valid from %s until %s.", wordsTime(from), wordsTime(until)))
	}
}

// wordsTime writes a moment for people: "3 May 2026, 14:05 UTC".
func wordsTime(t time.Time) string {
	return t.UTC().Format(PlainDate + ", 15:04 MST")
}

// dateOf reads the first present of the named date-time members.
func dateOf(doc map[string]any, names ...string) (time.Time, string, error) {
	for _, name := range names {
		v, ok := doc[name]
		if !ok || v == nil {
			continue
		}
		s, _ := v.(string)
		t, err := parseDateTime(s)
		if err != nil {
			return time.Time{}, name, fmt.Errorf("%s %q is not a date-time", name, clip(s, 40))
		}
		return t, name, nil
	}
	return time.Time{}, names[0], nil
}

// parseDateTime reads RFC 3339; a missing zone is read as UTC, as some
// issuers omit it.
func parseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date-time")
}

// checkStatus reads every credentialStatus entry. A Bitstring status list
// that cannot be fetched leaves the credential unchecked (Unreachable); a
// 1EdTechRevocationList that cannot be is a warning, as the standard says.
func (v *run) checkStatus(ctx context.Context, r *Report, doc map[string]any) {
	entries := objects(doc["credentialStatus"])
	if len(entries) == 0 {
		r.add(CheckStatus, Skipped, "The credential has no credentialStatus: its issuer offers no way to check for revocation.")
		return
	}
	for _, e := range entries {
		switch typ := str(e, "type"); typ {
		case statusBitstring, statusList2021:
			v.bitstringStatus(ctx, r, doc, e)
		case statusRevocationList:
			v.revocationList(ctx, r, doc, e)
		default:
			r.add(CheckStatus, Warn, fmt.Sprintf("The status type %q is not checked here.", clip(typ, 60)))
		}
	}
}

// bitstringStatus checks the credential's bit in a Bitstring status list.
func (v *run) bitstringStatus(ctx context.Context, r *Report, doc, e map[string]any) {
	listURL, purpose := str(e, "statusListCredential"), str(e, "statusPurpose")
	index, err := statusIndex(e["statusListIndex"])
	if err != nil || listURL == "" {
		r.add(CheckStatus, Fail, "The status entry is malformed: it needs a statusListCredential URL and a non-negative integer statusListIndex.")
		return
	}
	list, err := v.fetchStatusList(ctx, listURL)
	if err != nil {
		msg := fmt.Sprintf("Could not fetch the status list %s, so revocation was not checked: %v.", clip(listURL, 120), trimDot(err))
		if errors.Is(err, ErrUnreachable) {
			r.addUnreachable(CheckStatus, msg, "the status list", err)
			return
		}
		r.add(CheckStatus, Warn, msg)
		return
	}
	if list.bitsErr != nil {
		r.add(CheckStatus, Warn, fmt.Sprintf("The status list %s could not be read: %v.", clip(listURL, 120), trimDot(list.bitsErr)))
		return
	}
	// An unsigned or altered list could hide a revocation, or invent one:
	// its answer counts for nothing.
	switch p := v.listProof(ctx, list); p.outcome {
	case Warn:
		r.add(CheckStatus, Warn, fmt.Sprintf("The proof of the status list %s was not checked, since the verification was stopped before it finished; the credential's status is unknown.", clip(listURL, 120)))
		return
	case Unreachable:
		r.noteUnreachable(CheckStatus, fmt.Sprintf("The proof of the status list %s could not be checked (%s); the credential's status is unknown.", clip(listURL, 120), p.why), p.plain)
		return
	case Fail:
		r.add(CheckStatus, Fail, fmt.Sprintf("The status list %s cannot be trusted, since its proof does not verify (%s); the credential's status is unknown.", clip(listURL, 120), p.why))
		return
	}
	bits, subject := list.bits, obj(list.doc, "credentialSubject")
	set, err := bits.Get(index)
	if err != nil {
		r.add(CheckStatus, Fail, fmt.Sprintf("The statusListIndex %d is outside the status list %s (%d entries).", index, clip(listURL, 120), bits.Len()))
		return
	}
	if caveat := v.listCaveat(list, issuerID(doc), purpose, str(subject, "statusPurpose")); caveat != "" {
		r.add(CheckStatus, Warn, caveat)
	}
	where := fmt.Sprintf("entry %d of the status list %s", index, clip(listURL, 120))
	switch {
	case !set:
		r.add(CheckStatus, Pass, fmt.Sprintf("Not %s: %s is clear.", purposeWord(purpose), where))
	case purpose == "revocation" || purpose == "suspension":
		r.Credential.Revoked = r.Credential.Revoked || purpose == "revocation"
		r.suspended = r.suspended || purpose == "suspension"
		r.add(CheckStatus, Fail, fmt.Sprintf("The credential has been %s: %s is set.", purposeWord(purpose), where))
	default:
		r.add(CheckStatus, Warn, fmt.Sprintf("The status %q is set (%s); its meaning is not interpreted here.", clip(purpose, 40), where))
	}
}

func purposeWord(purpose string) string {
	if purpose == "suspension" {
		return "suspended"
	}
	return "revoked"
}

// statusIndex reads a statusListIndex: a decimal string, as the
// specification says, or a JSON number, as some issuers write it.
func statusIndex(v any) (int, error) {
	switch t := v.(type) {
	case string:
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || strconv.Itoa(n) != t {
			return 0, errors.New("bad index")
		}
		return n, nil
	case float64:
		if t < 0 || t != math.Trunc(t) || t > float64(ob3.MaxBitstringBytes*8) {
			return 0, errors.New("bad index")
		}
		return int(t), nil
	case json.Number:
		return statusIndex(t.String())
	}
	return 0, errors.New("bad index")
}

// listCaveat says what weakens the answer of a status list whose proof
// verified: another issuer, another purpose, or an expired list.
func (v *run) listCaveat(list *statusList, issuer, purpose, listPurpose string) string {
	var notes []string
	if li := issuerID(list.doc); li != issuer {
		notes = append(notes, fmt.Sprintf("it was issued by %s, not by the credential's issuer", clip(li, 100)))
	}
	if listPurpose != "" && purpose != "" && listPurpose != purpose {
		notes = append(notes, fmt.Sprintf("its purpose is %q, not %q", clip(listPurpose, 40), clip(purpose, 40)))
	}
	if until, _, err := dateOf(list.doc, "validUntil"); err == nil && !until.IsZero() && until.Before(v.now()) {
		notes = append(notes, "it has expired")
	}
	if len(notes) == 0 {
		return ""
	}
	return "The status list cannot be fully trusted: " + strings.Join(notes, "; ") + "."
}

// listCheck is what a status list's proofs came to: Pass; Fail, with why;
// Unreachable when a key they need could not be fetched, with why and its
// plain words; Warn when the verification was stopped before the proofs
// could be told good or bad, which says nothing of the list.
type listCheck struct {
	outcome    Outcome
	why, plain string
}

// listProof verifies a status list's proofs. Every credential of an issuer
// points at the same few lists, so a verified or failed answer is kept, by
// the list's content, as long as the list itself; an unreachable key is
// tried again next time.
func (v *run) listProof(ctx context.Context, list *statusList) listCheck {
	if e, ok := v.lists.get(list.digest); ok {
		if len(e.body) == 0 {
			return listCheck{outcome: Pass}
		}
		return listCheck{outcome: Fail, why: string(e.body)}
	}
	scratch := &Report{}
	v.checkProofs(ctx, scratch, list.credential)
	if ctx.Err() != nil {
		return listCheck{outcome: Warn}
	}
	var failure string
	switch verdictOf(scratch.Checks) {
	case Invalid:
		failure = firstFailure(scratch.Checks)
	case Unchecked:
		return listCheck{outcome: Unreachable, why: firstUnreachable(scratch.Checks), plain: scratch.uncheckedWhy()}
	}
	v.lists.put(list.digest, entry{body: []byte(failure)}, DefaultStatusTTL)
	if failure != "" {
		return listCheck{outcome: Fail, why: failure}
	}
	return listCheck{outcome: Pass}
}

func firstFailure(checks []Check) string {
	for _, c := range checks {
		if c.Outcome == Fail {
			return strings.TrimSuffix(c.Message, ".")
		}
	}
	return ""
}

// revocationList checks a 1EdTechRevocationList: the status id returns a
// list of revoked credential ids.
func (v *run) revocationList(ctx context.Context, r *Report, doc, e map[string]any) {
	loc := str(e, "id")
	list, err := v.getJSON(ctx, loc, KindStatus, acceptStatus)
	if err != nil {
		r.add(CheckStatus, Warn, fmt.Sprintf("Could not fetch the revocation list %s, so revocation was not checked: %v.", clip(loc, 120), trimDot(err)))
		return
	}
	id := str(doc, "id")
	for _, entry := range objects(list["revokedCredential"]) {
		if str(entry, "id") != id || id == "" {
			continue
		}
		if revoked, present := entry["revoked"]; present && revoked != true {
			continue
		}
		r.Credential.Revoked = true
		msg := "The credential has been revoked: the revocation list " + clip(loc, 120) + " lists it"
		if reason := str(entry, "revocationReason"); reason != "" {
			msg += fmt.Sprintf(" (%s)", clip(reason, 160))
		}
		r.add(CheckStatus, Fail, msg+".")
		return
	}
	r.add(CheckStatus, Pass, "Not revoked: the revocation list "+clip(loc, 120)+" does not list the credential.")
}
