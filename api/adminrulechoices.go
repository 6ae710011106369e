package api

import (
	"github.com/laurel-badges/laurel/badges"
)

// The rule builder's pickers: the options of each select, with the
// rule JSON's own values and labels a manager reads. A value the form
// holds that is not among them (a behaviour since removed, a badge of
// another community typed as JSON) is kept as an option of its own, so
// that the form sends it back and the parser names the problem.

// ruleNodeView is one condition's fieldset as the template draws it.
type ruleNodeView struct {
	Page *rulePage
	Node *ruleNode
}

// View pairs a condition with the page, for the recursive template.
func (p *rulePage) View(n *ruleNode) ruleNodeView { return ruleNodeView{Page: p, Node: n} }

// Field is the form name of one of the condition's fields.
func (v ruleNodeView) Field(key string) string { return v.Node.Path + "." + key }

// IsTop reports whether the condition is the rule's top one.
func (v ruleNodeView) IsTop() bool { return v.Node.Path == "c" }

// Error is the message on the condition's fieldset, if any.
func (v ruleNodeView) Error() string { return v.Page.Form.On(v.Node.Path) }

var ruleKinds = []choice{
	{Value: badges.KindCount, Label: "Did something a number of times"},
	{Value: badges.KindStreak, Label: "A streak of weeks or months"},
	{Value: badges.KindPeers, Label: "Did something with different members"},
	{Value: badges.KindSum, Label: "Amounts of something add up"},
	{Value: badges.KindHolds, Label: "Holds another badge"},
	{Value: badges.KindEndorsements, Label: "Was endorsed by members"},
	{Value: badges.KindCohort, Label: "Is in a cohort"},
	{Value: badges.KindTenure, Label: "Has been a member for some time"},
	{Value: badges.KindAll, Label: "All of several conditions"},
	{Value: badges.KindAny, Label: "Any one of several conditions"},
	{Value: badges.KindAtLeast, Label: "At least some of several conditions"},
}

// select marks the option whose value is sel, adding one for sel when
// none has it.
func selectChoice(options []choice, sel string) []choice {
	out := make([]choice, 0, len(options)+1)
	found := false
	for _, o := range options {
		o.Selected = o.Value == sel
		found = found || o.Selected
		out = append(out, o)
	}
	if !found && sel != "" {
		out = append(out, choice{Value: sel, Label: sel + " (not known here)", Selected: true})
	}
	return out
}

// TypeChoices are the condition types.
func (v ruleNodeView) TypeChoices() []choice { return selectChoice(ruleKinds, v.Node.Type) }

// BehaviourChoices are the community's behaviours by name; a streak may
// count any behaviour.
func (v ruleNodeView) BehaviourChoices() []choice {
	first := choice{Value: "", Label: "Choose a behaviour"}
	if v.Node.Type == badges.KindStreak {
		first.Label = "Any behaviour"
	}
	options := []choice{first}
	for _, b := range v.Page.behaviours {
		label := b.Name
		if b.Retired {
			label += " (retired)"
		}
		options = append(options, choice{Value: b.Key, Label: label})
	}
	return selectChoice(options, v.Node.Behaviour)
}

// BadgeChoices are the community's other badges by name, for "holds"
// (first is "Choose a badge") or endorsements' holders (first is any
// member).
func (v ruleNodeView) BadgeChoices(sel, first string) []choice {
	options := []choice{{Value: "", Label: first}}
	for _, a := range v.Page.badgeList {
		if a.ID != v.Page.Badge.ID {
			options = append(options, choice{Value: a.ID, Label: a.Name})
		}
	}
	return selectChoice(options, sel)
}

// CohortChoices are the community's cohorts by name.
func (v ruleNodeView) CohortChoices() []choice {
	options := []choice{{Value: "", Label: "Choose a cohort"}}
	for _, co := range v.Page.cohorts {
		label := co.Name
		if co.Archived {
			label += " (archived)"
		}
		options = append(options, choice{Value: co.Name, Label: label})
	}
	return selectChoice(options, v.Node.Cohort)
}

// DistinctChoices say what a count counts.
func (v ruleNodeView) DistinctChoices() []choice {
	return selectChoice([]choice{{Value: "", Label: "Every time"}, {Value: "days", Label: "Different days"},
		{Value: "weeks", Label: "Different weeks"}, {Value: "months", Label: "Different months"}}, v.Node.Distinct)
}

// UnitChoices are a streak's units.
func (v ruleNodeView) UnitChoices() []choice {
	return selectChoice([]choice{{Value: "weeks", Label: "Weeks"}, {Value: "months", Label: "Months"}}, v.Node.Unit)
}

// PeriodChoices say how often the badge can be earned.
func (p *rulePage) PeriodChoices() []choice {
	return selectChoice([]choice{{Value: "", Label: "Once"}, {Value: "week", Label: "Once a week"},
		{Value: "month", Label: "Once a month"}, {Value: "quarter", Label: "Once a quarter"},
		{Value: "year", Label: "Once a year"}}, p.Tree.Period)
}
