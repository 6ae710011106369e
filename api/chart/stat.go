package chart

import (
	"html/template"
	"math"
)

// Stat is one number that matters, drawn large, with a small bar of its
// share of a whole: "23 members gone quiet", of 410 members.
type Stat struct {
	Title, Description string
	Value              float64
	Of                 float64 // the whole the bar measures Value against; no bar if 0 or less
	Unit               string  // after the number, "members gone quiet"
	OfUnit             string  // after the whole, "members"; Unit if empty
}

// SVG draws the number and its bar; a Value that is not finite says "No
// data yet".
func (s Stat) SVG() template.HTML {
	if !finite(s.Value) {
		return empty("stat", s.Title, s.Description)
	}
	c := newCanvas("stat", s.Title, s.Description, width, 120, 2)
	c.label("chart-stat-number", 16, 64, "start", Number(s.Value, 2))
	c.label("chart-stat-unit", 16, 92, "start", s.Unit)
	if finite(s.Of) && s.Of > 0 {
		share := math.Max(0, math.Min(1, clamp(s.Value)/clamp(s.Of)))
		c.b.WriteString(`<rect class="chart-track" x="16" y="104" width="608" height="8" rx="4"/>`)
		c.rect("chart-bar", 16, 104, math.Max(608*share, 1), 8, s.share())
		c.label("chart-value", 624, 92, "end", s.share())
	}
	return c.done()
}

// share says "6% of 410 members".
func (s Stat) share() string {
	return percent(s.Value, s.Of) + " of " + Number(s.Of, 2) + " " + or(s.OfUnit, s.Unit)
}

// Table is the number, and the whole when there is one.
func (s Stat) Table() Table {
	t := Table{Caption: s.Title, Head: []string{"Measure", "Value"}, Rows: [][]string{{or(s.Unit, s.Title), cell(s.Value)}}}
	if finite(s.Of) && s.Of > 0 {
		t.Rows = append(t.Rows, []string{"Out of", cell(s.Of)}, []string{"Share", percent(s.Value, s.Of)})
	}
	return t
}
