package badges

import "slices"

// OutcomeWeek is what worked towards an outcome in one ISO week: awards
// of the badges aligned to it and activity of its behaviours.
type OutcomeWeek struct {
	Week       string
	Awards     int
	Activities int
}

// OutcomeStats groups a community's weekly counters by outcome.
type OutcomeStats struct {
	Outcome      *Outcome
	Achievements []*Achievement // the badges aligned to it
	Weeks        []OutcomeWeek  // as the weeks given
}

// GroupByOutcome adds up, per outcome, the weekly awards of the badges
// aligned to it (of achievements, any status) and the activity of the
// behaviours it lists. A badge or behaviour aligned to several outcomes
// counts towards each.
func GroupByOutcome(outcomes []*Outcome, achievements []*Achievement, ws []WeekStats) []OutcomeStats {
	out := make([]OutcomeStats, len(outcomes))
	for i, o := range outcomes {
		st := OutcomeStats{Outcome: o, Weeks: make([]OutcomeWeek, len(ws))}
		var ids []string
		for _, a := range achievements {
			if slices.ContainsFunc(a.Outcomes, func(r OutcomeRef) bool { return r.ID == o.ID }) {
				st.Achievements = append(st.Achievements, a)
				ids = append(ids, a.ID)
			}
		}
		for j, w := range ws {
			st.Weeks[j] = OutcomeWeek{Week: w.Week}
			for _, id := range ids {
				st.Weeks[j].Awards += w.Awards[id]
			}
			for _, k := range o.Behaviours {
				st.Weeks[j].Activities += w.Activities[k]
			}
		}
		out[i] = st
	}
	return out
}
