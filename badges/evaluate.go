package badges

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EvalContext is what Evaluate needs besides the rule and the record.
type EvalContext struct {
	Now time.Time
	// Holds reports whether the member holds an achievement; nil = never.
	Holds func(achievementID string) bool
	// EndorserHolds reports whether another member holds an achievement,
	// for endorsements.fromHolders; nil = never.
	EndorserHolds func(memberID, achievementID string) bool
	// BehaviourName and AchievementName give display names for
	// descriptions; nil (or an empty answer) = the key or id.
	BehaviourName   func(key string) string
	AchievementName func(id string) string
}

// Progress is how a member stands against a rule.
type Progress struct {
	Met        bool
	Fraction   float64             // 0..1, how close overall; 1 exactly when met
	Conditions []ConditionProgress // the leaf conditions, in rule order
}

// ConditionProgress is how a member stands against one leaf condition.
type ConditionProgress struct {
	Path        string // JSON path, e.g. "condition.all[0].count"
	Kind        string
	Description string // e.g. "Hosted a session: 3 of 4 in the last 90 days"
	Current     float64
	Required    float64
	Met         bool
	// Capped is set when Current is only a lower bound because the record
	// keeps a bounded history (see MaxRecentEvents); the description then
	// says "at least".
	Capped   bool
	From, To time.Time // the span of the qualifying activity, when there is one
	Links    []string  // up to 5 evidence URLs of qualifying activity, newest first
	// Narrative is the evidence sentence for the condition when it is met,
	// e.g. "Hosted a session 4 times between March and May 2026."
	Narrative string
}

const (
	maxConditionLinks = 5
	maxSummaryLinks   = 20
	dayDuration       = 24 * time.Hour
)

// Evaluate measures a member's record against a rule at ec.Now. It is a
// pure function. Windows are (Now − withinDays, Now]; events after Now are
// ignored (all-time counts assume fewer than MaxRecentEvents of them, which
// FutureTolerance makes certain in practice). Met follows the rule's logic
// exactly; Fraction is min(1, current/required) for a leaf, the mean of the
// children for all, their maximum for any, and the mean of the n highest for
// atLeast n. An empty combination is never met.
func Evaluate(r *Rule, rec *MemberRecord, ec EvalContext) Progress {
	if r == nil {
		return Progress{}
	}
	if rec == nil {
		rec = &MemberRecord{}
	}
	e := &evaluator{rec: rec, ec: ec, now: ec.Now}
	var p Progress
	p.Met, p.Fraction = e.eval(r.Condition, "condition", &p.Conditions)
	return p
}

type evaluator struct {
	rec *MemberRecord
	ec  EvalContext
	now time.Time
}

var emptyBehaviourRecord BehaviourRecord

func (e *evaluator) eval(c Condition, path string, out *[]ConditionProgress) (bool, float64) {
	kids, seg := c.children()
	switch c.Kind() {
	case "":
		return false, 0
	case KindAll, KindAny, KindAtLeast:
		if len(kids) == 0 {
			return false, 0
		}
		fracs := make([]float64, len(kids))
		met := 0
		for i, k := range kids {
			m, f := e.eval(k, fmt.Sprintf("%s%s[%d]", path, seg, i), out)
			fracs[i] = f
			if m {
				met++
			}
		}
		switch c.Kind() {
		case KindAll:
			return fraction(met == len(kids), mean(fracs))
		case KindAny:
			return fraction(met > 0, slices.Max(fracs))
		}
		n := min(max(c.AtLeast.N, 1), len(kids))
		slices.Sort(fracs)
		slices.Reverse(fracs)
		return fraction(met >= max(c.AtLeast.N, 1), mean(fracs[:n]))
	}
	cp := e.leaf(c)
	cp.Path = path + "." + cp.Kind
	f := 1.0
	if cp.Required > 0 {
		f = cp.Current / cp.Required
	}
	if !cp.Met {
		cp.Narrative = ""
	}
	*out = append(*out, cp)
	return fraction(cp.Met, f)
}

// fraction keeps f in 0..1 and makes it 1 exactly when met: rounding must
// not show an unmet condition as complete.
func fraction(met bool, f float64) (bool, float64) {
	switch {
	case met:
		return true, 1
	case !(f > 0):
		return false, 0
	case f >= 1:
		return false, math.Nextafter(1, 0)
	}
	return false, f
}

func mean(fs []float64) float64 {
	s := 0.0
	for _, f := range fs {
		s += f
	}
	return s / float64(len(fs))
}

