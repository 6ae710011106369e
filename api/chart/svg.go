package chart

import (
	"encoding/xml"
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// canvas writes one SVG document. Coordinates are in viewBox units; the
// element scales to its container's width (see chart.css).
type canvas struct {
	b       strings.Builder
	id      string   // prefix of the ids of <title> and <desc>, unique per chart
	scratch [32]byte // for formatting numbers without allocating
}

// newCanvas opens the <svg> element of a chart of the given kind with its
// title and description; marks is how many points or bars it will draw, to
// size the buffer once. The ids derive from the chart's text, so that
// several charts on one page do not share them and the output is stable.
func newCanvas(kind, title, desc string, width, height float64, marks int) *canvas {
	h := fnv.New32a()
	h.Write([]byte(kind + "\x00" + title + "\x00" + desc))
	c := &canvas{id: "chart-" + strconv.FormatUint(uint64(h.Sum32()), 36)}
	c.b.Grow(2048 + 160*marks) // the axes, then about what a point or bar takes
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
	if plain(s) {
		c.b.WriteString(s)
		return
	}
	_ = xml.EscapeText(&c.b, []byte(s)) // a strings.Builder never fails
}

// plain reports whether s is printable ASCII with nothing to escape: most
// labels and numbers, written as they are.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= 0x7f || b == '<' || b == '>' || b == '&' || b == '\'' || b == '"' {
			return false
		}
	}
	return true
}

// open starts an element of a class; attributes follow, then end or close.
func (c *canvas) open(tag, class string) {
	c.b.WriteByte('<')
	c.b.WriteString(tag)
	c.b.WriteString(` class="`)
	c.b.WriteString(class)
	c.b.WriteByte('"')
}

// attr writes a numeric attribute.
func (c *canvas) attr(name string, v float64) {
	c.b.WriteByte(' ')
	c.b.WriteString(name)
	c.b.WriteString(`="`)
	c.num(v)
	c.b.WriteByte('"')
}

// num writes a coordinate with at most one decimal. Integer arithmetic:
// formatting floats is most of a chart's cost otherwise.
func (c *canvas) num(v float64) {
	if !finite(v) || math.Abs(v) > maxMagnitude {
		v = 0 // never reached by the layouts; kept out of the document anyway
	}
	tenths := int64(math.Round(v * 10))
	if tenths < 0 {
		c.b.WriteByte('-')
		tenths = -tenths
	}
	c.b.Write(strconv.AppendInt(c.scratch[:0], tenths/10, 10))
	if d := tenths % 10; d != 0 {
		c.b.WriteByte('.')
		c.b.WriteByte(byte('0' + d))
	}
}

// tip closes a start tag and writes a <title> tooltip, made of pieces,
// inside the element.
func (c *canvas) tip(pieces ...string) {
	c.b.WriteString(`><title>`)
	for _, p := range pieces {
		c.text(p)
	}
	c.b.WriteString(`</title>`)
}

// label writes a <text> element of the given class.
func (c *canvas) label(class string, x, y float64, anchor, s string) {
	c.open("text", class)
	c.attr("x", x)
	c.attr("y", y)
	c.b.WriteString(` text-anchor="`)
	c.b.WriteString(anchor)
	c.b.WriteString(`">`)
	c.text(s)
	c.b.WriteString(`</text>`)
}

// line writes a <line> element of the given class.
func (c *canvas) line(class string, x1, y1, x2, y2 float64) {
	c.open("line", class)
	c.attr("x1", x1)
	c.attr("y1", y1)
	c.attr("x2", x2)
	c.attr("y2", y2)
	c.b.WriteString(`/>`)
}

// rect writes a <rect> with a tooltip of its value.
func (c *canvas) rect(class string, x, y, w, h float64, tip string) {
	c.open("rect", class)
	c.attr("x", x)
	c.attr("y", y)
	c.attr("width", w)
	c.attr("height", h)
	c.tip(tip)
	c.b.WriteString(`</rect>`)
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
	c := newCanvas(kind+" chart-empty", title, desc, width, 160, 0)
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
