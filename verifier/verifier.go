// Package verifier checks any Open Badges 3.0 credential, Laurel's or anyone
// else's, and reports every check it made: how the input was read, its
// context and types, its JSON Schema, its proofs and keys, its dates, its
// status, its endorsements and, on request, its recipient. Failed checks are
// data in the Report, not errors.
package verifier

import (
	"context"
	"errors"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// Outcome is the result of one check.
type Outcome string

// Outcomes of a check. Skipped checks do not count towards the verdict.
const (
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
	Warn    Outcome = "warn"
	Skipped Outcome = "skipped"
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

// Verdicts: any failed check makes a credential invalid; otherwise any
// warning makes it valid with warnings.
const (
	Valid   Verdict = "valid"
	Invalid Verdict = "invalid"
	Warning Verdict = "warning"
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
	// Format is how the credential arrived: jwt, json, png, svg or url.
	Format     string  `json:"format"`
	Checks     []Check `json:"checks"`
	Credential Summary `json:"credential"`
	// RecipientMatched is set only when Input.Email was given and the
	// credential discloses an identity to compare it with.
	RecipientMatched *bool `json:"recipientMatched,omitempty"`
}

// Input is what to verify: Data (a compact JWS, JSON, a baked PNG or SVG) or
// a URL to fetch it from. Email, when set, is checked against the
// credential's recipient.
type Input struct {
	Data  []byte
	URL   string
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
	v := &Verifier{loader: o.Loader, fetcher: o.Fetcher, local: o.Local, now: o.Now, schemas: schemas}
	if v.now == nil {
		v.now = time.Now
	}
	return v, nil
}

// Verify returns a report for anything that can be read as a credential. It
// returns an error only for bad input (empty, too large, not a credential in
// any format), as a *badges.Error with code EINVALID or ETOOLARGE.
func (v *Verifier) Verify(ctx context.Context, in Input) (*Report, error) {
	read, err := v.read(ctx, in)
	if err != nil {
		return nil, err
	}
	r := &Report{Format: read.format, Checks: read.checks}
	if read.cred == nil || verdictOf(r.Checks) == Invalid {
		r.finish()
		return r, nil
	}
	c := read.cred
	r.Credential = summarize(c.doc)
	v.evaluate(ctx, r, c, 0)
	if in.Email != "" {
		v.checkRecipient(r, c.doc, in.Email)
	} else {
		r.add(CheckRecipient, Skipped, "No e-mail address was given to compare with the recipient.")
	}
	r.finish()
	return r, nil
}

// credential is one credential under verification: its JSON, and the
// VC-JWT it came in, if any.
type credential struct {
	doc map[string]any
	jwt *ob3.JWT
}

// evaluate runs the checks of the specification's verification, in its
// order, appending them to r. depth is 0 for the credential given and 1 for
// its embedded endorsements, which are not followed further.
func (v *Verifier) evaluate(ctx context.Context, r *Report, c *credential, depth int) {
	kind := v.checkStructure(r, c)
	v.checkSchema(r, c.doc, kind)
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
		case Warn:
			verdict = Warning
		}
	}
	return verdict
}
