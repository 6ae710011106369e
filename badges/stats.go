package badges

import (
	"context"
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

// StatsStore keeps a community's counters.
type StatsStore interface {
	// CountActivities adds a batch's activities to the weeks they
	// happened in; a week that remembers counting the batch is left as it
	// is (see MaxWeekBatches).
	CountActivities(ctx context.Context, issuerID, batchID string, as []Activity) error
	// CountAwards adds issued credentials (achievement ids by when they
	// were awarded) and members reaching a level for the first time.
	CountAwards(ctx context.Context, issuerID string, awards map[time.Time][]string, levels map[string]int) error
	// Weeks reads the given weeks; a week with nothing is empty.
	Weeks(ctx context.Context, issuerID string, weeks []string) ([]WeekStats, error)
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
