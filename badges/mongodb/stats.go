package mongodb

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// StatsStore keeps community counters as computed documents in the
// showcases collection: "week:<issuer>:<week>", "funnel:<issuer>" and,
// for cohorts, "cweek:<cohort>:<week>".
type StatsStore struct{ db *database.DB }

var _ badges.StatsStore = (*StatsStore)(nil)

// NewStatsStore returns the stats store of db.
func NewStatsStore(db *database.DB) *StatsStore { return &StatsStore{db: db} }

type weekDoc struct {
	Activities map[string]int `bson:"activities"`
	Members    map[string]int `bson:"members"`
	Awards     map[string]int `bson:"awards"`
	// Batches are the recording batches counted, oldest first, at most
	// badges.MaxWeekBatches.
	Batches []string `bson:"batches,omitempty"`
}

func weekID(issuerID, week string) string { return "week:" + issuerID + ":" + week }

// cohortWeekID names a cohort's counters of a week; cohort ids are unique
// across communities.
func cohortWeekID(cohortID, week string) string { return "cweek:" + cohortID + ":" + week }

// errCounted leaves a week that counted a batch already as it is.
var errCounted = errors.New("batch counted already")

// CountActivities adds a batch's activities to their weeks: one write per
// week that has not counted the batch yet (see badges.WeekCounts.Count).
func (s *StatsStore) CountActivities(ctx context.Context, issuerID, batchID string, as []badges.Activity) error {
	return s.countActivities(ctx, func(w string) string { return weekID(issuerID, w) }, batchID, as)
}

// CountCohortActivities adds a batch's activities to the weeks of cohorts:
// one write per cohort and week, several cohorts at a time (as many as
// records are written at once), since each write mostly waits.
func (s *StatsStore) CountCohortActivities(ctx context.Context, batchID string, byCohort map[string][]badges.Activity) error {
	next := make(chan string)
	errs := make(chan error, len(byCohort))
	var wg sync.WaitGroup
	for range min(s.db.RecordWriters(), len(byCohort)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range next {
				errs <- s.countActivities(ctx, func(w string) string { return cohortWeekID(c, w) }, batchID, byCohort[c])
			}
		}()
	}
	for c := range byCohort {
		next <- c
	}
	close(next)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func (s *StatsStore) countActivities(ctx context.Context, docID func(week string) string, batchID string, as []badges.Activity) error {
	byWeek := map[string][]badges.Activity{}
	for _, a := range as {
		w := badges.WeekKey(a.At)
		byWeek[w] = append(byWeek[w], a)
	}
	for w, acts := range byWeek {
		err := database.Modify(ctx, s.db, database.Showcases, docID(w), func(d *weekDoc, _ bool) error {
			c := d.counts(w)
			if !c.Count(batchID, acts) {
				return errCounted
			}
			*d = newWeekDoc(c)
			return nil
		})
		if err != nil && !errors.Is(err, errCounted) {
			return err
		}
	}
	return nil
}

func newWeekDoc(c badges.WeekCounts) weekDoc {
	return weekDoc{Activities: c.Activities, Members: c.Members, Awards: c.Awards, Batches: c.Batches}
}

// counts are the stored counters of week w; a week with nothing has empty
// ones.
func (d *weekDoc) counts(w string) badges.WeekCounts {
	d.init()
	return badges.WeekCounts{WeekStats: badges.WeekStats{Week: w, Activities: d.Activities, Members: d.Members, Awards: d.Awards}, Batches: d.Batches}
}

func (d *weekDoc) init() {
	if d.Activities == nil {
		d.Activities = map[string]int{}
	}
	if d.Members == nil {
		d.Members = map[string]int{}
	}
	if d.Awards == nil {
		d.Awards = map[string]int{}
	}
}

// CountAwards adds issued credentials to their weeks and members reaching
// levels to the funnel.
func (s *StatsStore) CountAwards(ctx context.Context, issuerID string, awards map[time.Time][]string, levels map[string]int) error {
	if err := s.countAwards(ctx, func(w string) string { return weekID(issuerID, w) }, awards); err != nil {
		return err
	}
	if len(levels) == 0 {
		return nil
	}
	return database.Modify(ctx, s.db, database.Showcases, "funnel:"+issuerID, func(d *map[string]int, _ bool) error {
		if *d == nil {
			*d = map[string]int{}
		}
		for l, n := range levels {
			(*d)[l] += n
		}
		return nil
	})
}

// CountCohortAwards adds issued credentials to the weeks of cohorts.
func (s *StatsStore) CountCohortAwards(ctx context.Context, byCohort map[string]map[time.Time][]string) error {
	for c, awards := range byCohort {
		if err := s.countAwards(ctx, func(w string) string { return cohortWeekID(c, w) }, awards); err != nil {
			return err
		}
	}
	return nil
}

func (s *StatsStore) countAwards(ctx context.Context, docID func(week string) string, awards map[time.Time][]string) error {
	byWeek := map[string][]string{}
	for at, ids := range awards {
		w := badges.WeekKey(at)
		byWeek[w] = append(byWeek[w], ids...)
	}
	for w, ids := range byWeek {
		err := database.Modify(ctx, s.db, database.Showcases, docID(w), func(d *weekDoc, _ bool) error {
			c := d.counts(w)
			c.CountAwards(ids)
			*d = newWeekDoc(c)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Weeks reads weeks of counters.
func (s *StatsStore) Weeks(ctx context.Context, issuerID string, weeks []string) ([]badges.WeekStats, error) {
	return s.readWeeks(ctx, func(w string) string { return weekID(issuerID, w) }, weeks)
}

// CohortWeeks reads weeks of a cohort's counters.
func (s *StatsStore) CohortWeeks(ctx context.Context, cohortID string, weeks []string) ([]badges.WeekStats, error) {
	return s.readWeeks(ctx, func(w string) string { return cohortWeekID(cohortID, w) }, weeks)
}

func (s *StatsStore) readWeeks(ctx context.Context, docID func(week string) string, weeks []string) ([]badges.WeekStats, error) {
	out := make([]badges.WeekStats, len(weeks))
	for i, w := range weeks {
		d, _, err := database.ReadComputed[weekDoc](ctx, s.db, database.Showcases, docID(w))
		if err != nil {
			return nil, err
		}
		out[i] = d.counts(w).WeekStats
	}
	return out, nil
}

// Funnel reads the members per level.
func (s *StatsStore) Funnel(ctx context.Context, issuerID string) (map[string]int, error) {
	d, _, err := database.ReadComputed[map[string]int](ctx, s.db, database.Showcases, "funnel:"+issuerID)
	if d == nil {
		d = map[string]int{}
	}
	return d, err
}
