package badges

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// IssueFunc issues an award and returns the credential's id. It must be
// idempotent on in.IdempotencyKey.
type IssueFunc func(ctx context.Context, issuerID string, in AwardInput) (credentialID string, err error)

// HoldingsFunc lists the achievements a member holds (not revoked).
type HoldingsFunc func(ctx context.Context, memberID string) (map[string]bool, error)

// RevokedFunc lists the achievements of which a member had a credential
// revoked, with when the latest revoked one was earned, whether or not
// they hold another credential of it.
type RevokedFunc func(ctx context.Context, memberID string) (map[string]time.Time, error)

// Awarder turns recorded activity into awards: it keeps each member's
// record, evaluates the rules an activity can change, and issues what they
// earn through a durable queue, so that a crash between "rule met" and
// "credential issued" loses nothing and issues nothing twice. Recording is
// in recording.go, its recovery in batch.go, the queue in queue.go; this
// file evaluates.
type Awarder struct {
	Catalogue    *Catalogue    // behaviours and rules
	Activities   ActivityStore // the activity log
	Batches      BatchStore    // the journal of recording batches not yet applied
	Records      RecordStore   // members' records
	Queue        QueueStore    // awards earned and not yet issued
	Stats        StatsStore
	Members      MemberService
	Achievements AchievementService
	Issue        IssueFunc
	Holdings     HoldingsFunc
	// Revoked, when set, tells the badges revoked from a member, which
	// their rules do not award again in the period they were earned in,
	// however they were awarded (the record knows only awards by rule).
	Revoked RevokedFunc
	// IndexBackfill, when set, is where Run backfills members' activity
	// indexes from, in the background as it starts (see
	// activityindex_backfill.go).
	IndexBackfill IndexBackfillStore
	// Report, when set, is told what the Awarder went on from (see
	// Notice): the domain returns errors and does not log, so the wiring
	// logs what it is told.
	Report func(Notice)
	// Now is the clock; required.
	Now func() time.Time
	// Notifier, when set, queues the messages endorsements and decisions
	// cause (see leadermail.go); BaseURL is the public origin their links
	// are under.
	Notifier Notifier
	BaseURL  string
	// Events hears of endorsements (endorsement.created); nil publishes
	// nothing. Awards are published where credentials are issued.
	Events EventPublisher
	// Writers is how many members' records are updated at once; zero
	// means DefaultRecordWriters. A database that takes one write at a
	// time wants few.
	Writers int

	wake     chan struct{}
	once     sync.Once
	cohorts  *Cohorts // set by NewCohorts: activities' cohorts are joined
	backfill backfillBounds

	// Whose members are known, so that recording activity by member id
	// does not read the member every time. A member never changes
	// community; entries expire so that a deleted member is noticed.
	knownMu sync.Mutex
	known   map[string]knownMember
}

type knownMember struct {
	issuerID string
	until    time.Time
}

// Bounds of the known-members memory.
const (
	knownMembers   = 100000
	knownMemberTTL = 5 * time.Minute
)

func (a *Awarder) now() time.Time { return a.Now().UTC() }

// memberIssuer returns the community a member belongs to.
func (a *Awarder) memberIssuer(ctx context.Context, memberID string) (string, error) {
	if issuerID, ok := a.knownIssuer(memberID); ok {
		return issuerID, nil
	}
	m, err := a.Members.Member(ctx, memberID)
	if err != nil {
		return "", err
	}
	a.know(m.IssuerID, []string{memberID})
	return m.IssuerID, nil
}

// knownIssuer is the community of a member known lately.
func (a *Awarder) knownIssuer(memberID string) (string, bool) {
	a.knownMu.Lock()
	k, ok := a.known[memberID]
	a.knownMu.Unlock()
	if ok && a.now().Before(k.until) {
		return k.issuerID, true
	}
	return "", false
}

// know remembers members of a community.
func (a *Awarder) know(issuerID string, memberIDs []string) {
	until := a.now().Add(knownMemberTTL)
	a.knownMu.Lock()
	defer a.knownMu.Unlock()
	for _, id := range memberIDs {
		if a.known == nil || len(a.known) >= knownMembers {
			a.known = map[string]knownMember{}
		}
		a.known[id] = knownMember{issuerID: issuerID, until: until}
	}
}

// evaluate checks the rules that relevant selects against a record and
// queues the awards they earn. The member's holdings are read only if a
// rule asks for them or is met.
func (a *Awarder) evaluate(ctx context.Context, rs *ruleSet, rec *MemberRecord, relevant func(Dependencies) bool) ([]string, error) {
	held := lazyHoldings(ctx, a.Holdings, rec.MemberID)
	now := a.now()
	ec := newEvalContext(ctx, now, held.has, a.Holdings, rs.names)
	var queue []PendingAward
	for _, achID := range rs.ids {
		r, ach := rs.rules[achID], rs.achievements[achID]
		if !relevant(rs.deps[achID]) {
			continue
		}
		period := PeriodKey(r.Period, now)
		if rec.AwardedIn(achID, period) {
			continue // awarded this period already
		}
		p := Evaluate(r, rec, ec)
		if ok, err := a.awardable(ctx, p.Met, rec.MemberID, ach, r.Period, period, held); !ok || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		narrative, links := p.Summary()
		queue = append(queue, PendingAward{ID: pendingID(achID, rec.MemberID, period), IssuerID: rs.issuerID, AchievementID: achID,
			MemberID: rec.MemberID, Narrative: narrative, Links: links, AwardedDate: later(qualifiedAt(r, rec, ec), rec.JoinedAt), CreatedAt: now})
	}
	if len(queue) == 0 {
		return nil, nil
	}
	if err := a.Queue.Enqueue(ctx, queue); err != nil {
		return nil, err
	}
	a.signal()
	earned := make([]string, len(queue))
	for i, q := range queue {
		earned[i] = q.AchievementID
	}
	return earned, nil
}

