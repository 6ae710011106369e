package badges

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An application is a member asking for a badge the community opened to
// applications, with evidence: links and a few words. It is kept as a
// kind of Nomination — the member nominating themselves — in the same
// store, so that it joins the one review queue the console already has:
// listed, approved and declined beside nominations, and approved through
// the same path, which awards the badge once (the award's idempotency key
// is the application) with the evidence attached. Only its open key
// differs (see the store), so a leader's nomination and a member's own
// application for one badge do not refuse each other.

// Kinds of entry in the review queue.
const (
	KindNomination  = "nomination"
	KindApplication = "application"
)

// Bounds of an application's evidence.
const (
	MaxApplicationLinks   = 5
	MaxApplicationLinkLen = 2000
	MaxApplicationTextLen = 4000
)

// IsApplication reports whether the entry is a member's own application.
func (n *Nomination) IsApplication() bool { return n.Kind == KindApplication }

// ApplyInput is a member's application for a badge.
type ApplyInput struct {
	MemberID, AchievementID string
	Links                   []string // http(s) addresses of the evidence; empty ones are dropped
	Text                    string   // what the member did, in their words
}

// Validate checks and normalises the evidence: at least a link or some
// words, each link an http(s) address. Errors name the field: "links", or
// "links.N" for the Nth link as given (from 1, counting empty ones, so
// that a form's Nth field is the one named), and "text".
func (in *ApplyInput) Validate() error {
	if len(in.Links) > MaxApplicationLinks {
		return FieldErrorf("links", "An application has at most %d links; %d were given.", MaxApplicationLinks, len(in.Links))
	}
	var links []string
	for i, l := range in.Links {
		field := "links." + strconv.Itoa(i+1)
		switch l = strings.TrimSpace(l); {
		case l == "":
			continue
		case utf8.RuneCountInString(l) > MaxApplicationLinkLen:
			return FieldErrorf(field, "Link %d is longer than %d characters.", i+1, MaxApplicationLinkLen)
		case !IsHTTPURL(l):
			return FieldErrorf(field, "Link %d, %q, is not a web address starting with http:// or https://.", i+1, truncateForMessage(l))
		}
		links = append(links, l)
	}
	text, err := CheckText("text", in.Text, false, MaxApplicationTextLen)
	if err != nil {
		return err
	}
	if text == "" && len(links) == 0 {
		return FieldErrorf("text", "Say what you did, or give a link to it: an application needs some evidence.")
	}
	in.Links, in.Text = links, text
	return nil
}

// Applications takes members' applications into the nominations' review
// queue.
type Applications struct{ nominations *Nominations }

// NewApplications returns the applications kept with nominations.
func NewApplications(nominations *Nominations) *Applications {
	return &Applications{nominations: nominations}
}

// Apply queues a member's application for a badge of their community.
// The badge must be active and open to applications, not one the member
// holds (unless it is repeatable), and, for a cohort badge, the member
// must be in its cohort; a member has one open application per badge.
func (s *Applications) Apply(ctx context.Context, issuerID string, in ApplyInput) (*Nomination, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	m, ach, err := s.check(ctx, issuerID, in.MemberID, in.AchievementID)
	if err != nil {
		return nil, err
	}
	n := &Nomination{ID: NewID(), IssuerID: issuerID, NominatorID: m.ID, MemberID: m.ID, AchievementID: ach.ID, Kind: KindApplication,
		Note: in.Text, Links: in.Links, Status: NominationPending, CreatedAt: s.nominations.awarder.now()}
	existing, err := s.nominations.store.CreateNomination(ctx, n)
	if err != nil {
		return nil, err
	}
	if existing != "" {
		return nil, appliedAlready(ach)
	}
	s.nominations.created(ctx, n)
	return n, nil
}

// CanApply says why a member cannot apply for a badge, as Apply would
// refuse it whatever the evidence; nil when they can.
func (s *Applications) CanApply(ctx context.Context, issuerID, memberID, achievementID string) error {
	_, ach, err := s.check(ctx, issuerID, memberID, achievementID)
	if err != nil {
		return err
	}
	mine, err := s.Mine(ctx, memberID)
	if err != nil {
		return err
	}
	for _, n := range mine {
		if n.AchievementID == ach.ID && n.Open() {
			return appliedAlready(ach)
		}
	}
	return nil
}

func appliedAlready(ach *Achievement) error {
	return &Error{Code: ECONFLICT, Field: "achievementId", Message: fmt.Sprintf(
		"You applied for %s already, and your application is waiting for review.", ach.Name)}
}

// check reads the member and the badge of an application and checks that
// the one may apply for the other.
func (s *Applications) check(ctx context.Context, issuerID, memberID, achievementID string) (*Member, *Achievement, error) {
	m, err := s.nominations.awarder.Members.Member(ctx, memberID)
	if ErrorCode(err) == ENOTFOUND || err == nil && m.IssuerID != issuerID {
		return nil, nil, FieldErrorf("memberId", "There is no member %q in this community.", truncateForMessage(memberID))
	}
	if err != nil {
		return nil, nil, err
	}
	ach, err := s.openBadge(ctx, issuerID, achievementID)
	if err != nil {
		return nil, nil, err
	}
	return m, ach, s.checkCanEarn(ctx, m, ach)
}

// openBadge reads a badge of the community that is active and open to
// applications.
func (s *Applications) openBadge(ctx context.Context, issuerID, id string) (*Achievement, error) {
	ach, err := s.nominations.awarder.Achievements.Achievement(ctx, id)
	if ErrorCode(err) == ENOTFOUND || err == nil && ach.IssuerID != issuerID {
		return nil, FieldErrorf("achievementId", "There is no badge %q in this community.", truncateForMessage(id))
	}
	if err != nil {
		return nil, err
	}
	if ach.Status != StatusActive || !ach.Applications {
		return nil, &Error{Code: ECONFLICT, Field: "achievementId", Message: fmt.Sprintf(
			"%s is not open to applications: it is awarded another way.", ach.Name)}
	}
	return ach, nil
}

// checkCanEarn refuses a badge the member holds and cannot earn twice, and
// a cohort badge of a cohort the member is not in.
func (s *Applications) checkCanEarn(ctx context.Context, m *Member, ach *Achievement) error {
	a := s.nominations.awarder
	if !ach.Repeatable {
		held, err := a.Holdings(ctx, m.ID)
		if err != nil {
			return err
		}
		if held[ach.ID] {
			return &Error{Code: ECONFLICT, Field: "achievementId", Message: fmt.Sprintf(
				"You hold %s already, and it cannot be earned twice.", ach.Name)}
		}
	}
	outside, err := s.outsideCohort(ctx, m, ach.ID)
	if err != nil || !outside {
		return err
	}
	return &Error{Code: ECONFLICT, Field: "achievementId", Message: fmt.Sprintf(
		"%s is for the members of a cohort you are not in.", ach.Name)}
}
