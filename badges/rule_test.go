package badges_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// validRules are rules in their canonical JSON form: ParseRule accepts them
// and MarshalJSON writes them back byte for byte.
var validRules = []string{
	`{"condition":{"count":{"behaviour":"hosted-session","min":4}}}`,
	`{"condition":{"count":{"behaviour":"hosted-session","min":4,"withinDays":90,"distinct":"days"}}}`,
	`{"condition":{"count":{"behaviour":"posted","min":400,"withinDays":3650}}}`,
	`{"condition":{"count":{"behaviour":"attended-session","min":400,"distinct":"weeks"}}}`,
	`{"condition":{"count":{"behaviour":"attended-session","min":240,"withinDays":1,"distinct":"months"}}}`,
	`{"condition":{"count":{"behaviour":"posted","min":100000}}}`,
	`{"condition":{"sum":{"behaviour":"shared-resource","min":10,"withinDays":30}}}`,
	`{"condition":{"sum":{"behaviour":"volunteered","min":0.25}}}`,
	`{"condition":{"streak":{"behaviour":"attended-session","min":4,"unit":"weeks"}}}`,
	`{"condition":{"streak":{"min":104,"unit":"months"}}}`,
	`{"condition":{"peers":{"behaviour":"mentored-member","min":3,"withinDays":180}}}`,
	`{"condition":{"peers":{"behaviour":"mentored-member","min":1000}}}`,
	`{"condition":{"holds":{"achievement":"a1b2c3"}}}`,
	`{"condition":{"endorsements":{"min":3}}}`,
	`{"condition":{"endorsements":{"min":200,"fromHolders":"mentor"}}}`,
	`{"condition":{"cohort":{"name":"spring-2026"}}}`,
	`{"condition":{"cohort":{"name":"Printemps 2026 – Lyon"}}}`,
	`{"condition":{"tenure":{"days":180}}}`,
	`{"condition":{"all":[{"count":{"behaviour":"posted","min":1}},{"tenure":{"days":30}}]},"period":"month"}`,
	`{"condition":{"any":[{"holds":{"achievement":"x"}},{"cohort":{"name":"c"}}]},"period":"week"}`,
	`{"condition":{"atLeast":{"n":2,"of":[{"count":{"behaviour":"posted","min":5}},{"count":{"behaviour":"replied","min":5}},{"endorsements":{"min":1}}]}},"period":"quarter"}`,
	`{"condition":{"all":[{"any":[{"atLeast":{"n":1,"of":[{"all":[{"any":[{"tenure":{"days":1}}]}]}]}}]}]},"period":"year"}`,
}

func TestParseRuleValid(t *testing.T) {
	for _, src := range validRules {
		r, err := badges.ParseRule([]byte(src))
		if err != nil {
			t.Errorf("ParseRule(%s): %v", src, err)
			continue
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Errorf("Marshal(%s): %v", src, err)
			continue
		}
		if string(out) != src {
			t.Errorf("round trip:\n got %s\nwant %s", out, src)
		}
		r2, err := badges.ParseRule(out)
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Errorf("ParseRule(Marshal(%s)) = %+v, %v; want %+v", src, r2, err, r)
		}
		if err := r.Validate(); err != nil {
			t.Errorf("Validate(%s): %v", src, err)
		}
	}
}

func TestParseRuleLenient(t *testing.T) {
	// Spacing, key order, whole numbers written with a fraction or exponent
	// and explicit empty optional strings are accepted and normalised.
	for in, want := range map[string]string{
		"{ \"period\" : \"\",\n \"condition\": {\"count\": {\"min\": 4.0, \"distinct\": \"\", \"behaviour\": \"posted\"}} }": `{"condition":{"count":{"behaviour":"posted","min":4}}}`,
		`{"condition":{"tenure":{"days":1e2}}}`:                   `{"condition":{"tenure":{"days":100}}}`,
		`{"condition":{"sum":{"behaviour":"posted","min":1.50}}}`: `{"condition":{"sum":{"behaviour":"posted","min":1.5}}}`,
	} {
		r, err := badges.ParseRule([]byte(in))
		if err != nil {
			t.Errorf("ParseRule(%s): %v", in, err)
			continue
		}
		if out, _ := json.Marshal(r); string(out) != want {
			t.Errorf("ParseRule(%s) marshals as %s; want %s", in, out, want)
		}
	}
}

