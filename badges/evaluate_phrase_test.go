package badges_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestEvaluatePeersNarrative: a peers narrative reads as English for
// every default behaviour and for a community's own: the object a name
// ends in gives way to the count, and a verb takes its preposition.
func TestEvaluatePeersNarrative(t *testing.T) {
	want := map[string]string{
		"attended-session": "Attended a session with 2 different members", "hosted-session": "Hosted a session for 2 different members",
		"posted": "Posted with 2 different members", "replied": "Replied to 2 different members",
		"shared-resource": "Shared a resource with 2 different members", "gave-feedback": "Gave feedback to 2 different members",
		"mentored-member": "Mentored 2 different members", "led-project": "Led a project with 2 different members",
		"volunteered": "Volunteered with 2 different members", "completed-onboarding": "Completed onboarding with 2 different members",
		badges.BehaviourEndorsement: "Endorsed 2 different peers",
		"helped":                    "Helped 2 different members", "coached-newcomer": "Coached 2 different newcomers",
		"ran-clinic": "Ran a clinic for 2 different members", "welcomed-someone": "Welcomed 2 different members",
	}
	behaviours := badges.DefaultBehaviours()
	behaviours = append(behaviours, badges.Behaviour{Key: "helped", Name: "Helped"}, badges.Behaviour{Key: "coached-newcomer", Name: "Coached a newcomer"},
		badges.Behaviour{Key: "ran-clinic", Name: "Ran a clinic"}, badges.Behaviour{Key: "welcomed-someone", Name: "Welcomed someone"})
	for _, b := range behaviours {
		rec := record(act(b.Key, daysAgo(3), peer("p1")), act(b.Key, daysAgo(4), peer("p2")))
		ec := evalCtx()
		ec.BehaviourName = func(string) string { return b.Name }
		p := badges.Evaluate(mustRule(t, `{"condition":{"peers":{"behaviour":"`+b.Key+`","min":2}}}`), rec, ec)
		if got := p.Conditions[0].Narrative; got != want[b.Key]+" in May 2026." {
			t.Errorf("%s: %q; want %q", b.Key, got, want[b.Key]+" in May 2026.")
		}
	}
}
