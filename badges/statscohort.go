package badges

import (
	"context"
	"fmt"
	"time"
)

// Statistics scoped to a cohort are kept as counters of their own, one
// document per cohort and ISO week with the shape of a community's week
// (WeekStats), written as activity is recorded and credentials issued. An
// activity or award counts in the cohorts its member is in when it is
// counted: a member who joins a cohort later does not bring their history
// into it, and one who leaves keeps what they did while in it. Counting
// costs one write per cohort and week a batch touches; a member is in at
// most MaxRecordCohorts cohorts.

// CountedAward is an issued credential as the statistics count it.
type CountedAward struct {
	AchievementID string
	MemberID      string
	At            time.Time // when it was earned, its awardedDate
}

// AwardStats counts issued credentials in their community's weeks and in
// the weeks of the cohorts their members are in as they are counted: the
// issuing service calls it once per credential it lists.
type AwardStats struct {
	Stats StatsStore
	// MemberCohorts lists the ids of the cohorts a member is in, one read
	// by id; nil counts no cohorts.
	MemberCohorts func(ctx context.Context, memberID string) ([]string, error)
}

// CountAwards adds issued credentials to their weeks, and members reaching
// a level for the first time to the funnel.
func (s *AwardStats) CountAwards(ctx context.Context, issuerID string, awards []CountedAward, levels map[string]int) error {
	community := map[time.Time][]string{}
	for _, aw := range awards {
		community[aw.At] = append(community[aw.At], aw.AchievementID)
	}
	if err := s.Stats.CountAwards(ctx, issuerID, community, levels); err != nil {
		return err
	}
	if s.MemberCohorts == nil || len(awards) == 0 {
		return nil
	}
	byCohort := map[string]map[time.Time][]string{}
	cohorts := map[string][]string{} // by member, read once each
	for _, aw := range awards {
		ids, ok := cohorts[aw.MemberID]
		if !ok {
			var err error
			if ids, err = s.MemberCohorts(ctx, aw.MemberID); err != nil {
				return fmt.Errorf("read the cohorts of member %s: %w", aw.MemberID, err)
			}
			cohorts[aw.MemberID] = ids
		}
		for _, c := range ids {
			if byCohort[c] == nil {
				byCohort[c] = map[time.Time][]string{}
			}
			byCohort[c][aw.At] = append(byCohort[c][aw.At], aw.AchievementID)
		}
	}
	if len(byCohort) == 0 {
		return nil
	}
	return s.Stats.CountCohortAwards(ctx, byCohort)
}

// countCohortActivities adds a batch's activities to the weeks of the
// cohorts each member's record had when the batch was applied to it. It
// runs for members whose record had the batch already too, so that a
// batch resumed after a failure completes its cohorts' counts; each week
// remembers the batches it counted (see WeekCounts.Count).
func (a *Awarder) countCohortActivities(ctx context.Context, batchID string, acts []Activity, outcomes map[string]memberOutcome) error {
	if a.cohorts == nil {
		return nil
	}
	byCohort := map[string][]Activity{}
	for _, act := range acts {
		for _, c := range outcomes[act.MemberID].cohorts {
			byCohort[c] = append(byCohort[c], act)
		}
	}
	if len(byCohort) == 0 {
		return nil
	}
	return a.Stats.CountCohortActivities(ctx, batchID, byCohort)
}

// recordCohorts are the cohort ids of a record: names kept from before
// cohorts had ids are left out.
func recordCohorts(r *MemberRecord) []string {
	if r == nil {
		return nil
	}
	var ids []string
	for _, c := range r.Cohorts {
		if ValidID(c) {
			ids = append(ids, c)
		}
	}
	return ids
}

// CohortCounters returns the last n weeks of a cohort's counters, oldest
// first, and how many members of its community reached each level: the
// funnel counts holders, which are not kept per cohort.
func (a *Awarder) CohortCounters(ctx context.Context, issuerID, cohortID string, weeks int) ([]WeekStats, map[string]int, error) {
	ws, err := a.Stats.CohortWeeks(ctx, cohortID, LastWeeks(a.now(), weeks))
	if err != nil {
		return nil, nil, err
	}
	funnel, err := a.Stats.Funnel(ctx, issuerID)
	return ws, funnel, err
}
