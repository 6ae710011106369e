package chart

import (
	"math"
	"strings"
	"testing"
)

// FuzzLine: whatever the names and numbers, drawing a chart never panics
// and always yields well-formed, accessible SVG; the same data drawn as
// bars and a funnel too.
func FuzzLine(f *testing.F) {
	f.Add("Activity", "Attended", "1 Sep", 1.0, 2.0, 3.0, 40.0, true, uint8(4))
	f.Add("<script>&amp;", `"quoted" 'name'`, "مرحبا", math.NaN(), math.Inf(1), -3.5, math.Inf(-1), true, uint8(26))
	f.Add("", "", "", 0.0, 0.0, 0.0, 0.0, false, uint8(1))
	f.Add("🎉", "a\x00b\xff", "\u202e", 1e308, -1e308, 5e-324, 1e-300, true, uint8(255))
	f.Add("tiny", "t", "t", 5e-324, 1e-310, -1e-300, 2e-323, true, uint8(3))
	f.Add("Members", "Active", "w", 0.1, 0.2, 0.30000000000000004, 1e15, false, uint8(0))
	f.Fuzz(func(t *testing.T, title, name, label string, a, b, c, target float64, hasTarget bool, n uint8) {
		vals := []float64{a, b, c}
		l := Line{Title: title, Description: name, TargetLabel: label}
		if hasTarget {
			l.Target = &target
		}
		for i := range int(n % 32) {
			l.XLabels = append(l.XLabels, label+strings.Repeat("x", i%3))
		}
		for i := range int(n % 8) {
			s := Series{Name: name}
			for j := range int(n%32) + i%2 {
				s.Values = append(s.Values, vals[(i+j)%3]*float64(j+1))
			}
			l.Series = append(l.Series, s)
		}
		parse(t, l.SVG())
		_ = l.Table()
		bars := Bars{Title: title, Labels: l.XLabels, Values: vals, Horizontal: n%2 == 0, Target: l.Target}
		parse(t, bars.SVG())
		_ = bars.Table()
		funnel := Funnel{Title: title, Steps: l.XLabels, Values: vals}
		parse(t, funnel.SVG())
		_ = funnel.Table()
		stat := Stat{Title: title, Value: a, Of: b, Unit: name}
		parse(t, stat.SVG())
		_ = stat.Table()
	})
}

// BenchmarkLine draws a dashboard's largest chart: 26 weeks, 6 series.
func BenchmarkLine(b *testing.B) {
	l := Line{Title: "Activity by behaviour", Description: "Each behaviour's activities per week.", Target: new(float64)}
	*l.Target = 400
	for w := range 26 {
		l.XLabels = append(l.XLabels, "Week "+Number(float64(w+1), 0))
	}
	for s := range 6 {
		vs := make([]float64, 26)
		for w := range vs {
			vs[w] = float64((s+1)*37 + w*w%101)
		}
		l.Series = append(l.Series, Series{Name: "Behaviour " + Number(float64(s+1), 0), Values: vs})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.SVG()
	}
}
