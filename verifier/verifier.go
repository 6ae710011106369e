// Package verifier checks any Open Badges 3.0 credential, Laurel's or anyone
// else's, and reports every check it made: how the input was read, its
// context and types, its JSON Schema, its proofs and keys, its dates, its
// status, its endorsements and, on request, its recipient. Failed checks are
// data in the Report, not errors.
package verifier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Outcome is the result of one check.
type Outcome string

// Outcomes of a check. Skipped checks do not count towards the verdict.
// Unreachable is a check that could not be made because a document it
// needs (the issuer's key, a status list) could not be fetched: the
// network, a timeout, DNS, or an offline folder that lacks it.
const (
	Pass        Outcome = "pass"
	Fail        Outcome = "fail"
	Warn        Outcome = "warn"
	Unreachable Outcome = "unreachable"
	Skipped     Outcome = "skipped"
)

// Check ids, in the order the specification verifies.
const (
	CheckInput        = "input"
	CheckJSON         = "json"
	CheckContext      = "context"
	CheckType         = "type"
	CheckFields       = "fields"
	CheckSchema       = "schema"
	CheckProof        = "proof"
	CheckKey          = "key"
	CheckJWTClaims    = "jwt-claims"
	CheckDates        = "dates"
	CheckStatus       = "status"
	CheckRefresh      = "refresh"
	CheckEndorsements = "endorsements"
	CheckRecipient    = "recipient"
)

