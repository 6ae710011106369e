package badges_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// now is a Wednesday noon; ISO week 21 of 2026 began on Monday 18 May.
var now = t0

func daysAgo(d float64) time.Time { return now.Add(-time.Duration(d * float64(24*time.Hour))) }

type actOpt func(a *badges.Activity)

func qty(q float64) actOpt     { return func(a *badges.Activity) { a.Quantity = q } }
func peer(p string) actOpt     { return func(a *badges.Activity) { a.PeerID = p } }
func evidence(u string) actOpt { return func(a *badges.Activity) { a.EvidenceURL = u } }
func inCohort(c string) actOpt { return func(a *badges.Activity) { a.Cohort = c } }
func act(behaviour string, at time.Time, opts ...actOpt) badges.Activity {
	a := badges.Activity{MemberID: "m", Behaviour: behaviour, At: at}
	for _, o := range opts {
		o(&a)
	}
	return a
}

func record(acts ...badges.Activity) *badges.MemberRecord {
	r := badges.NewMemberRecord("m", daysAgo(1000))
	for _, a := range acts {
		r.Add(a)
	}
	return r
}

var names = map[string]string{
	"hosted-session": "Hosted a session", "posted": "Posted", "shared-resource": "Shared a resource",
	"attended-session": "Attended a session", "mentored-member": "Mentored a member", "replied": "Replied",
	"host": "Community Host", "mentor": "Mentor",
}

func evalCtx() badges.EvalContext {
	return badges.EvalContext{
		Now:             now,
		BehaviourName:   func(k string) string { return names[k] },
		AchievementName: func(id string) string { return names[id] },
	}
}

type leafCase struct {
	name     string
	cond     string // a leaf condition's JSON
	rec      *badges.MemberRecord
	ec       func(ec *badges.EvalContext)
	current  float64
	met      bool
	capped   bool
	desc     string
	fraction float64 // checked when not 0; zeroFraction for 0
}

const zeroFraction = -1

func runLeafCases(t *testing.T, cases []leafCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRule(t, `{"condition":`+tc.cond+`}`)
			ec := evalCtx()
			if tc.ec != nil {
				tc.ec(&ec)
			}
			p := badges.Evaluate(r, tc.rec, ec)
			if len(p.Conditions) != 1 {
				t.Fatalf("%d conditions", len(p.Conditions))
			}
			c := p.Conditions[0]
			if math.Abs(c.Current-tc.current) > 1e-9 || c.Met != tc.met || p.Met != tc.met || c.Capped != tc.capped {
				t.Errorf("current %v, met %v, capped %v; want %v, %v, %v", c.Current, c.Met, c.Capped, tc.current, tc.met, tc.capped)
			}
			if tc.desc != "" && c.Description != tc.desc {
				t.Errorf("description %q; want %q", c.Description, tc.desc)
			}
			if want := max(tc.fraction, 0); tc.fraction != 0 && math.Abs(p.Fraction-want) > 1e-12 {
				t.Errorf("fraction %v; want %v", p.Fraction, tc.fraction)
			}
			if (p.Fraction == 1) != p.Met || p.Fraction < 0 || p.Fraction > 1 {
				t.Errorf("fraction %v with met %v", p.Fraction, p.Met)
			}
			if c.Path != "condition."+c.Kind || c.Required <= 0 {
				t.Errorf("path %q, required %v", c.Path, c.Required)
			}
			if (c.Narrative != "") != c.Met {
				t.Errorf("narrative %q with met %v", c.Narrative, c.Met)
			}
		})
	}
}

// hourly returns n activities an hour apart, the newest at newest.
func hourly(behaviour string, n int, newest time.Time) []badges.Activity {
	out := make([]badges.Activity, n)
	for i := range out {
		out[i] = act(behaviour, newest.Add(-time.Duration(i)*time.Hour))
	}
	return out
}

