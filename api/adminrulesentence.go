package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// The rule builder says a rule in words beside its form, so that a
// manager reads what they built: "Hosted a session in 4 consecutive
// weeks". Combinations are a heading over a list of their conditions.

// ruleWords is a condition in words: Text, and for a combination the
// words of each of its conditions.
type ruleWords struct {
	Text string
	Kids []ruleWords
}

// ruleNames gives the display names a rule's words use; a behaviour
// without one is shown by its key, a badge without one is not named.
type ruleNames struct {
	behaviours   map[string]string
	achievements map[string]string
}

func (n ruleNames) behaviour(key string) string {
	if name := n.behaviours[key]; name != "" {
		return name
	}
	return key
}

// badge names a badge in a sentence as narratives do: "the Community
// Host badge".
func (n ruleNames) badge(id string) string { return badges.BadgePhrase(n.achievements[id]) }

// conditionWords says a condition.
func (n ruleNames) conditionWords(c badges.Condition) ruleWords {
	switch c.Kind() {
	case badges.KindAll:
		return ruleWords{Text: "All of these:", Kids: n.wordsOf(c.All)}
	case badges.KindAny:
		return ruleWords{Text: "Any one of these:", Kids: n.wordsOf(c.Any)}
	case badges.KindAtLeast:
		return ruleWords{Text: fmt.Sprintf("At least %d of these:", c.AtLeast.N), Kids: n.wordsOf(c.AtLeast.Of)}
	}
	return ruleWords{Text: n.leafWords(c) + "."}
}

func (n ruleNames) wordsOf(cs []badges.Condition) []ruleWords {
	out := make([]ruleWords, len(cs))
	for i, c := range cs {
		out[i] = n.conditionWords(c)
	}
	return out
}

// leafWords says a condition that combines none, without a full stop.
func (n ruleNames) leafWords(c badges.Condition) string {
	switch c.Kind() {
	case badges.KindCount:
		return n.behaviour(c.Count.Behaviour) + " " + countPhrase(c.Count) + windowPhrase(c.Count.WithinDays)
	case badges.KindSum:
		return fmt.Sprintf("%s, amounts adding up to at least %s%s", n.behaviour(c.Sum.Behaviour),
			strconv.FormatFloat(c.Sum.Min, 'f', -1, 64), windowPhrase(c.Sum.WithinDays))
	case badges.KindStreak:
		who := "Active"
		if c.Streak.Behaviour != "" {
			who = n.behaviour(c.Streak.Behaviour)
		}
		return fmt.Sprintf("%s in %d consecutive %s", who, c.Streak.Min, c.Streak.Unit)
	case badges.KindPeers:
		return badges.PeersPhrase(n.behaviour(c.Peers.Behaviour), c.Peers.Min) + windowPhrase(c.Peers.WithinDays)
	case badges.KindHolds:
		return "Holds " + n.badge(c.Holds.Achievement)
	case badges.KindEndorsements:
		from := rulePlural(c.Endorsements.Min, "member", "different members")
		if c.Endorsements.FromHolders != "" {
			from = rulePlural(c.Endorsements.Min, "holder", "different holders") + " of " + n.badge(c.Endorsements.FromHolders)
		}
		return "Endorsed by at least " + from
	case badges.KindCohort:
		return "Is in the " + c.Cohort.Name + " cohort"
	case badges.KindTenure:
		return "Has been a member for at least " + rulePlural(c.Tenure.Days, "day", "days")
	}
	return "Nothing"
}

// countPhrase says how often: "at least 4 times", "on at least 4
// different days".
func countPhrase(c *badges.CountCond) string {
	switch c.Distinct {
	case "days", "weeks", "months":
		one := strings.TrimSuffix(c.Distinct, "s")
		return "in at least " + rulePlural(c.Min, one, "different "+c.Distinct)
	}
	if c.Min == 1 {
		return "at least once"
	}
	return fmt.Sprintf("at least %s times", thousands(c.Min))
}

// windowPhrase says a condition's window: " in the last 90 days".
func windowPhrase(days int) string {
	if days == 0 {
		return ""
	}
	return " in the last " + rulePlural(days, "day", "days")
}

func rulePlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// periodWords says how often a badge can be earned under its rule.
func periodWords(period string) string {
	if period == "" {
		return "Earned once, when the condition is first met."
	}
	return "Can be earned again each " + period + " the condition is met."
}
