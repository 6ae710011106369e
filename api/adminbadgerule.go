package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// A badge's page says its rule in words, as a sentence or a short list
// of them, with the names of the behaviours, badges and cohorts it names
// (never their keys or ids): "Hosted a session at least 4 times in the
// last 90 days." The rule itself is edited by the rule builder.

// ruleLine is one condition of a rule in words, with the conditions it
// combines.
type ruleLine struct {
	Text   string
	Parts  []ruleLine
	Period string // how often a repeatable badge may be earned, on the top line only
}

// ruleNames give the names a rule's sentence uses.
type ruleNames struct {
	behaviour func(key string) string
	badge     func(id string) string
}

// namesOf gives a rule's words the names of the community's behaviours
// (by key; a behaviour without one is named by its key) and of badges
// (by id, "" for one not of the community).
func namesOf(behaviours []badges.Behaviour, badge func(id string) string) ruleNames {
	byKey := map[string]string{}
	for _, b := range behaviours {
		byKey[b.Key] = b.Name
	}
	if badge == nil {
		badge = func(string) string { return "" } // no badge is the community's
	}
	return ruleNames{badge: badge, behaviour: func(key string) string {
		if name := byKey[key]; name != "" {
			return name
		}
		return key
	}}
}

// ruleSummary is a badge's rule in words, or nil when it has none.
func (s *Server) ruleSummary(ctx context.Context, a *badges.Achievement) (*ruleLine, error) {
	r, err := s.badgeRule(ctx, a.ID)
	if err != nil || r == nil {
		return nil, err
	}
	catalogue, err := s.svc.Catalogue.Behaviours(ctx, a.IssuerID)
	if err != nil {
		return nil, err
	}
	n := namesOf(catalogue, func(id string) string {
		other, err := s.svc.Achievements.Achievement(ctx, id)
		if err != nil || other.IssuerID != a.IssuerID {
			return ""
		}
		return other.Name
	})
	line := n.describe(r.Condition)
	if r.Period != "" && a.Repeatable {
		line.Period = "It can be earned again every " + r.Period + "."
	}
	return &line, nil
}

// describe words one condition, and those it combines.
func (n ruleNames) describe(c badges.Condition) ruleLine {
	switch c.Kind() {
	case badges.KindAll:
		return n.group("All of these:", c.All)
	case badges.KindAny:
		return n.group("Any one of these:", c.Any)
	case badges.KindAtLeast:
		return n.group(fmt.Sprintf("At least %d of these:", c.AtLeast.N), c.AtLeast.Of)
	}
	return ruleLine{Text: n.leaf(c) + "."}
}

func (n ruleNames) group(text string, kids []badges.Condition) ruleLine {
	l := ruleLine{Text: text}
	for _, k := range kids {
		l.Parts = append(l.Parts, n.describe(k))
	}
	return l
}

// leaf words a condition that combines none.
func (n ruleNames) leaf(c badges.Condition) string {
	switch {
	case c.Count != nil && c.Count.Distinct != "":
		prep := "in"
		if c.Count.Distinct == "days" {
			prep = "on"
		}
		return fmt.Sprintf("%s %s at least %s%s", n.behaviour(c.Count.Behaviour), prep,
			countOf(c.Count.Min, "different "+strings.TrimSuffix(c.Count.Distinct, "s"), "different "+c.Count.Distinct), within(c.Count.WithinDays))
	case c.Count != nil:
		return fmt.Sprintf("%s at least %s%s", n.behaviour(c.Count.Behaviour), countOf(c.Count.Min, "time", "times"), within(c.Count.WithinDays))
	case c.Sum != nil:
		return fmt.Sprintf("%s: at least %s in total%s", n.behaviour(c.Sum.Behaviour), strconv.FormatFloat(c.Sum.Min, 'f', -1, 64), within(c.Sum.WithinDays))
	case c.Streak != nil:
		who := "Was active"
		if c.Streak.Behaviour != "" {
			who = n.behaviour(c.Streak.Behaviour)
		}
		return fmt.Sprintf("%s %s in a row", who, countOf(c.Streak.Min, strings.TrimSuffix(c.Streak.Unit, "s"), c.Streak.Unit))
	case c.Peers != nil:
		return fmt.Sprintf("%s, with at least %s%s", n.behaviour(c.Peers.Behaviour), countOf(c.Peers.Min, "different member", "different members"), within(c.Peers.WithinDays))
	case c.Holds != nil:
		return "Holds " + badges.BadgePhrase(n.badge(c.Holds.Achievement))
	case c.Endorsements != nil && c.Endorsements.FromHolders != "":
		return fmt.Sprintf("Endorsed by at least %s", countOf(c.Endorsements.Min, "holder of ", "holders of ")) + badges.BadgePhrase(n.badge(c.Endorsements.FromHolders))
	case c.Endorsements != nil:
		return "Endorsed by at least " + countOf(c.Endorsements.Min, "different member", "different members")
	case c.Cohort != nil:
		return "Member of the " + c.Cohort.Name + " cohort"
	case c.Tenure != nil:
		return "A member for at least " + countOf(c.Tenure.Days, "day", "days")
	}
	return "A condition this console cannot describe"
}

// countOf is "1 week" or "4 weeks".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// within is " in the last 90 days", or nothing for all time.
func within(days int) string {
	switch days {
	case 0:
		return ""
	case 1:
		return " in the last day"
	}
	return " in the last " + thousands(days) + " days"
}
