package badges

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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

// CohortCond is met by members of a cohort. A rule saved with a catalogue
// that knows the community's cohorts has both: ID is what is matched, and
// Name follows renames for narratives. Without ID, Name is matched.
type CohortCond struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
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

// RuleStore keeps each achievement's rule, read per community.
type RuleStore interface {
	// Rules maps each of an issuer's achievements that has a rule to it.
	Rules(ctx context.Context, issuerID string) (map[string]*Rule, error)
	// SetRule stores an achievement's rule; nil removes it.
	SetRule(ctx context.Context, issuerID, achievementID string, r *Rule) error
}
