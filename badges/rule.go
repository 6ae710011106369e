package badges

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rule is an achievement's machine-readable criteria: a condition on a
// member's record and holdings. It is stored and edited as JSON:
//
//	{"condition": {"all": [{"count": {"behaviour": "hosted-session", "min": 4}}, …]}, "period": "month"}
type Rule struct {
	Condition Condition
	// Period makes a repeatable achievement awardable once per period:
	// "", "week", "month", "quarter" or "year" (see PeriodKey). Evaluation
	// does not depend on it.
	Period string
}

// Condition is one node of a rule. Exactly one member is set; Kind names
// it. All, Any and AtLeast combine other conditions; the rest are leaves.
type Condition struct {
	All          []Condition       // every condition is met
	Any          []Condition       // at least one condition is met
	AtLeast      *AtLeastCond      // at least N of the conditions are met
	Count        *CountCond        // a behaviour happened often enough
	Sum          *SumCond          // the amounts of a behaviour add up
	Streak       *StreakCond       // active so many weeks or months in a row
	Peers        *PeersCond        // a behaviour involved enough different members
	Holds        *HoldsCond        // the member holds another achievement
	Endorsements *EndorsementsCond // the member was endorsed by enough members
	Cohort       *CohortCond       // the member belongs to a cohort
	Tenure       *TenureCond       // the member has been a member long enough
}

// AtLeastCond is met when at least N of Of are.
type AtLeastCond struct {
	N  int         `json:"n"`
	Of []Condition `json:"of"`
}

// CountCond counts a behaviour's activities (Distinct empty) or the
// distinct days, weeks or months with any, all time or in the last
// WithinDays days.
type CountCond struct {
	Behaviour  string `json:"behaviour"`
	Min        int    `json:"min"`
	WithinDays int    `json:"withinDays,omitempty"`
	Distinct   string `json:"distinct,omitempty"` // "", "days", "weeks" or "months"
}

// SumCond adds up the amounts of a behaviour's activities.
type SumCond struct {
	Behaviour  string  `json:"behaviour"`
	Min        float64 `json:"min"`
	WithinDays int     `json:"withinDays,omitempty"`
}

// StreakCond asks for the longest run of consecutive weeks or months with
// activity of a behaviour, or of any behaviour when Behaviour is empty.
type StreakCond struct {
	Behaviour string `json:"behaviour,omitempty"`
	Min       int    `json:"min"`
	Unit      string `json:"unit"` // "weeks" or "months"
}

// PeersCond counts the distinct other members a behaviour involved.
type PeersCond struct {
	Behaviour  string `json:"behaviour"`
	Min        int    `json:"min"`
	WithinDays int    `json:"withinDays,omitempty"`
}

// HoldsCond is a prerequisite: the member holds the achievement. It makes
// pathways.
type HoldsCond struct {
	Achievement string `json:"achievement"`
}

// EndorsementsCond counts endorsements received from distinct members, only
// those from holders of FromHolders when it is set.
type EndorsementsCond struct {
	Min         int    `json:"min"`
	FromHolders string `json:"fromHolders,omitempty"`
}

// CohortCond is met by members of the named cohort.
type CohortCond struct {
	Name string `json:"name"`
}

// TenureCond is met by members of at least Days days' standing.
type TenureCond struct {
	Days int `json:"days"`
}

// Condition kinds, as they appear as JSON keys.
const (
	KindAll          = "all"
	KindAny          = "any"
	KindAtLeast      = "atLeast"
	KindCount        = "count"
	KindSum          = "sum"
	KindStreak       = "streak"
	KindPeers        = "peers"
	KindHolds        = "holds"
	KindEndorsements = "endorsements"
	KindCohort       = "cohort"
	KindTenure       = "tenure"
)

var conditionKinds = []string{KindAll, KindAny, KindAtLeast, KindCount, KindSum, KindStreak,
	KindPeers, KindHolds, KindEndorsements, KindCohort, KindTenure}

