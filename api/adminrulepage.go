package api

import (
	"fmt"
	"math"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// rulePage is the rule builder: the badge, its pickers' choices, the
// form as built, and what is beside it (words, JSON, preview).
type rulePage struct {
	adminPage
	Badge       *badges.Achievement
	HasRule     bool   // the badge has a rule stored
	Action      string // the builder's path
	Form        formState
	Tree        *ruleForm
	Valid       bool   // the form is a rule the parser accepts
	JSON        string // pretty JSON of what would be saved
	JSONText    string // the "Edit as JSON" text
	Words       *ruleLine
	PeriodWords string
	Preview     *rulePreviewView

	behaviours []badges.Behaviour
	badgeList  []*badges.Achievement
	cohorts    []*badges.Cohort
	cohortIDs  map[string]string
	names      ruleNames // badge pages' words for rules (adminbadgerule.go)
}

// rulePageFor reads the badge of the path, in the visitor's community,
// with what the pickers offer and the rule stored (nil: none).
func (s *Server) rulePageFor(c echo.Context) (*rulePage, *badges.Rule, error) {
	ctx := c.Request().Context()
	v := visitOf(c)
	ach, err := s.communityBadge(c)
	if err != nil {
		return nil, nil, err
	}
	p := &rulePage{adminPage: s.adminPageFor(c, v, "Rule of "+ach.Name, "badges"), Badge: ach, cohortIDs: map[string]string{}}
	p.Action = p.Base() + "/badges/" + ach.ID + "/rule"
	if p.behaviours, err = s.svc.Catalogue.Behaviours(ctx, ach.IssuerID); err != nil {
		return nil, nil, err
	}
	if p.cohorts, err = s.svc.Cohorts.List(ctx, ach.IssuerID, nil); err != nil {
		return nil, nil, err
	}
	if p.badgeList, err = s.communityBadges(ctx, ach.IssuerID); err != nil {
		return nil, nil, err
	}
	badgeNames := map[string]string{}
	for _, a := range p.badgeList {
		badgeNames[a.ID] = a.Name
	}
	p.names = namesOf(p.behaviours, func(id string) string { return badgeNames[id] })
	for _, co := range p.cohorts {
		p.cohortIDs[co.Name] = co.ID
	}
	stored, err := s.svc.Catalogue.Rule(ctx, ach.ID)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return p, nil, nil
	}
	p.HasRule = err == nil
	return p, stored, err
}

// periodWords says how often a member can earn the badge under a rule:
// a period counts only for a repeatable badge.
func periodWords(period string, repeatable bool) string {
	if period == "" || !repeatable {
		return "Earned once, when the rule is first met."
	}
	return "Can be earned again every " + period + " the rule is met."
}

// firstBehaviour is what a new condition counts: the first behaviour
// that takes activity.
func (p *rulePage) firstBehaviour() string {
	for _, b := range p.behaviours {
		if !b.Retired {
			return b.Key
		}
	}
	return ""
}

// defaultForm is the form of a badge without a rule: one count.
func (p *rulePage) defaultForm() *ruleForm {
	return &ruleForm{Root: &ruleNode{Path: "c", Depth: 1, Type: badges.KindCount, Behaviour: p.firstBehaviour(), Min: "1"}}
}

// apply changes the tree as an op asks: a condition added to a
// combination, one removed, or one given the fields of its new type.
func (p *rulePage) apply(f *ruleForm, op ruleOp) error {
	n, parent := f.Root.find(op.Place)
	if n == nil {
		return badges.FieldErrorf(op.Place, "There is no such condition in this rule.")
	}
	switch op.Name {
	case "add":
		if !n.CanAdd() {
			return badges.FieldErrorf(op.Place, "No condition can be added here: a combination holds at most %d, nested at most %d deep.", badges.MaxRuleItems, badges.MaxRuleDepth)
		}
		if f.Root.count() >= badges.MaxRuleConditions {
			return badges.FieldErrorf(op.Place, "A rule has at most %d conditions.", badges.MaxRuleConditions)
		}
		n.Kids = append(n.Kids, p.newCondition())
	case "remove":
		if parent == nil {
			return badges.FieldErrorf(op.Place, "The top condition cannot be removed; change its type instead.")
		}
		for i, k := range parent.Kids {
			if k == n {
				parent.Kids = append(parent.Kids[:i], parent.Kids[i+1:]...)
				break
			}
		}
	case "type":
		// All, any and at least keep the conditions they hold (all
		// becomes any, say); a new combination starts with one.
		switch {
		case !n.Combines():
			n.Kids = nil
		case len(n.Kids) == 0 && n.Depth < badges.MaxRuleDepth && f.Root.count() < badges.MaxRuleConditions:
			n.Kids = []*ruleNode{p.newCondition()}
		}
		p.fillDefaults(n)
	}
	f.Root.renumber("c", 1)
	return nil
}