// Check is one verification step and what it found. An id may appear more
// than once, e.g. one proof check per proof.
type Check struct {
	ID      string  `json:"id"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
}

// Verdict sums up a report.
type Verdict string

// Verdicts: any failed check makes a credential invalid (a check proved
// something wrong); otherwise any check that could not be made leaves it
// unchecked; otherwise any warning makes it valid with warnings.
const (
	Valid     Verdict = "valid"
	Invalid   Verdict = "invalid"
	Unchecked Verdict = "unchecked"
	Warning   Verdict = "warning"
)

// Open Badges versions a report can be about (Report.Version).
const (
	OpenBadges3 = "3.0"
	OpenBadges2 = "2.0"
)

// Summary is what the credential discloses, for display.
type Summary struct {
	ID                     string `json:"id,omitempty"`
	Name                   string `json:"name,omitempty"`
	Description            string `json:"description,omitempty"`
	ImageURL               string `json:"imageUrl,omitempty"`
	AchievementName        string `json:"achievementName,omitempty"`
	AchievementDescription string `json:"achievementDescription,omitempty"`
	Criteria               string `json:"criteria,omitempty"`
	AchievementType        string `json:"achievementType,omitempty"`
	IssuerID               string `json:"issuerId,omitempty"`
	IssuerName             string `json:"issuerName,omitempty"`
	IssuerURL              string `json:"issuerUrl,omitempty"`
	RecipientID            string `json:"recipientId,omitempty"`
	RecipientHashed        bool   `json:"recipientHashed,omitempty"`
	ValidFrom              string `json:"validFrom,omitempty"`
	ValidUntil             string `json:"validUntil,omitempty"`
	AwardedDate            string `json:"awardedDate,omitempty"`
	Revoked                bool   `json:"revoked,omitempty"`
}

// Report is the outcome of verifying one credential.
type Report struct {
	Verdict Verdict `json:"verdict"`
	// Version is the Open Badges version of the credential: OpenBadges3,
	// or OpenBadges2 for an Open Badges 2.0 assertion; "" when the input
	// could not be read as either.
	Version string `json:"openBadgesVersion,omitempty"`
	// Format is how the credential arrived: jwt, json, png, svg or url.
	Format     string  `json:"format"`
	Checks     []Check `json:"checks"`
	Credential Summary `json:"credential"`
	// RecipientMatched is set only when Input.Email was given and the
	// credential discloses an identity to compare it with.
	RecipientMatched *bool `json:"recipientMatched,omitempty"`

	// What the failed checks found, for Plain.
	expired, notYetValid, suspended bool
	// What each Unreachable check could not reach, in plain words, by the
	// check's index.
	unreached map[int]string
}

// Input is what to verify: Data (a compact JWS, JSON, a baked PNG or SVG),
// a URL to fetch it from, or a VC-JWT read before (see ReadToken). Email,
// when set, is checked against the credential's recipient.
type Input struct {
	Data  []byte
	URL   string
	Token *Token
	Email string
}

// LocalDocuments answers URLs the local Laurel publishes (keys, JWK sets,
// status lists, credentials) from memory or its database, never the network.
type LocalDocuments interface {
	Document(ctx context.Context, url string) (body []byte, mediaType string, ok bool, err error)
}

// Options configure a Verifier.
type Options struct {
	// Loader canonicalizes JSON-LD with the embedded contexts; required.
	Loader *ob3.DocumentLoader
	// Fetcher makes every outbound request; nil means no network at all,
	// and every fetch is reported as not done.
	Fetcher *Fetcher
	// Local answers URLs this Laurel serves; it is asked before the network.
	Local LocalDocuments
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verifier verifies credentials. It is safe for concurrent use.
type Verifier struct {
	loader  *ob3.DocumentLoader
	fetcher *Fetcher
	local   LocalDocuments
	now     func() time.Time
	schemas map[string]*jsonschema.Schema // schema id -> compiled schema
	lists   *cache                        // status list content hash -> why its proof fails, "" if it verifies

	// What was read from fetched documents, by their content.
	docs        *memo[map[string]any]
	jwtKeys     *memo[jwk.Key] // by kid and document
	statusLists *memo[*statusList]
	// What schema validation found, by the document's bytes.
	schemaVerdicts *memo[schemaVerdict]
	// VC-JWTs as read, by the token's bytes: decoding is a function of
	// them alone. Every check, the signature's included, still runs on
	// each verification.
	tokens *memo[*credential]
}

// New makes a Verifier, compiling the embedded JSON Schemas once.
func New(o Options) (*Verifier, error) {
	if o.Loader == nil {
		return nil, errors.New("verifier: a JSON-LD document loader is required")
	}
	schemas, err := compileSchemas()
	if err != nil {
		return nil, err
	}
	v := &Verifier{loader: o.Loader, fetcher: o.Fetcher, local: o.Local, now: o.Now, schemas: schemas,
		lists: newCache(DefaultCacheEntries), docs: newMemo[map[string]any](), jwtKeys: newMemo[jwk.Key](),
		statusLists: newMemo[*statusList](), schemaVerdicts: newMemo[schemaVerdict](),
		tokens: newMemoOf[*credential](tokenMemoBytes)}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Verify returns a report for anything that can be read as a credential. It
// returns an error only for bad input (empty, too large, not a credential in
// any format), as a *badges.Error with code EINVALID or ETOOLARGE.
func (v *Verifier) Verify(ctx context.Context, in Input) (*Report, error) {
	run := &run{Verifier: v}
	read, err := run.read(ctx, in)
	if err != nil {
		return nil, err
	}
	if read.ob2 != nil {
		return run.verifyOB2(ctx, read, in.Email), nil
	}
	// Room for the checks a credential usually gets, so that adding them
	// does not copy the list again and again.
	r := &Report{Format: read.format, Checks: append(make([]Check, 0, typicalChecks), read.checks...)}
	if read.cred != nil && !isOB2(read.cred.doc) {
		r.Version = OpenBadges3
	}
	if read.cred == nil || verdictOf(r.Checks) == Invalid {
		r.finish()
		return r, nil
	}
	c := read.cred
	r.Credential = summarize(c.doc)
	run.evaluate(ctx, r, c, 0)
	if in.Email != "" {
		v.checkRecipient(r, c.doc, in.Email)
	} else {
		r.add(CheckRecipient, Skipped, "No e-mail address was given to compare with the recipient.")
	}
	r.finish()
	return r, nil
}

// typicalChecks is about how many checks a report of one credential has.
const typicalChecks = 16

// maxFetches bounds the network requests of one verification, since the
// credential itself names the URLs (keys, status lists, endorsers' keys).
const maxFetches = 24

// run is one call of Verify: the Verifier and what the call has used.
type run struct {
	*Verifier
	fetches  int
	answered map[string]bool // URLs Local answered in this run
}

// credential is one credential under verification: its JSON, and the
// VC-JWT it came in, if any.
type credential struct {
	doc map[string]any
	jwt *ob3.JWT
	raw []byte // the JSON doc was decoded from, if it was given as such
}

// evaluate runs the checks of the specification's verification, in its
// order, appending them to r. depth is 0 for the credential given and 1 for
// its embedded endorsements, which are not followed further.
func (v *run) evaluate(ctx context.Context, r *Report, c *credential, depth int) {
	kind := v.checkStructure(r, c)
	v.checkSchema(r, c, kind)
	v.checkProofs(ctx, r, c)
	v.checkDates(r, c.doc)
	v.checkStatus(ctx, r, c.doc)
	if _, ok := c.doc["refreshService"]; ok {
		r.add(CheckRefresh, Warn, "The credential names a refreshService; it was not followed, so this is the credential as given.")
	}
	if depth == 0 {
		v.checkEndorsements(ctx, r, c.doc)
	}
}

func (r *Report) add(id string, o Outcome, msg string) {
	r.Checks = append(r.Checks, Check{ID: id, Outcome: o, Message: msg})
}

// finish sets the verdict from the checks.
func (r *Report) finish() {
	r.Verdict = verdictOf(r.Checks)
}

func verdictOf(checks []Check) Verdict {
	verdict := Valid
	for _, c := range checks {
		switch c.Outcome {
		case Fail:
			return Invalid
		case Unreachable:
			verdict = Unchecked
		case Warn:
			if verdict == Valid {
				verdict = Warning
			}
		}
	}
	return verdict
}

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
// credential of its own, one level deep. An endorsement that does not verify,
// or could not be checked, is a warning: it says nothing about the
// credential's own authenticity.
func (v *run) checkEndorsements(ctx context.Context, r *Report, doc map[string]any) {
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
		switch verdictOf(sub.Checks) {
		case Invalid:
			bad = append(bad, fmt.Sprintf("%s by %s does not verify (%s)", e.where, clip(issuerID(e.cred.doc), 80), clip(firstFailure(sub.Checks), 200)))
		case Unchecked:
			bad = append(bad, fmt.Sprintf("%s by %s could not be checked (%s)", e.where, clip(issuerID(e.cred.doc), 80), clip(firstUnreachable(sub.Checks), 200)))
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
