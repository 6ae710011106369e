package badges

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// RecognitionStore keeps what the recognition engine works on: each
// issuer's behaviours and rules, each member's record, the raw activity
// log and the queue of awards to make.
type RecognitionStore interface {
	// CustomBehaviours lists the behaviours an issuer added to the defaults.
	CustomBehaviours(ctx context.Context, issuerID string) ([]Behaviour, error)
	// AddBehaviour adds one; ECONFLICT when the key is taken.
	AddBehaviour(ctx context.Context, issuerID string, b Behaviour) error

	// Rules maps each of an issuer's achievements that has a rule to it.
	Rules(ctx context.Context, issuerID string) (map[string]*Rule, error)
	// SetRule stores an achievement's rule; nil removes it.
	SetRule(ctx context.Context, issuerID, achievementID string, r *Rule) error

	// LogActivities appends activities to the log, once each: the result
	// says, per activity, whether it was logged before (by its id, which
	// derives from the source's event id when there is one).
	LogActivities(ctx context.Context, as []Activity) (duplicate []bool, err error)
	// Record reads a member's record; nil when there is none yet.
	Record(ctx context.Context, memberID string) (*MemberRecord, error)
	// UpdateRecord changes a member's record atomically; change gets a new
	// record when there is none, and may run more than once.
	UpdateRecord(ctx context.Context, memberID string, change func(*MemberRecord) error) error

	// Enqueue queues awards, once each by ID.
	Enqueue(ctx context.Context, awards []PendingAward) error
	// Pending lists queued awards, oldest first.
	Pending(ctx context.Context, limit int) ([]PendingAward, error)
	// Done removes an award from the queue; Retry records a failed attempt.
	Done(ctx context.Context, id string) error
	Retry(ctx context.Context, id, reason string, next time.Time) error

	// SaveNomination creates or replaces a nomination; Nomination reads
	// one (ENOTFOUND when there is none); Nominations lists an issuer's
	// with a status ("" for all), newest first.
	SaveNomination(ctx context.Context, n *Nomination) error
	Nomination(ctx context.Context, id string) (*Nomination, error)
	Nominations(ctx context.Context, issuerID, status string) ([]*Nomination, error)

	// SetPin stores (nil: removes) a community's spotlight pin; Pin reads
	// it, nil when there is none.
	SetPin(ctx context.Context, issuerID string, p *Pin) error
	Pin(ctx context.Context, issuerID string) (*Pin, error)
}

// PendingAward is an award a rule earned, queued until it is issued. Its
// ID is also the award's idempotency key, so however often it is tried,
// one credential is issued.
type PendingAward struct {
	ID            string // "rule:<achievement>:<member>:<period>"
	IssuerID      string
	AchievementID string
	MemberID      string
	Narrative     string
	Links         []string
	Attempts      int
	LastError     string
	NotBefore     time.Time
	CreatedAt     time.Time
}

// pendingID is the queue key of a rule's award to a member in a period,
// also its idempotency key: "rule:<achievement>:<member>:<period>".
func pendingID(achievementID, memberID, period string) string {
	return "rule:" + achievementID + ":" + memberID + ":" + period
}

// pendingPeriod is the period in a queue key (periods have no colon).
func pendingPeriod(id string) string { return id[strings.LastIndexByte(id, ':')+1:] }

// IssueFunc issues an award and returns the credential's id. It must be
// idempotent on in.IdempotencyKey.
type IssueFunc func(ctx context.Context, issuerID string, in AwardInput) (credentialID string, err error)

// HoldingsFunc lists the achievements a member holds (not revoked).
type HoldingsFunc func(ctx context.Context, memberID string) (map[string]bool, error)