// daily returns perDay activities an hour apart on each of days days,
// starting at midnight of today and going back.
func daily(behaviour string, days, perDay int) []badges.Activity {
	midnight := now.Truncate(24 * time.Hour)
	var out []badges.Activity
	for d := range days {
		for h := range perDay {
			out = append(out, act(behaviour, midnight.AddDate(0, 0, -d).Add(time.Duration(h)*time.Hour)))
		}
	}
	return out
}

func TestEvaluateCount(t *testing.T) {
	hosted := func(ats ...time.Time) *badges.MemberRecord {
		var acts []badges.Activity
		for _, at := range ats {
			acts = append(acts, act("hosted-session", at))
		}
		return record(acts...)
	}
	c4 := `{"count":{"behaviour":"hosted-session","min":4}}`
	c4w := `{"count":{"behaviour":"hosted-session","min":4,"withinDays":90}}`
	runLeafCases(t, []leafCase{
		{name: "met", cond: c4, rec: hosted(daysAgo(1), daysAgo(10), daysAgo(100), daysAgo(400)), current: 4, met: true, desc: "Hosted a session: 4 of 4"},
		{name: "more than enough", cond: c4, rec: hosted(daysAgo(1), daysAgo(2), daysAgo(3), daysAgo(4), daysAgo(5)), current: 5, met: true, fraction: 1},
		{name: "not met", cond: c4, rec: hosted(daysAgo(1), daysAgo(10), daysAgo(100)), current: 3, desc: "Hosted a session: 3 of 4", fraction: 0.75},
		{name: "empty record", cond: c4, rec: record(), current: 0, desc: "Hosted a session: 0 of 4", fraction: zeroFraction},
		{name: "nil record", cond: c4, rec: nil, current: 0},
		{name: "other behaviour", cond: c4, rec: record(act("posted", daysAgo(1))), current: 0},
		{name: "window", cond: c4w, rec: hosted(daysAgo(89), daysAgo(91), daysAgo(10)), current: 2, desc: "Hosted a session: 2 of 4 in the last 90 days"},
		{name: "window edges", cond: c4w, rec: hosted(daysAgo(90), daysAgo(90).Add(time.Second), now), current: 2},
		{name: "one day", cond: `{"count":{"behaviour":"hosted-session","min":1,"withinDays":1}}`, rec: hosted(daysAgo(0.5)), current: 1, met: true, desc: "Hosted a session: 1 of 1 in the last day"},
		{name: "future ignored", cond: c4, rec: hosted(daysAgo(1), daysAgo(2), now.Add(time.Minute), now.Add(5*time.Minute)), current: 2},
		{name: "future ignored in window", cond: c4w, rec: hosted(daysAgo(1), now.Add(time.Minute)), current: 1},
		{name: "out of order", cond: c4w, rec: hosted(daysAgo(3), daysAgo(200), daysAgo(1), daysAgo(95), daysAgo(2), daysAgo(60)), current: 4, met: true},
		{name: "capped window", cond: `{"count":{"behaviour":"posted","min":400,"withinDays":30}}`, rec: record(hourly("posted", 450, now)...),
			current: 400, met: true, capped: true, desc: "Posted: at least 400 of 400 in the last 30 days"},
		{name: "window past the cap", cond: `{"count":{"behaviour":"posted","min":10,"withinDays":1}}`, rec: record(hourly("posted", 450, now)...), current: 24, met: true},
		{name: "all time past the cap", cond: `{"count":{"behaviour":"posted","min":450}}`, rec: record(hourly("posted", 450, now)...), current: 450, met: true},
	})
}

