package badges

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
		if pn.kind != jsonString || pn.str != "" && rulePeriod(pn.str) == noPeriod {
			return nil, FieldErrorf("rule.period", "period must be week, month, quarter or year (or empty), not %s", pn.describe())
		}
		r.Period = pn.str
	}
	return r, nil
}

// The periods a count can count distinct ones of, and a streak can run in.
var (
	distinctUnits = []period{dayPeriod, weekPeriod, monthPeriod}
	streakUnits   = []period{weekPeriod, monthPeriod}
)

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
		if d.kind != jsonString || d.str != "" && !slices.Contains(distinctUnits, periodNamed(d.str, true)) {
			return nil, FieldErrorf(path+".distinct", `distinct must be "days", "weeks" or "months" (or empty), not %s`, d.describe())
		}
		c.Distinct = d.str
	}
	hi, hint := maxRuleCount, ""
	switch {
	case c.Distinct != "":
		hi, hint = activeLimit(periodNamed(c.Distinct, true)), " (the active "+c.Distinct+" kept per behaviour)"
	case c.WithinDays > 0:
		hi, hint = MaxRecentEvents, " (the recent events kept per behaviour) when withinDays is set"
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
	case u.kind != jsonString || !slices.Contains(streakUnits, periodNamed(u.str, true)):
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
	if err := n.object(path, KindCohort, []string{"name", "id"}); err != nil {
		return nil, err
	}
	v := n.get("name")
	if v == nil {
		return nil, FieldErrorf(path+".name", "name is required")
	}
	if v.kind != jsonString || !validCohortName(v.str) {
		return nil, FieldErrorf(path+".name", "name must be a cohort name of 1 to %d characters on one line, without spaces at either end, not %s", maxCohortLen, v.describe())
	}
	c := &CohortCond{Name: v.str}
	if id := n.get("id"); id != nil {
		if id.kind != jsonString || !ValidID(id.str) {
			return nil, FieldErrorf(path+".id", "id must be a cohort id, not %s", id.describe())
		}
		c.ID = id.str
	}
	return c, nil
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