func (p *rulePage) newCondition() *ruleNode {
	return &ruleNode{Type: badges.KindCount, Behaviour: p.firstBehaviour(), Min: "1"}
}

// fillDefaults gives a condition of a new type a value for each field it
// needs that is empty, so that it reads as a rule at once.
func (p *rulePage) fillDefaults(n *ruleNode) {
	set := func(field *string, v string) {
		if *field == "" {
			*field = v
		}
	}
	switch n.Type {
	case badges.KindCount, badges.KindSum, badges.KindPeers:
		set(&n.Behaviour, p.firstBehaviour())
		set(&n.Min, "1")
	case badges.KindStreak:
		if n.Min == "" || n.Min == "1" {
			n.Min = "2" // a streak is two periods or more
		}
		set(&n.Unit, "weeks")
	case badges.KindEndorsements:
		set(&n.Min, "1")
	case badges.KindTenure:
		set(&n.Days, "30")
	case badges.KindAtLeast:
		set(&n.N, "1")
	}
}

// rulePreviewView is the preview as the page shows it: names, never ids.
type rulePreviewView struct {
	Evaluated, WouldAward int
	Truncated             bool
	Qualify               []string // the first names of those it would award
	More                  int      // those it would award besides
	Closest               []closeMember
}

// closeMember is one member close to the rule: how close, and the
// conditions not met yet, as the evaluation describes them ("Hosted a
// session: 2 of 3").
type closeMember struct {
	Name    string
	Percent int
	Missing []string
}

// previewQualifyShown bounds the names of those the rule would award.
const previewQualifyShown = 20

func previewView(out *badges.RulePreview) *rulePreviewView {
	v := &rulePreviewView{Evaluated: out.Evaluated, WouldAward: out.WouldAward, Truncated: out.Truncated}
	for i, m := range out.Qualify {
		if i == previewQualifyShown {
			break
		}
		v.Qualify = append(v.Qualify, m.Member.DisplayName)
	}
	v.More = out.WouldAward - len(v.Qualify)
	for _, m := range out.Closest {
		cm := closeMember{Name: m.Member.DisplayName, Percent: int(math.Floor(m.Progress.Fraction * 100))}
		for _, cp := range m.Progress.Conditions {
			if !cp.Met {
				cm.Missing = append(cm.Missing, cp.Description)
			}
		}
		v.Closest = append(v.Closest, cm)
	}
	return v
}

// handleRuleRemovePage asks before a rule is removed, saying what
// removing it does.
func (s *Server) handleRuleRemovePage(c echo.Context) error {
	p, stored, err := s.rulePageFor(c)
	if err != nil {
		return err
	}
	if stored == nil {
		return s.redirectDone(c, p.Action, p.Badge.Name+" has no rule to remove.")
	}
	p.Title = "Remove the rule of " + p.Badge.Name
	p.show(ruleTree(stored))
	return s.renderAdmin(c, http.StatusOK, "ruleremove", p)
}

// handleRuleRemove removes a badge's rule, as the API's DELETE does.
func (s *Server) handleRuleRemove(c echo.Context) error {
	p, _, err := s.rulePageFor(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.Catalogue.SetRule(c.Request().Context(), p.Badge.ID, nil); err != nil {
		return err
	}
	return s.redirectDone(c, p.Action, fmt.Sprintf("The rule of %s is removed: it is awarded by hand from now on. Badges awarded stay.", p.Badge.Name))
}