func TestEvaluateCountDistinct(t *testing.T) {
	posts := func(ats ...time.Time) *badges.MemberRecord {
		var acts []badges.Activity
		for _, at := range ats {
			acts = append(acts, act("posted", at))
		}
		return record(acts...)
	}
	monday := time.Date(2026, 5, 11, 10, 0, 0, 0, time.UTC)    // before the 7-day window opens, in its first week
	wednesday := time.Date(2026, 5, 13, 13, 0, 0, 0, time.UTC) // just inside the window, same week
	weeks7 := `{"count":{"behaviour":"posted","min":2,"withinDays":7,"distinct":"weeks"}}`
	runLeafCases(t, []leafCase{
		{name: "days", cond: `{"count":{"behaviour":"posted","min":3,"distinct":"days"}}`,
			rec: posts(now, now.Add(-time.Hour), now.Add(-2*time.Hour), daysAgo(1)), current: 2, desc: "Posted: 2 of 3 different days"},
		{name: "days in window", cond: `{"count":{"behaviour":"posted","min":3,"withinDays":2,"distinct":"days"}}`,
			rec: posts(now, daysAgo(1), daysAgo(2).Add(time.Hour), daysAgo(2).Add(-time.Hour), daysAgo(3)), current: 3, met: true, desc: "Posted: 3 of 3 different days in the last 2 days"},
		{name: "boundary day before window", cond: `{"count":{"behaviour":"posted","min":1,"withinDays":2,"distinct":"days"}}`,
			rec: posts(daysAgo(2).Add(-time.Hour)), current: 0},
		{name: "weeks: boundary week, only before the window", cond: weeks7, rec: posts(monday), current: 0},
		{name: "weeks: boundary week inside the window", cond: weeks7, rec: posts(monday, wednesday), current: 1},
		{name: "weeks: two", cond: weeks7, rec: posts(monday, wednesday, time.Date(2026, 5, 18, 9, 0, 0, 0, time.UTC)), current: 2, met: true,
			desc: "Posted: 2 of 2 different weeks in the last 7 days"},
		{name: "weeks: current week only in the future", cond: weeks7, rec: posts(wednesday, now.Add(time.Minute)), current: 1},
		{name: "weeks: current week, now and future", cond: weeks7, rec: posts(wednesday, now.Add(-time.Minute), now.Add(time.Minute)), current: 2, met: true},
		{name: "months all time", cond: `{"count":{"behaviour":"posted","min":3,"distinct":"months"}}`,
			rec: posts(daysAgo(1), daysAgo(2), daysAgo(40), daysAgo(400), daysAgo(401)), current: 3, met: true},
		{name: "days beyond recent events", cond: `{"count":{"behaviour":"posted","min":45,"withinDays":90,"distinct":"days"}}`,
			rec: record(daily("posted", 45, 10)...), current: 45, met: true},
		{name: "boundary day beyond recent events", cond: `{"count":{"behaviour":"posted","min":44,"withinDays":44,"distinct":"days"}}`,
			rec: record(daily("posted", 45, 10)...), current: 44, met: true, capped: true, desc: "Posted: at least 44 of 44 different days in the last 44 days"},
	})
}

func TestEvaluateSum(t *testing.T) {
	shared := record(
		act("shared-resource", daysAgo(1), qty(2.5)),
		act("shared-resource", daysAgo(2)),
		act("shared-resource", daysAgo(3), qty(0.1)),
		act("shared-resource", daysAgo(4), qty(0.2)),
		act("shared-resource", daysAgo(31), qty(4)),
		act("shared-resource", now.Add(time.Minute), qty(100)),
	)
	tenths := record(act("volunteered", daysAgo(1), qty(0.7)), act("volunteered", daysAgo(2), qty(0.1)),
		act("volunteered", daysAgo(3), qty(0.1)), act("volunteered", daysAgo(4), qty(0.1)))
	runLeafCases(t, []leafCase{
		{name: "all time", cond: `{"sum":{"behaviour":"shared-resource","min":10}}`, rec: shared, current: 7.8, desc: "Shared a resource: 7.8 of 10 in total", fraction: 0.78},
		{name: "window", cond: `{"sum":{"behaviour":"shared-resource","min":3.5,"withinDays":30}}`, rec: shared,
			current: 2.5 + 1 + 0.1 + 0.2, met: true, desc: "Shared a resource: 3.8 of 3.5 in total in the last 30 days"},
		{name: "rounding forgiven", cond: `{"sum":{"behaviour":"volunteered","min":1}}`, rec: tenths, current: 0.7 + 0.1 + 0.1 + 0.1, met: true},
		{name: "capped", cond: `{"sum":{"behaviour":"posted","min":1000,"withinDays":30}}`, rec: record(hourly("posted", 450, now)...),
			current: 400, capped: true, desc: "Posted: at least 400 of 1000 in total in the last 30 days"},
	})
}

