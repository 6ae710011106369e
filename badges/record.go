package badges

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of a MemberRecord. A record is stored as one document, so every
// list in it is capped, whatever a member does. Each cap says what it costs:
// past it, some questions can only be answered with a lower bound, and
// Evaluate then marks the condition Capped and says "at least". A lower
// bound never awards too early; at worst it awards late or not at all. Rule
// limits (see ParseRule) are set so that a rule never asks for more than a
// bound can show.
//
// Worst case, a record with MaxRecordBehaviours behaviours, every list full
// and every identifier, URL and note at its longest is about 10 MB, inside
// MongoDB's 16 MB document limit; a typical record (a handful of
// behaviours, 20-character ids) is a few tens of KB.
const (
	// MaxRecordBehaviours is how many different behaviours a record keeps.
	// Activity of a further behaviour is not recorded (Add reports false).
	MaxRecordBehaviours = 50

	// MaxRecentEvents is how many of a behaviour's newest events are kept.
	// Windowed counts, sums and peers are read from them: with more events
	// than this inside a window, the answer is capped at what they show.
	MaxRecentEvents = 400

	// MaxRecentEvidence is how many of a behaviour's recent events keep
	// their evidence URL (the newest ones that have one); older URLs are
	// dropped so that long URLs cannot fill the document.
	MaxRecentEvidence = 20

	// MaxActiveDays, MaxActiveWeeks and MaxActiveMonths are how many of the
	// latest distinct active days, weeks and months are kept per behaviour:
	// about two years, eight years and twenty years of daily, weekly or
	// monthly activity. Distinct counts and streaks over older activity are
	// capped.
	MaxActiveDays   = 800
	MaxActiveWeeks  = 400
	MaxActiveMonths = 240

	// MaxRecordPeers is how many distinct peers are kept per behaviour; the
	// all-time peer count stops growing there.
	MaxRecordPeers = 1000

	// MaxRecordCohorts is how many cohorts a member is kept in; further
	// cohorts are not recorded.
	MaxRecordCohorts = 50

	// MaxRecordEndorsements is how many received endorsements are kept,
	// newest first; endorsement counts are read from them.
	MaxRecordEndorsements = 200

	// MaxSeenActivities is how many recent activity keys are remembered for
	// idempotency. A replay older than that is counted again, so stores must
	// also refuse duplicate source event ids themselves.
	MaxSeenActivities = 500

	// MaxRecordAwarded is how many badges a record remembers awarding by
	// rule. Past it the entry of the oldest period goes; a badge whose
	// entry went could be queued again, and issuing it again with the same
	// award key makes no new credential.
	MaxRecordAwarded = 1000

	// MaxRecordBatches and RecordBatchAge bound the recording batches a
	// record remembers applying: the latest 200, none older than a day. A
	// batch left unfinished is recovered at the resend, at start or within
	// minutes, long before. Past them, a recovered batch's activities are
	// still refused by Seen, unless the member has had MaxSeenActivities
	// more since.
	MaxRecordBatches = 200
	RecordBatchAge   = 24 * time.Hour
)

const maxEndorsementNoteLen = 500

// MemberRecord is the computed, bounded summary of one member's activity:
// everything a rule can ask about them apart from what they hold. It uses
// plain maps, slices and values so that it stores as one document.
type MemberRecord struct {
	MemberID string
	// JoinedAt is the start of membership, for tenure: the date given to
	// NewMemberRecord, moved earlier if an earlier activity is recorded.
	JoinedAt     time.Time
	Cohorts      []string                    // sorted, distinct, at most MaxRecordCohorts
	Behaviours   map[string]*BehaviourRecord // by behaviour key, at most MaxRecordBehaviours
	Endorsements []Endorsement               // received, newest first, at most MaxRecordEndorsements
	// Seen holds the keys of recently added activities, oldest first, at
	// most MaxSeenActivities: "src:" and the source event id when there is
	// one, else "id:" and the activity id.
	Seen []string
	// Awarded maps the badges awarded to the member by rule to the period
	// of the latest award (see PeriodKey; "" for a rule without one), so
	// that a rule still met after its award, or after the credential was
	// revoked, does not award again in the same period. At most
	// MaxRecordAwarded.
	Awarded map[string]string
	// AwardedOn maps badges in Awarded to the date of that award, when it
	// is known, so that a pathway is not dated before its prerequisites.
	AwardedOn map[string]time.Time
	// Batches are the recording batches applied to the record, oldest
	// first (see MaxRecordBatches), so that a batch applied again after a
	// failure changes nothing.
	Batches []AppliedBatch
}