// Rule periods.
const (
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// Limits of a rule.
const (
	MaxRuleBytes      = 64 << 10 // the JSON form
	MaxRuleDepth      = 6        // conditions nested in conditions, the top one being 1
	MaxRuleConditions = 100      // conditions in all, combinations included
	MaxRuleItems      = 20       // conditions in one all, any or atLeast
	maxRuleCount      = 100000
	maxRuleSum        = 1e9
	maxRuleWindowDays = 3650
	maxRuleStreak     = 104
	maxRuleTenureDays = 36500
	maxJSONNesting    = 64
)

// Kind names the member that is set: "all", "count" and so on; "" when
// none is.
func (c Condition) Kind() string {
	switch {
	case c.All != nil:
		return KindAll
	case c.Any != nil:
		return KindAny
	case c.AtLeast != nil:
		return KindAtLeast
	case c.Count != nil:
		return KindCount
	case c.Sum != nil:
		return KindSum
	case c.Streak != nil:
		return KindStreak
	case c.Peers != nil:
		return KindPeers
	case c.Holds != nil:
		return KindHolds
	case c.Endorsements != nil:
		return KindEndorsements
	case c.Cohort != nil:
		return KindCohort
	case c.Tenure != nil:
		return KindTenure
	}
	return ""
}

// children returns the conditions c combines and the JSON path segment
// that leads to them.
func (c Condition) children() ([]Condition, string) {
	switch c.Kind() {
	case KindAll:
		return c.All, ".all"
	case KindAny:
		return c.Any, ".any"
	case KindAtLeast:
		return c.AtLeast.Of, ".atLeast.of"
	}
	return nil, ""
}

// MarshalJSON writes the condition as an object with one key per member
// set: one, for a valid condition.
func (c Condition) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for _, m := range []struct {
		key string
		set bool
		v   any
	}{
		{KindAll, c.All != nil, c.All}, {KindAny, c.Any != nil, c.Any}, {KindAtLeast, c.AtLeast != nil, c.AtLeast},
		{KindCount, c.Count != nil, c.Count}, {KindSum, c.Sum != nil, c.Sum}, {KindStreak, c.Streak != nil, c.Streak},
		{KindPeers, c.Peers != nil, c.Peers}, {KindHolds, c.Holds != nil, c.Holds},
		{KindEndorsements, c.Endorsements != nil, c.Endorsements}, {KindCohort, c.Cohort != nil, c.Cohort},
		{KindTenure, c.Tenure != nil, c.Tenure},
	} {
		if !m.set {
			continue
		}
		v, err := json.Marshal(m.v)
		if err != nil {
			return nil, err
		}
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:", m.key)
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes the rule's JSON form, which ParseRule reads back.
func (r Rule) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Condition Condition `json:"condition"`
		Period    string    `json:"period,omitempty"`
	}{r.Condition, r.Period})
}

// UnmarshalJSON reads a rule with ParseRule, so rules inside other JSON
// documents are checked as strictly.
func (r *Rule) UnmarshalJSON(data []byte) error {
	p, err := ParseRule(data)
	if err != nil {
		return err
	}
	*r = *p
	return nil
}

// Validate checks a rule built in code as ParseRule checks JSON.
func (r *Rule) Validate() error {
	data, err := json.Marshal(r)
	if err != nil {
		return FieldErrorf("rule", "rule cannot be written as JSON: %v", err)
	}
	_, err = ParseRule(data)
	return err
}

// ParseRule reads and checks a rule's JSON form. Errors are *Error with
// code EINVALID whose Field is the JSON path of the problem, such as
// "rule.condition.all[1].count.min", and whose message says what is wrong.
// It checks that behaviour keys and achievement ids are well formed, not
// that they exist: see CheckReferences.
func ParseRule(data []byte) (*Rule, error) {
	if len(data) > MaxRuleBytes {
		return nil, FieldErrorf("rule", "a rule must be at most 64 KiB of JSON; this one is %d bytes", len(data))
	}
	root, err := readJSON(data)
	if err != nil {
		return nil, err
	}
	if err := root.object("rule", "rule", []string{"condition", "period"}); err != nil {
		return nil, err
	}
	r := &Rule{}
	cn := root.get("condition")
	if cn == nil {
		return nil, FieldErrorf("rule.condition", "condition is required")
	}
	p := &ruleParser{}
	if r.Condition, err = p.condition(cn, "rule.condition", 1); err != nil {
		return nil, err
	}
	if pn := root.get("period"); pn != nil {
		if pn.kind != jsonString || !slices.Contains([]string{"", PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear}, pn.str) {
			return nil, FieldErrorf("rule.period", "period must be week, month, quarter or year (or empty), not %s", pn.describe())
		}
		r.Period = pn.str
	}
	return r, nil
}