func (e *evaluator) leaf(c Condition) ConditionProgress {
	switch c.Kind() {
	case KindCount:
		return e.count(c.Count)
	case KindSum:
		return e.sum(c.Sum)
	case KindStreak:
		return e.streak(c.Streak)
	case KindPeers:
		return e.peers(c.Peers)
	case KindHolds:
		return e.holds(c.Holds)
	case KindEndorsements:
		return e.endorsements(c.Endorsements)
	case KindCohort:
		return e.cohort(c.Cohort)
	}
	return e.tenure(c.Tenure)
}

func (e *evaluator) behaviour(key string) *BehaviourRecord {
	if br := e.rec.Behaviours[key]; br != nil {
		return br
	}
	return &emptyBehaviourRecord
}

func (e *evaluator) behaviourName(key string) string {
	if e.ec.BehaviourName != nil {
		if n := e.ec.BehaviourName(key); n != "" {
			return n
		}
	}
	return key
}

func (e *evaluator) achievementName(id string) string {
	if e.ec.AchievementName != nil {
		if n := e.ec.AchievementName(id); n != "" {
			return n
		}
	}
	return id
}

// window is (lo, now] for withinDays > 0, else all time.
type window struct {
	lo   time.Time
	open bool // no lower bound
	days int
}

func (e *evaluator) window(days int) window {
	if days <= 0 {
		return window{open: true}
	}
	return window{lo: e.now.Add(-time.Duration(days) * dayDuration), days: days}
}

func (w window) phrase() string {
	switch {
	case w.open:
		return ""
	case w.days == 1:
		return " in the last day"
	}
	return fmt.Sprintf(" in the last %d days", w.days)
}

// inWindow returns the recent events of br in w, newest first. Recent is
// sorted, so this is two binary searches.
func (e *evaluator) inWindow(br *BehaviourRecord, w window) []Event {
	evs := br.Recent
	start := 0
	if br.Last.After(e.now) {
		start = sort.Search(len(evs), func(i int) bool { return !evs[i].At.After(e.now) })
	}
	end := len(evs)
	if !w.open {
		end = sort.Search(len(evs), func(i int) bool { return !evs[i].At.After(w.lo) })
	}
	return evs[start:max(start, end)]
}

// qualifying is the span and evidence links of the events counted.
type qualifying struct {
	from, to time.Time
	links    []string
}

func (q *qualifying) add(ev *Event) {
	if q.to.IsZero() || ev.At.After(q.to) {
		q.to = ev.At
	}
	if q.from.IsZero() || ev.At.Before(q.from) {
		q.from = ev.At
	}
	q.link(ev.EvidenceURL)
}

func (q *qualifying) link(url string) {
	if url != "" && len(q.links) < maxConditionLinks && !slices.Contains(q.links, url) {
		q.links = append(q.links, url)
	}
}

// qualifying describes events, newest first: all of them, or only those
// that name a peer.
func (e *evaluator) qualifying(br *BehaviourRecord, evs []Event, w window, withPeer bool) qualifying {
	var q qualifying
	if !withPeer {
		if len(evs) > 0 {
			q.from, q.to = evs[len(evs)-1].At, evs[0].At
			if w.open && !br.First.IsZero() && !br.First.After(e.now) {
				q.from = br.First // older than Recent may reach
			}
		}
		for i := 0; i < len(evs) && len(q.links) < maxConditionLinks; i++ {
			q.link(evs[i].EvidenceURL)
		}
		return q
	}
	for i := range evs {
		if evs[i].PeerID != "" {
			q.add(&evs[i])
		}
	}
	return q
}

func (e *evaluator) count(c *CountCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), e.window(c.WithinDays)
	var n int
	var capped bool
	evs := e.inWindow(br, w)
	switch {
	case c.Distinct != "":
		n, capped = e.activeUnits(br, c.Distinct, w)
	case w.open:
		n = br.Count - e.futureEvents(br)
	default:
		n, capped = len(evs), !br.complete(w.lo)
	}
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, false)
	cp := ConditionProgress{Kind: KindCount, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to, Links: q.links}
	what, times := "", timesPhrase(n, capped)
	if c.Distinct != "" {
		what = " different " + c.Distinct
		times = fmt.Sprintf(unitSentence[c.Distinct], atLeast(capped)+strconv.Itoa(n))
	}
	cp.Description = fmt.Sprintf("%s: %s%d of %d%s%s", name, atLeast(capped), n, c.Min, what, w.phrase())
	cp.Narrative = sentence(name+" "+times, q.from, q.to)
	return cp
}