func TestEvaluateStreak(t *testing.T) {
	// weekly returns one activity on the Wednesday of each of the given
	// weeks ago (0 = this week).
	weekly := func(behaviour string, weeks ...int) []badges.Activity {
		var out []badges.Activity
		for _, w := range weeks {
			out = append(out, act(behaviour, now.AddDate(0, 0, -7*w).Add(-time.Hour)))
		}
		return out
	}
	s4 := `{"streak":{"behaviour":"attended-session","min":4,"unit":"weeks"}}`
	any3 := `{"streak":{"min":3,"unit":"weeks"}}`
	runLeafCases(t, []leafCase{
		{name: "four weeks", cond: s4, rec: record(weekly("attended-session", 0, 1, 2, 3)...), current: 4, met: true, desc: "Attended a session: 4 of 4 weeks in a row"},
		{name: "gap", cond: s4, rec: record(weekly("attended-session", 0, 1, 3, 4, 5)...), current: 3, desc: "Attended a session: 3 of 4 weeks in a row"},
		{name: "longest ever", cond: s4, rec: record(weekly("attended-session", 0, 10, 11, 12, 13, 14, 30)...), current: 5, met: true},
		{name: "two in a week", cond: s4, rec: record(append(weekly("attended-session", 1, 2), act("attended-session", daysAgo(8)))...), current: 2},
		{name: "across new year", cond: s4, rec: record(act("attended-session", time.Date(2026, 12, 30, 9, 0, 0, 0, time.UTC)),
			act("attended-session", time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)), act("attended-session", time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC))),
			ec: func(ec *badges.EvalContext) { ec.Now = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC) }, current: 2},
		{name: "future week ignored", cond: s4, rec: record(append(weekly("attended-session", 1, 2, 3), act("attended-session", now.Add(time.Minute)))...), current: 3},
		{name: "any behaviour", cond: any3, rec: record(append(weekly("posted", 0, 2), weekly("replied", 1)...)...), current: 3, met: true, desc: "Any activity: 3 of 3 weeks in a row"},
		{name: "one behaviour of several", cond: `{"streak":{"behaviour":"posted","min":3,"unit":"weeks"}}`, rec: record(append(weekly("posted", 0, 2), weekly("replied", 1)...)...), current: 1},
		{name: "months", cond: `{"streak":{"behaviour":"posted","min":3,"unit":"months"}}`,
			rec:     record(act("posted", time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC)), act("posted", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)), act("posted", time.Date(2026, 5, 2, 0, 0, 0, 0, time.UTC))),
			current: 3, met: true, desc: "Posted: 3 of 3 months in a row"},
		{name: "empty", cond: any3, rec: record(), current: 0},
	})
	// The span is the run's first Monday to now.
	p := badges.Evaluate(mustRule(t, `{"condition":`+s4+`}`), record(weekly("attended-session", 0, 1, 2, 3)...), evalCtx())
	if c := p.Conditions[0]; !c.From.Equal(time.Date(2026, 4, 27, 0, 0, 0, 0, time.UTC)) || !c.To.Equal(now) {
		t.Errorf("span %s – %s", c.From, c.To)
	}
	if got := p.Conditions[0].Narrative; got != "Attended a session 4 weeks in a row between April and May 2026." {
		t.Errorf("narrative %q", got)
	}
}