// AppliedBatch is a recording batch a record has.
type AppliedBatch struct {
	ID        string
	StartedAt time.Time
}

// RecordStore keeps members' records.
type RecordStore interface {
	// Record reads a member's record; nil when there is none yet.
	Record(ctx context.Context, memberID string) (*MemberRecord, error)
	// UpdateRecord changes a member's record atomically; change gets a new
	// record when there is none, and may run more than once. When change
	// returns an error, nothing is written and UpdateRecord returns it.
	UpdateRecord(ctx context.Context, memberID string, change func(*MemberRecord) error) error
}

// AwardedIn reports whether the member was awarded an achievement by rule
// in a period.
func (r *MemberRecord) AwardedIn(achievementID, period string) bool {
	p, ok := r.Awarded[achievementID]
	return ok && p == period
}

// MarkAwarded records that the member was awarded an achievement by rule
// in a period.
func (r *MemberRecord) MarkAwarded(achievementID, period string) {
	if r.Awarded == nil {
		r.Awarded = map[string]string{}
	}
	if _, ok := r.Awarded[achievementID]; !ok && len(r.Awarded) >= MaxRecordAwarded {
		oldest := ""
		first := true
		for id, p := range r.Awarded {
			if first || p < r.Awarded[oldest] || (p == r.Awarded[oldest] && id < oldest) {
				oldest, first = id, false
			}
		}
		delete(r.Awarded, oldest)
	}
	r.Awarded[achievementID] = period
}

// NoteBatch notes that the record is given a batch's activities at now.
// It reports false, and changes nothing, when the record has the batch
// already; it forgets batches older than RecordBatchAge and the oldest
// past MaxRecordBatches.
func (r *MemberRecord) NoteBatch(b Batch, now time.Time) bool {
	if slices.ContainsFunc(r.Batches, func(x AppliedBatch) bool { return x.ID == b.ID }) {
		return false
	}
	cut := now.Add(-RecordBatchAge)
	r.Batches = slices.DeleteFunc(r.Batches, func(x AppliedBatch) bool { return x.StartedAt.Before(cut) })
	if n := len(r.Batches) + 1 - MaxRecordBatches; n > 0 {
		r.Batches = slices.Delete(r.Batches, 0, n)
	}
	r.Batches = append(r.Batches, AppliedBatch{ID: b.ID, StartedAt: utc(b.StartedAt)})
	return true
}

// BehaviourRecord summarises a member's activity of one behaviour. Count,
// Sum, First and Last are exact; the lists are bounded and keep the newest
// entries.
type BehaviourRecord struct {
	Count       int     // all time
	Sum         float64 // all time, of Activity.Amount
	First, Last time.Time
	Recent      []Event  // newest first, at most MaxRecentEvents
	Days        []int    // distinct active days (days since 1970-01-01, UTC), sorted, the latest MaxActiveDays
	Weeks       []int    // distinct active ISO weeks (weeks since Monday 1970-01-05), sorted, the latest MaxActiveWeeks
	Months      []int    // distinct active months (year*12 + month - 1), sorted, the latest MaxActiveMonths
	Peers       []string // distinct peers, sorted, at most MaxRecordPeers
}

// Event is one recorded activity, as much of it as rules read.
type Event struct {
	At          time.Time
	Amount      float64
	PeerID      string
	EvidenceURL string
}

// Endorsement is recognition one member gives another.
type Endorsement struct {
	From string // the endorsing member
	At   time.Time
	Note string // optional, at most 500 characters
}

// NewMemberRecord returns the empty record of a member who joined at joined.
func NewMemberRecord(memberID string, joined time.Time) *MemberRecord {
	return &MemberRecord{MemberID: memberID, JoinedAt: utc(joined), Behaviours: map[string]*BehaviourRecord{}}
}

