package verifier

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Open Badges 2.0 assertions are verified in one of two ways, which the
// assertion names in its verification object: hosted (the issuer serves
// the assertion at its id, on a host its profile allows) or signed (a JWS
// whose key the issuer's profile lists). This file settles which assertion
// is checked; ob2docs.go follows its badge class and issuer, ob2hosted.go
// and ob2signed.go verify it, ob2status.go checks its dates, revocation and
// recipient. The report has the shape of an Open Badges 3.0 one.

// ob2BakedVersion is what ob3.Unbake reports for an Open Badges 2.0 image.
const ob2BakedVersion = "2.0"

// Verification types, with the short aliases the 2.0 context defines.
const (
	ob2Hosted = "hosted"
	ob2Signed = "signed"
)

// ob2Input is an Open Badges 2.0 assertion as it was given.
type ob2Input struct {
	doc     map[string]any // the assertion; nil when only its URL was given
	jws     *ob3.JWT       // the signed assertion, when it came as a JWS
	url     string         // where it was fetched from, or the URL an image carries
	fetched bool           // doc was fetched from url by this verification
}

// ob2Run is one Open Badges 2.0 verification and what it has found.
type ob2Run struct {
	*run
	r    *Report
	in   *ob2Input
	mode string         // ob2Hosted or ob2Signed: how the assertion is verified
	doc  map[string]any // the assertion checked: for a hosted one, the copy at its id
	// hostedAt is the id the hosted copy was fetched from; "" when it was not.
	hostedAt string
	// The documents the assertion names, as read; nil when they could not be.
	badge, issuer map[string]any
	// issuerFrom is the URL the issuer's profile was fetched from; "" when
	// it was embedded in another document.
	issuerFrom string
	// What the hosted copy says of revocation, when it is revoked.
	revokedHosted bool
	revokedReason string
}

// verifyOB2 verifies an Open Badges 2.0 assertion and reports it.
func (v *run) verifyOB2(ctx context.Context, rr *readResult, email string) *Report {
	r := &Report{Version: OpenBadges2, Format: rr.format, Checks: rr.checks}
	o := &ob2Run{run: v, r: r, in: rr.ob2}
	whole := o.settle(ctx)
	if whole {
		o.follow(ctx)
		switch o.mode {
		case ob2Hosted:
			o.checkHosted()
		case ob2Signed:
			o.checkSigned(ctx)
		}
		o.checkDates()
	}
	if whole || o.revokedHosted {
		o.checkStatus(ctx)
	}
	if email != "" {
		o.checkRecipient(email)
	} else {
		r.add(CheckRecipient, Skipped, "No e-mail address was given to compare with the recipient.")
	}
	o.summarize()
	r.finish()
	return r
}

// unbakeOB2 reads what an Open Badges 2.0 image carries: the assertion's
// URL, its JSON, or its JWS.
func unbakeOB2(baked *ob3.Baked) (*readResult, error) {
	payload := bytes.TrimSpace([]byte(baked.Payload))
	var rr *readResult
	var err error
	switch {
	case bytes.HasPrefix(payload, []byte("{")):
		rr, err = readJSON(payload, baked.Format)
	case looksLikeJWS(payload):
		rr, err = readJWT(payload, baked.Format)
	case isWebURL(string(payload)):
		rr = &readResult{format: baked.Format, ob2: &ob2Input{url: string(payload)}}
		rr.add(CheckInput, Pass, fmt.Sprintf("Read a baked %s; it carries the URL of an Open Badges 2.0 assertion, %s.", baked.Format, clip(string(payload), 120)))
		return rr, nil
	default:
		return nil, badges.Errorf(badges.EINVALID, "The %s carries an Open Badges 2.0 assertion that is neither a URL, JSON nor a JWS.", baked.Format)
	}
	if err != nil {
		return nil, err
	}
	// What an image baked the 2.0 way carries may still be a 3.0
	// credential, as some issuers baked those; it is verified as one.
	rr.checks[0].Message = fmt.Sprintf("Read a baked %s; it carries %s", baked.Format, lowerFirst(rr.checks[0].Message))
	return rr, nil
}

// settle decides which assertion is checked and checks its shape. It
// reports false when there is no assertion to check at all.
func (o *ob2Run) settle(ctx context.Context) bool {
	if o.in.doc == nil && !o.fetchGiven(ctx) {
		return false
	}
	given := o.in.doc
	o.mode = ob2VerificationType(given)
	if revoked, _ := given["revoked"].(bool); revoked && o.in.fetched && o.mode == "" {
		// A revocation notice fetched from the assertion's URL, where a
		// hosted assertion's issuer replaces it once revoked.
		o.mode = ob2Hosted
	}
	if o.mode == ob2Hosted && o.in.jws == nil {
		return o.settleHosted(ctx, given)
	}
	o.doc = given
	o.checkShape()
	switch {
	case o.in.jws != nil && o.mode != ob2Signed:
		o.r.add(CheckProof, Fail, fmt.Sprintf("The assertion came as a JWS, but its verification type is %q, not SignedBadge.", clip(ob2VerificationRaw(given), 40)))
		o.mode = ""
	case o.in.jws == nil && o.mode == ob2Signed:
		o.r.add(CheckProof, Fail, "The assertion's verification type is SignedBadge, but it was given as plain JSON: the JWS that carries its signature is missing.")
		o.mode = ""
	}
	return true
}