func TestEvaluatePeers(t *testing.T) {
	mentoring := record(
		act("mentored-member", daysAgo(1), peer("p1")),
		act("mentored-member", daysAgo(2), peer("p2")),
		act("mentored-member", daysAgo(3), peer("p1")),
		act("mentored-member", daysAgo(40), peer("p3")),
		act("mentored-member", daysAgo(5)),
		act("mentored-member", now.Add(time.Minute), peer("p4")),
	)
	runLeafCases(t, []leafCase{
		{name: "all time", cond: `{"peers":{"behaviour":"mentored-member","min":3}}`, rec: mentoring, current: 3, met: true, desc: "Mentored a member: 3 of 3 different members"},
		{name: "window", cond: `{"peers":{"behaviour":"mentored-member","min":3,"withinDays":30}}`, rec: mentoring, current: 2,
			desc: "Mentored a member: 2 of 3 different members in the last 30 days"},
		{name: "future only", cond: `{"peers":{"behaviour":"mentored-member","min":1}}`, rec: record(act("mentored-member", now.Add(time.Minute), peer("p9"))), current: 0},
		{name: "none", cond: `{"peers":{"behaviour":"mentored-member","min":1}}`, rec: record(), current: 0},
	})
}

func TestEvaluatePastTheBounds(t *testing.T) {
	// 450 hourly events up to now, evaluated 2.5 hours ago: the three
	// newest are in the future, and Recent no longer holds every event.
	var acts []badges.Activity
	for i, a := range hourly("mentored-member", 450, now) {
		a.PeerID = fmt.Sprintf("p%d", i%10)
		if i == 0 {
			a.PeerID = "late"
		}
		acts = append(acts, a)
	}
	rec := record(acts...)
	early := func(ec *badges.EvalContext) { ec.Now = now.Add(-150 * time.Minute) }
	many := record()
	for i := range 1100 {
		many.Add(act("mentored-member", daysAgo(float64(i)/10), peer(fmt.Sprintf("p%d", i))))
	}
	runLeafCases(t, []leafCase{
		{name: "count", cond: `{"count":{"behaviour":"mentored-member","min":447}}`, rec: rec, ec: early, current: 447, met: true},
		{name: "sum", cond: `{"sum":{"behaviour":"mentored-member","min":447}}`, rec: rec, ec: early, current: 447, met: true},
		{name: "peers", cond: `{"peers":{"behaviour":"mentored-member","min":11}}`, rec: rec, ec: early, current: 10, capped: true,
			desc: "Mentored a member: at least 10 of 11 different members"},
		{name: "peers now", cond: `{"peers":{"behaviour":"mentored-member","min":11}}`, rec: rec, current: 11, met: true},
		{name: "peers capped", cond: `{"peers":{"behaviour":"mentored-member","min":1000}}`, rec: many, current: 1000, met: true, capped: true},
		{name: "peers in window", cond: `{"peers":{"behaviour":"mentored-member","min":400,"withinDays":100}}`, rec: many, current: 400, met: true, capped: true},
	})
}