type ruleParser struct{ conditions int }

func (p *ruleParser) condition(n *jsonNode, path string, depth int) (Condition, error) {
	var c Condition
	if n.kind != jsonObject {
		return c, FieldErrorf(path, "a condition must be an object with one key such as all, any or count, not %s", n.describe())
	}
	if depth > MaxRuleDepth {
		return c, FieldErrorf(path, "conditions are nested more than %d deep", MaxRuleDepth)
	}
	if p.conditions++; p.conditions > MaxRuleConditions {
		return c, FieldErrorf(path, "a rule has at most %d conditions, counting all, any and atLeast", MaxRuleConditions)
	}
	switch len(n.keys) {
	case 0:
		return c, FieldErrorf(path, "a condition needs one key; expected one of %s", strings.Join(conditionKinds, ", "))
	case 1:
	default:
		return c, FieldErrorf(path, "a condition has exactly one key, but this one has %d: %s", len(n.keys), quoteKeys(n.keys))
	}
	key, v := n.keys[0], n.vals[0]
	path += pathKey(key)
	var err error
	switch key {
	case KindAll:
		c.All, err = p.list(v, path, key, depth)
	case KindAny:
		c.Any, err = p.list(v, path, key, depth)
	case KindAtLeast:
		c.AtLeast, err = p.atLeast(v, path, depth)
	case KindCount:
		c.Count, err = parseCount(v, path)
	case KindSum:
		c.Sum, err = parseSum(v, path)
	case KindStreak:
		c.Streak, err = parseStreak(v, path)
	case KindPeers:
		c.Peers, err = parsePeers(v, path)
	case KindHolds:
		c.Holds, err = parseHolds(v, path)
	case KindEndorsements:
		c.Endorsements, err = parseEndorsements(v, path)
	case KindCohort:
		c.Cohort, err = parseCohort(v, path)
	case KindTenure:
		c.Tenure, err = parseTenure(v, path)
	default:
		err = FieldErrorf(path, "unknown condition %q; expected one of %s", truncateForMessage(key), strings.Join(conditionKinds, ", "))
	}
	return c, err
}