func TestParseRuleValues(t *testing.T) {
	r, err := badges.ParseRule([]byte(`{"condition":{"all":[{"count":{"behaviour":"hosted-session","min":4,"withinDays":90,"distinct":"weeks"}},{"atLeast":{"n":1,"of":[{"holds":{"achievement":"a"}}]}}]},"period":"month"}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &badges.Rule{Period: "month", Condition: badges.Condition{All: []badges.Condition{
		{Count: &badges.CountCond{Behaviour: "hosted-session", Min: 4, WithinDays: 90, Distinct: "weeks"}},
		{AtLeast: &badges.AtLeastCond{N: 1, Of: []badges.Condition{{Holds: &badges.HoldsCond{Achievement: "a"}}}}},
	}}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("ParseRule = %+v; want %+v", r, want)
	}
	if got := r.Condition.Kind(); got != "all" {
		t.Errorf("Kind = %q", got)
	}
	if got := r.Condition.All[1].Kind(); got != "atLeast" {
		t.Errorf("Kind = %q", got)
	}
	if got := (badges.Condition{}).Kind(); got != "" {
		t.Errorf("empty Kind = %q", got)
	}
}

// nest wraps a leaf in n "all" conditions.
func nest(n int) string {
	s := `{"tenure":{"days":1}}`
	for range n {
		s = `{"all":[` + s + `]}`
	}
	return `{"condition":` + s + `}`
}

// wide is an all of five anys of twenty leaves: 106 conditions.
func wide() string {
	leaves := strings.TrimSuffix(strings.Repeat(`{"tenure":{"days":1}},`, 20), ",")
	anys := strings.TrimSuffix(strings.Repeat(`{"any":[`+leaves+`]},`, 5), ",")
	return `{"condition":{"all":[` + anys + `]}}`
}

func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":0`, i)
	}
	return b.String()
}

func count(fields string) string { return `{"condition":{"count":{` + fields + `}}}` }

