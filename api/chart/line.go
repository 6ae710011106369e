package chart

import (
	"html/template"
	"strconv"
	"unicode/utf8"
)

// Line is a line chart of one or more series over the same periods, with
// an optional target drawn as a dashed horizontal line.
type Line struct {
	Title, Description string
	XTitle             string // heading of the periods' column in Table; "Period" if empty
	XLabels            []string
	Series             []Series
	Target             *float64
	TargetLabel        string // "Target 40" if empty
	YUnit              string // after each value in tooltips, e.g. "members"
}

// The line chart's layout, in viewBox units.
const (
	lineLeft, lineRight  = 64.0, width - 88.0 // room on the right for the target's label
	lineTop, lineBottom  = 16.0, 236.0
	legendTop, legendRow = 310.0, 32.0 // clear of the period labels at the larger text of narrow screens
)

// palette is how many series classes chart.css defines (chart-s1…chart-s6),
// each with its own colour, dash pattern and marker shape.
const palette = 6

// points is how many periods the chart spans.
func (l Line) points() int {
	n := len(l.XLabels)
	for _, s := range l.Series {
		n = max(n, len(s.Values))
	}
	return n
}

// SVG draws the chart; a chart without a finite value says "No data yet".
func (l Line) SVG() template.HTML {
	lists := make([][]float64, 0, len(l.Series)+1)
	for _, s := range l.Series {
		lists = append(lists, s.Values)
	}
	lo, hi, integral, ok := extent(lists...)
	if !ok {
		return empty("line", l.Title, l.Description)
	}
	target, hasTarget := l.target()
	if hasTarget {
		lo, hi = min(lo, target), max(hi, target)
	}
	rows := legendRows(l.Series)
	n := l.points()
	c := newCanvas("line", l.Title, l.Description, width, legendTop+float64(len(rows))*legendRow, n*len(l.Series)+len(l.Series))
	y := newAxis(lo, hi, 5, integral, lineBottom, lineTop)
	c.yAxis(y, lineLeft, lineRight)
	x := func(i int) float64 {
		if n == 1 {
			return (lineLeft + lineRight) / 2
		}
		return lineLeft + float64(i)*(lineRight-lineLeft)/float64(n-1)
	}
	every := tickEvery(l.XLabels, n, lineRight-lineLeft)
	for i := 0; i < n; i += every {
		c.label("chart-tick", x(i), lineBottom+tickBelow, "middle", l.xLabel(i))
	}
	if hasTarget {
		ty := y.at(target)
		c.line("chart-target", lineLeft, ty, lineRight, ty)
		c.label("chart-target-label", lineRight+6, ty+4, "start", or(l.TargetLabel, "Target "+Number(target, 2)))
	}
	for i, s := range l.Series {
		l.series(c, i, s, x, y)
	}
	c.legend(rows)
	return c.done()
}

// target returns the finite target, if any.
func (l Line) target() (float64, bool) {
	if l.Target == nil || !finite(*l.Target) {
		return 0, false
	}
	return clamp(*l.Target), true
}

func (l Line) xLabel(i int) string {
	if i < len(l.XLabels) {
		return l.XLabels[i]
	}
	return ""
}

// series draws one series: a path broken where a value is missing, and a
// marker with a tooltip at each value.
func (l Line) series(c *canvas, i int, s Series, x func(int) float64, y axis) {
	c.b.WriteString(`<g class="chart-series chart-s`)
	c.b.WriteString(strconv.Itoa(i%palette + 1))
	c.b.WriteString(`"><path class="chart-path" d="`)
	pen := byte('M')
	for j, v := range s.Values {
		if !finite(v) {
			pen = 'M'
			continue
		}
		c.b.WriteByte(pen)
		c.num(x(j))
		c.b.WriteByte(' ')
		c.num(y.at(v))
		pen = 'L'
	}
	c.b.WriteString(`"/>`)
	unit := ""
	if l.YUnit != "" {
		unit = " " + l.YUnit
	}
	for j, v := range s.Values {
		if finite(v) {
			where := l.xLabel(j)
			if where == "" {
				where = "Point " + strconv.Itoa(j+1)
			}
			c.marker(i, x(j), y.at(v), where, ": ", s.Name, " ", Number(v, 2), unit)
		}
	}
	c.b.WriteString(`</g>`)
}

