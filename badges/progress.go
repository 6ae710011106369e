package badges

import (
	"cmp"
	"context"
	"slices"
)

// AchievementProgress is how a member stands against one achievement's
// rule.
type AchievementProgress struct {
	Achievement *Achievement
	Held        bool
	Progress    Progress
	// Behaviours are the behaviours the rule counts, with their names.
	Behaviours []Behaviour
}

// Progress evaluates every active achievement with a rule for a member,
// for nudging them towards the next badge: closest first, held last.
func (a *Awarder) Progress(ctx context.Context, memberID string) ([]AchievementProgress, error) {
	m, err := a.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	rec, err := a.Records.Record(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		rec = NewMemberRecord(memberID, m.CreatedAt)
	}
	rs, err := a.Catalogue.ruleSet(ctx, m.IssuerID)
	if err != nil {
		return nil, err
	}
	held, err := a.Holdings(ctx, memberID)
	if err != nil {
		return nil, err
	}
	ec := newEvalContext(ctx, a.now(), func(id string) bool { return held[id] }, a.Holdings, rs.names)
	var out []AchievementProgress
	for _, achID := range rs.ids {
		ach := rs.achievements[achID]
		if !held[achID] && rs.rules[achID].OutsideCohort(rec) {
			continue // a cohort badge of a cohort the member is not in
		}
		out = append(out, AchievementProgress{Achievement: ach, Held: held[achID], Progress: Evaluate(rs.rules[achID], rec, ec),
			Behaviours: rs.behaviours(rs.deps[achID].Behaviours)})
	}
	held01 := func(p AchievementProgress) int {
		if p.Held {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(x, y AchievementProgress) int {
		return cmp.Or(cmp.Compare(held01(x), held01(y)), cmp.Compare(y.Progress.Fraction, x.Progress.Fraction),
			cmp.Compare(x.Achievement.Name, y.Achievement.Name))
	})
	return out, nil
}