var invalidRules = []struct {
	name, in, field, msg string
}{
	{"empty", ``, "rule", "rule is empty"},
	{"blank", " \n ", "rule", "rule is empty"},
	{"syntax", `{"condition":`, "rule", "not valid JSON"},
	{"syntax comma", `{"condition":{"tenure":{"days":1},}}`, "rule", "not valid JSON at byte"},
	{"trailing garbage", `{"condition":{"tenure":{"days":1}}} x`, "rule", "more data after its JSON object, at byte 36"},
	{"trailing object", `{"condition":{"tenure":{"days":1}}}{}`, "rule", "more data after its JSON object"},
	{"non-object", `[{"condition":{}}]`, "rule", "rule must be an object with condition and period, not an array"},
	{"string", `"all"`, "rule", `not "all"`},
	{"too large", `{"condition":{"cohort":{"name":"` + strings.Repeat("x", 65*1024) + `"}}}`, "rule", "at most 64 KiB"},
	{"missing condition", `{"period":"month"}`, "rule.condition", "condition is required"},
	{"unknown top key", `{"condition":{"tenure":{"days":1}},"perod":"week"}`, "rule.perod", `Unknown key "perod" in rule; expected condition or period`},
	{"duplicate key", `{"condition":{"tenure":{"days":1}},"condition":{"tenure":{"days":2}}}`, "rule.condition", `Key "condition" appears twice`},
	{"null condition", `{"condition":null}`, "rule.condition", "must be an object with one key such as all, any or count, not null"},
	{"condition number", `{"condition":5}`, "rule.condition", "not 5"},
	{"no key", `{"condition":{}}`, "rule.condition", "A condition needs one key; expected one of all, any, atLeast, count, sum, streak, peers, holds, endorsements, cohort, tenure"},
	{"unknown key", `{"condition":{"cont":{"behaviour":"posted","min":1}}}`, "rule.condition.cont", `Unknown condition "cont"; expected one of all, any, atLeast, count, sum, streak, peers, holds, endorsements, cohort, tenure`},
	{"odd key", `{"condition":{"all":[{"a b":1}]}}`, `rule.condition.all[0]["a b"]`, `Unknown condition "a b"`},
	{"two keys", `{"condition":{"count":{"behaviour":"posted","min":1},"sum":{"behaviour":"posted","min":1}}}`, "rule.condition", `exactly one key, but this one has 2: "count", "sum"`},
	{"wrong type min", count(`"behaviour":"posted","min":"4"`), "rule.condition.count.min", `min must be a whole number from 1 to 100000, not "4"`},
	{"wrong type body", `{"condition":{"count":[1]}}`, "rule.condition.count", "count must be an object with behaviour, min, withinDays and distinct, not an array"},
	{"unknown body key", count(`"behaviour":"posted","mn":4`), "rule.condition.count.mn", `Unknown key "mn" in count; expected behaviour, min, withinDays or distinct`},
	{"missing min", count(`"behaviour":"posted"`), "rule.condition.count.min", "min is required"},
	{"missing behaviour", count(`"min":1`), "rule.condition.count.behaviour", "behaviour is required"},
	{"min 0", `{"condition":{"all":[{"count":{"behaviour":"posted","min":1}},{"count":{"behaviour":"posted","min":0}}]}}`, "rule.condition.all[1].count.min", "must be a whole number from 1 to 100000, not 0"},
	{"min fraction", count(`"behaviour":"posted","min":1.5`), "rule.condition.count.min", "whole number"},
	{"min huge", count(`"behaviour":"posted","min":1e400`), "rule.condition.count.min", "whole number"},
	{"min too big", count(`"behaviour":"posted","min":100001`), "rule.condition.count.min", "from 1 to 100000"},
	{"windowed count too big", count(`"behaviour":"posted","min":401,"withinDays":30`), "rule.condition.count.min", "from 1 to 400 (the recent events kept per behaviour) when withinDays is set"},
	{"distinct days too big", count(`"behaviour":"posted","min":801,"distinct":"days"`), "rule.condition.count.min", "from 1 to 800"},
	{"distinct months too big", count(`"behaviour":"posted","min":241,"distinct":"months"`), "rule.condition.count.min", "from 1 to 240"},
	{"within 0", count(`"behaviour":"posted","min":1,"withinDays":0`), "rule.condition.count.withinDays", "withinDays must be a whole number from 1 to 3650, not 0"},
	{"within null", count(`"behaviour":"posted","min":1,"withinDays":null`), "rule.condition.count.withinDays", "not null"},
	{"within big", count(`"behaviour":"posted","min":1,"withinDays":3651`), "rule.condition.count.withinDays", "from 1 to 3650"},
	{"bad distinct", count(`"behaviour":"posted","min":1,"distinct":"hours"`), "rule.condition.count.distinct", `distinct must be "days", "weeks" or "months" (or empty), not "hours"`},
	{"bad behaviour slug", count(`"behaviour":"Hosted Session","min":1`), "rule.condition.count.behaviour", `behaviour must be a behaviour key of 1 to 40 lower-case letters, digits and hyphens, not "Hosted Session"`},
	{"behaviour hyphen", count(`"behaviour":"-posted","min":1`), "rule.condition.count.behaviour", "behaviour key"},
	{"behaviour long", count(`"behaviour":"` + strings.Repeat("a", 41) + `","min":1`), "rule.condition.count.behaviour", "behaviour key"},
	{"behaviour number", count(`"behaviour":7,"min":1`), "rule.condition.count.behaviour", "not 7"},
	{"negative sum", `{"condition":{"sum":{"behaviour":"posted","min":-1}}}`, "rule.condition.sum.min", "min must be a number greater than 0 and at most 1000000000, not -1"},
	{"zero sum", `{"condition":{"sum":{"behaviour":"posted","min":0}}}`, "rule.condition.sum.min", "greater than 0"},
	{"sum missing", `{"condition":{"sum":{"behaviour":"posted"}}}`, "rule.condition.sum.min", "min is required"},
	{"bad unit", `{"condition":{"streak":{"min":2,"unit":"days"}}}`, "rule.condition.streak.unit", `unit must be "weeks" or "months", not "days"`},
	{"missing unit", `{"condition":{"streak":{"min":2}}}`, "rule.condition.streak.unit", "unit is required"},
	{"streak 1", `{"condition":{"streak":{"min":1,"unit":"weeks"}}}`, "rule.condition.streak.min", "from 2 to 104"},
	{"streak empty behaviour", `{"condition":{"streak":{"behaviour":"","min":2,"unit":"weeks"}}}`, "rule.condition.streak.behaviour", "behaviour key"},
	{"peers too many", `{"condition":{"peers":{"behaviour":"mentored-member","min":1001}}}`, "rule.condition.peers.min", "from 1 to 1000"},
	{"windowed peers", `{"condition":{"peers":{"behaviour":"mentored-member","min":401,"withinDays":9}}}`, "rule.condition.peers.min", "from 1 to 400"},
	{"holds missing", `{"condition":{"holds":{}}}`, "rule.condition.holds.achievement", "achievement is required"},
	{"holds bad id", `{"condition":{"holds":{"achievement":"a b"}}}`, "rule.condition.holds.achievement", `achievement must be an achievement id, not "a b"`},
	{"endorsements too many", `{"condition":{"endorsements":{"min":201}}}`, "rule.condition.endorsements.min", "from 1 to 200"},
	{"endorsements holders", `{"condition":{"endorsements":{"min":1,"fromHolders":""}}}`, "rule.condition.endorsements.fromHolders", "achievement id"},
	{"cohort spaces", `{"condition":{"cohort":{"name":" spring"}}}`, "rule.condition.cohort.name", "without spaces at either end"},
	{"cohort empty", `{"condition":{"cohort":{"name":""}}}`, "rule.condition.cohort.name", "cohort name"},
	{"tenure 0", `{"condition":{"tenure":{"days":0}}}`, "rule.condition.tenure.days", "days must be a whole number from 1 to 36500, not 0"},
	{"tenure bool", `{"condition":{"tenure":{"days":true}}}`, "rule.condition.tenure.days", "not a boolean"},
	{"empty all", `{"condition":{"all":[]}}`, "rule.condition.all", "all must list 1 to 20 conditions, not 0"},
	{"all object", `{"condition":{"any":{}}}`, "rule.condition.any", "any must be an array of 1 to 20 conditions, not an object"},
	{"21 items", `{"condition":{"any":[` + strings.TrimSuffix(strings.Repeat(`{"tenure":{"days":1}},`, 21), ",") + `]}}`, "rule.condition.any", "not 21"},
	{"atLeast n > len", `{"condition":{"atLeast":{"n":3,"of":[{"tenure":{"days":1}},{"tenure":{"days":2}}]}}}`, "rule.condition.atLeast.n", "n must be a whole number from 1 to 2 (the number of conditions in of), not 3"},
	{"atLeast n 0", `{"condition":{"atLeast":{"n":0,"of":[{"tenure":{"days":1}}]}}}`, "rule.condition.atLeast.n", "from 1 to 1"},
	{"atLeast missing of", `{"condition":{"atLeast":{"n":1}}}`, "rule.condition.atLeast.of", "of is required"},
	{"atLeast child", `{"condition":{"atLeast":{"n":1,"of":[{"tenure":{"days":1}},{"tenure":{"days":-1}}]}}}`, "rule.condition.atLeast.of[1].tenure.days", "from 1 to 36500, not -1"},
	{"depth 7", nest(6), "rule.condition.all[0].all[0].all[0].all[0].all[0].all[0]", "nested more than 6 deep"},
	{"101 conditions", wide(), "rule.condition.all[4].any[14]", "at most 100 conditions"},
	{"bad period", `{"condition":{"tenure":{"days":1}},"period":"daily"}`, "rule.period", `period must be week, month, quarter or year (or empty), not "daily"`},
	{"period number", `{"condition":{"tenure":{"days":1}},"period":1}`, "rule.period", "not 1"},
	{"many keys", `{"condition":{"tenure":{"days":1}}` + manyKeys(6000) + `}`, "rule.k0", `Unknown key "k0" in rule`},
	{"long array", `{"condition":{"all":[` + strings.TrimSuffix(strings.Repeat("0,", 30000), ",") + `]}}`, "rule.condition.all", "not 30000"},
	{"json nesting", `{"condition":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "rule.condition" + strings.Repeat("[0]", 63), "nested too deeply"},
}

func TestParseRuleInvalid(t *testing.T) {
	for _, tc := range invalidRules {
		t.Run(tc.name, func(t *testing.T) {
			r, err := badges.ParseRule([]byte(tc.in))
			var e *badges.Error
			if !errors.As(err, &e) {
				t.Fatalf("ParseRule = %+v, %v; want a *badges.Error", r, err)
			}
			if e.Code != badges.EINVALID || e.Field != tc.field || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("ParseRule error = {%s %q %s}; want {invalid %q …%s…}", e.Code, e.Message, e.Field, tc.field, tc.msg)
			}
			if r != nil {
				t.Errorf("ParseRule returned a rule with an error")
			}
		})
	}
}

func TestParseRuleLimits(t *testing.T) {
	if _, err := badges.ParseRule([]byte(nest(5))); err != nil {
		t.Errorf("depth 6: %v", err)
	}
	// 1 + 5 + 94 = 100 conditions is fine.
	leaves := strings.TrimSuffix(strings.Repeat(`{"tenure":{"days":1}},`, 20), ",")
	last := strings.TrimSuffix(strings.Repeat(`{"tenure":{"days":1}},`, 14), ",")
	hundred := `{"condition":{"all":[` + strings.Repeat(`{"any":[`+leaves+`]},`, 4) + `{"any":[` + last + `]}]}}`
	if _, err := badges.ParseRule([]byte(hundred)); err != nil {
		t.Errorf("100 conditions: %v", err)
	}
	padded := `{"condition":{"cohort":{"name":"x"}}}` + strings.Repeat(" ", badges.MaxRuleBytes-37)
	if len(padded) != badges.MaxRuleBytes {
		t.Fatalf("padded is %d bytes", len(padded))
	}
	if _, err := badges.ParseRule([]byte(padded)); err != nil {
		t.Errorf("64 KiB exactly: %v", err)
	}
}

func TestRuleUnmarshalJSON(t *testing.T) {
	var body struct {
		Name string
		Rule badges.Rule
	}
	if err := json.Unmarshal([]byte(`{"Name":"x","Rule":{"condition":{"tenure":{"days":3}}}}`), &body); err != nil {
		t.Fatal(err)
	}
	if body.Rule.Condition.Tenure == nil || body.Rule.Condition.Tenure.Days != 3 {
		t.Errorf("Rule = %+v", body.Rule)
	}
	err := json.Unmarshal([]byte(`{"Rule":{"condition":{"tenure":{"days":0}}}}`), &body)
	if badges.ErrorField(err) != "rule.condition.tenure.days" {
		t.Errorf("Unmarshal error = %v", err)
	}
}

func TestRuleValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  badges.Rule
		field string
	}{
		{"ok", badges.Rule{Condition: badges.Condition{Tenure: &badges.TenureCond{Days: 1}}}, ""},
		{"empty", badges.Rule{}, "rule.condition"},
		{"two kinds", badges.Rule{Condition: badges.Condition{Tenure: &badges.TenureCond{Days: 1}, Cohort: &badges.CohortCond{Name: "x"}}}, "rule.condition"},
		{"empty any", badges.Rule{Condition: badges.Condition{Any: []badges.Condition{}}}, "rule.condition.any"},
		{"nil of", badges.Rule{Condition: badges.Condition{AtLeast: &badges.AtLeastCond{N: 1}}}, "rule.condition.atLeast.of"},
		{"bad count", badges.Rule{Condition: badges.Condition{All: []badges.Condition{{Count: &badges.CountCond{Behaviour: "x"}}}}}, "rule.condition.all[0].count.min"},
		{"bad period", badges.Rule{Condition: badges.Condition{Tenure: &badges.TenureCond{Days: 1}}, Period: "decade"}, "rule.period"},
	} {
		err := tc.rule.Validate()
		if badges.ErrorField(err) != tc.field || (err == nil) != (tc.field == "") {
			t.Errorf("%s: Validate = %v; want field %q", tc.name, err, tc.field)
		}
	}
}

func mustRule(t testing.TB, src string) *badges.Rule {
	t.Helper()
	r, err := badges.ParseRule([]byte(src))
	if err != nil {
		t.Fatalf("ParseRule(%s): %v", src, err)
	}
	return r
}

func TestDependencies(t *testing.T) {
	for _, tc := range []struct {
		rule string
		want badges.Dependencies
	}{
		{`{"condition":{"tenure":{"days":1}}}`, badges.Dependencies{Tenure: true}},
		{`{"condition":{"streak":{"min":2,"unit":"weeks"}}}`, badges.Dependencies{AnyBehaviour: true}},
		{`{"condition":{"all":[
			{"count":{"behaviour":"posted","min":1}},
			{"sum":{"behaviour":"volunteered","min":1}},
			{"any":[{"peers":{"behaviour":"mentored-member","min":1}},{"count":{"behaviour":"posted","min":9}}]},
			{"atLeast":{"n":1,"of":[{"streak":{"behaviour":"attended-session","min":2,"unit":"months"}},{"holds":{"achievement":"z"}},{"holds":{"achievement":"a"}},{"holds":{"achievement":"z"}}]}},
			{"endorsements":{"min":2,"fromHolders":"mentor"}},
			{"endorsements":{"min":1}},
			{"cohort":{"name":"c"}}
		]}}`, badges.Dependencies{
			Behaviours:           []string{"attended-session", "mentored-member", "posted", "volunteered"},
			Achievements:         []string{"a", "z"},
			EndorserAchievements: []string{"mentor"},
			Endorsements:         true, Cohorts: true,
		}},
	} {
		if got := mustRule(t, tc.rule).Dependencies(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Dependencies(%s) = %+v; want %+v", tc.rule, got, tc.want)
		}
	}
}

func TestCheckReferences(t *testing.T) {
	r := mustRule(t, `{"condition":{"all":[
		{"count":{"behaviour":"posted","min":1}},
		{"any":[{"streak":{"min":2,"unit":"weeks"}},{"peers":{"behaviour":"coached","min":1}}]},
		{"atLeast":{"n":1,"of":[{"holds":{"achievement":"known"}},{"endorsements":{"min":1,"fromHolders":"gone"}}]}}
	]}}`)
	behaviours := map[string]bool{"posted": true}
	achievements := map[string]bool{"known": true}
	has := func(m map[string]bool) func(string) bool { return func(k string) bool { return m[k] } }
	err := r.CheckReferences(has(behaviours), has(achievements))
	if badges.ErrorField(err) != "rule.condition.all[1].any[1].peers.behaviour" || !strings.Contains(badges.ErrorMessage(err), `There is no behaviour "coached"`) {
		t.Errorf("CheckReferences = %v", err)
	}
	behaviours["coached"] = true
	err = r.CheckReferences(has(behaviours), has(achievements))
	if badges.ErrorField(err) != "rule.condition.all[2].atLeast.of[1].endorsements.fromHolders" || badges.ErrorCode(err) != badges.EINVALID {
		t.Errorf("CheckReferences = %v", err)
	}
	if err := r.CheckReferences(has(behaviours), nil); err != nil {
		t.Errorf("CheckReferences without achievements = %v", err)
	}
	achievements["gone"] = true
	if err := r.CheckReferences(has(behaviours), has(achievements)); err != nil {
		t.Errorf("CheckReferences = %v", err)
	}
	r = mustRule(t, `{"condition":{"holds":{"achievement":"x"}}}`)
	if err := r.CheckReferences(nil, has(nil)); badges.ErrorField(err) != "rule.condition.holds.achievement" {
		t.Errorf("CheckReferences = %v", err)
	}
}

func holdsRule(t testing.TB, ids ...string) *badges.Rule {
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf(`{"holds":{"achievement":%q}}`, id))
	}
	parts = append(parts, `{"tenure":{"days":1}}`)
	return mustRule(t, `{"condition":{"any":[`+strings.Join(parts, ",")+`]}}`)
}

func TestCheckPrerequisiteCycles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rules map[string]*badges.Rule
		cycle string
	}{
		{"empty", nil, ""},
		{"no rules", map[string]*badges.Rule{"a": nil, "b": nil}, ""},
		{"self", map[string]*badges.Rule{"a": holdsRule(t, "a")}, "a → a"},
		{"three", map[string]*badges.Rule{"a": holdsRule(t, "b"), "b": holdsRule(t, "c"), "c": holdsRule(t, "a"), "d": holdsRule(t, "a")}, "a → b → c → a"},
		{"behind a DAG", map[string]*badges.Rule{"a": holdsRule(t, "b", "c"), "b": holdsRule(t, "d"), "c": holdsRule(t, "d"), "d": holdsRule(t, "e"), "e": holdsRule(t, "c")}, "c → d → e → c"},
		{"DAG", map[string]*badges.Rule{"a": holdsRule(t, "b", "c"), "b": holdsRule(t, "d"), "c": holdsRule(t, "d"), "d": holdsRule(t), "x": nil}, ""},
		{"unknown prerequisite", map[string]*badges.Rule{"a": holdsRule(t, "ghost")}, ""},
		{"via nil", map[string]*badges.Rule{"a": holdsRule(t, "b"), "b": nil}, ""},
	} {
		err := badges.CheckPrerequisiteCycles(tc.rules)
		switch {
		case tc.cycle == "" && err != nil:
			t.Errorf("%s: CheckPrerequisiteCycles = %v", tc.name, err)
		case tc.cycle != "" && (badges.ErrorCode(err) != badges.EINVALID || !strings.HasSuffix(badges.ErrorMessage(err), ": "+tc.cycle+".")):
			t.Errorf("%s: CheckPrerequisiteCycles = %v; want cycle %s", tc.name, err, tc.cycle)
		}
	}
}

func TestPeriodKey(t *testing.T) {
	for _, tc := range []struct {
		period string
		t      time.Time
		want   string
	}{
		{"", date(2026, 11, 20), ""},
		{"fortnight", date(2026, 11, 20), ""},
		{"week", date(2026, 11, 20), "2026-W47"},
		{"week", date(2026, 12, 31), "2026-W53"},
		{"week", date(2027, 1, 1), "2026-W53"},
		{"week", date(2027, 1, 4), "2027-W01"},
		{"week", date(2024, 12, 30), "2025-W01"},
		{"month", date(2026, 11, 20), "2026-11"},
		{"month", date(2026, 1, 1), "2026-01"},
		{"quarter", date(2026, 11, 20), "2026-Q4"},
		{"quarter", date(2026, 3, 31), "2026-Q1"},
		{"quarter", date(2026, 4, 1), "2026-Q2"},
		{"year", date(2026, 11, 20), "2026"},
		// UTC, whatever the zone of t: this is 2027-01-01 01:00 UTC.
		{"year", time.Date(2026, 12, 31, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), "2027"},
	} {
		if got := badges.PeriodKey(tc.period, tc.t); got != tc.want {
			t.Errorf("PeriodKey(%q, %s) = %q; want %q", tc.period, tc.t, got, tc.want)
		}
	}
	// Every day of a few years agrees with time.ISOWeek.
	for d := date(2019, 12, 20); d.Before(date(2028, 1, 10)); d = d.AddDate(0, 0, 1) {
		y, w := d.ISOWeek()
		if got, want := badges.PeriodKey("week", d), fmt.Sprintf("%04d-W%02d", y, w); got != want {
			t.Fatalf("PeriodKey(week, %s) = %q; want %q", d, got, want)
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

func FuzzParseRule(f *testing.F) {
	for _, s := range validRules {
		f.Add([]byte(s))
	}
	for _, tc := range invalidRules {
		if len(tc.in) < 4096 {
			f.Add([]byte(tc.in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := badges.ParseRule(data)
		if err != nil {
			var e *badges.Error
			if !errors.As(err, &e) || e.Code != badges.EINVALID || !strings.HasPrefix(e.Field, "rule") || e.Message == "" {
				t.Fatalf("ParseRule error %#v is not an EINVALID rule error", err)
			}
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		r2, err := badges.ParseRule(out)
		if err != nil {
			t.Fatalf("ParseRule(Marshal(r)) = %v; JSON %s", err, out)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed the rule: %s", out)
		}
		if out2, _ := json.Marshal(r2); string(out2) != string(out) {
			t.Fatalf("marshal is not stable: %s vs %s", out, out2)
		}
		_ = r.Dependencies()
		_ = badges.Evaluate(r, nil, badges.EvalContext{Now: time.Unix(1.8e9, 0)})
	})
}
