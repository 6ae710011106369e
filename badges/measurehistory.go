package badges

import (
	"context"
	"time"
)

// DefaultHistoryPeriods is how many periods a measure's history shows
// unless asked for another number.
const DefaultHistoryPeriods = 12

// MeasurePoint is a measure's value in one period against its target.
type MeasurePoint struct {
	Period  string // "2026-W47" or "2026-11"
	Value   int
	Target  int
	Met     bool // Value reached Target
	Partial bool // the period is not over yet
}

// periodWeeks is one period of a history and the ISO weeks it is made of.
type periodWeeks struct {
	key   string
	weeks []string
}

// History computes a measure's last periods periods, oldest first, from the weekly counters: at most
// MaxHistoryWeeks+1 or about 4×(MaxHistoryMonths+1) weeks are read, each
// one document.
func (s *Measures) History(ctx context.Context, id string, periods int) (*Measure, []MeasurePoint, error) {
	m, err := s.d.Store.Measure(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	max := MaxHistoryWeeks
	if m.Period == MeasureMonthly {
		max = MaxHistoryMonths
	}
	if periods < 1 || periods > max {
		return nil, nil, FieldErrorf("periods", "periods must be a whole number from 1 to %d for a measure per %s", max, m.Period)
	}
	// One period more than shown: returning members compare with it.
	ps := historyPeriods(m.Period, s.d.Now().UTC(), periods+1)
	var names []string
	for _, p := range ps {
		names = append(names, p.weeks...)
	}
	var ws []WeekStats
	if m.Cohort != "" {
		ws, err = s.d.Stats.CohortWeeks(ctx, m.Cohort, names)
	} else {
		ws, err = s.d.Stats.Weeks(ctx, m.IssuerID, names)
	}
	if err != nil {
		return nil, nil, err
	}
	byWeek := make(map[string]WeekStats, len(ws))
	for _, w := range ws {
		byWeek[w.Week] = w
	}
	out := make([]MeasurePoint, 0, periods)
	var before map[string]bool
	for i, p := range ps {
		stats := make([]WeekStats, len(p.weeks))
		for j, w := range p.weeks {
			stats[j] = byWeek[w]
		}
		v, active := m.value(stats, before)
		before = active
		if i == 0 {
			continue
		}
		out = append(out, MeasurePoint{Period: p.key, Value: v, Target: m.Target, Met: v >= m.Target, Partial: i == len(ps)-1})
	}
	return m, out, nil
}

// value is the measure over one period's weeks (a community's or a
// cohort's); for member counts it also returns the period's active
// members, which returning members of the next period are compared with.
func (m *Measure) value(ws []WeekStats, before map[string]bool) (int, map[string]bool) {
	n, size := 0, 0
	for _, w := range ws {
		size = max(size, len(w.Members))
	}
	active := make(map[string]bool, size)
	for _, w := range ws {
		switch m.Kind {
		case MeasureAwards:
			n += sumOf(w.Awards, m.Achievements)
		case MeasureActivity:
			n += sumOf(w.Activities, m.Behaviours)
		default:
			for id := range w.Members {
				active[id] = true
			}
		}
	}
	switch m.Kind {
	case MeasureActiveMembers:
		n = len(active)
	case MeasureReturningMembers:
		for id := range active {
			if before[id] {
				n++
			}
		}
	}
	return n, active
}

// sumOf adds the counts of keys, or of every key when keys is empty.
func sumOf(counts map[string]int, keys []string) int {
	n := 0
	if len(keys) == 0 {
		for _, c := range counts {
			n += c
		}
		return n
	}
	for _, k := range keys {
		n += counts[k]
	}
	return n
}

// historyPeriods are the last n periods up to and including now's, oldest
// first, each with its ISO weeks.
func historyPeriods(p MeasurePeriod, now time.Time, n int) []periodWeeks {
	if p == MeasureWeekly {
		out := make([]periodWeeks, n)
		for i, w := range LastWeeks(now, n) {
			out[i] = periodWeeks{key: w, weeks: []string{w}}
		}
		return out
	}
	first := time.Date(now.Year(), now.Month()-time.Month(n-1), 1, 0, 0, 0, 0, time.UTC)
	out := make([]periodWeeks, n)
	index := map[string]int{}
	for i := range n {
		key := MonthKey(first.AddDate(0, i, 0))
		out[i].key, index[key] = key, i
	}
	// Every week whose Thursday is in one of the months, from the week
	// before the first month's first day to now's.
	for t := mondayOf(first).AddDate(0, 0, -7); !t.After(now); t = t.AddDate(0, 0, 7) {
		if i, ok := index[MonthKey(t.AddDate(0, 0, 3))]; ok {
			out[i].weeks = append(out[i].weeks, WeekKey(t))
		}
	}
	return out
}

// MonthKey names the month of t, e.g. 2026-11.
func MonthKey(t time.Time) string { return monthPeriod.key(t) }

// mondayOf is the start of t's ISO week, in UTC.
func mondayOf(t time.Time) time.Time {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}
