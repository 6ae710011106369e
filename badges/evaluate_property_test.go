package badges_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// Properties of evaluation over random rules and records, and its cost.

// randomCondition builds a random valid condition. With windows false it
// has no withinDays; depth limits nesting.
func randomCondition(rng *rand.Rand, windows bool, depth int) badges.Condition {
	behaviours := []string{"posted", "replied", "hosted-session"}
	b := behaviours[rng.IntN(len(behaviours))]
	win := func(max int) int {
		if !windows || rng.IntN(3) == 0 {
			return 0
		}
		return 1 + rng.IntN(max)
	}
	kids := func() []badges.Condition {
		out := make([]badges.Condition, 1+rng.IntN(3))
		for i := range out {
			out[i] = randomCondition(rng, windows, depth+1)
		}
		return out
	}
	k := rng.IntN(12)
	if depth >= 3 && k < 3 {
		k += 3
	}
	switch k {
	case 0:
		return badges.Condition{All: kids()}
	case 1:
		return badges.Condition{Any: kids()}
	case 2:
		of := kids()
		return badges.Condition{AtLeast: &badges.AtLeastCond{N: 1 + rng.IntN(len(of)), Of: of}}
	case 3, 4:
		return badges.Condition{Count: &badges.CountCond{Behaviour: b, Min: 1 + rng.IntN(8), WithinDays: win(200),
			Distinct: []string{"", "days", "weeks", "months"}[rng.IntN(4)]}}
	case 5:
		return badges.Condition{Sum: &badges.SumCond{Behaviour: b, Min: 0.5 + float64(rng.IntN(20))/2, WithinDays: win(200)}}
	case 6:
		c := &badges.StreakCond{Min: 2 + rng.IntN(4), Unit: []string{"weeks", "months"}[rng.IntN(2)]}
		if rng.IntN(2) == 0 {
			c.Behaviour = b
		}
		return badges.Condition{Streak: c}
	case 7:
		return badges.Condition{Peers: &badges.PeersCond{Behaviour: b, Min: 1 + rng.IntN(5), WithinDays: win(200)}}
	case 8:
		return badges.Condition{Holds: &badges.HoldsCond{Achievement: []string{"a", "b"}[rng.IntN(2)]}}
	case 9:
		return badges.Condition{Endorsements: &badges.EndorsementsCond{Min: 1 + rng.IntN(3), FromHolders: []string{"", "a"}[rng.IntN(2)]}}
	case 10:
		return badges.Condition{Cohort: &badges.CohortCond{Name: []string{"c1", "c2"}[rng.IntN(2)]}}
	}
	return badges.Condition{Tenure: &badges.TenureCond{Days: 1 + rng.IntN(400)}}
}

func randomActivity(rng *rand.Rand, i int, future bool) badges.Activity {
	a := act([]string{"posted", "replied", "hosted-session"}[rng.IntN(3)], daysAgo(rng.Float64()*300), qty(float64(rng.IntN(4))/2))
	a.ID = fmt.Sprintf("a%d", i)
	if future && rng.IntN(8) == 0 {
		a.At = now.Add(time.Duration(rng.IntN(10)) * time.Minute)
	}
	if rng.IntN(2) == 0 {
		a.PeerID = fmt.Sprintf("p%d", rng.IntN(6))
	}
	if rng.IntN(3) == 0 {
		a.EvidenceURL = fmt.Sprintf("https://e.org/%d", i)
	}
	if rng.IntN(10) == 0 {
		a.Cohort = "c1"
	}
	return a
}

