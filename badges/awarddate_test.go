package badges_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestQualifiedAt: an award by rule is dated when the member met the
// rule: the earliest moment of their record in the rule's period at which
// it is met, never before the activity that made it true.
func TestQualifiedAt(t *testing.T) {
	daily := func(behaviour string, n int, newest float64) []badges.Activity {
		var out []badges.Activity
		for i := range n {
			out = append(out, act(behaviour, daysAgo(newest+float64(i))))
		}
		return out
	}
	pathway := record(act("hosted-session", daysAgo(20)))
	badges.NoteAwardedOn(pathway, "host", "", daysAgo(5))
	for _, tc := range []struct {
		name string
		rule string
		rec  *badges.MemberRecord
		want time.Time
	}{
		{"the third of four", `{"count":{"behaviour":"hosted-session","min":3}}`,
			record(act("hosted-session", daysAgo(30)), act("hosted-session", daysAgo(20)), act("hosted-session", daysAgo(10)), act("hosted-session", daysAgo(5))), daysAgo(10)},
		{"in the rule's period", `{"count":{"behaviour":"hosted-session","min":1}},"period":"month"`,
			record(act("hosted-session", daysAgo(40)), act("hosted-session", daysAgo(2)), act("hosted-session", daysAgo(1))), daysAgo(2)},
		{"a window met long ago", `{"count":{"behaviour":"hosted-session","min":2,"withinDays":7}}`,
			record(act("hosted-session", daysAgo(40)), act("hosted-session", daysAgo(39)), act("hosted-session", daysAgo(3)), act("hosted-session", daysAgo(2))), daysAgo(39)},
		{"a tenure anniversary", `{"tenure":{"days":30}}`, record(), daysAgo(1000 - 30)},
		{"not before the prerequisite", `{"all":[{"holds":{"achievement":"host"}},{"count":{"behaviour":"hosted-session","min":1}}]}`, pathway, daysAgo(5)},
		{"many moments", `{"count":{"behaviour":"posted","min":50}}`, record(daily("posted", 100, 1)...), daysAgo(51)},
		{"many moments in a window", `{"count":{"behaviour":"posted","min":5,"withinDays":10}}`, record(daily("posted", 100, 1)...), daysAgo(96)},
		{"nothing in the period", `{"tenure":{"days":1}},"period":"week"`, record(), now},
		{"not past the record's bounds", `{"count":{"behaviour":"posted","min":10}}`, record(daily("posted", 500, 1)...), daysAgo(400)},
		{"not a future event", `{"count":{"behaviour":"posted","min":1}}`, record(act("posted", now.Add(time.Minute)), act("posted", daysAgo(3))), daysAgo(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRule(t, `{"condition":`+tc.rule+`}`)
			ec := evalCtx()
			ec.Holds = func(id string) bool { return id == "host" }
			if !badges.Evaluate(r, tc.rec, ec).Met {
				t.Fatal("the rule is not met now")
			}
			if got := badges.QualifiedAt(r, tc.rec, ec); !got.Equal(tc.want) {
				t.Errorf("qualified at %s; want %s", got.Format(time.RFC3339), tc.want.Format(time.RFC3339))
			}
		})
	}
}

// BenchmarkQualifiedAt dates an award whose rule reads every behaviour of
// a full record (a streak of any behaviour: 2,000 moments), the costliest
// case; it runs only for rules that are met and not yet awarded.
func BenchmarkQualifiedAt(b *testing.B) {
	rec := benchRecord()
	ec := evalCtx()
	for _, rule := range []string{`{"condition":{"streak":{"min":52,"unit":"weeks"}}}`,
		`{"condition":{"all":[{"count":{"behaviour":"hosted-session","min":40,"withinDays":90}},{"peers":{"behaviour":"mentored-member","min":20,"withinDays":180}}]}}`} {
		r := mustRule(b, rule)
		b.Run(string(r.Condition.Kind()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				badges.QualifiedAt(r, rec, ec)
			}
		})
	}
}

// BenchmarkEvaluateAndDate is the CPU a re-evaluation spends on a member
// who newly meets a rule: evaluating it and dating the award, over a
// record of four months of typical activity (60 events, three
// behaviours). The bar is 2,000 members/s for the whole re-evaluation.
func BenchmarkEvaluateAndDate(b *testing.B) {
	var acts []badges.Activity
	for i := range 60 {
		acts = append(acts, act([]string{"attended-session", "posted", "hosted-session"}[i%3], daysAgo(float64(i)*2), peer("p")))
	}
	rec := record(acts...)
	r := mustRule(b, `{"condition":{"all":[{"count":{"behaviour":"attended-session","min":5,"withinDays":90}},{"streak":{"min":4,"unit":"weeks"}}]}}`)
	ec := evalCtx()
	b.ReportAllocs()
	for b.Loop() {
		if badges.Evaluate(r, rec, ec).Met {
			badges.QualifiedAt(r, rec, ec)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "members/s")
}
