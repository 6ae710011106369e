package chart

import (
	"encoding/xml"
	"hash/fnv"
	"html/template"
	"strconv"
	"strings"
)

// canvas writes one SVG document. Coordinates are in viewBox units; the
// element scales to its container's width (see chart.css).
type canvas struct {
	b  strings.Builder
	id string // prefix of the ids of <title> and <desc>, unique per chart
}

// newCanvas opens the <svg> element of a chart of the given kind with its
// title and description. The ids derive from the chart's text, so that
// several charts on one page do not share them and the output is stable.
func newCanvas(kind, title, desc string, width, height float64) *canvas {
	h := fnv.New32a()
	h.Write([]byte(kind + "\x00" + title + "\x00" + desc))
	c := &canvas{id: "chart-" + strconv.FormatUint(uint64(h.Sum32()), 36)}
	c.b.Grow(4096)
	c.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-` + kind + `" viewBox="0 0 `)
	c.b.WriteString(num(width) + " " + num(height) + `" role="img" aria-labelledby="` + c.id + `-title" aria-describedby="` + c.id + `-desc">`)
	c.b.WriteString(`<title id="` + c.id + `-title">`)
	c.text(title)
	c.b.WriteString(`</title><desc id="` + c.id + `-desc">`)
	c.text(desc)
	c.b.WriteString(`</desc>`)
	return c
}

// text writes s escaped for XML character data or an attribute value;
// characters XML cannot carry become U+FFFD.
func (c *canvas) text(s string) {
	_ = xml.EscapeText(&c.b, []byte(s)) // a strings.Builder never fails
}

// label writes a <text> element of the given class.
func (c *canvas) label(class string, x, y float64, anchor, s string) {
	c.b.WriteString(`<text class="` + class + `" x="` + num(x) + `" y="` + num(y) + `" text-anchor="` + anchor + `">`)
	c.text(s)
	c.b.WriteString(`</text>`)
}

// line writes a <line> element of the given class.
func (c *canvas) line(class string, x1, y1, x2, y2 float64) {
	c.b.WriteString(`<line class="` + class + `" x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `"/>`)
}

// rect writes a <rect> with a tooltip of its value.
func (c *canvas) rect(class string, x, y, w, h float64, tip string) {
	c.b.WriteString(`<rect class="` + class + `" x="` + num(x) + `" y="` + num(y) + `" width="` + num(w) + `" height="` + num(h) + `"><title>`)
	c.text(tip)
	c.b.WriteString(`</title></rect>`)
}

// yAxis draws the horizontal grid lines of a vertical axis and their labels.
func (c *canvas) yAxis(a axis, left, right float64) {
	for _, v := range a.ticks() {
		y := a.at(v)
		class := "chart-grid"
		if v == 0 {
			class = "chart-axis"
		}
		c.line(class, left, y, right, y)
		c.label("chart-tick", left-6, y+4, "end", a.label(v))
	}
}

// empty draws the chart that says there is nothing to draw yet.
func empty(kind, title, desc string) template.HTML {
	c := newCanvas(kind+" chart-empty", title, desc, width, 160)
	c.b.WriteString(`<rect class="chart-frame" x="1" y="1" width="` + num(width-2) + `" height="158" rx="8"/>`)
	c.label("chart-empty-text", width/2, 86, "middle", "No data yet")
	return c.done()
}

// done closes the document.
func (c *canvas) done() template.HTML {
	c.b.WriteString(`</svg>`)
	return template.HTML(c.b.String()) // every text written went through c.text
}

// num formats a coordinate with at most one decimal.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// width is every chart's width in viewBox units; heights vary.
const width = 640