func (p *ruleParser) list(n *jsonNode, path, name string, depth int) ([]Condition, error) {
	if n.kind != jsonArray {
		return nil, FieldErrorf(path, "%s must be an array of 1 to %d conditions, not %s", name, MaxRuleItems, n.describe())
	}
	if len(n.items) < 1 || len(n.items) > MaxRuleItems {
		return nil, FieldErrorf(path, "%s must list 1 to %d conditions, not %d", name, MaxRuleItems, len(n.items))
	}
	out := make([]Condition, len(n.items))
	for i, item := range n.items {
		var err error
		if out[i], err = p.condition(item, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (p *ruleParser) atLeast(n *jsonNode, path string, depth int) (*AtLeastCond, error) {
	if err := n.object(path, KindAtLeast, []string{"n", "of"}); err != nil {
		return nil, err
	}
	nn, of := n.get("n"), n.get("of")
	if nn == nil {
		return nil, FieldErrorf(path+".n", "n is required")
	}
	if of == nil {
		return nil, FieldErrorf(path+".of", "of is required")
	}
	hi := MaxRuleItems
	if of.kind == jsonArray {
		hi = max(1, min(len(of.items), MaxRuleItems))
	}
	count, err := nn.whole(path+".n", "n", 1, hi, " (the number of conditions in of)")
	if err != nil {
		return nil, err
	}
	list, err := p.list(of, path+".of", "of", depth)
	if err != nil {
		return nil, err
	}
	return &AtLeastCond{N: count, Of: list}, nil
}

func parseCount(n *jsonNode, path string) (*CountCond, error) {
	if err := n.object(path, KindCount, []string{"behaviour", "min", "withinDays", "distinct"}); err != nil {
		return nil, err
	}
	c := &CountCond{}
	var err error
	if c.Behaviour, err = n.behaviourKey(path, true); err != nil {
		return nil, err
	}
	if c.WithinDays, err = n.windowDays(path); err != nil {
		return nil, err
	}
	if d := n.get("distinct"); d != nil {
		if d.kind != jsonString || !slices.Contains([]string{"", unitDay, unitWeek, unitMonth}, d.str) {
			return nil, FieldErrorf(path+".distinct", `distinct must be "days", "weeks" or "months" (or empty), not %s`, d.describe())
		}
		c.Distinct = d.str
	}
	hi, hint := maxRuleCount, ""
	switch c.Distinct {
	case unitDay:
		hi, hint = MaxActiveDays, " (the active days kept per behaviour)"
	case unitWeek:
		hi, hint = MaxActiveWeeks, " (the active weeks kept per behaviour)"
	case unitMonth:
		hi, hint = MaxActiveMonths, " (the active months kept per behaviour)"
	default:
		if c.WithinDays > 0 {
			hi, hint = MaxRecentEvents, " (the recent events kept per behaviour) when withinDays is set"
		}
	}
	c.Min, err = n.requiredWhole(path, "min", 1, hi, hint)
	return c, err
}

func parseSum(n *jsonNode, path string) (*SumCond, error) {
	if err := n.object(path, KindSum, []string{"behaviour", "min", "withinDays"}); err != nil {
		return nil, err
	}
	c := &SumCond{}
	var err error
	if c.Behaviour, err = n.behaviourKey(path, true); err != nil {
		return nil, err
	}
	if c.WithinDays, err = n.windowDays(path); err != nil {
		return nil, err
	}
	m := n.get("min")
	if m == nil {
		return nil, FieldErrorf(path+".min", "min is required")
	}
	f, ok := m.number()
	if !ok || !(f > 0) || f > maxRuleSum {
		return nil, FieldErrorf(path+".min", "min must be a number greater than 0 and at most 1000000000, not %s", m.describe())
	}
	c.Min = f
	return c, nil
}

func parseStreak(n *jsonNode, path string) (*StreakCond, error) {
	if err := n.object(path, KindStreak, []string{"behaviour", "min", "unit"}); err != nil {
		return nil, err
	}
	c := &StreakCond{}
	var err error
	if c.Behaviour, err = n.behaviourKey(path, false); err != nil {
		return nil, err
	}
	u := n.get("unit")
	switch {
	case u == nil:
		return nil, FieldErrorf(path+".unit", "unit is required")
	case u.kind != jsonString || u.str != unitWeek && u.str != unitMonth:
		return nil, FieldErrorf(path+".unit", `unit must be "weeks" or "months", not %s`, u.describe())
	}
	c.Unit = u.str
	c.Min, err = n.requiredWhole(path, "min", 2, maxRuleStreak, "")
	return c, err
}

func parsePeers(n *jsonNode, path string) (*PeersCond, error) {
	if err := n.object(path, KindPeers, []string{"behaviour", "min", "withinDays"}); err != nil {
		return nil, err
	}
	c := &PeersCond{}
	var err error
	if c.Behaviour, err = n.behaviourKey(path, true); err != nil {
		return nil, err
	}
	if c.WithinDays, err = n.windowDays(path); err != nil {
		return nil, err
	}
	hi, hint := MaxRecordPeers, " (the peers kept per behaviour)"
	if c.WithinDays > 0 {
		hi, hint = MaxRecentEvents, " (the recent events kept per behaviour) when withinDays is set"
	}
	c.Min, err = n.requiredWhole(path, "min", 1, hi, hint)
	return c, err
}

func parseHolds(n *jsonNode, path string) (*HoldsCond, error) {
	if err := n.object(path, KindHolds, []string{"achievement"}); err != nil {
		return nil, err
	}
	id, err := n.achievementID(path, "achievement", true)
	return &HoldsCond{Achievement: id}, err
}

func parseEndorsements(n *jsonNode, path string) (*EndorsementsCond, error) {
	if err := n.object(path, KindEndorsements, []string{"min", "fromHolders"}); err != nil {
		return nil, err
	}
	c := &EndorsementsCond{}
	var err error
	if c.Min, err = n.requiredWhole(path, "min", 1, MaxRecordEndorsements, " (the endorsements kept per member)"); err != nil {
		return nil, err
	}
	c.FromHolders, err = n.achievementID(path, "fromHolders", false)
	return c, err
}

func parseCohort(n *jsonNode, path string) (*CohortCond, error) {
	if err := n.object(path, KindCohort, []string{"name"}); err != nil {
		return nil, err
	}
	v := n.get("name")
	if v == nil {
		return nil, FieldErrorf(path+".name", "name is required")
	}
	if v.kind != jsonString || !validCohortName(v.str) {
		return nil, FieldErrorf(path+".name", "name must be a cohort name of 1 to %d characters on one line, without spaces at either end, not %s", maxCohortLen, v.describe())
	}
	return &CohortCond{Name: v.str}, nil
}

func parseTenure(n *jsonNode, path string) (*TenureCond, error) {
	if err := n.object(path, KindTenure, []string{"days"}); err != nil {
		return nil, err
	}
	days, err := n.requiredWhole(path, "days", 1, maxRuleTenureDays, "")
	return &TenureCond{Days: days}, err
}

func validCohortName(s string) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxCohortLen && strings.TrimSpace(s) == s &&
		!strings.ContainsFunc(s, unicode.IsControl)
}

var achievementIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$`)

// Dependencies says what a rule reads, so that recording an activity
// re-evaluates only the rules that can change. Lists are sorted and
// distinct.
type Dependencies struct {
	Behaviours   []string // behaviours counted, summed, streaked or peered
	AnyBehaviour bool     // a streak of any behaviour: every activity matters
	Achievements []string // achievements the member must hold ("holds")
	// EndorserAchievements are achievements whose holders' endorsements
	// count (endorsements.fromHolders): when a member earns one, rules of
	// the members they endorsed can change.
	EndorserAchievements []string
	Endorsements         bool // endorsements received
	Cohorts              bool // cohort membership
	// Tenure is set when the rule can become met by time passing alone, so
	// it must also be evaluated on a schedule. (Windows only ever make a
	// rule harder to meet as time passes.)
	Tenure bool
}

// Dependencies returns what the rule reads.
func (r *Rule) Dependencies() Dependencies {
	var d Dependencies
	if r == nil {
		return d
	}
	walkConditions(r.Condition, "", func(c Condition, _ string) error {
		switch c.Kind() {
		case KindCount:
			d.Behaviours = append(d.Behaviours, c.Count.Behaviour)
		case KindSum:
			d.Behaviours = append(d.Behaviours, c.Sum.Behaviour)
		case KindPeers:
			d.Behaviours = append(d.Behaviours, c.Peers.Behaviour)
		case KindStreak:
			if c.Streak.Behaviour == "" {
				d.AnyBehaviour = true
			} else {
				d.Behaviours = append(d.Behaviours, c.Streak.Behaviour)
			}
		case KindHolds:
			d.Achievements = append(d.Achievements, c.Holds.Achievement)
		case KindEndorsements:
			d.Endorsements = true
			if c.Endorsements.FromHolders != "" {
				d.EndorserAchievements = append(d.EndorserAchievements, c.Endorsements.FromHolders)
			}
		case KindCohort:
			d.Cohorts = true
		case KindTenure:
			d.Tenure = true
		}
		return nil
	})
	for _, l := range []*[]string{&d.Behaviours, &d.Achievements, &d.EndorserAchievements} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	return d
}

// CheckReferences checks that the behaviours and achievements a rule names
// exist. A nil function skips that check. Errors are like ParseRule's.
func (r *Rule) CheckReferences(behaviourExists func(key string) bool, achievementExists func(id string) bool) error {
	if r == nil {
		return nil
	}
	return walkConditions(r.Condition, "rule.condition", func(c Condition, path string) error {
		path += pathKey(c.Kind())
		behaviour := func(key string) error {
			if key != "" && behaviourExists != nil && !behaviourExists(key) {
				return FieldErrorf(path+".behaviour", "there is no behaviour %q", key)
			}
			return nil
		}
		achievement := func(field, id string) error {
			if id != "" && achievementExists != nil && !achievementExists(id) {
				return FieldErrorf(path+"."+field, "there is no achievement %q", id)
			}
			return nil
		}
		switch c.Kind() {
		case KindCount:
			return behaviour(c.Count.Behaviour)
		case KindSum:
			return behaviour(c.Sum.Behaviour)
		case KindStreak:
			return behaviour(c.Streak.Behaviour)
		case KindPeers:
			return behaviour(c.Peers.Behaviour)
		case KindHolds:
			return achievement("achievement", c.Holds.Achievement)
		case KindEndorsements:
			return achievement("fromHolders", c.Endorsements.FromHolders)
		}
		return nil
	})
}

// walkConditions calls fn on c and every condition in it, parents first,
// with the JSON path of each, and stops at the first error.
func walkConditions(c Condition, path string, fn func(c Condition, path string) error) error {
	if err := fn(c, path); err != nil {
		return err
	}
	kids, seg := c.children()
	for i, k := range kids {
		if err := walkConditions(k, fmt.Sprintf("%s%s[%d]", path, seg, i), fn); err != nil {
			return err
		}
	}
	return nil
}

// CheckPrerequisiteCycles finds an achievement that requires itself through
// "holds" conditions, directly or through others. rules maps achievement id
// to rule (nil for none). A "holds" anywhere in a rule counts, even under
// "any". The error names the cycle, e.g. "a → b → a".
func CheckPrerequisiteCycles(rules map[string]*Rule) error {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(rules))
	var stack []string
	var visit func(id string) error
	visit = func(id string) error {
		state[id] = visiting
		stack = append(stack, id)
		for _, next := range rules[id].Dependencies().Achievements {
			if rules[next] == nil {
				continue // no rule, so no prerequisites
			}
			switch state[next] {
			case visiting:
				loop := slices.Clone(stack[slices.Index(stack, next):])
				first := slices.Index(loop, slices.Min(loop)) // start at the smallest id, so the message is stable
				loop = slices.Concat(loop[first:], loop[:first])
				return FieldErrorf("rule", "achievement %s requires itself through its prerequisites: %s → %s", loop[0], strings.Join(loop, " → "), loop[0])
			case unvisited:
				if err := visit(next); err != nil {
					return err
				}
			}
		}
		state[id] = done
		stack = stack[:len(stack)-1]
		return nil
	}
	ids := make([]string, 0, len(rules))
	for id, r := range rules {
		if r != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		if state[id] == unvisited {
			if err := visit(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// PeriodKey names the period of the given kind containing t, in UTC:
// "2026-W47" (ISO week), "2026-11", "2026-Q4" or "2026". It returns "" for
// no period or an unknown one.
func PeriodKey(period string, t time.Time) string {
	t = t.UTC()
	switch period {
	case PeriodWeek:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case PeriodYear:
		return fmt.Sprintf("%04d", t.Year())
	}
	return ""
}

// A small JSON tree that keeps object keys in order and refuses duplicates,
// so that errors can point at the exact path.

type jsonKind int

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

type jsonNode struct {
	kind  jsonKind
	keys  []string    // object
	vals  []*jsonNode // object
	items []*jsonNode // array
	str   string      // string, or a number's text
	b     bool
}

func readJSON(data []byte) (*jsonNode, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, FieldErrorf("rule", "rule is empty; expected a JSON object with a condition")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readJSONValue(dec, "rule", 1)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, FieldErrorf("rule", "rule has more data after its JSON object, at byte %d", dec.InputOffset())
	}
	return n, nil
}

func readJSONValue(dec *json.Decoder, path string, depth int) (*jsonNode, error) {
	if depth > maxJSONNesting {
		return nil, FieldErrorf(path, "rule is nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jsonNode{kind: jsonObject}
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, syntaxError(dec, err)
				}
				key, _ := kt.(string)
				if seen[key] {
					return nil, FieldErrorf(path+pathKey(key), "key %q appears twice", truncateForMessage(key))
				}
				seen[key] = true
				v, err := readJSONValue(dec, path+pathKey(key), depth+1)
				if err != nil {
					return nil, err
				}
				n.keys, n.vals = append(n.keys, key), append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxError(dec, err)
			}
			return n, nil
		case '[':
			n := &jsonNode{kind: jsonArray}
			for dec.More() {
				v, err := readJSONValue(dec, fmt.Sprintf("%s[%d]", path, len(n.items)), depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, syntaxError(dec, err)
			}
			return n, nil
		}
	case string:
		return &jsonNode{kind: jsonString, str: t}, nil
	case json.Number:
		return &jsonNode{kind: jsonNumber, str: string(t)}, nil
	case bool:
		return &jsonNode{kind: jsonBool, b: t}, nil
	case nil:
		return &jsonNode{kind: jsonNull}, nil
	}
	return nil, FieldErrorf("rule", "rule is not valid JSON at byte %d", dec.InputOffset())
}

func syntaxError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return FieldErrorf("rule", "rule is not valid JSON at byte %d: %s", se.Offset, se.Error())
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return FieldErrorf("rule", "rule is not valid JSON: it ends too soon")
	}
	return FieldErrorf("rule", "rule is not valid JSON at byte %d", dec.InputOffset())
}

// pathKey is the path segment for an object key: ".key", or ["key"] when
// the key is not a plain name.
func pathKey(key string) string {
	plain := key != "" && len(key) <= 40
	for i, r := range key {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return "." + key
	}
	return "[" + strconv.Quote(truncateForMessage(key)) + "]"
}

func quoteKeys(keys []string) string {
	q := make([]string, 0, len(keys))
	for i, k := range keys {
		if i == 5 {
			q = append(q, "…")
			break
		}
		q = append(q, strconv.Quote(truncateForMessage(k)))
	}
	return strings.Join(q, ", ")
}

// describe names a value in an error message: its text when it is short
// and simple, else its type.
func (n *jsonNode) describe() string {
	switch n.kind {
	case jsonNull:
		return "null"
	case jsonBool:
		return "a boolean"
	case jsonNumber:
		return truncateForMessage(n.str)
	case jsonString:
		return strconv.Quote(truncateForMessage(n.str))
	case jsonArray:
		return "an array"
	}
	return "an object"
}

func (n *jsonNode) get(key string) *jsonNode {
	if i := slices.Index(n.keys, key); i >= 0 {
		return n.vals[i]
	}
	return nil
}

// object checks that n is an object whose keys are all allowed.
func (n *jsonNode) object(path, name string, allowed []string) error {
	if n.kind != jsonObject {
		return FieldErrorf(path, "%s must be an object with %s, not %s", name, orList(allowed, "and"), n.describe())
	}
	for _, k := range n.keys {
		if !slices.Contains(allowed, k) {
			return FieldErrorf(path+pathKey(k), "unknown key %q in %s; expected %s", truncateForMessage(k), name, orList(allowed, "or"))
		}
	}
	return nil
}

func orList(words []string, conj string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + conj + " " + words[len(words)-1]
}

// number returns the value of a finite JSON number.
func (n *jsonNode) number() (float64, bool) {
	if n.kind != jsonNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.str, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// whole returns a whole number from lo to hi.
func (n *jsonNode) whole(path, name string, lo, hi int, hint string) (int, error) {
	f, ok := n.number()
	if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, FieldErrorf(path, "%s must be a whole number from %d to %d%s, not %s", name, lo, hi, hint, n.describe())
	}
	return int(f), nil
}

func (n *jsonNode) requiredWhole(path, name string, lo, hi int, hint string) (int, error) {
	v := n.get(name)
	if v == nil {
		return 0, FieldErrorf(path+"."+name, "%s is required", name)
	}
	return v.whole(path+"."+name, name, lo, hi, hint)
}

func (n *jsonNode) windowDays(path string) (int, error) {
	v := n.get("withinDays")
	if v == nil {
		return 0, nil
	}
	return v.whole(path+".withinDays", "withinDays", 1, maxRuleWindowDays, "")
}

func (n *jsonNode) behaviourKey(path string, required bool) (string, error) {
	v := n.get("behaviour")
	if v == nil {
		if required {
			return "", FieldErrorf(path+".behaviour", "behaviour is required")
		}
		return "", nil
	}
	if v.kind != jsonString || !ValidBehaviourKey(v.str) {
		return "", FieldErrorf(path+".behaviour", "behaviour must be a behaviour key of 1 to 40 lower-case letters, digits and hyphens, not %s", v.describe())
	}
	return v.str, nil
}

func (n *jsonNode) achievementID(path, name string, required bool) (string, error) {
	v := n.get(name)
	if v == nil {
		if required {
			return "", FieldErrorf(path+"."+name, "%s is required", name)
		}
		return "", nil
	}
	if v.kind != jsonString || !achievementIDPattern.MatchString(v.str) {
		return "", FieldErrorf(path+"."+name, "%s must be an achievement id, not %s", name, v.describe())
	}
	return v.str, nil
}