func TestEvaluateHoldsEndorsementsCohortTenure(t *testing.T) {
	endorsed := record()
	endorsed.AddEndorsement(badges.Endorsement{From: "a", At: daysAgo(1)})
	endorsed.AddEndorsement(badges.Endorsement{From: "b", At: daysAgo(2)})
	endorsed.AddEndorsement(badges.Endorsement{From: "a", At: daysAgo(3)})
	endorsed.AddEndorsement(badges.Endorsement{From: "c", At: now.Add(time.Hour)})
	holders := func(ec *badges.EvalContext) {
		ec.EndorserHolds = func(m, id string) bool { return m == "b" && id == "mentor" }
	}
	cohort := record(act("posted", daysAgo(1), inCohort("spring-2026")))
	joined := func(at time.Time) *badges.MemberRecord { return badges.NewMemberRecord("m", at) }
	runLeafCases(t, []leafCase{
		{name: "holds", cond: `{"holds":{"achievement":"host"}}`, rec: record(), current: 1, met: true,
			ec: func(ec *badges.EvalContext) { ec.Holds = func(id string) bool { return id == "host" } }, desc: "Holds the Community Host badge: yes"},
		{name: "holds not", cond: `{"holds":{"achievement":"host"}}`, rec: record(), current: 0, desc: "Holds the Community Host badge: no", fraction: zeroFraction},
		{name: "holds unnamed", cond: `{"holds":{"achievement":"x9"}}`, rec: record(), current: 0, desc: "Holds a badge no longer offered: no"},
		{name: "endorsements", cond: `{"endorsements":{"min":3}}`, rec: endorsed, current: 2, desc: "Endorsements: 2 of 3 from different members"},
		{name: "endorsements from holders", cond: `{"endorsements":{"min":1,"fromHolders":"mentor"}}`, rec: endorsed, ec: holders, current: 1, met: true,
			desc: "Endorsements: 1 of 1 from holders of the Mentor badge"},
		{name: "endorsements from holders, nil", cond: `{"endorsements":{"min":1,"fromHolders":"mentor"}}`, rec: endorsed, current: 0},
		{name: "cohort", cond: `{"cohort":{"name":"spring-2026"}}`, rec: cohort, current: 1, met: true, desc: "Member of cohort spring-2026: yes"},
		{name: "cohort not", cond: `{"cohort":{"name":"autumn-2026"}}`, rec: cohort, current: 0},
		{name: "tenure", cond: `{"tenure":{"days":180}}`, rec: joined(daysAgo(200.5)), current: 200, met: true, desc: "Membership: 200 of 180 days"},
		{name: "tenure not yet", cond: `{"tenure":{"days":180}}`, rec: joined(daysAgo(90)), current: 90, fraction: 0.5},
		{name: "tenure joined later", cond: `{"tenure":{"days":1}}`, rec: joined(now.Add(time.Hour)), current: 0},
		{name: "tenure unknown", cond: `{"tenure":{"days":1}}`, rec: joined(time.Time{}), current: 0},
		{name: "tenure from early activity", cond: `{"tenure":{"days":300}}`, rec: func() *badges.MemberRecord {
			r := joined(daysAgo(10))
			r.Add(act("posted", daysAgo(365)))
			return r
		}(), current: 365, met: true},
	})
}

func TestEvaluateCombinations(t *testing.T) {
	// Joined 100 days ago: tenure 100 is met, 200 is half way, 400 a quarter.
	rec := badges.NewMemberRecord("m", daysAgo(100))
	t100, t200, t400 := `{"tenure":{"days":100}}`, `{"tenure":{"days":200}}`, `{"tenure":{"days":400}}`
	for _, tc := range []struct {
		cond     string
		met      bool
		fraction float64
		paths    []string
	}{
		{`{"all":[` + t100 + `,` + t200 + `]}`, false, 0.75, []string{"condition.all[0].tenure", "condition.all[1].tenure"}},
		{`{"all":[` + t100 + `,` + t100 + `]}`, true, 1, nil},
		{`{"any":[` + t200 + `,` + t400 + `]}`, false, 0.5, []string{"condition.any[0].tenure", "condition.any[1].tenure"}},
		{`{"any":[` + t400 + `,` + t100 + `]}`, true, 1, nil},
		{`{"atLeast":{"n":2,"of":[` + t200 + `,` + t100 + `,` + t400 + `]}}`, false, 0.75, []string{"condition.atLeast.of[0].tenure", "condition.atLeast.of[1].tenure", "condition.atLeast.of[2].tenure"}},
		{`{"atLeast":{"n":1,"of":[` + t200 + `,` + t100 + `,` + t400 + `]}}`, true, 1, nil},
		{`{"atLeast":{"n":3,"of":[` + t200 + `,` + t100 + `,` + t400 + `]}}`, false, (0.5 + 1 + 0.25) / 3, nil},
		{`{"all":[{"any":[` + t200 + `,` + t400 + `]},{"atLeast":{"n":1,"of":[` + t100 + `]}}]}`, false, 0.75,
			[]string{"condition.all[0].any[0].tenure", "condition.all[0].any[1].tenure", "condition.all[1].atLeast.of[0].tenure"}},
		{`{"any":[{"all":[` + t100 + `,` + t400 + `]},{"all":[` + t100 + `,` + t100 + `]}]}`, true, 1, nil},
	} {
		p := badges.Evaluate(mustRule(t, `{"condition":`+tc.cond+`}`), rec, evalCtx())
		if p.Met != tc.met || math.Abs(p.Fraction-tc.fraction) > 1e-12 {
			t.Errorf("%s: met %v, fraction %v; want %v, %v", tc.cond, p.Met, p.Fraction, tc.met, tc.fraction)
		}
		var paths []string
		for _, c := range p.Conditions {
			paths = append(paths, c.Path)
		}
		if tc.paths != nil && !slices.Equal(paths, tc.paths) {
			t.Errorf("%s: paths %q; want %q", tc.cond, paths, tc.paths)
		}
	}
	if p := badges.Evaluate(nil, rec, evalCtx()); p.Met || p.Fraction != 0 || p.Conditions != nil {
		t.Errorf("Evaluate(nil) = %+v", p)
	}
	// Conditions built in code without validation are never met vacuously.
	for _, c := range []badges.Condition{{}, {All: []badges.Condition{}}, {Any: []badges.Condition{}}, {AtLeast: &badges.AtLeastCond{N: 1}}} {
		if p := badges.Evaluate(&badges.Rule{Condition: c}, rec, evalCtx()); p.Met || p.Fraction != 0 {
			t.Errorf("Evaluate(%+v) = %+v", c, p)
		}
	}
}

