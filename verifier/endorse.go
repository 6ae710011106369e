package verifier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// maxEndorsements bounds how many embedded endorsements are verified, since
// each may need fetches and canonicalization.
const maxEndorsements = 16

// endorsement is one embedded endorsement and where it sits.
type endorsement struct {
	where string
	cred  *credential
	err   error // it could not even be read
}

// checkEndorsements verifies each embedded EndorsementCredential as a
// credential of its own, one level deep. An endorsement that does not verify
// is a warning: it says nothing about the credential's own authenticity.
func (v *Verifier) checkEndorsements(ctx context.Context, r *Report, doc map[string]any) {
	found := embeddedEndorsements(doc)
	if len(found) == 0 {
		return
	}
	var bad []string
	for _, e := range found {
		if e.err != nil {
			bad = append(bad, fmt.Sprintf("%s cannot be read (%s)", e.where, trimDot(e.err)))
			continue
		}
		sub := &Report{}
		v.evaluate(ctx, sub, e.cred, 1)
		if verdictOf(sub.Checks) == Invalid {
			bad = append(bad, fmt.Sprintf("%s by %s does not verify (%s)", e.where, clip(issuerID(e.cred.doc), 80), clip(firstFailure(sub.Checks), 200)))
		}
	}
	msg := fmt.Sprintf("%d embedded endorsement(s)", len(found))
	if len(bad) == 0 {
		r.add(CheckEndorsements, Pass, msg+" verified.")
		return
	}
	r.add(CheckEndorsements, Warn, fmt.Sprintf("%s; %d did not verify: %s.", msg, len(bad), strings.Join(bad, "; ")))
}

// embeddedEndorsements collects the endorsements the data model allows: on
// the credential, its issuer, its achievement and the achievement's creator,
// as objects (endorsement) or compact JWS strings (endorsementJwt).
func embeddedEndorsements(doc map[string]any) []endorsement {
	type holder struct {
		where string
		m     map[string]any
	}
	holders := []holder{{"credential", doc}, {"issuer", obj(doc, "issuer")}}
	for _, s := range objects(doc["credentialSubject"]) {
		if a := obj(s, "achievement"); a != nil {
			holders = append(holders, holder{"achievement", a}, holder{"achievement creator", obj(a, "creator")})
		}
	}
	var out []endorsement
	for _, h := range holders {
		if h.m == nil {
			continue
		}
		for i, e := range objects(h.m["endorsement"]) {
			out = append(out, endorsement{where: fmt.Sprintf("the %s's endorsement %d", h.where, i+1), cred: &credential{doc: e}})
		}
		for i, e := range list(h.m["endorsementJwt"]) {
			out = append(out, endorsementJWT(fmt.Sprintf("the %s's endorsementJwt %d", h.where, i+1), e))
		}
	}
	if len(out) > maxEndorsements {
		out = out[:maxEndorsements]
	}
	return out
}

func endorsementJWT(where string, v any) endorsement {
	s, ok := v.(string)
	if !ok || !looksLikeJWS([]byte(s)) {
		return endorsement{where: where, err: errors.New("not a compact JWS")}
	}
	rr, err := readJWT([]byte(s), "jwt")
	if err != nil {
		return endorsement{where: where, err: errors.New(badges.ErrorMessage(err))}
	}
	return endorsement{where: where, cred: rr.cred}
}
