package api

import (
	"cmp"
	"html/template"
	"slices"
	"time"

	"github.com/laurel-badges/laurel/api/chart"
	"github.com/laurel-badges/laurel/badges"
)

// chartView is one chart of a console page: the picture, the same numbers
// as a table, and the page it leads to.
type chartView struct {
	Title, Link, LinkText string
	SVG                   template.HTML
	Table                 chart.Table
}

// dashboardSeries is how many behaviours the activity chart draws on their
// own (the chart's palette); the rest are added up as one line.
const dashboardSeries = 5

// charts are the dashboard's charts, each linking to where its numbers
// come from.
func (d *dashboardData) charts(base string) []chartView {
	labels := weekLabels(d.now, d.weeks)
	active, awards := make([]float64, len(d.weeks)), make([]float64, len(d.weeks))
	for i, w := range d.weeks {
		active[i], awards[i] = float64(len(w.Members)), float64(sumCounts(w.Awards))
	}
	activity := chart.Line{Title: "Activity by behaviour", Description: "Activities recorded each week, by behaviour, over the last 12 weeks.",
		XTitle: "Week of", XLabels: labels, Series: d.behaviourSeries(), YUnit: "activities"}
	activeLine := chart.Line{Title: "Active members", Description: "Members with any activity each week, over the last 12 weeks.",
		XTitle: "Week of", XLabels: labels, Series: []chart.Series{{Name: "Active members", Values: active}},
		Target: d.weeklyTarget(badges.MeasureActiveMembers), YUnit: "members"}
	awardBars := chart.Bars{Title: "Awards", Description: "Badges awarded each week, over the last 12 weeks.",
		LabelTitle: "Week of", ValueTitle: "Awards", Labels: labels, Values: awards, Target: d.weeklyTarget(badges.MeasureAwards)}
	steps, reached := d.funnelSteps()
	funnel := chart.Funnel{Title: "Pathway", Description: "Members who hold a badge of each level of the pathway.", Steps: steps, Values: reached}
	quiet := chart.Stat{Title: "Members gone quiet", Description: "Members who were active and have done nothing for 4 weeks.",
		Value: float64(d.quiet), Of: float64(d.members), Unit: "members gone quiet", OfUnit: "members"}
	return []chartView{
		{Title: activity.Title, Link: base + "/activity", LinkText: "Activity", SVG: activity.SVG(), Table: activity.Table()},
		{Title: activeLine.Title, Link: base + "/members", LinkText: "Members", SVG: activeLine.SVG(), Table: activeLine.Table()},
		{Title: awardBars.Title, Link: base + "/awards", LinkText: "Awards", SVG: awardBars.SVG(), Table: awardBars.Table()},
		{Title: funnel.Title, Link: base + "/badges", LinkText: "Badges", SVG: funnel.SVG(), Table: funnel.Table()},
		{Title: quiet.Title, Link: base + "/quiet-members", LinkText: "Who has gone quiet", SVG: quiet.SVG(), Table: quiet.Table()},
	}
}

// weekLabels names each week by the day it starts ("16 Nov"), not by its
// ISO number, which managers do not read.
func weekLabels(now time.Time, ws []badges.WeekStats) []string {
	byKey := map[string]string{}
	for k := range len(ws) + 1 {
		t := now.UTC().AddDate(0, 0, -7*k)
		monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		byKey[badges.WeekKey(t)] = monday.Format("2 Jan")
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = cmp.Or(byKey[w.Week], w.Week)
	}
	return out
}

// behaviourSeries is a line per behaviour, the busiest first; past
// dashboardSeries the others are one line.
func (d *dashboardData) behaviourSeries() []chart.Series {
	totals := map[string]int{}
	for _, w := range d.weeks {
		for k, n := range w.Activities {
			totals[k] += n
		}
	}
	keys := sortedKeys(totals)
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(totals[b], totals[a]) })
	shown := keys[:min(len(keys), dashboardSeries)]
	var out []chart.Series
	for _, k := range shown {
		s := chart.Series{Name: nameOr(d.behaviours, k), Values: make([]float64, len(d.weeks))}
		for i, w := range d.weeks {
			s.Values[i] = float64(w.Activities[k])
		}
		out = append(out, s)
	}
	if len(keys) > len(shown) {
		s := chart.Series{Name: "Other behaviours", Values: make([]float64, len(d.weeks))}
		for i, w := range d.weeks {
			s.Values[i] = float64(sumCounts(w.Activities))
			for _, k := range shown {
				s.Values[i] -= float64(w.Activities[k])
			}
		}
		out = append(out, s)
	}
	return out
}

// weeklyTarget is the target of a weekly measure counting what a chart
// draws — of every behaviour or badge, for the community or the cohort
// shown — or nil when none is defined.
func (d *dashboardData) weeklyTarget(kind badges.MeasureKind) *float64 {
	for _, m := range d.measures {
		if m.Kind == kind && m.Period == badges.MeasureWeekly && m.Cohort == d.cohortID &&
			len(m.Achievements) == 0 && len(m.Behaviours) == 0 {
			t := float64(m.Target)
			return &t
		}
	}
	return nil
}

// funnelSteps are the pathway's levels in order, with the members who
// reached each: the levels of the active badges and those counted, as the
// statistics list them.
func (d *dashboardData) funnelSteps() ([]string, []float64) {
	levels := map[string]bool{}
	for _, a := range d.achievements {
		if a.Level != "" {
			levels[a.Level] = true
		}
	}
	for l := range d.funnel {
		levels[l] = true
	}
	ordered := make([]string, 0, len(levels))
	for l := range levels {
		ordered = append(ordered, l)
	}
	slices.SortFunc(ordered, levelOrder)
	steps, values := make([]string, len(ordered)), make([]float64, len(ordered))
	for i, l := range ordered {
		steps[i], values[i] = capital(l), float64(d.funnel[l])
	}
	return steps, values
}