func TestEvaluateFractionNeverRoundsUp(t *testing.T) {
	// 19 met conditions and one a hair short: the mean rounds to 1, but the
	// rule is not met and must not show as complete.
	rec := record(act("volunteered", daysAgo(1), qty(999999999.999999)))
	parts := slices.Repeat([]string{`{"tenure":{"days":1}}`}, 19)
	parts = append(parts, `{"sum":{"behaviour":"volunteered","min":1000000000}}`)
	p := badges.Evaluate(mustRule(t, `{"condition":{"all":[`+strings.Join(parts, ",")+`]}}`), rec, evalCtx())
	if p.Met || p.Fraction >= 1 || p.Fraction < 0.999999 {
		t.Errorf("met %v, fraction %v", p.Met, p.Fraction)
	}
}

func TestEvaluateNarratives(t *testing.T) {
	for _, tc := range []struct {
		ats  []time.Time
		cond string
		want string
	}{
		{[]time.Time{daysAgo(1)}, `{"count":{"behaviour":"hosted-session","min":1}}`, "Hosted a session once on 19 May 2026."},
		{[]time.Time{daysAgo(1), daysAgo(10)}, `{"count":{"behaviour":"hosted-session","min":2}}`, "Hosted a session twice in May 2026."},
		{[]time.Time{time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC), time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)},
			`{"count":{"behaviour":"hosted-session","min":2,"withinDays":365}}`, "Hosted a session twice between November 2025 and February 2026."},
		{[]time.Time{daysAgo(1), daysAgo(40), daysAgo(41)}, `{"count":{"behaviour":"hosted-session","min":2,"distinct":"days"}}`, "Hosted a session on 3 different days between April and May 2026."},
		{[]time.Time{daysAgo(1), daysAgo(40)}, `{"count":{"behaviour":"hosted-session","min":2,"distinct":"months"}}`, "Hosted a session in 2 different months between April and May 2026."},
		{[]time.Time{daysAgo(1), daysAgo(2)}, `{"sum":{"behaviour":"hosted-session","min":1.5}}`, "Hosted a session (2 in total) in May 2026."},
		{[]time.Time{daysAgo(1), daysAgo(8)}, `{"streak":{"min":2,"unit":"weeks"}}`, "Was active 2 weeks in a row in May 2026."},
	} {
		var acts []badges.Activity
		for _, at := range tc.ats {
			acts = append(acts, act("hosted-session", at))
		}
		p := badges.Evaluate(mustRule(t, `{"condition":`+tc.cond+`}`), record(acts...), evalCtx())
		if got, _ := p.Summary(); got != tc.want {
			t.Errorf("%s: narrative %q; want %q", tc.cond, got, tc.want)
		}
	}
}

