package badges

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The times and durations of participant reports. The platforms write
// local times without a zone, in the exporter's locale: they are read as
// UTC, which moves a meeting's date only for one that straddles midnight.

// reportTimeLayouts are the date-time spellings of the platforms' exports:
// Zoom (US, 12- and 24-hour clocks, ISO), Google Meet and Teams.
var reportTimeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/01/02 15:04:05",
	"2006/01/02 03:04:05 PM",
	"01/02/2006 03:04:05 PM",
	"01/02/2006 03:04 PM",
	"01/02/2006 15:04:05",
	"01/02/2006 15:04",
	"1/2/2006 3:04:05 PM",
	"1/2/2006 3:04 PM",
	"1/2/06 3:04:05 PM",
	"1/2/06, 3:04:05 PM",
	"1/2/2006, 3:04:05 PM",
	"1/2/2006 15:04:05",
	"1/2/2006, 15:04:05",
	"Jan 2, 2006 03:04:05 PM",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006, 3:04:05 PM",
	"January 2, 2006 3:04 PM",
	"2 Jan 2006 15:04:05",
	"02.01.2006 15:04:05",
	"02.01.2006, 15:04:05",
}

// parseReportTime reads a report's date and time in any of the platforms'
// spellings (case and doubled spaces aside).
func parseReportTime(s string) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer(" am", " AM", " pm", " PM", "a.m.", "AM", "p.m.", "PM").Replace(s)
	for _, layout := range reportTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 2000 || t.Year() > 9999 {
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// maxMeetingMinutes bounds one row's duration: a week.
const maxMeetingMinutes = 7 * 24 * 60

var hmsDuration = regexp.MustCompile(`^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:ute)?s?)?)?\s*(?:(\d+)\s*s(?:ec(?:ond)?s?)?)?$`)

// rowMinutes is a participant row's time in the meeting: its duration
// column (minutes, "1h 5m 3s", or "01:05:03"), else its leave time less
// its join time.
func rowMinutes(line int, dur string, join time.Time, leave string) (float64, error) {
	if dur != "" {
		m, ok := parseMinutes(dur)
		if !ok {
			return 0, FieldErrorf("file", "Line %d: the duration %q is not a number of minutes, nor a duration such as 1h 5m or 01:05:00.", line, truncateForMessage(dur))
		}
		return m, nil
	}
	if leave == "" || join.IsZero() {
		return 0, nil
	}
	out, ok := parseReportTime(leave)
	if !ok {
		return 0, FieldErrorf("file", "Line %d: the leave time %q is not a date and time this report format uses.", line, truncateForMessage(leave))
	}
	m := out.Sub(join).Minutes()
	if m < 0 || m > maxMeetingMinutes {
		return 0, FieldErrorf("file", "Line %d: the leave time %q is not within a week after the join time.", line, truncateForMessage(leave))
	}
	return m, nil
}

// parseMinutes reads a duration cell.
func parseMinutes(s string) (float64, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m, err := strconv.ParseFloat(s, 64); err == nil {
		return m, m >= 0 && m <= maxMeetingMinutes && !math.IsNaN(m)
	}
	if parts := strings.Split(s, ":"); len(parts) == 2 || len(parts) == 3 {
		total := 0.0
		for _, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > maxMeetingMinutes*60 {
				return 0, false
			}
			total = total*60 + float64(n)
		}
		if len(parts) == 2 { // hh:mm
			total *= 60
		}
		m := total / 60
		return m, m <= maxMeetingMinutes
	}
	g := hmsDuration.FindStringSubmatch(s)
	if g == nil || g[1]+g[2]+g[3] == "" {
		return 0, false
	}
	total := 0.0
	for i, unit := range []float64{60, 1, 1.0 / 60} {
		if g[i+1] != "" {
			n, err := strconv.Atoi(g[i+1])
			if err != nil || n > maxMeetingMinutes*60 {
				return 0, false
			}
			total += float64(n) * unit
		}
	}
	return total, total <= maxMeetingMinutes
}
