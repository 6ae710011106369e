package badges_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// progressOf evaluates a rule for the "host" badge as Awarder.Progress
// reports it.
func progressOf(t *testing.T, cond string, rec *badges.MemberRecord, held bool) badges.AchievementProgress {
	t.Helper()
	p := badges.Evaluate(mustRule(t, `{"condition":`+cond+`}`), rec, evalCtx())
	return badges.AchievementProgress{Achievement: &badges.Achievement{ID: "host", Name: "Session Host"}, Held: held, Progress: p}
}

// TestProgressSentence: every rule shape says, in words, what is done and
// what is next; the weekly e-mail's line names the next step and the badge.
func TestProgressSentence(t *testing.T) {
	two := record(act("hosted-session", daysAgo(1)), act("hosted-session", daysAgo(10)))
	endorsed := record()
	endorsed.AddEndorsement(badges.Endorsement{From: "a", At: daysAgo(1)})
	for _, tc := range []struct {
		name, cond     string
		rec            *badges.MemberRecord
		sentence, line string
	}{
		{"count", `{"count":{"behaviour":"hosted-session","min":3,"withinDays":90}}`, two,
			"Hosted a session: 2 of 3 in the last 90 days. Next: hosted a session once more in the last 90 days.",
			"Hosted a session once more in the last 90 days for the Session Host badge."},
		{"count, several to go", `{"count":{"behaviour":"hosted-session","min":5}}`, two,
			"Hosted a session: 2 of 5. Next: hosted a session 3 more times.",
			"Hosted a session 3 more times for the Session Host badge."},
		{"count, distinct", `{"count":{"behaviour":"hosted-session","min":4,"distinct":"weeks"}}`, two,
			"Hosted a session: 2 of 4 different weeks. Next: hosted a session in 2 more different weeks.",
			"Hosted a session in 2 more different weeks for the Session Host badge."},
		{"sum", `{"sum":{"behaviour":"hosted-session","min":3.5}}`, two,
			"Hosted a session: 2 of 3.5 in total. Next: hosted a session: 1.5 more in total.",
			"Hosted a session: 1.5 more in total for the Session Host badge."},
		{"peers", `{"peers":{"behaviour":"mentored-member","min":3,"withinDays":30}}`, record(act("mentored-member", daysAgo(2), peer("p1"))),
			"Mentored a member: 1 of 3 different members in the last 30 days. Next: mentored 2 more different members in the last 30 days.",
			"Mentored 2 more different members in the last 30 days for the Session Host badge."},
		{"streak", `{"streak":{"behaviour":"hosted-session","min":4,"unit":"weeks"}}`, two,
			"Hosted a session: 1 of 4 weeks in a row. Next: hosted a session 4 weeks in a row (your best so far is 1).",
			"Hosted a session 4 weeks in a row (your best so far is 1) for the Session Host badge."},
		{"holds", `{"holds":{"achievement":"mentor"}}`, record(),
			"Holds the Mentor badge: no. Next: earn the Mentor badge.",
			"Earn the Mentor badge for the Session Host badge."},
		{"endorsements", `{"endorsements":{"min":3}}`, endorsed,
			"Endorsements: 1 of 3 from different members. Next: be endorsed by 2 more members.",
			"Be endorsed by 2 more members for the Session Host badge."},
		{"endorsements from holders", `{"endorsements":{"min":1,"fromHolders":"mentor"}}`, endorsed,
			"Endorsements: 0 of 1 from holders of the Mentor badge. Next: be endorsed by 1 more holder of the Mentor badge.",
			"Be endorsed by 1 more holder of the Mentor badge for the Session Host badge."},
		{"cohort", `{"cohort":{"name":"spring-2026"}}`, record(),
			"Member of cohort spring-2026: no. Next: join the spring-2026 cohort.",
			"Join the spring-2026 cohort for the Session Host badge."},
		{"tenure", `{"tenure":{"days":180}}`, badges.NewMemberRecord("m", daysAgo(179)),
			"Membership: 179 of 180 days. Next: stay a member 1 more day.",
			"Stay a member 1 more day for the Session Host badge."},
		{"all", `{"all":[{"count":{"behaviour":"hosted-session","min":3}},{"tenure":{"days":180}}]}`, two,
			"Hosted a session: 2 of 3; Membership: 1000 of 180 days. Next: hosted a session once more.",
			"Hosted a session once more for the Session Host badge."},
		{"any", `{"any":[{"count":{"behaviour":"hosted-session","min":3}},{"holds":{"achievement":"mentor"}}]}`, two,
			"Hosted a session: 2 of 3; Holds the Mentor badge: no. Next: hosted a session once more or earn the Mentor badge.",
			"Hosted a session once more or earn the Mentor badge for the Session Host badge."},
		{"atLeast", `{"atLeast":{"n":2,"of":[{"count":{"behaviour":"hosted-session","min":3}},{"holds":{"achievement":"mentor"}},{"cohort":{"name":"spring-2026"}}]}}`, two,
			"Hosted a session: 2 of 3; Holds the Mentor badge: no; Member of cohort spring-2026: no. Next: any 2 of: hosted a session once more, earn the Mentor badge or join the spring-2026 cohort.",
			"Any 2 of: hosted a session once more, earn the Mentor badge or join the spring-2026 cohort for the Session Host badge."},
		{"met", `{"count":{"behaviour":"hosted-session","min":2}}`, two,
			"You have done everything the Session Host badge asks; it is on its way.", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := progressOf(t, tc.cond, tc.rec, false)
			if got := p.Sentence(); got != tc.sentence {
				t.Errorf("sentence\n %q\nwant\n %q", got, tc.sentence)
			}
			if got := p.NudgeLine(); got != tc.line {
				t.Errorf("line\n %q\nwant\n %q", got, tc.line)
			}
		})
	}
}

// TestProgressSentence_Held: a badge held says so and has no next step.
func TestProgressSentence_Held(t *testing.T) {
	p := progressOf(t, `{"count":{"behaviour":"hosted-session","min":3}}`, record(), true)
	if got, want := p.Sentence(), "You hold the Session Host badge."; got != want {
		t.Errorf("sentence %q; want %q", got, want)
	}
	if p.Next() != "" || p.NudgeLine() != "" {
		t.Errorf("next %q, line %q; want none for a badge held", p.Next(), p.NudgeLine())
	}
}

// TestNudgeLines: the weekly e-mail names at most three badges, those not
// held and not met, in the order given (closest first).
func TestNudgeLines(t *testing.T) {
	two := record(act("hosted-session", daysAgo(1)), act("hosted-session", daysAgo(10)))
	var ps []badges.AchievementProgress
	ps = append(ps, progressOf(t, `{"count":{"behaviour":"hosted-session","min":2}}`, two, false)) // met: on its way
	for _, min := range []string{"3", "4", "5", "6"} {
		ps = append(ps, progressOf(t, `{"count":{"behaviour":"hosted-session","min":`+min+`}}`, two, false))
	}
	ps = append(ps, progressOf(t, `{"count":{"behaviour":"hosted-session","min":9}}`, two, true))
	lines := badges.NudgeLines(ps)
	want := []string{"Hosted a session once more for the Session Host badge.", "Hosted a session twice more for the Session Host badge.",
		"Hosted a session 3 more times for the Session Host badge."}
	if len(lines) != len(want) {
		t.Fatalf("lines %q; want %q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d %q; want %q", i, lines[i], want[i])
		}
	}
	if got := badges.NudgeLines(ps[:1]); len(got) != 0 {
		t.Errorf("lines of a met badge only: %q; want none", got)
	}
}
