package api

import (
	"context"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/badges"
)

// pathwayStep is a badge on an achievement's pathway, linking to its page.
type pathwayStep struct {
	Name, URL, ImageURL, Level string
}

// pathway is where an achievement sits among its community's badges: the
// badges a member must hold first (the "holds" conditions of its rule) and
// those that ask for it in turn. Only active badges appear: a draft is not
// public yet and an archived one is no longer offered.
type pathway struct {
	Current  pathwayStep
	Requires []pathwayStep
	LeadsTo  []pathwayStep
}

// Shown reports whether the pathway has anything besides the badge itself.
func (p pathway) Shown() bool { return len(p.Requires) > 0 || len(p.LeadsTo) > 0 }

// Summary is the pathway in one sentence, the text equivalent of the
// picture for those who do not see it.
func (p pathway) Summary() string {
	var b strings.Builder
	if len(p.Requires) > 0 {
		b.WriteString("To earn " + p.Current.Name + ", a member first holds " + stepNames(p.Requires) + ". ")
	}
	if len(p.LeadsTo) > 0 {
		b.WriteString(p.Current.Name + " leads to " + stepNames(p.LeadsTo) + ".")
	}
	return strings.TrimSpace(b.String())
}

// stepNames lists names in words: "A", "A and B", "A, B and C".
func stepNames(steps []pathwayStep) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Name
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// achievementPathway reads the community's rules once and places a on its
// pathway.
func (s *Server) achievementPathway(ctx context.Context, a *badges.Achievement) (pathway, error) {
	p := pathway{Current: s.pathwayStep(a)}
	rules, err := s.svc.Catalogue.RulesOf(ctx, a.IssuerID)
	if err != nil {
		return p, err
	}
	active, err := s.issuerAchievements(ctx, a.IssuerID)
	if err != nil {
		return p, err
	}
	requires := rules[a.ID].Dependencies().Achievements // nil rule: none
	for _, b := range active {
		switch {
		case b.ID == a.ID:
		case slices.Contains(requires, b.ID):
			p.Requires = append(p.Requires, s.pathwayStep(b))
		case slices.Contains(rules[b.ID].Dependencies().Achievements, a.ID):
			p.LeadsTo = append(p.LeadsTo, s.pathwayStep(b))
		}
	}
	byLevel := func(x, y pathwayStep) int {
		if c := levelOrder(x.Level, y.Level); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	}
	slices.SortFunc(p.Requires, byLevel)
	slices.SortFunc(p.LeadsTo, byLevel)
	return p, nil
}

func (s *Server) pathwayStep(a *badges.Achievement) pathwayStep {
	return pathwayStep{Name: a.Name, URL: s.urls.Achievement(a.ID), ImageURL: s.urls.Image(a.Image), Level: a.Level}
}