// Awarder turns recorded activity into awards: it keeps each member's
// record, evaluates the rules an activity can change, and issues what they
// earn through a durable queue, so that a crash between "rule met" and
// "credential issued" loses nothing and issues nothing twice.
type Awarder struct {
	Store        RecognitionStore
	Stats        StatsStore
	Members      MemberService
	Achievements AchievementService
	Issue        IssueFunc
	Holdings     HoldingsFunc
	Log          *slog.Logger
	Now          func() time.Time
	// Writers is how many members' records are updated at once; zero
	// means DefaultRecordWriters. A database that takes one write at a
	// time wants few.
	Writers int

	wake chan struct{}
	once sync.Once

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

// memberIssuer returns the community a member belongs to.
func (a *Awarder) memberIssuer(ctx context.Context, memberID string) (string, error) {
	now := a.now()
	a.knownMu.Lock()
	k, ok := a.known[memberID]
	a.knownMu.Unlock()
	if ok && now.Before(k.until) {
		return k.issuerID, nil
	}
	m, err := a.Members.Member(ctx, memberID)
	if err != nil {
		return "", err
	}
	a.knownMu.Lock()
	if a.known == nil || len(a.known) >= knownMembers {
		a.known = map[string]knownMember{}
	}
	a.known[memberID] = knownMember{issuerID: m.IssuerID, until: now.Add(knownMemberTTL)}
	a.knownMu.Unlock()
	return m.IssuerID, nil
}

// MaxActivityBatch bounds one recording request.
const MaxActivityBatch = 1000

// ActivityInput is one activity to record, naming its member by id, e-mail
// or external id; with CreateMember, an unknown e-mail address becomes a
// new member named Name.
type ActivityInput struct {
	Activity
	Email        string
	ExternalID   string
	Name         string
	CreateMember bool
}

// ActivityOutcome says what became of one activity.
type ActivityOutcome string

// Outcomes of recording an activity.
const (
	ActivityRecorded  ActivityOutcome = "recorded"
	ActivityDuplicate ActivityOutcome = "duplicate" // its id or source event id was recorded before
	ActivityRejected  ActivityOutcome = "rejected"
)

// ActivityResult is the answer for one activity.
type ActivityResult struct {
	Outcome  ActivityOutcome
	ID       string // the activity's id
	MemberID string
	Err      error
	// Earned lists the achievements this activity's member qualified for
	// (queued for award).
	Earned []string
}

func (a *Awarder) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

func (a *Awarder) signal() {
	a.once.Do(func() { a.wake = make(chan struct{}, 1) })
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// Behaviours is an issuer's catalogue: the defaults and its own.
func (a *Awarder) Behaviours(ctx context.Context, issuerID string) ([]Behaviour, error) {
	custom, err := a.Store.CustomBehaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return append(DefaultBehaviours(), custom...), nil
}

// AddBehaviour extends an issuer's catalogue.
func (a *Awarder) AddBehaviour(ctx context.Context, issuerID string, b Behaviour) error {
	if err := ValidateBehaviour(b); err != nil {
		return err
	}
	for _, d := range DefaultBehaviours() {
		if d.Key == b.Key {
			return FieldErrorf("key", "%q is one of the default behaviours", b.Key)
		}
	}
	return a.Store.AddBehaviour(ctx, issuerID, b)
}

// SetRule validates and stores an achievement's rule: its behaviours must
// be in the issuer's catalogue, its prerequisites the issuer's
// achievements, and no achievement may require itself. Changing a rule
// never revokes what was earned.
func (a *Awarder) SetRule(ctx context.Context, achievementID string, r *Rule) (*Achievement, error) {
	ach, err := a.Achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return ach, a.Store.SetRule(ctx, ach.IssuerID, ach.ID, nil)
	}
	if err := a.checkRule(ctx, ach, r); err != nil {
		return nil, err
	}
	return ach, a.Store.SetRule(ctx, ach.IssuerID, ach.ID, r)
}

// checkRule checks a rule for an achievement against the community: its
// behaviours and prerequisites exist, and no achievement requires itself.
func (a *Awarder) checkRule(ctx context.Context, ach *Achievement, r *Rule) error {
	behaviours, err := a.Behaviours(ctx, ach.IssuerID)
	if err != nil {
		return err
	}
	rules, err := a.Store.Rules(ctx, ach.IssuerID)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for id := range rules {
		known[id] = true
	}
	err = r.CheckReferences(func(key string) bool {
		return slices.ContainsFunc(behaviours, func(b Behaviour) bool { return b.Key == key })
	}, func(id string) bool {
		if id == ach.ID || known[id] {
			return true
		}
		other, err := a.Achievements.Achievement(ctx, id)
		return err == nil && other.IssuerID == ach.IssuerID
	})
	if err != nil {
		return err
	}
	rules[ach.ID] = r
	if err := CheckPrerequisiteCycles(rules); err != nil {
		return &Error{Code: EINVALID, Field: "rule.condition", Message: ErrorMessage(err)}
	}
	return nil
}

// Record records activities of one issuer, then evaluates the rules they
// can change for each member and queues what they earned. Each activity
// gets its own answer; only a failure of the store fails the call.
func (a *Awarder) Record(ctx context.Context, issuerID string, ins []ActivityInput) ([]ActivityResult, error) {
	if len(ins) > MaxActivityBatch {
		return nil, Errorf(ETOOLARGE, "At most %d activities can be recorded at once, not %d.", MaxActivityBatch, len(ins))
	}
	rs, err := a.loadRules(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	return a.record(ctx, rs, ins)
}

// record is Record with the community's rules read already.
func (a *Awarder) record(ctx context.Context, rs *ruleSet, ins []ActivityInput) ([]ActivityResult, error) {
	issuerID, now := rs.issuerID, a.now()
	results := make([]ActivityResult, len(ins))
	var batch []Activity
	var rows []int
	members := map[string]string{} // how a member was named → its id, within the batch
	for i, in := range ins {
		act, err := a.prepare(ctx, issuerID, in, now, rs.catalogue, members)
		if err != nil {
			results[i] = ActivityResult{Outcome: ActivityRejected, Err: err}
			continue
		}
		results[i] = ActivityResult{ID: act.ID, MemberID: act.MemberID}
		batch, rows = append(batch, act), append(rows, i)
	}
	dups, err := a.Store.LogActivities(ctx, batch)
	if err != nil {
		return nil, err
	}
	byMember := map[string][]Activity{}
	var order []string
	var fresh []Activity
	for j, act := range batch {
		if dups[j] {
			results[rows[j]].Outcome = ActivityDuplicate
			continue
		}
		results[rows[j]].Outcome = ActivityRecorded
		fresh = append(fresh, act)
		if _, seen := byMember[act.MemberID]; !seen {
			order = append(order, act.MemberID)
		}
		byMember[act.MemberID] = append(byMember[act.MemberID], act)
	}
	// The week counters and the records are separate documents: count
	// while the records are updated.
	counted := make(chan error, 1)
	go func() { counted <- a.Stats.CountActivities(ctx, issuerID, fresh) }()
	earnedBy, err := a.applyAll(ctx, rs, order, byMember)
	if err := errors.Join(err, <-counted); err != nil {
		return nil, err
	}
	for i := range results {
		if results[i].Outcome == ActivityRecorded {
			results[i].Earned = earnedBy[results[i].MemberID]
		}
	}
	return results, nil
}

// DefaultRecordWriters is how many members' records are updated at once
// unless Awarder.Writers says otherwise: each update waits for the
// database, and a database server does several at a time faster than one
// after another.
const DefaultRecordWriters = 8

// applyAll applies each member's new activities, several members at a
// time, and returns what each member earned.
func (a *Awarder) applyAll(ctx context.Context, rs *ruleSet, order []string, byMember map[string][]Activity) (map[string][]string, error) {
	earnedBy := make(map[string][]string, len(order))
	var mu sync.Mutex
	var firstErr error
	next := make(chan string)
	var wg sync.WaitGroup
	for range min(cmp.Or(a.Writers, DefaultRecordWriters), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for memberID := range next {
				earned, err := a.apply(ctx, rs, memberID, byMember[memberID])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				earnedBy[memberID] = earned
				mu.Unlock()
			}
		}()
	}
	for _, memberID := range order {
		next <- memberID
	}
	close(next)
	wg.Wait()
	return earnedBy, firstErr
}

// prepare validates an activity and finds (or creates) its member.
func (a *Awarder) prepare(ctx context.Context, issuerID string, in ActivityInput, now time.Time, catalogue []Behaviour, members map[string]string) (Activity, error) {
	act := in.Activity
	act.IssuerID, act.RecordedAt = issuerID, now
	if !slices.ContainsFunc(catalogue, func(b Behaviour) bool { return b.Key == act.Behaviour }) {
		return act, FieldErrorf("behaviour", "unknown behaviour %q; see GET /api/v1/issuers/%s/behaviours", act.Behaviour, issuerID)
	}
	memberID, err := a.resolveMember(ctx, issuerID, in, members)
	if err != nil {
		return act, err
	}
	act.MemberID = memberID
	if err := ValidateActivity(act, now); err != nil {
		return act, err
	}
	if act.PeerID != "" {
		if owner, err := a.memberIssuer(ctx, act.PeerID); err != nil || owner != issuerID {
			return act, FieldErrorf("peerId", "no member %q in this community", act.PeerID)
		}
	}
	act.ID = activityID(issuerID, act.SourceEventID)
	return act, nil
}

// activityID derives an activity's id from the source's event id, which
// makes logging it again a duplicate; without one it is new.
func activityID(issuerID, sourceEventID string) string {
	if sourceEventID == "" {
		return NewID()
	}
	return "src:" + issuerID + ":" + sourceEventID
}

func (a *Awarder) resolveMember(ctx context.Context, issuerID string, in ActivityInput, members map[string]string) (string, error) {
	var key string
	var find func() (string, error)
	switch {
	case in.MemberID != "":
		key, find = "id:"+in.MemberID, func() (string, error) {
			owner, err := a.memberIssuer(ctx, in.MemberID)
			if err == nil && owner != issuerID {
				err = Errorf(ENOTFOUND, "No member with id %q.", in.MemberID)
			}
			return in.MemberID, err
		}
	case in.Email != "":
		key, find = "email:"+in.Email, func() (string, error) {
			m, err := a.memberByEmail(ctx, issuerID, in)
			if err != nil {
				return "", err
			}
			return m.ID, nil
		}
	case in.ExternalID != "":
		key, find = "external:"+in.ExternalID, func() (string, error) {
			page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, ExternalID: in.ExternalID, ListOptions: ListOptions{Limit: 1}})
			if err == nil && len(page.Items) == 0 {
				err = Errorf(ENOTFOUND, "No member with external id %q.", in.ExternalID)
			}
			if err != nil {
				return "", err
			}
			return page.Items[0].ID, nil
		}
	default:
		return "", FieldErrorf("memberId", "name the member: memberId, email or externalId")
	}
	if id, ok := members[key]; ok {
		return id, nil
	}
	id, err := find()
	if ErrorCode(err) == ENOTFOUND {
		return "", &Error{Code: EINVALID, Field: "memberId", Message: ErrorMessage(err)}
	}
	if err != nil {
		return "", err
	}
	members[key] = id
	return id, nil
}