var unitSentence = map[string]string{
	unitDay:   "on %s different days",
	unitWeek:  "in %s different weeks",
	unitMonth: "in %s different months",
}

func atLeast(capped bool) string {
	if capped {
		return "at least "
	}
	return ""
}

func timesPhrase(n int, capped bool) string {
	switch {
	case capped:
		return fmt.Sprintf("at least %d times", n)
	case n == 1:
		return "once"
	case n == 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// futureEvents counts the recent events after now.
func (e *evaluator) futureEvents(br *BehaviourRecord) int {
	if !br.Last.After(e.now) {
		return 0
	}
	n := 0
	for i := range br.Recent {
		if !br.Recent[i].At.After(e.now) {
			break
		}
		n++
	}
	return n
}

// eventIn reports whether br has an event in (lo, hi], and whether that
// answer is known: a "no" is only known when Recent reaches back to lo.
func (e *evaluator) eventIn(br *BehaviourRecord, lo, hi time.Time) (found, known bool) {
	for i := range br.Recent {
		at := br.Recent[i].At
		if at.After(hi) {
			continue
		}
		if !at.After(lo) {
			break
		}
		return true, true
	}
	return false, br.complete(lo)
}

// activeUnits counts the distinct days, weeks or months in which br has an
// event in window w. Whole units inside the window are read from the unit
// lists; the partly covered units at either end are checked against the
// recent events, and are left out (capped) when those do not reach back far
// enough to tell.
func (e *evaluator) activeUnits(br *BehaviourRecord, unit string, w window) (n int, capped bool) {
	list, limit := br.units(unit)
	top := unitNumber(unit, e.now)
	bottom := math.MinInt
	if !w.open {
		bottom = unitNumber(unit, w.lo)
	}
	if len(list) >= limit && (w.open || list[0] > bottom) {
		capped = true // older units may have been dropped
	}
	for _, u := range list {
		if u < bottom || u > top {
			continue
		}
		if u != bottom && u != top {
			n++
			continue
		}
		lo := unitStart(unit, u).Add(-1)
		if u == bottom {
			lo = w.lo
		}
		hi := e.now
		if u != top {
			hi = unitStart(unit, u+1).Add(-1)
		}
		if u == top && u != bottom && !br.Last.After(e.now) {
			n++ // nothing after now, so the unit's events are all in the window
			continue
		}
		found, known := e.eventIn(br, lo, hi)
		if found {
			n++
		} else if !known {
			capped = true
		}
	}
	return n, capped
}

func (e *evaluator) sum(c *SumCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), e.window(c.WithinDays)
	evs := e.inWindow(br, w)
	var s float64
	var capped bool
	switch {
	case !w.open:
		s, capped = sumAmounts(evs), !br.complete(w.lo)
	case !br.Last.After(e.now):
		s = br.Sum
	case len(br.Recent) >= br.Count:
		s = sumAmounts(evs)
	default: // leave out the events after now
		s = br.Sum
		for i := range br.Recent {
			if br.Recent[i].At.After(e.now) {
				s -= br.Recent[i].Amount
			}
		}
		s = max(s, 0)
	}
	s = roundAmount(s)
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, false)
	cp := ConditionProgress{Kind: KindSum, Current: s, Required: c.Min, Met: s >= roundAmount(c.Min), Capped: capped,
		From: q.from, To: q.to, Links: q.links}
	cp.Description = fmt.Sprintf("%s: %s%s of %s in total%s", name, atLeast(capped), formatAmount(s), formatAmount(c.Min), w.phrase())
	cp.Narrative = sentence(fmt.Sprintf("%s for a total of %s%s", name, atLeast(capped), formatAmount(s)), q.from, q.to)
	return cp
}

func sumAmounts(evs []Event) float64 {
	s := 0.0
	for i := range evs {
		s += evs[i].Amount
	}
	return s
}

