package api

import (
	"context"
	"time"

	"github.com/laurel-badges/laurel/api/chart"
	"github.com/laurel-badges/laurel/badges"
)

// Measures of success in the console: each with its history against its
// target, computed by the same Measures.History the API's
// /measures/:id/history answers from.

// dashboardMeasures bounds the measures the dashboard draws; the
// Outcomes & measures page has them all.
const dashboardMeasures = 4

// measureView is a measure with its latest values and, on the Outcomes &
// measures page, its history drawn.
type measureView struct {
	Measure  *badges.Measure
	Latest   badges.MeasurePoint // the period under way
	Previous badges.MeasurePoint // the last whole period
	Chart    chartView
}

// PeriodWord is "week" or "month", for sentences.
func (v measureView) PeriodWord() string { return string(v.Measure.Period) }

// measureViews computes the first limit measures over their last periods
// (at least 2), drawing their history when draw is set. The dashboard
// shows two periods and no chart: each period read is every week of the
// counters it spans.
func (s *Server) measureViews(ctx context.Context, ms []*badges.Measure, limit, periods int, draw bool) ([]measureView, error) {
	var out []measureView
	for _, m := range ms[:min(limit, len(ms))] {
		n := periods
		if m.Period == badges.MeasureMonthly {
			n = max(2, periods/2)
		}
		_, points, err := s.svc.Measures.History(ctx, m.ID, n)
		if err != nil {
			return nil, err
		}
		v := measureView{Measure: m, Latest: points[len(points)-1], Previous: points[len(points)-2]}
		if draw {
			v.Chart = s.measureChart(m, points)
		}
		out = append(out, v)
	}
	return out, nil
}

// measureChart is a measure's history as a line with its target.
func (s *Server) measureChart(m *badges.Measure, points []badges.MeasurePoint) chartView {
	labels, values := make([]string, len(points)), make([]float64, len(points))
	for i, p := range points {
		labels[i], values[i] = s.periodLabel(p.Period), float64(p.Value)
	}
	target := float64(m.Target)
	l := chart.Line{Title: m.Name, Description: "The value of " + m.Name + " each " + string(m.Period) + ", against its target.",
		XTitle: capital(string(m.Period)) + " of", XLabels: labels, Series: []chart.Series{{Name: m.Name, Values: values}}, Target: &target}
	return chartView{Title: m.Name, SVG: l.SVG(), Table: l.Table()}
}

// periodLabel names a measure's period for people: a week by the day it
// starts ("16 Nov"), a month by its name ("Nov 2026").
func (s *Server) periodLabel(key string) string {
	if t, err := time.Parse("2006-01", key); err == nil {
		return t.Format("Jan 2006")
	}
	now := s.now().UTC()
	for k := range badges.MaxHistoryWeeks + 2 {
		t := now.AddDate(0, 0, -7*k)
		if badges.WeekKey(t) == key {
			return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format("2 Jan")
		}
	}
	return key
}