// TestEvaluateMonotone checks, over random rules and random activity
// streams, that recording an activity at or before Now never lowers a
// leaf's Current or the overall Fraction, and never unmeets a rule.
func TestEvaluateMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 5))
	cases, evaluations, becameMet, grew := 4000, 0, 0, 0
	if testing.Short() {
		cases = 500
	}
	for n := range cases {
		windows := n%2 == 1
		r := &badges.Rule{Condition: randomCondition(rng, windows, 1)}
		if err := r.Validate(); err != nil {
			t.Fatalf("random rule is invalid: %v", err)
		}
		rec := badges.NewMemberRecord("m", daysAgo(float64(rng.IntN(300))))
		rec.AddEndorsement(badges.Endorsement{From: "e1", At: daysAgo(3)})
		if rng.IntN(2) == 0 {
			rec.AddEndorsement(badges.Endorsement{From: "e2", At: daysAgo(30)})
		}
		ec := evalCtx()
		ec.Holds = func(id string) bool { return id == "a" }
		ec.EndorserHolds = func(m, id string) bool { return m == "e2" }
		prev := badges.Evaluate(r, rec, ec)
		for i := range 40 {
			a := randomActivity(rng, i, !windows)
			if rng.IntN(15) == 0 && i > 0 {
				a.ID = fmt.Sprintf("a%d", rng.IntN(i)) // a replay, ignored
			}
			rec.Add(a)
			p := badges.Evaluate(r, rec, ec)
			evaluations++
			if p.Fraction < prev.Fraction || prev.Met && !p.Met || len(p.Conditions) != len(prev.Conditions) {
				t.Fatalf("case %d, add %d (%+v): fraction %v → %v, met %v → %v\nrule %s",
					n, i, a, prev.Fraction, p.Fraction, prev.Met, p.Met, ruleJSON(r))
			}
			if p.Met && !prev.Met {
				becameMet++
			}
			if p.Fraction > prev.Fraction {
				grew++
			}
			for j, c := range p.Conditions {
				if c.Current < prev.Conditions[j].Current {
					t.Fatalf("case %d, add %d (%+v): %s current %v → %v\nrule %s",
						n, i, a, c.Path, prev.Conditions[j].Current, c.Current, ruleJSON(r))
				}
				if c.Met != (c.Current >= c.Required) && c.Kind != "sum" || (p.Fraction == 1) != p.Met {
					t.Fatalf("case %d: inconsistent %+v", n, c)
				}
			}
			prev = p
		}
	}
	t.Logf("%d rules, %d evaluations; fraction grew %d times, %d rules became met", cases, evaluations, grew, becameMet)
	if grew < evaluations/25 || becameMet < cases/4 {
		t.Errorf("the random cases exercise too little")
	}
}

func ruleJSON(r *badges.Rule) string {
	b, _ := r.MarshalJSON()
	return string(b)
}

// benchRecord has 2000 events over five years for each of five behaviours:
// 400 recent events each.
func benchRecord() *badges.MemberRecord {
	rec := badges.NewMemberRecord("m", daysAgo(2000))
	rng := rand.New(rand.NewPCG(7, 7))
	for _, b := range []string{"posted", "replied", "hosted-session", "mentored-member", "attended-session"} {
		for i := range 2000 {
			a := act(b, daysAgo(float64(i)*0.9), qty(float64(rng.IntN(3))), peer(fmt.Sprintf("p%d", rng.IntN(300))))
			if i%4 == 0 {
				a.EvidenceURL = fmt.Sprintf("https://e.org/%s/%d", b, i)
			}
			rec.Add(a)
		}
	}
	return rec
}

func BenchmarkEvaluate(b *testing.B) {
	rec := benchRecord()
	for _, br := range rec.Behaviours {
		if len(br.Recent) != badges.MaxRecentEvents {
			b.Fatalf("%d recent events", len(br.Recent))
		}
	}
	r := mustRule(b, `{"condition":{"all":[
		{"count":{"behaviour":"hosted-session","min":40,"withinDays":90}},
		{"count":{"behaviour":"attended-session","min":10,"withinDays":180,"distinct":"weeks"}},
		{"sum":{"behaviour":"posted","min":50,"withinDays":365}},
		{"streak":{"behaviour":"replied","min":8,"unit":"weeks"}},
		{"peers":{"behaviour":"mentored-member","min":20,"withinDays":180}}
	]}}`)
	ec := evalCtx()
	if p := badges.Evaluate(r, rec, ec); !p.Met || len(p.Conditions) != 5 {
		b.Fatalf("bench rule not met: %+v", p)
	}
	b.ReportAllocs()
	for b.Loop() {
		badges.Evaluate(r, rec, ec)
	}
}

func BenchmarkEvaluateAnyStreak(b *testing.B) {
	rec := benchRecord()
	r := mustRule(b, `{"condition":{"streak":{"min":52,"unit":"weeks"}}}`)
	ec := evalCtx()
	b.ReportAllocs()
	for b.Loop() {
		badges.Evaluate(r, rec, ec)
	}
}
