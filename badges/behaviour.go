package badges

import (
	"context"
	"regexp"
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
}

// BehaviourStore keeps the behaviours each community adds to the
// defaults.
type BehaviourStore interface {
	// CustomBehaviours lists the behaviours an issuer added.
	CustomBehaviours(ctx context.Context, issuerID string) ([]Behaviour, error)
	// AddBehaviour adds one; ECONFLICT when the key is taken.
	AddBehaviour(ctx context.Context, issuerID string, b Behaviour) error
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
	return []Behaviour{
		{"attended-session", "Attended a session", "Took part in a meetup, call, workshop or other session.", CategoryParticipation},
		{"hosted-session", "Hosted a session", "Organised or facilitated a session for the community.", CategoryLeadership},
		{"posted", "Posted", "Started a discussion or shared news in a community space.", CategoryContribution},
		{"replied", "Replied", "Answered or joined a discussion someone else started.", CategoryParticipation},
		{"shared-resource", "Shared a resource", "Shared a useful link, document, template or tool.", CategoryContribution},
		{"gave-feedback", "Gave feedback", "Reviewed someone's work or gave considered feedback.", CategoryContribution},
		{"mentored-member", "Mentored a member", "Spent time helping another member learn or grow.", CategoryMentoring},
		{"led-project", "Led a project", "Led a project, working group or initiative.", CategoryLeadership},
		{"volunteered", "Volunteered", "Gave time to help run the community.", CategoryContribution},
		{"completed-onboarding", "Completed onboarding", "Finished the community's onboarding.", CategoryParticipation},
		{BehaviourEndorsement, "Endorsed a peer", "Recognised another member's contribution.", CategoryParticipation},
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
