package badges

import (
	"context"
	"slices"
	"time"
)

// WeekStats counts what happened in a community in one ISO week: kept as
// activities are recorded and credentials issued, so that statistics and
// the spotlight never scan.
type WeekStats struct {
	Week       string         // e.g. 2026-W47
	Activities map[string]int // by behaviour
	Members    map[string]int // activities by member; its size is the active members
	Awards     map[string]int // credentials issued, by achievement
}

// MaxWeekMembers bounds the members a week's statistics track by name;
// beyond it, activity is still counted by behaviour.
const MaxWeekMembers = 50000

// MaxWeekBatches is how many recording batches a week's counters remember
// having counted, the oldest forgotten first, so that a batch applied
// again after a failure is not counted twice. Recovery comes with the
// resend, at start, or from the award worker within about a minute; only
// if more than 1,000 other batches of the community were counted in the
// same week meanwhile could the batch's activities of that week be counted
// twice.
const MaxWeekBatches = 1000

// WeekCounts are a week's counters as kept: its statistics and the
// recording batches they count (see MaxWeekBatches), oldest first.
type WeekCounts struct {
	WeekStats
	Batches []string
}

// Count adds a recording batch's activities (all of the week) unless the
// week counted the batch already, and reports whether it did. Members past
// MaxWeekMembers are counted by behaviour only; past MaxWeekBatches the
// oldest batch is forgotten.
func (w *WeekCounts) Count(batchID string, acts []Activity) bool {
	if slices.Contains(w.Batches, batchID) {
		return false
	}
	w.init()
	for _, a := range acts {
		w.Activities[a.Behaviour]++
		if _, ok := w.Members[a.MemberID]; ok || len(w.Members) < MaxWeekMembers {
			w.Members[a.MemberID]++
		}
	}
	if n := len(w.Batches) + 1 - MaxWeekBatches; n > 0 {
		w.Batches = slices.Delete(w.Batches, 0, n)
	}
	w.Batches = append(w.Batches, batchID)
	return true
}

// CountAwards adds issued credentials, by achievement id.
func (w *WeekCounts) CountAwards(achievementIDs []string) {
	w.init()
	for _, id := range achievementIDs {
		w.Awards[id]++
	}
}

// init makes the counters' maps, which a week with nothing lacks.
func (w *WeekStats) init() {
	if w.Activities == nil {
		w.Activities = map[string]int{}
	}
	if w.Members == nil {
		w.Members = map[string]int{}
	}
	if w.Awards == nil {
		w.Awards = map[string]int{}
	}
}

// StatsStore keeps a community's counters.
type StatsStore interface {
	// CountActivities adds a batch's activities to the weeks they
	// happened in; a week that remembers counting the batch is left as it
	// is (see MaxWeekBatches).
	CountActivities(ctx context.Context, issuerID, batchID string, as []Activity) error
	// CountAwards adds issued credentials (achievement ids by when they
	// were earned, their awardedDate, so that history imported late is
	// counted in its weeks) and members reaching a level for the first
	// time.
	CountAwards(ctx context.Context, issuerID string, awards map[time.Time][]string, levels map[string]int) error
	// Weeks reads the given weeks; a week with nothing is empty.
	Weeks(ctx context.Context, issuerID string, weeks []string) ([]WeekStats, error)
	// CountCohortActivities adds a batch's activities to the weeks of
	// the cohorts their members were in (activities by cohort id), as
	// CountActivities does for the community.
	CountCohortActivities(ctx context.Context, batchID string, byCohort map[string][]Activity) error
	// CountCohortAwards adds issued credentials (achievement ids by when
	// they were earned, by cohort id) to the cohorts' weeks.
	CountCohortAwards(ctx context.Context, byCohort map[string]map[time.Time][]string) error
	// CohortWeeks reads the given weeks of a cohort; a week with nothing
	// is empty.
	CohortWeeks(ctx context.Context, cohortID string, weeks []string) ([]WeekStats, error)
	// Funnel counts, per level, the members who hold a badge of it.
	Funnel(ctx context.Context, issuerID string) (map[string]int, error)
}

// Counters returns a community's last n weeks of counters, oldest first,
// and how many members reached each level.
func (a *Awarder) Counters(ctx context.Context, issuerID string, weeks int) ([]WeekStats, map[string]int, error) {
	ws, err := a.Stats.Weeks(ctx, issuerID, LastWeeks(a.now(), weeks))
	if err != nil {
		return nil, nil, err
	}
	funnel, err := a.Stats.Funnel(ctx, issuerID)
	return ws, funnel, err
}
