package badges

import (
	"fmt"
	"slices"
	"time"
)

// The calendar of recognition: every span of time that rules, records and
// counters speak of, in UTC. There is one vocabulary: a period is a day, an
// ISO week (Monday to Sunday), a month, a quarter or a year. Periods are
// numbered so that consecutive ones differ by one (index), which makes
// distinct counts and streaks integer arithmetic, and are named by a key
// such as "2026-W47" (key). A window is the last so many days up to now.

// period is a kind of calendar span. Rules name it in the singular (a
// rule's "period": "month") or in the plural (a streak's "unit": "weeks",
// a count's "distinct": "days").
type period int

const (
	noPeriod period = iota
	dayPeriod
	weekPeriod
	monthPeriod
	quarterPeriod
	yearPeriod
)

// Rule periods, by their singular names.
const (
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
)

// periodNames are each period's singular and plural names.
var periodNames = [...][2]string{
	dayPeriod:     {"day", "days"},
	weekPeriod:    {PeriodWeek, "weeks"},
	monthPeriod:   {PeriodMonth, "months"},
	quarterPeriod: {PeriodQuarter, "quarters"},
	yearPeriod:    {PeriodYear, "years"},
}

// rulePeriods are the periods a rule can make an achievement awardable
// once in.
var rulePeriods = []period{weekPeriod, monthPeriod, quarterPeriod, yearPeriod}

// periodNamed returns the period with a singular (plural false) or plural
// name; noPeriod when there is none.
func periodNamed(name string, plural bool) period {
	i := 0
	if plural {
		i = 1
	}
	for p, names := range periodNames {
		if p != int(noPeriod) && names[i] == name {
			return period(p)
		}
	}
	return noPeriod
}

// unitNamed is the period a distinct count or streak names. The parser
// lets no other name through; a rule built in code with one counts months.
func unitNamed(name string) period {
	if p := periodNamed(name, true); p != noPeriod {
		return p
	}
	return monthPeriod
}

// rulePeriod is the rule period with a singular name; noPeriod for ""
// and for a name that is not one.
func rulePeriod(name string) period {
	if p := periodNamed(name, false); slices.Contains(rulePeriods, p) {
		return p
	}
	return noPeriod
}

// index numbers the period containing t: days since 1970-01-01, ISO weeks
// since Monday 1970-01-05, year*12 + month - 1, year*4 + quarter - 1, or
// the year.
func (p period) index(t time.Time) int {
	t = t.UTC()
	y, m, _ := t.Date()
	switch p {
	case dayPeriod:
		return int(floorDiv(t.Unix(), 86400))
	case weekPeriod:
		return int(floorDiv(floorDiv(t.Unix(), 86400)-4, 7))
	case quarterPeriod:
		return y*4 + (int(m)-1)/3
	case yearPeriod:
		return y
	}
	return y*12 + int(m) - 1
}

// start is when the period numbered i begins.
func (p period) start(i int) time.Time {
	switch p {
	case dayPeriod:
		return time.Unix(int64(i)*86400, 0).UTC()
	case weekPeriod:
		return time.Unix((int64(i)*7+4)*86400, 0).UTC()
	case quarterPeriod:
		return monthPeriod.start(i * 3)
	case yearPeriod:
		return time.Date(i, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	y := floorDiv(int64(i), 12)
	return time.Date(int(y), time.Month(int64(i)-y*12+1), 1, 0, 0, 0, 0, time.UTC)
}

// key names the period containing t: "2026-11-20", "2026-W47" (ISO week),
// "2026-11", "2026-Q4" or "2026"; "" for noPeriod.
func (p period) key(t time.Time) string {
	t = t.UTC()
	switch p {
	case dayPeriod:
		return t.Format(time.DateOnly)
	case weekPeriod:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case monthPeriod:
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
	case quarterPeriod:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	case yearPeriod:
		return fmt.Sprintf("%04d", t.Year())
	}
	return ""
}

// PeriodKey names the rule period (a singular name) containing t, in UTC:
// "2026-W47" (ISO week), "2026-11", "2026-Q4" or "2026". It returns "" for
// no period or an unknown one.
func PeriodKey(name string, t time.Time) string { return rulePeriod(name).key(t) }

// WeekKey names the ISO week of t, e.g. 2026-W47.
func WeekKey(t time.Time) string { return weekPeriod.key(t) }

// LastWeeks names the n weeks up to and including now's, oldest first.
func LastWeeks(now time.Time, n int) []string {
	out := make([]string, n)
	for i := range n {
		out[n-1-i] = WeekKey(now.AddDate(0, 0, -7*i))
	}
	return out
}

const dayDuration = 24 * time.Hour

// window is the last days days up to now, (lo, now], or all time when
// open.
type window struct {
	lo   time.Time
	open bool // no lower bound
	days int
}

// lastDays is the window of the days days up to now; all time for zero.
func lastDays(now time.Time, days int) window {
	if days <= 0 {
		return window{open: true}
	}
	return window{lo: now.Add(-time.Duration(days) * dayDuration), days: days}
}

// phrase says the window in a description: " in the last 30 days".
func (w window) phrase() string {
	switch {
	case w.open:
		return ""
	case w.days == 1:
		return " in the last day"
	}
	return fmt.Sprintf(" in the last %d days", w.days)
}

// wholeDays is how many whole days lie between from and to.
func wholeDays(from, to time.Time) int {
	if from.IsZero() || !to.After(from) {
		return 0
	}
	return int(to.Sub(from) / dayDuration)
}

// longestRun finds the longest run of consecutive numbers in a sorted,
// distinct list of period indexes: its length and its last index.
func longestRun(indexes []int) (length, last int) {
	run := 0
	for i, u := range indexes {
		if i > 0 && u == indexes[i-1]+1 {
			run++
		} else {
			run = 1
		}
		if run > length {
			length, last = run, u
		}
	}
	return length, last
}

// mergeIndexes returns the sorted union of two sorted, distinct lists of
// period indexes, in a new slice.
func mergeIndexes(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// utc is t in UTC without a monotonic reading; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Round(0)
}
