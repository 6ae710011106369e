package chart

import (
	"html/template"
	"math"
)

// Bars is a bar chart: one bar per label, upright or, when Horizontal, laid
// along the labels (better for long names). Target, if set, is a dashed
// line across the bars.
type Bars struct {
	Title, Description string
	LabelTitle         string // heading of the labels' column in Table; "Label" if empty
	ValueTitle         string // heading of the values' column in Table; "Value" if empty
	Labels             []string
	Values             []float64
	Horizontal         bool
	Target             *float64
}

// The horizontal layout: labels on the left, bars, then each bar's value.
const (
	hLabelRight, hBarLeft, hBarRight = 196.0, 204.0, width - 96.0
	hTop, hRow                       = 12.0, 30.0
)

// SVG draws the chart; a chart without a finite value says "No data yet".
func (b Bars) SVG() template.HTML {
	lo, hi, integral, ok := extent(b.Values)
	if !ok {
		return empty("bars", b.Title, b.Description)
	}
	target, hasTarget := b.target()
	if hasTarget {
		lo, hi = min(lo, target), max(hi, target)
	}
	if b.Horizontal {
		c, a := hbars("bars chart-horizontal", b.Title, b.Description, lo, hi, integral, b.Labels, b.Values, func(i int) string { return Number(b.Values[i], 2) })
		if hasTarget {
			x := a.at(target)
			c.line("chart-target", x, hTop-6, x, hTop+float64(len(b.Values))*hRow)
		}
		return c.done()
	}
	c := newCanvas("bars", b.Title, b.Description, width, lineBottom+tickBelow+14, len(b.Values))
	y := newAxis(lo, hi, 5, integral, lineBottom, lineTop)
	c.yAxis(y, lineLeft, lineRight)
	band := (lineRight - lineLeft) / float64(len(b.Values))
	every := tickEvery(b.Labels, len(b.Values), band*float64(len(b.Values)-1))
	for i, v := range b.Values {
		x := lineLeft + float64(i)*band
		if finite(v) {
			top, bottom := math.Min(y.at(v), y.at(0)), math.Max(y.at(v), y.at(0))
			c.rect("chart-bar", x+band*0.15, top, band*0.7, bottom-top, label(b.Labels, i)+": "+Number(v, 2))
		}
		if i%every == 0 {
			c.label("chart-tick", x+band/2, lineBottom+tickBelow, "middle", label(b.Labels, i))
		}
	}
	if hasTarget {
		ty := y.at(target)
		c.line("chart-target", lineLeft, ty, lineRight, ty)
		c.label("chart-target-label", lineRight+6, ty+4, "start", "Target "+Number(target, 2))
	}
	return c.done()
}

// hbars draws horizontal bars, each with its label on the left and its
// value text after it, and returns the canvas still open, with its axis.
func hbars(kind, title, desc string, lo, hi float64, integral bool, labels []string, values []float64, value func(int) string) (*canvas, axis) {
	c := newCanvas(kind, title, desc, width, hTop+float64(len(values))*hRow+8, 2*len(values))
	a := newAxis(lo, hi, 5, integral, hBarLeft, hBarRight)
	zero := a.at(0)
	for i, v := range values {
		y := hTop + float64(i)*hRow
		c.label("chart-bar-label", hLabelRight, y+15, "end", label(labels, i))
		end := zero
		if finite(v) {
			left, right := math.Min(a.at(v), zero), math.Max(a.at(v), zero)
			c.rect("chart-bar", left, y+3, math.Max(right-left, 1), hRow-8, label(labels, i)+": "+value(i))
			end = right
		}
		c.label("chart-value", end+6, y+15, "start", value(i))
	}
	return c, a
}

// label returns labels[i], or "" past the end.
func label(labels []string, i int) string {
	if i < len(labels) {
		return labels[i]
	}
	return ""
}

// target returns the finite target, if any.
func (b Bars) target() (float64, bool) {
	if b.Target == nil || !finite(*b.Target) {
		return 0, false
	}
	return clamp(*b.Target), true
}

// Table is the chart's numbers: a row per bar.
func (b Bars) Table() Table {
	t := Table{Caption: b.Title, Head: []string{or(b.LabelTitle, "Label"), or(b.ValueTitle, "Value")}}
	for i, v := range b.Values {
		t.Rows = append(t.Rows, []string{label(b.Labels, i), cell(v)})
	}
	if v, ok := b.target(); ok {
		t.Caption += " (Target " + Number(v, 2) + ")"
	}
	return t
}
