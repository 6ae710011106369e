package badges

import "fmt"

// Conditions on a member's standing rather than their activity: holds,
// endorsements, cohort and tenure.

func (e *evaluator) holds(c *HoldsCond) ConditionProgress {
	held := e.ec.Holds != nil && e.ec.Holds(c.Achievement)
	badge := BadgePhrase(e.achievementName(c.Achievement))
	cp := ConditionProgress{Kind: KindHolds, Current: b2f(held), Required: 1, Met: held,
		Description: fmt.Sprintf("Holds %s: %s", badge, yesNo(held)), Narrative: fmt.Sprintf("Holds %s.", badge)}
	if !held {
		cp.Next = "Earn " + badge
	}
	return cp
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func (e *evaluator) endorsements(c *EndorsementsCond) ConditionProgress {
	counted := map[string]bool{}
	var q qualifying
	for i := range e.rec.Endorsements {
		en := &e.rec.Endorsements[i]
		if en.At.After(e.now) || en.From == "" {
			continue
		}
		ok, seen := counted[en.From]
		if !seen {
			ok = c.FromHolders == "" || e.ec.EndorserHolds != nil && e.ec.EndorserHolds(en.From, c.FromHolders)
			counted[en.From] = ok
		}
		if ok {
			q.add(&Event{At: en.At})
		}
	}
	n := 0
	for _, ok := range counted {
		if ok {
			n++
		}
	}
	capped := len(e.rec.Endorsements) >= MaxRecordEndorsements
	cp := ConditionProgress{Kind: KindEndorsements, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to}
	from, by := "from different members", plural(n, "member", "members")
	if c.FromHolders != "" {
		badge := BadgePhrase(e.achievementName(c.FromHolders))
		from = "from holders of " + badge
		by = plural(n, "holder of "+badge, "holders of "+badge)
	}
	cp.Description = fmt.Sprintf("Endorsements: %s%d of %d %s", atLeast(capped), n, c.Min, from)
	cp.Narrative = fmt.Sprintf("Endorsed by %s%s.", atLeast(capped), by)
	if !cp.Met {
		cp.Next = endorsementsNext(c.Min-n, c.FromHolders != "", e.achievementName(c.FromHolders))
	}
	return cp
}

func (e *evaluator) cohort(c *CohortCond) ConditionProgress {
	in := c.memberOf(e.rec)
	cp := ConditionProgress{Kind: KindCohort, Current: b2f(in), Required: 1, Met: in,
		Description: fmt.Sprintf("Member of cohort %s: %s", c.Name, yesNo(in)),
		Narrative:   fmt.Sprintf("Member of the %s cohort.", c.Name)}
	if !in {
		cp.Next = fmt.Sprintf("Join the %s cohort", c.Name)
	}
	return cp
}

func (e *evaluator) tenure(c *TenureCond) ConditionProgress {
	joined := e.rec.JoinedAt
	days := wholeDays(joined, e.now)
	cp := ConditionProgress{Kind: KindTenure, Current: float64(days), Required: float64(c.Days), Met: days >= c.Days,
		Description: fmt.Sprintf("Membership: %d of %d days", days, c.Days),
		Narrative:   fmt.Sprintf("Member for %s.", plural(days, "day", "days"))}
	if !cp.Met {
		cp.Next = "Stay a member " + plural(c.Days-days, "more day", "more days")
	}
	if !joined.IsZero() && days > 0 {
		cp.From, cp.To = joined, e.now
	}
	return cp
}