// awardable reports whether a rule's badge is awarded to a member: the
// rule is met, the member does not hold the badge unless it is
// repeatable, and an admin did not revoke it from them in the rule's
// current period (any time, for a rule without one), however it was
// awarded and whatever other credential of it they hold.
func (a *Awarder) awardable(ctx context.Context, met bool, memberID string, ach *Achievement, rulePeriod, period string, held *holdings) (bool, error) {
	return awardable(ctx, a.Revoked, met, memberID, ach, rulePeriod, period, held)
}

// awardable is Awarder.awardable with the revocations read through
// revokedOf (nil: none are known), for the previewer to decide as the
// awarder does.
func awardable(ctx context.Context, revokedOf RevokedFunc, met bool, memberID string, ach *Achievement, rulePeriod, period string, held *holdings) (bool, error) {
	switch {
	case met && held.has(ach.ID) && !ach.Repeatable:
		return false, nil
	case held.err != nil:
		return false, held.err
	case !met || revokedOf == nil:
		return met, nil
	}
	revoked, err := revokedOf(ctx, memberID)
	if err != nil {
		return false, err
	}
	earned, ok := revoked[ach.ID]
	return !ok || PeriodKey(rulePeriod, earned) != period, nil
}

// reevaluate evaluates every rule of a member's community against their
// record, after an award that may complete a pathway.
func (a *Awarder) reevaluate(ctx context.Context, issuerID, memberID string) error {
	rs, err := a.Catalogue.ruleSet(ctx, issuerID)
	if err != nil {
		return err
	}
	rec, err := a.Records.Record(ctx, memberID)
	if err != nil || rec == nil {
		return err
	}
	_, err = a.evaluate(ctx, rs, rec, everyRule)
	return err
}

// everyRule selects every rule for evaluation.
func everyRule(Dependencies) bool { return true }

// touching selects the rules that activity of the given behaviours can
// change.
func touching(behaviours map[string]bool) func(Dependencies) bool {
	return func(d Dependencies) bool {
		if d.AnyBehaviour || d.Tenure {
			return true
		}
		return slices.ContainsFunc(d.Behaviours, func(b string) bool { return behaviours[b] })
	}
}

// holdings is a member's holdings, read when first asked about; err is
// the reading's error, if any.
type holdings struct {
	read func() (map[string]bool, error)
	held map[string]bool
	err  error
	done bool
}

func lazyHoldings(ctx context.Context, read HoldingsFunc, memberID string) *holdings {
	return &holdings{read: func() (map[string]bool, error) { return read(ctx, memberID) }}
}

// has reports whether the member holds an achievement; false when the
// holdings cannot be read (see err).
func (h *holdings) has(achievementID string) bool {
	if !h.done {
		h.held, h.err = h.read()
		h.done = true
	}
	return h.held[achievementID]
}

// newEvalContext is what Evaluate needs at now for a member whose holdings
// holds tells, in a community whose behaviours and badges have the given
// names. Endorsers' holdings are read with endorsers, once each.
func newEvalContext(ctx context.Context, now time.Time, holds func(string) bool, endorsers HoldingsFunc, n names) EvalContext {
	read := map[string]map[string]bool{}
	return EvalContext{Now: now, Holds: holds,
		EndorserHolds: func(memberID, achievementID string) bool {
			held, ok := read[memberID]
			if !ok {
				held, _ = endorsers(ctx, memberID) // unreadable holdings count as none
				read[memberID] = held
			}
			return held[achievementID]
		},
		BehaviourName: n.behaviour, AchievementName: n.achievement}
}

// cannotAward reports an issuing error that no retry can mend: the
// achievement or the member changed since (archived, deleted).
func cannotAward(err error) bool {
	switch ErrorCode(err) {
	case EINVALID, ENOTFOUND, ECONFLICT:
		return true
	}
	return false
}

// Notice is something the Awarder met and went on from, where no caller
// is there to be told: a failure while doing something (for one queued
// award when Award is set), or, without Err, batches recovered.
type Notice struct {
	Doing   string // what was being done, e.g. "issuing a queued award"
	Award   string // the queue entry or award key concerned, if any
	Err     error
	Batches int // batches recovered
	Members int // members whose activity index was backfilled
}

func (a *Awarder) report(n Notice) {
	if a.Report != nil {
		a.Report(n)
	}
}

// warn reports a failure the Awarder went on from; one caused by the
// caller going away is not worth telling.
func (a *Awarder) warn(doing, award string, err error) {
	if !errors.Is(err, context.Canceled) {
		a.report(Notice{Doing: doing, Award: award, Err: err})
	}
}