// Add records an activity. It reports false, and changes nothing, when the
// activity's ID or SourceEventID was seen already, when it belongs to
// another member, when it has no behaviour, no time or an amount that is not
// a finite non-negative number, or when it would be a behaviour beyond
// MaxRecordBehaviours. Activities may arrive in any order. An activity's
// cohort, if any, is added to the member's cohorts.
func (r *MemberRecord) Add(a Activity) bool {
	amount := a.Amount()
	switch {
	case a.MemberID != "" && r.MemberID != "" && a.MemberID != r.MemberID,
		a.Behaviour == "", a.At.IsZero(),
		!(amount >= 0), math.IsInf(amount, 0):
		return false
	}
	if r.seen("id:", a.ID) || r.seen("src:", a.SourceEventID) {
		return false
	}
	br := r.Behaviours[a.Behaviour]
	if br == nil {
		if len(r.Behaviours) >= MaxRecordBehaviours {
			return false
		}
		if r.Behaviours == nil {
			r.Behaviours = map[string]*BehaviourRecord{}
		}
		br = &BehaviourRecord{}
		r.Behaviours[a.Behaviour] = br
	}
	at := utc(a.At)
	br.add(Event{At: at, Amount: amount, PeerID: a.PeerID, EvidenceURL: a.EvidenceURL})
	switch {
	case a.SourceEventID != "":
		r.remember("src:" + a.SourceEventID)
	case a.ID != "":
		r.remember("id:" + a.ID)
	}
	if a.Cohort != "" {
		r.AddCohort(a.Cohort)
	}
	if r.JoinedAt.IsZero() || at.Before(r.JoinedAt) {
		r.JoinedAt = at
	}
	return true
}

func (r *MemberRecord) seen(prefix, id string) bool {
	if id == "" {
		return false
	}
	for _, s := range r.Seen {
		if len(s) == len(prefix)+len(id) && strings.HasPrefix(s, prefix) && s[len(prefix):] == id {
			return true
		}
	}
	return false
}

func (r *MemberRecord) remember(key string) {
	if len(r.Seen) < MaxSeenActivities {
		r.Seen = append(r.Seen, key)
		return
	}
	r.Seen = r.Seen[len(r.Seen)-MaxSeenActivities:]
	copy(r.Seen, r.Seen[1:])
	r.Seen[len(r.Seen)-1] = key
}

// AddEndorsement records an endorsement the member received. It reports
// false, and changes nothing, when it comes from nobody or from the member
// themself, when the same member already endorsed them on the same (UTC)
// day, when its note is longer than 500 characters, or when the record is
// full and the endorsement is older than every one kept.
func (r *MemberRecord) AddEndorsement(e Endorsement) bool {
	if e.From == "" || e.From == r.MemberID || len(e.From) > maxPeerIDLen || e.At.IsZero() ||
		utf8.RuneCountInString(e.Note) > maxEndorsementNoteLen {
		return false
	}
	e.At = utc(e.At)
	day := dayPeriod.index(e.At)
	for _, x := range r.Endorsements {
		if x.From == e.From && dayPeriod.index(x.At) == day {
			return false
		}
	}
	i := sort.Search(len(r.Endorsements), func(i int) bool { return r.Endorsements[i].At.Before(e.At) })
	if i == len(r.Endorsements) && i >= MaxRecordEndorsements {
		return false
	}
	r.Endorsements = slices.Insert(r.Endorsements, i, e)
	if len(r.Endorsements) > MaxRecordEndorsements {
		r.Endorsements = r.Endorsements[:MaxRecordEndorsements]
	}
	return true
}

// AddCohort puts the member in a cohort. Blank names, names longer than 100
// characters and cohorts beyond MaxRecordCohorts are ignored.
func (r *MemberRecord) AddCohort(c string) {
	c = strings.TrimSpace(c)
	if c == "" || utf8.RuneCountInString(c) > maxCohortLen {
		return
	}
	i, found := slices.BinarySearch(r.Cohorts, c)
	if found || len(r.Cohorts) >= MaxRecordCohorts {
		return
	}
	r.Cohorts = slices.Insert(r.Cohorts, i, c)
}

// RemoveCohort takes the member out of a cohort.
func (r *MemberRecord) RemoveCohort(c string) {
	if i, found := slices.BinarySearch(r.Cohorts, c); found {
		r.Cohorts = slices.Delete(r.Cohorts, i, i+1)
	}
}

// InCohort reports whether the member is in cohort c.
func (r *MemberRecord) InCohort(c string) bool {
	_, found := slices.BinarySearch(r.Cohorts, c)
	return found
}