// roundAmount rounds a sum to a millionth, so that the rounding error of
// adding fractions (0.7 + 0.1 + 0.1 + 0.1) does not decide whether a
// condition is met. Rounding is monotone, so larger sums never round lower.
func roundAmount(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func formatAmount(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func (e *evaluator) streak(c *StreakCond) ConditionProgress {
	var brs []*BehaviourRecord
	if c.Behaviour != "" {
		brs = append(brs, e.behaviour(c.Behaviour))
	} else {
		keys := make([]string, 0, len(e.rec.Behaviours))
		for k := range e.rec.Behaviours {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			brs = append(brs, e.rec.Behaviours[k])
		}
	}
	var units []int
	capped := false
	for i, br := range brs {
		list, limit := br.units(c.Unit)
		capped = capped || len(list) >= limit
		if i == 0 {
			units = e.unitsUpToNow(br, c.Unit, list) // read only
		} else {
			units = mergeUnits(units, e.unitsUpToNow(br, c.Unit, list))
		}
	}
	best, bestEnd, run := 0, 0, 0
	for i, u := range units {
		if i > 0 && u == units[i-1]+1 {
			run++
		} else {
			run = 1
		}
		if run > best {
			best, bestEnd = run, u
		}
	}
	cp := ConditionProgress{Kind: KindStreak, Current: float64(best), Required: float64(c.Min), Met: best >= c.Min, Capped: capped}
	if best > 0 {
		cp.From = unitStart(c.Unit, bestEnd-best+1)
		cp.To = unitStart(c.Unit, bestEnd+1).Add(-time.Second)
		if cp.To.After(e.now) {
			cp.To = e.now
		}
		cp.Links = e.streakLinks(brs, cp.From, cp.To)
	}
	name, subject := "Any activity", "Was active"
	if c.Behaviour != "" {
		name = e.behaviourName(c.Behaviour)
		subject = name
	}
	cp.Description = fmt.Sprintf("%s: %s%d of %d %s in a row", name, atLeast(capped), best, c.Min, c.Unit)
	cp.Narrative = sentence(fmt.Sprintf("%s %s%d %s in a row", subject, atLeast(capped), best, c.Unit), cp.From, cp.To)
	return cp
}

// mergeUnits returns the sorted union of two sorted, distinct lists, in a
// new slice.
func mergeUnits(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// unitsUpToNow is the active units of list up to now's unit, which is left
// out when all its events are after now.
func (e *evaluator) unitsUpToNow(br *BehaviourRecord, unit string, list []int) []int {
	top := unitNumber(unit, e.now)
	end := len(list)
	for end > 0 && list[end-1] > top {
		end--
	}
	list = list[:end]
	if end > 0 && list[end-1] == top && br.Last.After(e.now) {
		if found, _ := e.eventIn(br, unitStart(unit, top).Add(-1), e.now); !found {
			list = list[:end-1]
		}
	}
	return list
}

func (e *evaluator) streakLinks(brs []*BehaviourRecord, from, to time.Time) []string {
	var evs []*Event
	for _, br := range brs {
		for i := range br.Recent {
			ev := &br.Recent[i]
			if ev.At.Before(from) {
				break
			}
			if ev.EvidenceURL != "" && !ev.At.After(to) {
				evs = append(evs, ev)
			}
		}
	}
	slices.SortStableFunc(evs, func(a, b *Event) int { return b.At.Compare(a.At) })
	var q qualifying
	for _, ev := range evs {
		q.add(ev)
	}
	return q.links
}

func (e *evaluator) peers(c *PeersCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), e.window(c.WithinDays)
	var n int
	var capped bool
	evs := e.inWindow(br, w)
	countRecent := func() int {
		seen := make(map[string]struct{}, len(evs))
		for i := range evs {
			if evs[i].PeerID != "" {
				seen[evs[i].PeerID] = struct{}{}
			}
		}
		return len(seen)
	}
	switch {
	case !w.open:
		n, capped = countRecent(), !br.complete(w.lo)
	case !br.Last.After(e.now):
		n, capped = len(br.Peers), len(br.Peers) >= MaxRecordPeers
	case len(br.Recent) >= br.Count:
		n = countRecent()
	default:
		// Some events are after now: leave out the peers only they name.
		past, future := map[string]bool{}, map[string]bool{}
		for _, ev := range br.Recent {
			if ev.PeerID != "" {
				if ev.At.After(e.now) {
					future[ev.PeerID] = true
				} else {
					past[ev.PeerID] = true
				}
			}
		}
		n = len(br.Peers)
		for p := range future {
			if !past[p] {
				n--
			}
		}
		capped = true
	}
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, true)
	cp := ConditionProgress{Kind: KindPeers, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to, Links: q.links}
	cp.Description = fmt.Sprintf("%s: %s%d of %d different members%s", name, atLeast(capped), n, c.Min, w.phrase())
	cp.Narrative = sentence(fmt.Sprintf("%s with %s%s", name, atLeast(capped), plural(n, "different member", "different members")), q.from, q.to)
	return cp
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func (e *evaluator) holds(c *HoldsCond) ConditionProgress {
	held := e.ec.Holds != nil && e.ec.Holds(c.Achievement)
	name := e.achievementName(c.Achievement)
	cp := ConditionProgress{Kind: KindHolds, Current: b2f(held), Required: 1, Met: held,
		Description: fmt.Sprintf("Holds %s: %s", name, yesNo(held)), Narrative: fmt.Sprintf("Holds %s.", name)}
	return cp
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (e *evaluator) endorsements(c *EndorsementsCond) ConditionProgress {
	counted := map[string]bool{}
	var q qualifying
	for i := range e.rec.Endorsements {
		en := &e.rec.Endorsements[i]
		if en.At.After(e.now) || en.From == "" {
			continue
		}
		ok, seen := counted[en.From]
		if !seen {
			ok = c.FromHolders == "" || e.ec.EndorserHolds != nil && e.ec.EndorserHolds(en.From, c.FromHolders)
			counted[en.From] = ok
		}
		if ok {
			q.add(&Event{At: en.At})
		}
	}
	n := 0
	for _, ok := range counted {
		if ok {
			n++
		}
	}
	capped := len(e.rec.Endorsements) >= MaxRecordEndorsements
	cp := ConditionProgress{Kind: KindEndorsements, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to}
	from, by := "from different members", plural(n, "member", "members")
	if c.FromHolders != "" {
		name := e.achievementName(c.FromHolders)
		from = "from holders of " + name
		by = plural(n, "holder of "+name, "holders of "+name)
	}
	cp.Description = fmt.Sprintf("Endorsements: %s%d of %d %s", atLeast(capped), n, c.Min, from)
	cp.Narrative = fmt.Sprintf("Endorsed by %s%s.", atLeast(capped), by)
	return cp
}

func (e *evaluator) cohort(c *CohortCond) ConditionProgress {
	in := e.rec.InCohort(c.Name)
	return ConditionProgress{Kind: KindCohort, Current: b2f(in), Required: 1, Met: in,
		Description: fmt.Sprintf("Member of cohort %s: %s", c.Name, yesNo(in)),
		Narrative:   fmt.Sprintf("Member of the %s cohort.", c.Name)}
}

func (e *evaluator) tenure(c *TenureCond) ConditionProgress {
	days := 0
	joined := e.rec.JoinedAt
	if !joined.IsZero() && e.now.After(joined) {
		days = int(e.now.Sub(joined) / dayDuration)
	}
	cp := ConditionProgress{Kind: KindTenure, Current: float64(days), Required: float64(c.Days), Met: days >= c.Days,
		Description: fmt.Sprintf("Membership: %d of %d days", days, c.Days),
		Narrative:   fmt.Sprintf("Member for %s.", plural(days, "day", "days"))}
	if !joined.IsZero() && days > 0 {
		cp.From, cp.To = joined, e.now
	}
	return cp
}

// sentence ends a narrative clause with the span of the activity.
func sentence(clause string, from, to time.Time) string {
	if s := spanPhrase(from, to); s != "" {
		return clause + " " + s + "."
	}
	return clause + "."
}

// spanPhrase says when something happened: "on 3 March 2026", "in March
// 2026", "between March and May 2026" or "between November 2025 and
// February 2026".
func spanPhrase(from, to time.Time) string {
	if from.IsZero() || to.IsZero() {
		return ""
	}
	from, to = from.UTC(), to.UTC()
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	switch {
	case fy == ty && fm == tm && fd == td:
		return fmt.Sprintf("on %d %s %d", fd, fm, fy)
	case fy == ty && fm == tm:
		return fmt.Sprintf("in %s %d", fm, fy)
	case fy == ty:
		return fmt.Sprintf("between %s and %s %d", fm, tm, fy)
	}
	return fmt.Sprintf("between %s %d and %s %d", fm, fy, tm, ty)
}

// Summary is the evidence narrative of a met rule: one sentence per
// satisfied leaf condition, in rule order, and the distinct evidence links
// of their qualifying activity (at most 20).
func (p Progress) Summary() (narrative string, links []string) {
	var sentences []string
	for _, c := range p.Conditions {
		if !c.Met {
			continue
		}
		if c.Narrative != "" {
			sentences = append(sentences, c.Narrative)
		}
		for _, l := range c.Links {
			if len(links) < maxSummaryLinks && !slices.Contains(links, l) {
				links = append(links, l)
			}
		}
	}
	return strings.Join(sentences, " "), links
}
