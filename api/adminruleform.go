package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// The rule builder's form is the rule's tree written out as fields named
// by the condition's place: "c" is the top condition, "c.0" its first
// child, "c.0.2" that one's third, and each field is the place, a dot and
// the rule JSON's own key ("c.0.min", "c.0.behaviour"). A form is read
// back into a tree (ruleNode) with the parser's bounds, turned into the
// rule's JSON and checked by badges.ParseRule, the parser the API uses,
// so that the form never judges a rule itself.

// ruleNode is one condition as the form holds it: its values as typed,
// so that a form sent back with a problem shows them unchanged.
type ruleNode struct {
	Path                                       string // "c", "c.0", …
	Type                                       string // the rule JSON's key: "count", "all", …
	Behaviour, Min, WithinDays, Distinct, Unit string
	Achievement, FromHolders, Cohort, Days, N  string
	Kids                                       []*ruleNode
	Depth                                      int // the top condition is 1
}

// ruleFields are the keys a condition's fields may have.
var ruleFields = []string{"type", "behaviour", "min", "withinDays", "distinct", "unit", "achievement",
	"fromHolders", "cohort", "days", "n"}

// ruleFieldName matches the name of a condition's field: its place, at
// most MaxRuleDepth deep and with child numbers below MaxRuleItems, then
// its key.
var ruleFieldName = regexp.MustCompile(`^c((?:\.[0-9]{1,2})*)\.([A-Za-z]+)$`)

// ruleFormKeys are the form's other fields.
var ruleFormKeys = []string{"csrf", "op", "period", "json"}

// maxRuleFieldLen bounds one value: keys and numbers are short, a cohort
// name at most a few hundred bytes.
const maxRuleFieldLen = 1000

// ruleForm is a builder form as read: the tree and the rule's period.
type ruleForm struct {
	Root   *ruleNode
	Period string
	JSON   string // the "Edit as JSON" text, when it was sent
}

// readRuleForm reads a builder form strictly: every field known and given
// once, places within the parser's depth, width and count, values short.
// What it refuses is no rule anyone could save, so it is a plain 400.
func readRuleForm(form url.Values) (*ruleForm, error) {
	conditions := 0
	for name, values := range form {
		if len(values) != 1 {
			return nil, badges.FieldErrorf(name, "The field %q is sent %d times; a rule form sends each field once.", ruleTruncate(name), len(values))
		}
		if len(values[0]) > maxRuleFieldLen && name != "json" {
			return nil, badges.FieldErrorf(name, "The field %q is longer than %d characters.", ruleTruncate(name), maxRuleFieldLen)
		}
		if slices.Contains(ruleFormKeys, name) {
			continue
		}
		m := ruleFieldName.FindStringSubmatch(name)
		if m == nil || !slices.Contains(ruleFields, m[2]) {
			return nil, badges.FieldErrorf(name, "The field %q is not part of a rule form.", ruleTruncate(name))
		}
		if err := checkRulePlace("c"+m[1], name); err != nil {
			return nil, err
		}
		if m[2] == "type" {
			if conditions++; conditions > badges.MaxRuleConditions {
				return nil, badges.FieldErrorf(name, "A rule has at most %d conditions, counting all, any and at least.", badges.MaxRuleConditions)
			}
		}
	}
	f := &ruleForm{Period: form.Get("period"), JSON: form.Get("json")}
	f.Root = readRuleNode(form, "c", 1)
	return f, nil
}

// checkPlace refuses a place deeper than the parser allows or with a
// child number past the most one combination may hold.
func checkRulePlace(place, name string) error {
	parts := strings.Split(place, ".")
	if len(parts) > badges.MaxRuleDepth {
		return badges.FieldErrorf(name, "Conditions are nested at most %d deep; the field %q is deeper.", badges.MaxRuleDepth, ruleTruncate(name))
	}
	for _, p := range parts[1:] {
		if i, _ := strconv.Atoi(p); i >= badges.MaxRuleItems || len(p) > 1 && p[0] == '0' {
			return badges.FieldErrorf(name, "A combination holds at most %d conditions; the field %q is past them.", badges.MaxRuleItems, ruleTruncate(name))
		}
	}
	return nil
}

func ruleTruncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// readRuleNode reads the condition at place, and its children when it
// combines others: they are numbered from 0 without gaps.
func readRuleNode(form url.Values, place string, depth int) *ruleNode {
	get := func(key string) string { return strings.TrimSpace(form.Get(place + "." + key)) }
	n := &ruleNode{Path: place, Depth: depth, Type: get("type"), Behaviour: get("behaviour"), Min: get("min"),
		WithinDays: get("withinDays"), Distinct: get("distinct"), Unit: get("unit"), Achievement: get("achievement"),
		FromHolders: get("fromHolders"), Cohort: get("cohort"), Days: get("days"), N: get("n")}
	if !n.Combines() {
		return n
	}
	for i := 0; i < badges.MaxRuleItems; i++ {
		kid := place + "." + strconv.Itoa(i)
		if !form.Has(kid + ".type") {
			break
		}
		n.Kids = append(n.Kids, readRuleNode(form, kid, depth+1))
	}
	return n
}

// Combines reports whether the condition holds others.
func (n *ruleNode) Combines() bool {
	return n.Type == badges.KindAll || n.Type == badges.KindAny || n.Type == badges.KindAtLeast
}

// CanAdd reports whether a child may be added: the parser's width and
// depth allow one more.
func (n *ruleNode) CanAdd() bool {
	return n.Combines() && len(n.Kids) < badges.MaxRuleItems && n.Depth < badges.MaxRuleDepth
}

// find returns the condition at place, and its parent (nil for the top).
func (n *ruleNode) find(place string) (node, parent *ruleNode) {
	if n.Path == place {
		return n, nil
	}
	for _, k := range n.Kids {
		if k.Path == place {
			return k, n
		}
		if strings.HasPrefix(place, k.Path+".") {
			return k.find(place)
		}
	}
	return nil, nil
}

// renumber gives every condition its place again after one was added or
// removed.
func (n *ruleNode) renumber(place string, depth int) {
	n.Path, n.Depth = place, depth
	for i, k := range n.Kids {
		k.renumber(place+"."+strconv.Itoa(i), depth+1)
	}
}

// count is the number of conditions in the tree.
func (n *ruleNode) count() int {
	c := 1
	for _, k := range n.Kids {
		c += k.count()
	}
	return c
}

// jsonNumber matches the text of a JSON number.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// number is a field as the rule's JSON has it: left out when empty, a
// number when it reads as one, otherwise the text, which the parser then
// refuses by name ("min must be a whole number …, not "ten"").
func ruleNumber(s string) any {
	s = strings.ReplaceAll(s, ",", "") // "1,000" as people write it
	if jsonNumber.MatchString(s) {
		return json.Number(s)
	}
	return s
}

// value sets key in m from a field: left out when empty.
func ruleValue(m map[string]any, key, s string, isNumber bool) {
	switch {
	case s == "":
	case isNumber:
		m[key] = ruleNumber(s)
	default:
		m[key] = s
	}
}

// conditionJSON is the rule JSON of the condition as typed. cohortIDs
// gives the id of each cohort by name, so that the rule keeps the cohort
// through renames.
func (n *ruleNode) conditionJSON(cohortIDs map[string]string) map[string]any {
	body := map[string]any{}
	switch n.Type {
	case badges.KindAll, badges.KindAny:
		return map[string]any{n.Type: ruleKidsJSON(n.Kids, cohortIDs)}
	case badges.KindAtLeast:
		ruleValue(body, "n", n.N, true)
		body["of"] = ruleKidsJSON(n.Kids, cohortIDs)
	case badges.KindCount:
		ruleValue(body, "behaviour", n.Behaviour, false)
		ruleValue(body, "min", n.Min, true)
		ruleValue(body, "withinDays", n.WithinDays, true)
		ruleValue(body, "distinct", n.Distinct, false)
	case badges.KindSum, badges.KindPeers:
		ruleValue(body, "behaviour", n.Behaviour, false)
		ruleValue(body, "min", n.Min, true)
		ruleValue(body, "withinDays", n.WithinDays, true)
	case badges.KindStreak:
		ruleValue(body, "behaviour", n.Behaviour, false)
		ruleValue(body, "min", n.Min, true)
		ruleValue(body, "unit", n.Unit, false)
	case badges.KindHolds:
		ruleValue(body, "achievement", n.Achievement, false)
	case badges.KindEndorsements:
		ruleValue(body, "min", n.Min, true)
		ruleValue(body, "fromHolders", n.FromHolders, false)
	case badges.KindCohort:
		ruleValue(body, "name", n.Cohort, false)
		ruleValue(body, "id", cohortIDs[n.Cohort], false)
	case badges.KindTenure:
		ruleValue(body, "days", n.Days, true)
	case "":
		return map[string]any{}
	}
	return map[string]any{n.Type: body}
}

