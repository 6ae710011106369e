package badges

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Nomination statuses.
const (
	NominationPending  = "pending"
	NominationApproved = "approved"
	NominationDeclined = "declined"
)

// Bounds of a nomination's texts.
const (
	maxNominationNoteLen = 1000
	maxDeclineReasonLen  = 500
)

// Nomination is a leader proposing a member for an achievement; an admin
// approves it (which awards the achievement) or declines it.
type Nomination struct {
	ID            string
	IssuerID      string
	NominatorID   string
	MemberID      string
	AchievementID string
	Note          string
	Status        string
	CredentialID  string // when approved
	Reason        string // when declined
	CreatedAt     time.Time
	DecidedAt     time.Time
	// Kind is KindNomination ("" in nominations stored before there were
	// applications) or KindApplication: a member asking for the badge,
	// with the Note as their words and Links as evidence (application.go).
	Kind  string
	Links []string
}

// Open reports whether the nomination stands in the way of another one of
// the member for the achievement: it waits for a decision, or it was
// approved and the award is not made yet.
func (n *Nomination) Open() bool { return n.Status == NominationPending || n.awarding() }

// awarding reports an approval whose award is not made yet: it is being
// made, or the approval was interrupted and approving again finishes it.
func (n *Nomination) awarding() bool { return n.Status == NominationApproved && n.CredentialID == "" }

// NominationStore keeps nominations. A member has at most one open
// nomination for an achievement (see Nomination.Open).
type NominationStore interface {
	// CreateNomination stores a new nomination, unless the member has an
	// open one for the achievement already: then it stores nothing and
	// returns that one's id.
	CreateNomination(ctx context.Context, n *Nomination) (existing string, err error)
	// Nomination reads one; ENOTFOUND when there is none.
	Nomination(ctx context.Context, id string) (*Nomination, error)
	// Nominations lists an issuer's with a status ("" for all), newest
	// first.
	Nominations(ctx context.Context, issuerID, status string) ([]*Nomination, error)
	// UpdateNomination changes a nomination atomically, a compare-and-swap
	// that one of several concurrent changes wins: change gets the stored
	// nomination and may refuse with an error, and then nothing is
	// written. change may run more than once. It returns the nomination as
	// written; ENOTFOUND when there is none.
	UpdateNomination(ctx context.Context, id string, change func(*Nomination) error) (*Nomination, error)
}

// Nominations takes leaders' nominations to an admin's decision; approving
// one awards the achievement through the Awarder.
type Nominations struct {
	store   NominationStore
	awarder *Awarder
	// Notifier, when set, queues an applicant's message about the
	// decision (application.go); nil sends none.
	Notifier Notifier
	// CredentialURL names an issued credential's public page, for that
	// message.
	CredentialURL func(credentialID string) string
	// Events hears of nominations and applications made and decided
	// (nominationevents.go); nil publishes nothing.
	Events EventPublisher
}

// NewNominations returns the nominations kept in store, whose approvals
// awarder makes.
func NewNominations(store NominationStore, awarder *Awarder) *Nominations {
	return &Nominations{store: store, awarder: awarder}
}

// NominateInput proposes a member for an achievement.
type NominateInput struct {
	NominatorID, MemberID, AchievementID, Note string
}