// Clone returns a deep copy of the record, to try an activity out on.
func (r *MemberRecord) Clone() *MemberRecord {
	n := *r
	n.Cohorts = slices.Clone(r.Cohorts)
	n.Endorsements = slices.Clone(r.Endorsements)
	n.Seen = slices.Clone(r.Seen)
	n.Batches = slices.Clone(r.Batches)
	if r.Behaviours != nil {
		n.Behaviours = make(map[string]*BehaviourRecord, len(r.Behaviours))
		for k, br := range r.Behaviours {
			c := *br
			c.Recent = slices.Clone(br.Recent)
			c.Days = slices.Clone(br.Days)
			c.Weeks = slices.Clone(br.Weeks)
			c.Months = slices.Clone(br.Months)
			c.Peers = slices.Clone(br.Peers)
			n.Behaviours[k] = &c
		}
	}
	return &n
}

func (br *BehaviourRecord) add(e Event) {
	br.Count++
	br.Sum += e.Amount
	if br.First.IsZero() || e.At.Before(br.First) {
		br.First = e.At
	}
	if br.Last.IsZero() || e.At.After(br.Last) {
		br.Last = e.At
	}
	br.insertRecent(e)
	br.Days = insertUnit(br.Days, dayPeriod.index(e.At), MaxActiveDays)
	br.Weeks = insertUnit(br.Weeks, weekPeriod.index(e.At), MaxActiveWeeks)
	br.Months = insertUnit(br.Months, monthPeriod.index(e.At), MaxActiveMonths)
	if e.PeerID != "" {
		if i, found := slices.BinarySearch(br.Peers, e.PeerID); !found && len(br.Peers) < MaxRecordPeers {
			br.Peers = slices.Insert(br.Peers, i, e.PeerID)
		}
	}
}

// insertRecent puts e among the newest events, after any of the same time.
// Events that did not make it into Recent are never newer than its oldest.
func (br *BehaviourRecord) insertRecent(e Event) {
	if len(br.Recent) > MaxRecentEvents {
		br.Recent = br.Recent[:MaxRecentEvents]
	}
	i := sort.Search(len(br.Recent), func(i int) bool { return br.Recent[i].At.Before(e.At) })
	switch {
	case i == len(br.Recent) && i >= MaxRecentEvents:
		return // older than everything kept: it would be dropped at once
	case len(br.Recent) < MaxRecentEvents:
		br.Recent = slices.Insert(br.Recent, i, e)
	default:
		copy(br.Recent[i+1:], br.Recent[i:len(br.Recent)-1])
		br.Recent[i] = e
	}
	if e.EvidenceURL == "" {
		return
	}
	kept := 0
	for j := range br.Recent {
		if br.Recent[j].EvidenceURL == "" {
			continue
		}
		if kept++; kept > MaxRecentEvidence {
			br.Recent[j].EvidenceURL = ""
		}
	}
}

// complete reports whether Recent holds every event after lo.
func (br *BehaviourRecord) complete(lo time.Time) bool {
	n := len(br.Recent)
	return n >= br.Count || n > 0 && !br.Recent[n-1].At.After(lo)
}

// insertUnit adds u to the sorted, distinct list, keeping the latest max.
func insertUnit(list []int, u, max int) []int {
	if len(list) > max {
		list = list[len(list)-max:]
	}
	i, found := slices.BinarySearch(list, u)
	switch {
	case found:
	case len(list) < max:
		list = slices.Insert(list, i, u)
	case i > 0: // full: drop the oldest to make room
		copy(list[:i-1], list[1:i])
		list[i-1] = u
	}
	return list
}

// activeLimit is how many distinct active periods of a kind a behaviour
// record keeps.
func activeLimit(p period) int {
	switch p {
	case dayPeriod:
		return MaxActiveDays
	case weekPeriod:
		return MaxActiveWeeks
	}
	return MaxActiveMonths
}

// units returns the distinct active periods of a kind, and how many are
// kept at most.
func (br *BehaviourRecord) units(p period) (list []int, max int) {
	switch p {
	case dayPeriod:
		return br.Days, MaxActiveDays
	case weekPeriod:
		return br.Weeks, MaxActiveWeeks
	}
	return br.Months, MaxActiveMonths
}
