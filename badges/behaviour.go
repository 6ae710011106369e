package badges

import (
	"context"
	"regexp"
	"time"
)

// BehaviourCategory groups behaviours by the kind of engagement they show.
type BehaviourCategory string

// The four behaviour categories, from taking part to helping others grow.
const (
	CategoryParticipation BehaviourCategory = "participation"
	CategoryContribution  BehaviourCategory = "contribution"
	CategoryLeadership    BehaviourCategory = "leadership"
	CategoryMentoring     BehaviourCategory = "mentoring"
)

// BehaviourCategories lists the categories in display order.
var BehaviourCategories = []BehaviourCategory{
	CategoryParticipation, CategoryContribution, CategoryLeadership, CategoryMentoring,
}

// Behaviour is something a member does that a community wants to notice:
// the vocabulary activities are recorded in and rules count.
type Behaviour struct {
	Key         string // lower-case slug, stable; activities and rules use it
	Name        string // a short past-tense phrase, e.g. "Hosted a session"
	Description string
	Category    BehaviourCategory
	// Reciprocal, when set, is the behaviour an activity of this one
	// credits to its peer: the mentor's "mentored-member" is the mentee's
	// "was-mentored" (see reciprocal.go).
	Reciprocal string
	// Retired behaviours take no new activity; what was recorded stays,
	// and rules that counted them before go on counting it.
	Retired   bool
	RetiredAt time.Time
}

// BehaviourStore keeps the behaviours each community adds to the
// defaults, and its changes to them.
type BehaviourStore interface {
	// CustomBehaviours lists the behaviours an issuer added or changed.
	CustomBehaviours(ctx context.Context, issuerID string) ([]Behaviour, error)
	// AddBehaviour adds one; ECONFLICT when the key is taken.
	AddBehaviour(ctx context.Context, issuerID string, b Behaviour) error
	// ChangeBehaviour changes an issuer's behaviour atomically: change
	// gets it as stored, or base when the issuer never stored it (a
	// default behaviour), and may refuse with an error, writing nothing.
	// change may run more than once. It returns the behaviour as written.
	ChangeBehaviour(ctx context.Context, issuerID string, base Behaviour, change func(*Behaviour) error) (Behaviour, error)
}

// BehaviourEndorsement is the behaviour an endorsement is recorded as, for
// the member who gives it.
const BehaviourEndorsement = "endorsed-peer"

const (
	maxBehaviourNameLen        = 100
	maxBehaviourDescriptionLen = 500
)

var behaviourKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ValidBehaviourKey reports whether s is a well-formed behaviour key: 1 to 40
// lower-case letters, digits and hyphens, not starting with a hyphen.
func ValidBehaviourKey(s string) bool { return behaviourKeyPattern.MatchString(s) }

// DefaultBehaviours returns the catalogue Laurel ships. Each call returns a
// fresh slice the caller may change.
func DefaultBehaviours() []Behaviour {
	def := func(key, name, description string, c BehaviourCategory) Behaviour {
		return Behaviour{Key: key, Name: name, Description: description, Category: c}
	}
	return []Behaviour{
		def("attended-session", "Attended a session", "Took part in a meetup, call, workshop or other session.", CategoryParticipation),
		def("hosted-session", "Hosted a session", "Organised or facilitated a session for the community.", CategoryLeadership),
		def("posted", "Posted", "Started a discussion or shared news in a community space.", CategoryContribution),
		def("replied", "Replied", "Answered or joined a discussion someone else started.", CategoryParticipation),
		def("shared-resource", "Shared a resource", "Shared a useful link, document, template or tool.", CategoryContribution),
		def("gave-feedback", "Gave feedback", "Reviewed someone's work or gave considered feedback.", CategoryContribution),
		def("mentored-member", "Mentored a member", "Spent time helping another member learn or grow.", CategoryMentoring),
		def("led-project", "Led a project", "Led a project, working group or initiative.", CategoryLeadership),
		def("volunteered", "Volunteered", "Gave time to help run the community.", CategoryContribution),
		def("completed-onboarding", "Completed onboarding", "Finished the community's onboarding.", CategoryParticipation),
		def(BehaviourEndorsement, "Endorsed a peer", "Recognised another member's contribution.", CategoryParticipation),
	}
}

// ValidateBehaviour checks a behaviour definition. Errors name the field.
func ValidateBehaviour(b Behaviour) error {
	if b.Key == "" {
		return FieldErrorf("key", "key is required")
	}
	if !ValidBehaviourKey(b.Key) {
		return FieldErrorf("key", "key %q must be 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit", truncateForMessage(b.Key))
	}
	if _, err := CheckText("name", b.Name, true, maxBehaviourNameLen); err != nil {
		return err
	}
	if _, err := CheckText("description", b.Description, false, maxBehaviourDescriptionLen); err != nil {
		return err
	}
	if b.Reciprocal != "" && !ValidBehaviourKey(b.Reciprocal) {
		return FieldErrorf("reciprocal", "reciprocal %q is not a behaviour key (1 to 40 lower-case letters, digits and hyphens)", truncateForMessage(b.Reciprocal))
	}
	switch b.Category {
	case CategoryParticipation, CategoryContribution, CategoryLeadership, CategoryMentoring:
		return nil
	case "":
		return FieldErrorf("category", "category is required")
	}
	return FieldErrorf("category", "category must be participation, contribution, leadership or mentoring, not %q", truncateForMessage(string(b.Category)))
}

// truncateForMessage shortens user input echoed in an error message.
func truncateForMessage(s string) string {
	const max = 40
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