func TestSummary(t *testing.T) {
	rec := record(
		act("hosted-session", time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC), evidence("https://e.org/march")),
		act("hosted-session", time.Date(2026, 4, 7, 18, 0, 0, 0, time.UTC), evidence("https://e.org/april")),
		act("hosted-session", time.Date(2026, 5, 5, 18, 0, 0, 0, time.UTC)),
		act("hosted-session", time.Date(2026, 5, 19, 18, 0, 0, 0, time.UTC), evidence("https://e.org/may")),
		act("hosted-session", time.Date(2025, 5, 19, 18, 0, 0, 0, time.UTC), evidence("https://e.org/old")),
		act("mentored-member", daysAgo(3), peer("p1"), evidence("https://e.org/may")),
		act("mentored-member", daysAgo(4), peer("p2"), evidence("https://e.org/pairing")),
		act("posted", daysAgo(1), inCohort("spring-2026")),
	)
	rec.AddEndorsement(badges.Endorsement{From: "a", At: daysAgo(1)})
	rec.AddEndorsement(badges.Endorsement{From: "b", At: daysAgo(2)})
	r := mustRule(t, `{"condition":{"all":[
		{"count":{"behaviour":"hosted-session","min":4,"withinDays":90}},
		{"holds":{"achievement":"host"}},
		{"endorsements":{"min":2}},
		{"peers":{"behaviour":"mentored-member","min":2}},
		{"any":[{"tenure":{"days":5000}},{"cohort":{"name":"spring-2026"}}]}
	]}}`)
	ec := evalCtx()
	ec.Holds = func(id string) bool { return id == "host" }
	p := badges.Evaluate(r, rec, ec)
	if !p.Met || p.Fraction != 1 {
		t.Fatalf("met %v, fraction %v", p.Met, p.Fraction)
	}
	c := p.Conditions[0]
	if c.Description != "Hosted a session: 4 of 4 in the last 90 days" || !slices.Equal(c.Links, []string{"https://e.org/may", "https://e.org/april", "https://e.org/march"}) ||
		!c.From.Equal(time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)) || !c.To.Equal(time.Date(2026, 5, 19, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("count progress %+v", c)
	}
	narrative, links := p.Summary()
	want := "Hosted a session 4 times between March and May 2026. Holds the Community Host badge. Endorsed by 2 members. " +
		"Mentored 2 different members in May 2026. Member of the spring-2026 cohort."
	if narrative != want {
		t.Errorf("Summary narrative\n %q\nwant\n %q", narrative, want)
	}
	if want := []string{"https://e.org/may", "https://e.org/april", "https://e.org/march", "https://e.org/pairing"}; !slices.Equal(links, want) {
		t.Errorf("Summary links %q; want %q", links, want)
	}
	if strings.Contains(narrative, "5000") {
		t.Error("an unmet condition is in the narrative")
	}
}

func TestEvaluateLinks(t *testing.T) {
	var acts []badges.Activity
	for i := range 8 {
		acts = append(acts, act("posted", daysAgo(float64(i)), evidence(fmt.Sprintf("https://e.org/%d", i))))
	}
	acts = append(acts, act("posted", daysAgo(0.5), evidence("https://e.org/0"))) // a repeat
	acts = append(acts, act("posted", now.Add(time.Minute), evidence("https://e.org/future")))
	p := badges.Evaluate(mustRule(t, `{"condition":{"count":{"behaviour":"posted","min":1}}}`), record(acts...), evalCtx())
	if got := p.Conditions[0].Links; !slices.Equal(got, []string{"https://e.org/0", "https://e.org/1", "https://e.org/2", "https://e.org/3", "https://e.org/4"}) {
		t.Errorf("links %q", got)
	}
}
