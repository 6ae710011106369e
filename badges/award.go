package badges

import (
	"slices"
	"strings"
	"time"
)

// Evidence supports an award: a link, a description, or both.
type Evidence struct {
	URL         string // http(s), optional
	Name        string
	Narrative   string // Markdown
	Description string
	Genre       string
	Audience    string
}

// Result records how the member did, in Open Badges terms.
type Result struct {
	Value  string // e.g. "5 sessions hosted"
	Status string // one of ResultStatuses, optional
}

// ResultStatuses are the Open Badges 3.0 ResultStatusType values.
var ResultStatuses = []string{"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}

// AwardInput asks for an achievement to be awarded to a member: an
// existing one by id, or one found or created by e-mail address.
type AwardInput struct {
	AchievementID string
	MemberID      string
	Email         string // with Name, when MemberID is empty
	Name          string
	Narrative     string // why this member earned it, Markdown
	Evidence      []Evidence
	Results       []Result
	// AwardedDate is when the member earned the badge (Open Badges
	// awardedDate); zero means when it is issued. It is never after the
	// issue, nor before EarliestAwardedDate. (Left out of the request hash
	// of idempotency when zero, as it was before awards had dates.)
	AwardedDate time.Time `json:",omitzero"`
	// IdempotencyKey makes a retried request return the first one's
	// credential instead of issuing again.
	IdempotencyKey string
	// Unreadable, when set, is why the input could not be read (a CSV
	// cell that is not a date, say): Validate rejects the award with it,
	// so that in a bulk award only its row is rejected.
	Unreadable error `json:"-"`
}

const (
	maxEvidence       = 20
	maxResults        = 20
	maxIdempotencyKey = 200
)

// Validate checks and normalises the input.
func (in *AwardInput) Validate() error {
	if in.Unreadable != nil {
		return in.Unreadable
	}
	in.AchievementID = strings.TrimSpace(in.AchievementID)
	if in.AchievementID == "" {
		return FieldErrorf("achievementId", "achievementId is required")
	}
	in.MemberID = strings.TrimSpace(in.MemberID)
	var err error
	switch {
	case in.MemberID != "" && in.Email != "":
		return FieldErrorf("memberId", "give either memberId or email and name, not both")
	case in.MemberID == "":
		if in.Email, err = NormalizeEmail(in.Email); err != nil {
			return FieldErrorf("email", "%s (or give memberId)", ErrorMessage(err))
		}
		if in.Name, err = CheckText("name", in.Name, false, maxNameLen); err != nil {
			return err
		}
	}
	if in.Narrative, err = CheckText("narrative", in.Narrative, false, maxCriteriaLen); err != nil {
		return err
	}
	if len(in.Evidence) > maxEvidence {
		return FieldErrorf("evidence", "at most %d evidence items", maxEvidence)
	}
	for i := range in.Evidence {
		if err := in.Evidence[i].validate(); err != nil {
			return err
		}
	}
	if len(in.Results) > maxResults {
		return FieldErrorf("results", "at most %d results", maxResults)
	}
	for i := range in.Results {
		r := &in.Results[i]
		if r.Value, err = CheckText("results.value", r.Value, r.Status == "", maxNameLen); err != nil {
			return err
		}
		if r.Status != "" && !slices.Contains(ResultStatuses, r.Status) {
			return FieldErrorf("results.status", "status %q is not one of %s", r.Status, strings.Join(ResultStatuses, ", "))
		}
	}
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		return FieldErrorf("Idempotency-Key", "the idempotency key is longer than %d characters", maxIdempotencyKey)
	}
	return nil
}

func (e *Evidence) validate() error {
	e.URL = strings.TrimSpace(e.URL)
	if e.URL != "" && !IsHTTPURL(e.URL) {
		return FieldErrorf("evidence.url", "evidence url %q must be an http or https URL", e.URL)
	}
	var err error
	for _, f := range []struct {
		p    *string
		name string
		max  int
	}{{&e.Name, "evidence.name", maxNameLen}, {&e.Narrative, "evidence.narrative", maxCriteriaLen},
		{&e.Description, "evidence.description", maxDescriptionLen}, {&e.Genre, "evidence.genre", maxNameLen},
		{&e.Audience, "evidence.audience", maxNameLen}} {
		if *f.p, err = CheckText(f.name, *f.p, false, f.max); err != nil {
			return err
		}
	}
	if e.URL == "" && e.Name == "" && e.Narrative == "" && e.Description == "" {
		return FieldErrorf("evidence", "evidence needs a url, a name, a narrative or a description")
	}
	return nil
}

// Award is an achievement given to a member: what the credential says.
type Award struct {
	ID                 string // also the credential's id
	IssuerID           string
	AchievementID      string
	AchievementVersion int
	MemberID           string
	Narrative          string
	Evidence           []Evidence
	Results            []Result
	AwardedAt          time.Time // when it was issued: the credential's validFrom
	// AwardedDate is when the member earned it (the credential's
	// awardedDate), never after AwardedAt.
	AwardedDate time.Time
	ValidUntil  time.Time // zero: never expires
}

// EarliestAwardedDate is the earliest date an award may carry, the same
// as an activity's.
var EarliestAwardedDate = earliestActivity

// CheckAwardedDate checks an award's date against the moment it is
// issued: a badge is not earned after it is issued, nor before activity
// can be recorded. Zero is the moment of issue.
func (in *AwardInput) CheckAwardedDate(issued time.Time) (time.Time, error) {
	// The credential says it to the second.
	switch d := in.AwardedDate.UTC().Truncate(time.Second); {
	case d.IsZero():
		return issued, nil
	case d.After(issued):
		return time.Time{}, FieldErrorf("awardedDate", "awardedDate %s is in the future; a badge is awarded on or before the day it is issued", d.UTC().Format(time.RFC3339))
	case d.Before(EarliestAwardedDate):
		return time.Time{}, FieldErrorf("awardedDate", "awardedDate %s is before %s", d.UTC().Format(time.RFC3339), EarliestAwardedDate.Format(time.DateOnly))
	default:
		return d, nil
	}
}
