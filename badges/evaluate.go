package badges

import (
	"fmt"
	"math"
	"slices"
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
	// descriptions and narratives. A behaviour without a name is shown by
	// its key; an achievement without one is never shown by id.
	BehaviourName   func(key string) string
	AchievementName func(id string) string
}

// Progress is how a member stands against a rule.
type Progress struct {
	Met        bool
	Fraction   float64             // 0..1, how close overall; 1 exactly when met
	Conditions []ConditionProgress // the leaf conditions, in rule order
	// Logic is the kind of the rule's top condition: a leaf's, or all,
	// any or atLeast, which says how the leaves' next steps combine.
	Logic   string
	AtLeast int // for atLeast, how many of its conditions are needed
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
	// Next says what is still needed while it is not met, e.g. "Hosted a
	// session 2 more times in the last 90 days" (evaluate_phrase.go).
	Next string
}

const (
	maxConditionLinks = 5
	maxSummaryLinks   = 20
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
	p.Logic = r.Condition.Kind()
	if p.Logic == KindAtLeast {
		p.AtLeast = max(r.Condition.AtLeast.N, 1)
	}
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

// achievementName is an achievement's name; "" when it has none, which
// BadgePhrase words without the id.
func (e *evaluator) achievementName(id string) string {
	if e.ec.AchievementName != nil {
		return e.ec.AchievementName(id)
	}
	return ""
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

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
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