// marker draws the shape of series i (circle, square, triangle, diamond,
// triangle down, cross) centred on x, y, with the pieces of its tooltip.
func (c *canvas) marker(i int, x, y float64, tip ...string) {
	shape := markers[i%palette]
	if shape == nil {
		c.open("circle", "chart-marker")
		c.attr("cx", x)
		c.attr("cy", y)
		c.b.WriteString(` r="3.5"`)
		c.tip(tip...)
		c.b.WriteString(`</circle>`)
		return
	}
	class := "chart-marker"
	if i%palette == palette-1 {
		class = "chart-marker chart-cross"
	}
	c.open("path", class)
	c.b.WriteString(` d="`)
	for _, step := range shape {
		c.b.WriteByte(step.cmd)
		c.num(x + step.dx)
		c.b.WriteByte(' ')
		c.num(y + step.dy)
	}
	if i%palette != palette-1 {
		c.b.WriteByte('Z')
	}
	c.b.WriteByte('"')
	c.tip(tip...)
	c.b.WriteString(`</path>`)
}

// pathStep is one command of a marker's outline, relative to its centre.
type pathStep struct {
	cmd    byte
	dx, dy float64
}

// markers are the series' marker shapes: nil is a circle, then a square,
// triangle, diamond, triangle pointing down and a cross.
var markers = [palette][]pathStep{
	nil,
	{{'M', -3.5, -3.5}, {'L', 3.5, -3.5}, {'L', 3.5, 3.5}, {'L', -3.5, 3.5}},
	{{'M', 0, -4.5}, {'L', 4, 3}, {'L', -4, 3}},
	{{'M', 0, -4.5}, {'L', 4.5, 0}, {'L', 0, 4.5}, {'L', -4.5, 0}},
	{{'M', 0, 4.5}, {'L', 4, -3}, {'L', -4, -3}},
	{{'M', -4, -4}, {'L', 4, 4}, {'M', 4, -4}, {'L', -4, 4}},
}

// legendItem is one series' place in the legend.
type legendItem struct {
	index int
	name  string
	x     float64
}

// legendRows lays the series names out in rows that fit the chart's width,
// guessing each name's width from its length.
func legendRows(series []Series) [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	x := lineLeft
	for i, s := range series {
		w := 40 + tickEm*float64(min(utf8.RuneCountInString(s.Name), 40)) // room for the larger text of narrow screens
		if len(row) > 0 && x+w > lineRight {
			rows, row, x = append(rows, row), nil, lineLeft
		}
		row = append(row, legendItem{index: i, name: s.Name, x: x})
		x += w + 16
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// legend draws each series' line sample, marker and name.
func (c *canvas) legend(rows [][]legendItem) {
	for r, row := range rows {
		y := legendTop - 8 + float64(r)*legendRow
		for _, it := range row {
			c.b.WriteString(`<g class="chart-legend chart-series chart-s` + strconv.Itoa(it.index%palette+1) + `">`)
			c.b.WriteString(`<path class="chart-path" d="M`)
			c.num(it.x)
			c.b.WriteByte(' ')
			c.num(y)
			c.b.WriteByte('H')
			c.num(it.x + 28)
			c.b.WriteString(`"/>`)
			c.marker(it.index, it.x+14, y, it.name)
			c.label("chart-legend-text", it.x+34, y+4, "start", isolate(it.name))
			c.b.WriteString(`</g>`)
		}
	}
}

// Table is the chart's numbers: a row per period, a column per series.
func (l Line) Table() Table {
	t := Table{Caption: l.Title, Head: []string{or(l.XTitle, "Period")}}
	for _, s := range l.Series {
		t.Head = append(t.Head, s.Name)
	}
	for i := range l.points() {
		row := []string{l.xLabel(i)}
		for _, s := range l.Series {
			if i < len(s.Values) {
				row = append(row, cell(s.Values[i]))
			} else {
				row = append(row, "–")
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if v, ok := l.target(); ok {
		t.Caption += " (" + or(l.TargetLabel, "Target "+Number(v, 2)) + ")"
	}
	return t
}