// Nominate queues a nomination for an admin to decide. The nominator
// must be a leader (see Awarder.Leads); a member cannot nominate
// themselves, nor be nominated twice for one achievement while the first
// nomination is open.
func (s *Nominations) Nominate(ctx context.Context, issuerID string, in NominateInput) (*Nomination, error) {
	if err := s.awarder.checkEndorser(ctx, issuerID, in.NominatorID, in.MemberID); err != nil {
		if ErrorField(err) == "endorserId" {
			err = &Error{Code: EINVALID, Field: "nominatorId", Message: ErrorMessage(err)}
		}
		return nil, err
	}
	var err error
	if in.Note, err = checkNote("note", in.Note, maxNominationNoteLen); err != nil {
		return nil, err
	}
	ach, err := s.awarder.Achievements.Achievement(ctx, in.AchievementID)
	if ErrorCode(err) == ENOTFOUND || (err == nil && (ach.IssuerID != issuerID || ach.Status != StatusActive)) {
		return nil, FieldErrorf("achievementId", "no active achievement %q in this community", in.AchievementID)
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkNotHeld(ctx, in.MemberID, ach); err != nil {
		return nil, err
	}
	n := &Nomination{ID: NewID(), IssuerID: issuerID, NominatorID: in.NominatorID, MemberID: in.MemberID,
		AchievementID: in.AchievementID, Note: in.Note, Status: NominationPending, CreatedAt: s.awarder.now()}
	existing, err := s.store.CreateNomination(ctx, n)
	if err != nil {
		return nil, err
	}
	if existing != "" {
		return nil, Errorf(ECONFLICT, "Member %s is nominated for this achievement already (nomination %s).", in.MemberID, existing)
	}
	s.created(ctx, n)
	return n, nil
}

// checkNotHeld refuses a nomination for a badge the member holds already
// and cannot earn twice: approving it could award nothing.
func (s *Nominations) checkNotHeld(ctx context.Context, memberID string, ach *Achievement) error {
	if ach.Repeatable {
		return nil
	}
	held, err := s.awarder.Holdings(ctx, memberID)
	if err != nil || !held[ach.ID] {
		return err
	}
	m, err := s.awarder.Members.Member(ctx, memberID)
	if err != nil {
		return err
	}
	return &Error{Code: ECONFLICT, Field: "achievementId", Message: fmt.Sprintf(
		"%s holds %s already, and it cannot be earned twice.", m.DisplayName, ach.Name)}
}

// Nominations lists an issuer's nominations with a status ("" for all),
// newest first.
func (s *Nominations) Nominations(ctx context.Context, issuerID, status string) ([]*Nomination, error) {
	if status != "" && status != NominationPending && status != NominationApproved && status != NominationDeclined {
		return nil, FieldErrorf("status", "status must be pending, approved or declined")
	}
	return s.store.Nominations(ctx, issuerID, status)
}

// Decide approves a pending nomination, awarding the achievement (with
// the nomination's note as the narrative), or declines it with a reason.
// One decision is taken: of an approval and a decline at once, one is a
// conflict. Approving is idempotent: the award's idempotency key is the
// nomination. The nominee is told the decision.
func (s *Nominations) Decide(ctx context.Context, id string, approve bool, reason string) (*Nomination, error) {
	if approve {
		return s.approve(ctx, id)
	}
	return s.decline(ctx, id, reason)
}

// decline declines a pending nomination with a reason.
func (s *Nominations) decline(ctx context.Context, id string, reason string) (*Nomination, error) {
	now := s.awarder.now()
	n, err := s.store.UpdateNomination(ctx, id, func(n *Nomination) error {
		if n.Status != NominationPending {
			return decidedAlready(n)
		}
		trimmed, err := checkNote("reason", reason, maxDeclineReasonLen)
		if err != nil {
			return err
		}
		n.Status, n.Reason, n.DecidedAt = NominationDeclined, trimmed, now
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.tellNominee(ctx, n)
	// Declining again is refused: an event lost here is not published
	// again, and the decline stands whatever becomes of it.
	reportEvents(ctx, s.Events, s.awarder.Report, nominationDecided(n))
	return n, nil
}

// approve takes the decision first, so that no decline can follow, then
// awards the achievement and notes the credential.
func (s *Nominations) approve(ctx context.Context, id string) (*Nomination, error) {
	now := s.awarder.now()
	n, err := s.store.UpdateNomination(ctx, id, func(n *Nomination) error {
		switch {
		case n.Status == NominationPending:
			n.Status, n.DecidedAt = NominationApproved, now
		case !n.awarding():
			return decidedAlready(n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	in := n.awardInput()
	credID, err := s.awarder.Issue(ctx, n.IssuerID, in)
	if err != nil {
		// An award that can never be made leaves the nomination to be
		// decided anew; after any other failure, approving again
		// finishes the approval.
		if cannotAward(err) {
			err = errors.Join(err, s.reopen(ctx, id))
		}
		return nil, err
	}
	if n, err = s.store.UpdateNomination(ctx, id, func(n *Nomination) error {
		n.CredentialID = credID
		return nil
	}); err != nil {
		return nil, err
	}
	// The badge may complete a pathway. The approval is made whatever
	// happens here, as after a queued award: a failure is reported, and
	// the member's next activity evaluates their rules again.
	if err := s.awarder.reevaluate(ctx, n.IssuerID, n.MemberID); err != nil {
		s.awarder.warn("re-evaluating after an award", in.IdempotencyKey, err)
	}
	s.tellNominee(ctx, n)
	// Approving again re-runs this path, and publishes the same event.
	if err := PublishEvents(ctx, s.Events, nominationDecided(n)); err != nil {
		return nil, err
	}
	return n, nil
}

// errUnchanged refuses a change that is not needed.
var errUnchanged = errors.New("unchanged")

// reopen makes an approval whose award cannot be made pending again, for
// an admin to decide anew.
func (s *Nominations) reopen(ctx context.Context, id string) error {
	_, err := s.store.UpdateNomination(ctx, id, func(n *Nomination) error {
		if !n.awarding() {
			return errUnchanged
		}
		n.Status, n.DecidedAt = NominationPending, time.Time{}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// awardInput is what approving a nomination awards: its note is the
// narrative (an application's evidence goes with it, application.go), and
// the nomination is the award's idempotency key.
func (n *Nomination) awardInput() AwardInput {
	if n.IsApplication() {
		return n.applicationAward()
	}
	narrative := "Nominated by a fellow member."
	if n.Note != "" {
		narrative = "Nominated by a fellow member: " + n.Note
	}
	return AwardInput{AchievementID: n.AchievementID, MemberID: n.MemberID, Narrative: narrative, IdempotencyKey: "nomination:" + n.ID}
}

func decidedAlready(n *Nomination) error {
	if n.IsApplication() {
		return Errorf(ECONFLICT, "Application %s was %s already.", n.ID, n.Status)
	}
	return Errorf(ECONFLICT, "Nomination %s was %s already.", n.ID, n.Status)
}