func (a *Awarder) memberByEmail(ctx context.Context, issuerID string, in ActivityInput) (*Member, error) {
	page, err := a.Members.Members(ctx, MemberFilter{IssuerID: issuerID, Email: in.Email, ListOptions: ListOptions{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(page.Items) > 0 {
		return page.Items[0], nil
	}
	if !in.CreateMember {
		return nil, Errorf(ENOTFOUND, "No member with e-mail %q; set createMember to add one.", in.Email)
	}
	m, err := a.Members.CreateMember(ctx, issuerID, MemberInput{Email: in.Email, DisplayName: in.Name})
	if ErrorCode(err) == ECONFLICT { // created meanwhile
		return a.memberByEmail(ctx, issuerID, ActivityInput{Email: in.Email})
	}
	return m, err
}

// apply adds a member's new activities to their record, then evaluates the
// rules those activities can change and queues what is earned.
func (a *Awarder) apply(ctx context.Context, rs *ruleSet, memberID string, acts []Activity) ([]string, error) {
	var rec *MemberRecord
	err := a.Store.UpdateRecord(ctx, memberID, func(r *MemberRecord) error {
		for _, act := range acts {
			r.Add(act)
		}
		rec = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	touched := map[string]bool{}
	for _, act := range acts {
		touched[act.Behaviour] = true
	}
	return a.evaluate(ctx, rs, rec, func(d Dependencies) bool {
		if d.AnyBehaviour || d.Tenure {
			return true
		}
		return slices.ContainsFunc(d.Behaviours, func(b string) bool { return touched[b] })
	})
}

// ruleSet is an issuer's rules with their active achievements and its
// behaviour catalogue, read once for a batch of activities.
type ruleSet struct {
	issuerID     string
	ids          []string // of the achievements with a rule, sorted
	rules        map[string]*Rule
	deps         map[string]Dependencies // what each rule reads
	achievements map[string]*Achievement // active ones only
	catalogue    []Behaviour
}

func (a *Awarder) loadRules(ctx context.Context, issuerID string) (*ruleSet, error) {
	rs := &ruleSet{issuerID: issuerID, achievements: map[string]*Achievement{}, deps: map[string]Dependencies{}}
	var err error
	if rs.catalogue, err = a.Behaviours(ctx, issuerID); err != nil {
		return nil, err
	}
	if rs.rules, err = a.Store.Rules(ctx, issuerID); err != nil {
		return nil, err
	}
	for id := range rs.rules {
		ach, err := a.Achievements.Achievement(ctx, id)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ach.Status == StatusActive {
			rs.achievements[id], rs.deps[id] = ach, rs.rules[id].Dependencies()
			rs.ids = append(rs.ids, id)
		}
	}
	slices.Sort(rs.ids)
	return rs, nil
}

// evaluate checks the rules that relevant selects against a record and
// queues the awards they earn. The member's holdings are read only if a
// rule asks for them or is met.
func (a *Awarder) evaluate(ctx context.Context, rs *ruleSet, rec *MemberRecord, relevant func(Dependencies) bool) ([]string, error) {
	held := a.lazyHoldings(ctx, rec.MemberID)
	now := a.now()
	ec := a.evalContext(ctx, now, held.has, rs.catalogue)
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
		if p.Met && held.has(achID) && !ach.Repeatable {
			continue
		}
		if held.err != nil {
			return nil, held.err
		}
		if !p.Met {
			continue
		}
		narrative, links := p.Summary()
		queue = append(queue, PendingAward{ID: pendingID(achID, rec.MemberID, period),
			IssuerID: rs.issuerID, AchievementID: achID, MemberID: rec.MemberID, Narrative: narrative, Links: links, CreatedAt: now})
	}
	if len(queue) == 0 {
		return nil, nil
	}
	if err := a.Store.Enqueue(ctx, queue); err != nil {
		return nil, err
	}
	a.signal()
	earned := make([]string, len(queue))
	for i, q := range queue {
		earned[i] = q.AchievementID
	}
	return earned, nil
}

// holdings is a member's holdings, read when first asked about; err is
// the reading's error, if any.
type holdings struct {
	read func() (map[string]bool, error)
	held map[string]bool
	err  error
	done bool
}

func (a *Awarder) lazyHoldings(ctx context.Context, memberID string) *holdings {
	return &holdings{read: func() (map[string]bool, error) { return a.Holdings(ctx, memberID) }}
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

func (a *Awarder) evalContext(ctx context.Context, now time.Time, holds func(string) bool, catalogue []Behaviour) EvalContext {
	endorsers := map[string]map[string]bool{} // endorser → holdings, read once each
	return EvalContext{Now: now, Holds: holds,
		EndorserHolds: func(memberID, achievementID string) bool {
			held, ok := endorsers[memberID]
			if !ok {
				held, _ = a.Holdings(ctx, memberID) // unreadable holdings count as none
				endorsers[memberID] = held
			}
			return held[achievementID]
		},
		BehaviourName: func(key string) string {
			for _, b := range catalogue {
				if b.Key == key {
					return b.Name
				}
			}
			return key
		}}
}

// reevaluate evaluates every rule of a member's community against their
// record, after an award that may complete a pathway.
func (a *Awarder) reevaluate(ctx context.Context, rs *ruleSet, memberID string) error {
	rec, err := a.Store.Record(ctx, memberID)
	if err != nil || rec == nil {
		return err
	}
	_, err = a.evaluate(ctx, rs, rec, everyRule)
	return err
}

// everyRule selects every rule for evaluation.
func everyRule(Dependencies) bool { return true }

// AchievementProgress is how a member stands against one achievement's
// rule.
type AchievementProgress struct {
	Achievement *Achievement
	Held        bool
	Progress    Progress
}

// Progress evaluates every active achievement with a rule for a member,
// for nudging them towards the next badge: closest first, held last.
func (a *Awarder) Progress(ctx context.Context, memberID string) ([]AchievementProgress, error) {
	m, err := a.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	rec, err := a.Store.Record(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		rec = NewMemberRecord(memberID, m.CreatedAt)
	}
	rs, err := a.loadRules(ctx, m.IssuerID)
	if err != nil {
		return nil, err
	}
	held, err := a.Holdings(ctx, memberID)
	if err != nil {
		return nil, err
	}
	ec := a.evalContext(ctx, a.now(), func(id string) bool { return held[id] }, rs.catalogue)
	var out []AchievementProgress
	for _, achID := range rs.ids {
		ach := rs.achievements[achID]
		out = append(out, AchievementProgress{Achievement: ach, Held: held[achID], Progress: Evaluate(rs.rules[achID], rec, ec)})
	}
	held01 := func(p AchievementProgress) int {
		if p.Held {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(x, y AchievementProgress) int {
		return cmp.Or(cmp.Compare(held01(x), held01(y)), cmp.Compare(y.Progress.Fraction, x.Progress.Fraction),
			cmp.Compare(x.Achievement.Name, y.Achievement.Name))
	})
	return out, nil
}

// Run issues queued awards until ctx ends: at once when an activity
// queues one, and every interval otherwise, retrying failures with
// backoff.
func (a *Awarder) Run(ctx context.Context, interval time.Duration) {
	a.once.Do(func() { a.wake = make(chan struct{}, 1) })
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := a.Drain(ctx); err != nil && ctx.Err() == nil && a.Log != nil {
			a.Log.Warn("awarding queued awards", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		case <-t.C:
		}
	}
}

// Drain issues every queued award that is due and returns how many were
// issued (or found issued already).
func (a *Awarder) Drain(ctx context.Context) (int, error) {
	done := 0
	sets := map[string]*ruleSet{} // by community, read once for the whole drain
	for ctx.Err() == nil {
		batch, err := a.Store.Pending(ctx, 100)
		if err != nil {
			return done, err
		}
		now := a.now()
		progressed := false
		for _, p := range batch {
			if p.NotBefore.After(now) {
				continue
			}
			progressed = true
			if err := a.issue(ctx, p, sets); err != nil {
				if ctx.Err() != nil {
					return done, ctx.Err()
				}
				backoff := min(time.Duration(1<<min(p.Attempts, 10))*time.Second, time.Hour)
				if rerr := a.Store.Retry(ctx, p.ID, ErrorMessage(err), now.Add(backoff)); rerr != nil {
					return done, rerr
				}
				continue
			}
			done++
		}
		if !progressed {
			return done, nil
		}
	}
	return done, ctx.Err()
}

// issue makes one queued award. The queue entry's id is the award's
// idempotency key: if a crash came after the credential was issued and
// before the entry was removed, issuing again returns the same credential.
func (a *Awarder) issue(ctx context.Context, p PendingAward, sets map[string]*ruleSet) error {
	in := AwardInput{AchievementID: p.AchievementID, MemberID: p.MemberID, Narrative: p.Narrative, IdempotencyKey: p.ID}
	for _, l := range p.Links {
		in.Evidence = append(in.Evidence, Evidence{URL: l, Name: "Recorded activity"})
	}
	if _, err := a.Issue(ctx, p.IssuerID, in); err != nil {
		if code := ErrorCode(err); code == EINVALID || code == ENOTFOUND || code == ECONFLICT {
			// The achievement or member changed since (archived, deleted):
			// this award can never be made; drop it, and say so.
			a.warn("queued award dropped", p.ID, err)
			return a.Store.Done(ctx, p.ID)
		}
		return err
	}
	// Remember the award in the member's record before it leaves the
	// queue: the rule is still met, and without this the evaluation below
	// would queue it again, for ever.
	var rec *MemberRecord
	err := a.Store.UpdateRecord(ctx, p.MemberID, func(r *MemberRecord) error {
		r.MarkAwarded(p.AchievementID, pendingPeriod(p.ID))
		rec = r
		return nil
	})
	if err != nil {
		return err
	}
	if err := a.Store.Done(ctx, p.ID); err != nil {
		return err
	}
	// A new badge may complete a pathway. The award is made whatever
	// happens here: a failure is logged, and the member's next activity
	// evaluates their rules again.
	rs, ok := sets[p.IssuerID]
	if !ok {
		var err error
		if rs, err = a.loadRules(ctx, p.IssuerID); err != nil {
			a.warn("re-evaluating after an award", p.ID, err)
			return nil
		}
		sets[p.IssuerID] = rs
	}
	if _, err := a.evaluate(ctx, rs, rec, everyRule); err != nil {
		a.warn("re-evaluating after an award", p.ID, err)
	}
	return nil
}

func (a *Awarder) warn(doing, award string, err error) {
	if a.Log != nil && !errors.Is(err, context.Canceled) {
		a.Log.Warn(doing, "award", award, "err", err)
	}
}

// Rule returns an achievement's rule; ENOTFOUND when it has none.
func (a *Awarder) Rule(ctx context.Context, achievementID string) (*Rule, error) {
	ach, err := a.Achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, err
	}
	rules, err := a.Store.Rules(ctx, ach.IssuerID)
	if err != nil {
		return nil, err
	}
	r, ok := rules[ach.ID]
	if !ok {
		return nil, Errorf(ENOTFOUND, "Achievement %s has no rule: it is awarded by hand.", ach.ID)
	}
	return r, nil
}

// EndorserLevel is the level of badge a member must hold to endorse or
// nominate others: the community's leaders recognise contributions.
const EndorserLevel = "leadership"

// EndorseInput is a member endorsing another member's contribution.
type EndorseInput struct {
	EndorserID string
	MemberID   string
	Note       string
}

// EndorseResult says what an endorsement earned: Earned for the endorsed
// member, EndorserEarned for the endorser (endorsing is activity too).
type EndorseResult struct {
	Earned, EndorserEarned []string
}

// Endorse records an endorsement. It counts for the endorsed member (the
// endorsements condition) and as the endorser's endorsed-peer activity.
// Only a member holding a badge of EndorserLevel may endorse, a member
// cannot endorse themselves, and one member endorses another at most once
// a day.
func (a *Awarder) Endorse(ctx context.Context, issuerID string, in EndorseInput) (*EndorseResult, error) {
	if err := a.checkEndorser(ctx, issuerID, in.EndorserID, in.MemberID); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		return nil, FieldErrorf("note", "the note must be at most 500 characters")
	}
	now := a.now()
	rs, err := a.loadRules(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	var rec *MemberRecord
	err = a.Store.UpdateRecord(ctx, in.MemberID, func(r *MemberRecord) error {
		if rec = r; !r.AddEndorsement(Endorsement{From: in.EndorserID, At: now, Note: in.Note}) {
			return Errorf(ECONFLICT, "Member %s endorsed member %s today already.", in.EndorserID, in.MemberID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &EndorseResult{}
	if res.Earned, err = a.evaluate(ctx, rs, rec, func(d Dependencies) bool { return d.Endorsements }); err != nil {
		return nil, err
	}
	results, err := a.record(ctx, rs, []ActivityInput{{Activity: Activity{MemberID: in.EndorserID,
		Behaviour: BehaviourEndorsement, At: now, PeerID: in.MemberID, Narrative: in.Note}}})
	if err != nil {
		return nil, err
	}
	if results[0].Err != nil {
		return nil, results[0].Err
	}
	res.EndorserEarned = results[0].Earned
	return res, nil
}

// checkEndorser checks that two distinct members of the community are
// involved and that the first may recognise the second.
func (a *Awarder) checkEndorser(ctx context.Context, issuerID, endorserID, memberID string) error {
	if endorserID == memberID {
		return FieldErrorf("memberId", "a member cannot endorse or nominate themselves")
	}
	for field, id := range map[string]string{"endorserId": endorserID, "memberId": memberID} {
		if owner, err := a.memberIssuer(ctx, id); ErrorCode(err) == ENOTFOUND || (err == nil && owner != issuerID) {
			return FieldErrorf(field, "no member %q in this community", id)
		} else if err != nil {
			return err
		}
	}
	held, err := a.Holdings(ctx, endorserID)
	if err != nil {
		return err
	}
	for id := range held {
		ach, err := a.Achievements.Achievement(ctx, id)
		if err == nil && ach.Level == EndorserLevel {
			return nil
		}
	}
	return FieldErrorf("endorserId", "only members holding a %s badge may endorse or nominate", EndorserLevel)
}

// Nomination statuses.
const (
	NominationPending  = "pending"
	NominationApproved = "approved"
	NominationDeclined = "declined"
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
}

// NominateInput proposes a member for an achievement.
type NominateInput struct {
	NominatorID, MemberID, AchievementID, Note string
}

// Nominate queues a nomination for an admin to decide. The nominator
// must hold a badge of EndorserLevel; a member cannot nominate
// themselves, nor be nominated twice for one achievement while the first
// nomination waits.
func (a *Awarder) Nominate(ctx context.Context, issuerID string, in NominateInput) (*Nomination, error) {
	if err := a.checkEndorser(ctx, issuerID, in.NominatorID, in.MemberID); err != nil {
		if ErrorField(err) == "endorserId" {
			err = &Error{Code: EINVALID, Field: "nominatorId", Message: ErrorMessage(err)}
		}
		return nil, err
	}
	if utf8.RuneCountInString(in.Note) > 1000 {
		return nil, FieldErrorf("note", "the note must be at most 1000 characters")
	}
	ach, err := a.Achievements.Achievement(ctx, in.AchievementID)
	if ErrorCode(err) == ENOTFOUND || (err == nil && (ach.IssuerID != issuerID || ach.Status != StatusActive)) {
		return nil, FieldErrorf("achievementId", "no active achievement %q in this community", in.AchievementID)
	}
	if err != nil {
		return nil, err
	}
	pending, err := a.Store.Nominations(ctx, issuerID, NominationPending)
	if err != nil {
		return nil, err
	}
	for _, n := range pending {
		if n.MemberID == in.MemberID && n.AchievementID == in.AchievementID {
			return nil, Errorf(ECONFLICT, "Member %s is nominated for this achievement already (nomination %s).", in.MemberID, n.ID)
		}
	}
	n := &Nomination{ID: NewID(), IssuerID: issuerID, NominatorID: in.NominatorID, MemberID: in.MemberID,
		AchievementID: in.AchievementID, Note: in.Note, Status: NominationPending, CreatedAt: a.now()}
	return n, a.Store.SaveNomination(ctx, n)
}

// Nominations lists an issuer's nominations with a status ("" for all),
// newest first.
func (a *Awarder) Nominations(ctx context.Context, issuerID, status string) ([]*Nomination, error) {
	if status != "" && status != NominationPending && status != NominationApproved && status != NominationDeclined {
		return nil, FieldErrorf("status", "status must be pending, approved or declined")
	}
	return a.Store.Nominations(ctx, issuerID, status)
}

// Decide approves a pending nomination, awarding the achievement (with
// the nomination's note as the narrative), or declines it with a reason.
// Approving is idempotent: the award's idempotency key is the nomination.
func (a *Awarder) Decide(ctx context.Context, id string, approve bool, reason string) (*Nomination, error) {
	n, err := a.Store.Nomination(ctx, id)
	if err != nil {
		return nil, err
	}
	if n.Status != NominationPending {
		return nil, Errorf(ECONFLICT, "Nomination %s was %s already.", n.ID, n.Status)
	}
	n.DecidedAt = a.now()
	if !approve {
		if utf8.RuneCountInString(reason) > 500 {
			return nil, FieldErrorf("reason", "the reason must be at most 500 characters")
		}
		n.Status, n.Reason = NominationDeclined, reason
		return n, a.Store.SaveNomination(ctx, n)
	}
	narrative := "Nominated by a fellow member."
	if n.Note != "" {
		narrative = "Nominated by a fellow member: " + n.Note
	}
	credID, err := a.Issue(ctx, n.IssuerID, AwardInput{AchievementID: n.AchievementID, MemberID: n.MemberID,
		Narrative: narrative, IdempotencyKey: "nomination:" + n.ID})
	if err != nil {
		return nil, err
	}
	n.Status, n.CredentialID = NominationApproved, credID
	if err := a.Store.SaveNomination(ctx, n); err != nil {
		return nil, err
	}
	rs, err := a.loadRules(ctx, n.IssuerID)
	if err != nil {
		return nil, err
	}
	return n, a.reevaluate(ctx, rs, n.MemberID) // the badge may complete a pathway
}

// Counters returns a community's last n weeks of counters, oldest first,
// and how many members reached each level.
func (a *Awarder) Counters(ctx context.Context, issuerID string, weeks int) ([]WeekStats, map[string]int, error) {
	ws, err := a.Stats.Weeks(ctx, issuerID, LastWeeks(a.now(), weeks))
	if err != nil {
		return nil, nil, err
	}
	funnel, err := a.Stats.Funnel(ctx, issuerID)
	return ws, funnel, err
}

// Pin is a member an admin puts in a community's spotlight, with a note.
type Pin struct {
	MemberID string
	Note     string
	PinnedAt time.Time
}

// SetPin puts a member of the community in its spotlight (nil removes
// the pin).
func (a *Awarder) SetPin(ctx context.Context, issuerID string, p *Pin) error {
	if p != nil {
		if owner, err := a.memberIssuer(ctx, p.MemberID); ErrorCode(err) == ENOTFOUND || (err == nil && owner != issuerID) {
			return FieldErrorf("memberId", "no member %q in this community", p.MemberID)
		} else if err != nil {
			return err
		}
		if utf8.RuneCountInString(p.Note) > 500 {
			return FieldErrorf("note", "the note must be at most 500 characters")
		}
		p.PinnedAt = a.now()
	}
	return a.Store.SetPin(ctx, issuerID, p)
}

// Pinned returns the community's pinned member; nil when there is none.
func (a *Awarder) Pinned(ctx context.Context, issuerID string) (*Pin, error) {
	return a.Store.Pin(ctx, issuerID)
}

// Bounds of a rule preview.
const (
	MaxPreviewMembers = 10000 // members evaluated
	previewQualifying = 100   // qualifying members listed
	previewClosest    = 10    // closest members listed
)

// PreviewMember is one member in a rule preview.
type PreviewMember struct {
	Member   *Member
	Progress Progress
}

// RulePreview says who a draft rule would award now, and who is closest.
type RulePreview struct {
	Evaluated int
	Qualify   []PreviewMember // met and not held (a repeatable badge counts as not held), at most 100
	Closest   []PreviewMember // not met, closest first, at most 10
	Truncated bool            // the community has more members than were evaluated
}

// Preview evaluates a draft rule for an achievement over the community's
// members (the first MaxPreviewMembers), without storing or awarding
// anything.
func (a *Awarder) Preview(ctx context.Context, achievementID string, r *Rule) (*RulePreview, error) {
	ach, err := a.Achievements.Achievement(ctx, achievementID)
	if err != nil {
		return nil, err
	}
	if err := a.checkRule(ctx, ach, r); err != nil {
		return nil, err
	}
	catalogue, err := a.Behaviours(ctx, ach.IssuerID)
	if err != nil {
		return nil, err
	}
	out := &RulePreview{}
	now := a.now()
	opts := ListOptions{Limit: MaxPageSize}
	for out.Evaluated < MaxPreviewMembers {
		page, err := a.Members.Members(ctx, MemberFilter{IssuerID: ach.IssuerID, ListOptions: opts})
		if err != nil {
			return nil, err
		}
		for _, m := range page.Items {
			if out.Evaluated == MaxPreviewMembers {
				out.Truncated = true
				break
			}
			out.Evaluated++
			if err := a.previewMember(ctx, out, ach, r, m, now, catalogue); err != nil {
				return nil, err
			}
		}
		if page.NextCursor == "" {
			break
		}
		opts.Cursor = page.NextCursor
	}
	slices.SortStableFunc(out.Closest, closerFirst)
	out.Closest = out.Closest[:min(len(out.Closest), previewClosest)]
	return out, nil
}

func (a *Awarder) previewMember(ctx context.Context, out *RulePreview, ach *Achievement, r *Rule, m *Member, now time.Time, catalogue []Behaviour) error {
	rec, err := a.Store.Record(ctx, m.ID)
	if err != nil {
		return err
	}
	if rec == nil {
		rec = NewMemberRecord(m.ID, m.CreatedAt)
	}
	held := a.lazyHoldings(ctx, m.ID)
	p := Evaluate(r, rec, a.evalContext(ctx, now, held.has, catalogue))
	switch {
	case held.err != nil:
		return held.err
	case p.Met:
		if (!held.has(ach.ID) || ach.Repeatable) && len(out.Qualify) < previewQualifying {
			out.Qualify = append(out.Qualify, PreviewMember{Member: m, Progress: p})
		}
		return held.err
	}
	// Keep the closest few only: drop the farthest once the list is long.
	out.Closest = append(out.Closest, PreviewMember{Member: m, Progress: p})
	if len(out.Closest) > 4*previewClosest {
		slices.SortStableFunc(out.Closest, closerFirst)
		out.Closest = out.Closest[:previewClosest]
	}
	return nil
}

func closerFirst(x, y PreviewMember) int {
	return cmp.Compare(y.Progress.Fraction, x.Progress.Fraction)
}