// fetchGiven fetches the assertion whose URL an image carries.
func (o *ob2Run) fetchGiven(ctx context.Context) bool {
	doc, err := o.fetchDoc(ctx, o.in.url, KindCredential, acceptCredential)
	if err != nil {
		id := CheckProof
		if err.outcome == Fail {
			id = CheckJSON
		}
		o.r.add(id, err.outcome, fmt.Sprintf("The assertion could not be read from %s: %s.", clip(o.in.url, 120), err.reason))
		return false
	}
	o.in.doc, o.in.fetched = doc, true
	o.r.add(CheckJSON, Pass, fmt.Sprintf("Fetched the assertion from %s: a well-formed JSON object.", clip(o.in.url, 120)))
	return true
}

// settleHosted checks a hosted assertion against the copy at its id, which
// is the one checked from then on. A copy that says it is revoked leaves
// the one given to be checked, so that its badge and issuer can be shown.
func (o *ob2Run) settleHosted(ctx context.Context, given map[string]any) bool {
	id := str(given, "id")
	o.doc = given
	if !isWebURL(id) {
		return o.unhosted(Fail, fmt.Sprintf("A hosted assertion's id must be the http(s) URL it is hosted at; this one's is %q.", clip(id, 80)))
	}
	hosted := given
	if !o.in.fetched || o.in.url != id {
		doc, err := o.fetchDoc(ctx, id, KindCredential, acceptCredential)
		if err != nil {
			return o.unhosted(err.outcome, fmt.Sprintf("The hosted assertion could not be read from its id %s: %s.", clip(id, 120), err.reason))
		}
		hosted = doc
	}
	if got := str(hosted, "id"); got != id {
		return o.unhosted(Fail, fmt.Sprintf("The document at %s gives its id as %q: a hosted assertion must be served at its own id.", clip(id, 120), clip(got, 120)))
	}
	o.hostedAt = id
	if revoked, _ := hosted["revoked"].(bool); revoked {
		o.revokedHosted, o.revokedReason = true, text(hosted["revocationReason"])
		if o.in.fetched && o.in.url == id {
			// Only the revocation notice is at hand: there is nothing else to check.
			o.r.add(CheckProof, Pass, fmt.Sprintf("Fetched from its own id %s, which answers that the assertion is revoked.", clip(id, 120)))
			return false
		}
	} else {
		if diff := differences(given, hosted); len(diff) > 0 {
			o.r.add(CheckInput, Warn, fmt.Sprintf("The assertion given differs from the copy its issuer hosts at %s (in %s); the hosted copy was checked.", clip(id, 120), clip(strings.Join(diff, ", "), 120)))
		}
		o.doc = hosted
	}
	o.checkShape()
	return true
}

// unhosted reports a hosted assertion whose hosted copy cannot be had, and
// goes on to check the one given.
func (o *ob2Run) unhosted(outcome Outcome, msg string) bool {
	o.checkShape()
	o.r.add(CheckProof, outcome, msg)
	o.mode = ""
	return true
}

// ob2VerificationType reads how an assertion is verified: ob2Hosted,
// ob2Signed, or "" when it does not say in a way this package knows.
func ob2VerificationType(doc map[string]any) string {
	switch ob2VerificationRaw(doc) {
	case "hosted", "HostedBadge":
		return ob2Hosted
	case "signed", "SignedBadge":
		return ob2Signed
	}
	return ""
}

// ob2Verification is an assertion's verification object; "verify" is the
// name Open Badges 1.1 used, and the 2.0 context keeps it as an alias.
func ob2Verification(doc map[string]any) map[string]any {
	if v := obj(doc, "verification"); v != nil {
		return v
	}
	return obj(doc, "verify")
}

func ob2VerificationRaw(doc map[string]any) string {
	return str(ob2Verification(doc), "type")
}

// isWebURL reports whether s is an absolute http(s) URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostOf is a URL's host, with its port if it has one, in lower case.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// differences names the top-level members in which two documents differ.
func differences(a, b map[string]any) []string {
	var out []string
	for k, av := range a {
		if bv, ok := b[k]; !ok || !reflect.DeepEqual(av, bv) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