func ruleKidsJSON(kids []*ruleNode, cohortIDs map[string]string) []any {
	out := make([]any, len(kids))
	for i, k := range kids {
		out[i] = k.conditionJSON(cohortIDs)
	}
	return out
}

// ruleJSON is the rule's JSON as the API's PUT takes it.
func (f *ruleForm) ruleJSON(cohortIDs map[string]string) ([]byte, error) {
	body := map[string]any{"condition": f.Root.conditionJSON(cohortIDs)}
	if f.Period != "" {
		body["period"] = f.Period
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("write the rule form as JSON: %w", err)
	}
	return data, nil
}

// ruleTree is the form of a stored or parsed rule.
func ruleTree(r *badges.Rule) *ruleForm {
	return &ruleForm{Root: conditionNode(r.Condition, "c", 1), Period: r.Period}
}

func conditionNode(c badges.Condition, place string, depth int) *ruleNode {
	n := &ruleNode{Path: place, Depth: depth, Type: c.Kind()}
	itoa := func(i int) string {
		if i == 0 {
			return ""
		}
		return strconv.Itoa(i)
	}
	var kids []badges.Condition
	switch n.Type {
	case badges.KindAll:
		kids = c.All
	case badges.KindAny:
		kids = c.Any
	case badges.KindAtLeast:
		n.N, kids = itoa(c.AtLeast.N), c.AtLeast.Of
	case badges.KindCount:
		n.Behaviour, n.Min, n.WithinDays, n.Distinct = c.Count.Behaviour, itoa(c.Count.Min), itoa(c.Count.WithinDays), c.Count.Distinct
	case badges.KindSum:
		n.Behaviour, n.Min, n.WithinDays = c.Sum.Behaviour, strconv.FormatFloat(c.Sum.Min, 'f', -1, 64), itoa(c.Sum.WithinDays)
	case badges.KindStreak:
		n.Behaviour, n.Min, n.Unit = c.Streak.Behaviour, itoa(c.Streak.Min), c.Streak.Unit
	case badges.KindPeers:
		n.Behaviour, n.Min, n.WithinDays = c.Peers.Behaviour, itoa(c.Peers.Min), itoa(c.Peers.WithinDays)
	case badges.KindHolds:
		n.Achievement = c.Holds.Achievement
	case badges.KindEndorsements:
		n.Min, n.FromHolders = itoa(c.Endorsements.Min), c.Endorsements.FromHolders
	case badges.KindCohort:
		n.Cohort = c.Cohort.Name
	case badges.KindTenure:
		n.Days = itoa(c.Tenure.Days)
	}
	for i, k := range kids {
		n.Kids = append(n.Kids, conditionNode(k, place+"."+strconv.Itoa(i), depth+1))
	}
	return n
}

// fieldOfPath is the form field a parser's error path names: the field
// of a condition ("rule.condition.all[1].count.min" is "c.1.min"), the
// condition's own fieldset when the path stops at it or its list
// ("c.1"), "period", or "json" for the rule as a whole.
func fieldOfPath(path string) string {
	p, ok := strings.CutPrefix(path, "rule")
	switch {
	case !ok:
		return "json"
	case p == ".period":
		return "period"
	}
	if p, ok = strings.CutPrefix(p, ".condition"); !ok {
		return "json"
	}
	place := "c"
	for {
		rest, i, ok := childStep(p)
		if !ok {
			break
		}
		place, p = place+"."+i, rest
	}
	segs := strings.Split(strings.TrimPrefix(p, "."), ".")
	if len(segs) < 2 || segs[1] == "of" {
		return place
	}
	field := segs[1]
	if segs[0] == badges.KindCohort {
		field = "cohort" // its name and id are one picker
	}
	if !slices.Contains(ruleFields, field) {
		return place
	}
	return place + "." + field
}

// childStep reads one step down to a child from an error path:
// ".all[3]", ".any[3]" or ".atLeast.of[3]".
func childStep(p string) (rest, index string, ok bool) {
	for _, pre := range []string{".all[", ".any[", ".atLeast.of["} {
		after, found := strings.CutPrefix(p, pre)
		if !found {
			continue
		}
		i, rest, found := strings.Cut(after, "]")
		if !found {
			return "", "", false
		}
		return rest, i, true
	}
	return "", "", false
}
