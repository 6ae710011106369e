package verifier

import (
	"fmt"
	"slices"
	"strings"
)

// Hosted verification (Open Badges 2.0, "HostedBadge"): the assertion is
// genuine when it is served at its id from a place its issuer allows. The
// issuer's profile says where in its verification object: allowedOrigins
// (hosts) and startsWith (URL prefixes); without allowedOrigins, the host
// of the issuer's own id (or of its profile's URL, when its id is not one).

// checkHosted checks the hosted copy's id against its issuer's policy.
func (o *ob2Run) checkHosted() {
	r := o.r
	if o.issuer == nil {
		r.add(CheckProof, o.missingIssuerOutcome(), "Hosted verification was not completed: the issuer's profile, which says where its assertions may be hosted, could not be read.")
		return
	}
	policy := obj(o.issuer, "verification")
	id := o.hostedAt
	if prefixes := stringList(policy["startsWith"]); len(prefixes) > 0 &&
		!slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(id, p) }) {
		r.add(CheckProof, Fail, fmt.Sprintf("The assertion's id %s does not start with any prefix its issuer's verification policy allows (%s).", clip(id, 120), clip(strings.Join(prefixes, ", "), 160)))
		return
	}
	origins := stringList(policy["allowedOrigins"])
	issuerID := str(o.issuer, "id")
	if _, given := policy["allowedOrigins"]; !given {
		origins = o.defaultOrigins()
	}
	if len(origins) == 0 {
		r.add(CheckProof, Warn, fmt.Sprintf("The assertion is served at its id %s, but its issuer %s, embedded and without a web address, has no host to hold that to.", clip(id, 120), clip(issuerID, 120)))
		return
	}
	host := hostOf(id)
	if !slices.ContainsFunc(origins, func(h string) bool { return strings.EqualFold(h, host) }) {
		r.add(CheckProof, Fail, fmt.Sprintf("The assertion is hosted on %s, which its issuer's verification policy does not allow (it allows %s).", host, clip(strings.Join(origins, ", "), 160)))
		return
	}
	r.add(CheckProof, Pass, fmt.Sprintf("Hosted by its issuer: the assertion is served at its id %s, on %s, where its issuer's profile allows.", clip(id, 120), host))
}

// defaultOrigins is where an issuer's assertions may be hosted when its
// policy does not say: on the host of its id, or, for an id that is not a
// web address, the host its profile was fetched from.
func (o *ob2Run) defaultOrigins() []string {
	for _, u := range []string{str(o.issuer, "id"), o.issuerFrom} {
		if isWebURL(u) {
			return []string{hostOf(u)}
		}
	}
	return nil
}

// missingIssuerOutcome is how a check that needs the issuer's profile ends
// when it is missing: unreachable when it could not be fetched, skipped
// when it was read and found wrong (that check has failed already).
func (o *ob2Run) missingIssuerOutcome() Outcome {
	for _, c := range o.r.Checks {
		if c.ID == CheckFields && c.Outcome == Unreachable {
			return Unreachable
		}
	}
	return Skipped
}

// stringList reads a member that holds a string or an array of strings.
func stringList(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := e.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
