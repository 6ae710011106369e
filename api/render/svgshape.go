package render

import (
	"encoding/xml"
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/srwiley/rasterx"
)

// geometry is a shape's element for the drawing library: its name, its
// numeric attributes in order, and the largest coordinate it reaches.
type geometry struct {
	name   string
	attrs  []string // name, value pairs
	reach  float64
	weight int // numbers it holds, spent from the budget
}

// shape converts a basic shape or a path.
func (c *converter) shape(n *node, ctx svgContext) error {
	g, ok := c.geometryOf(n, ctx)
	if !ok {
		return nil
	}
	return c.emit(g, ctx, n.name == "line" || n.name == "polyline")
}

// geometryOf reads a shape's geometry; ok is false when it draws nothing.
func (c *converter) geometryOf(n *node, ctx svgContext) (geometry, bool) {
	vp, fs := ctx.vp, ctx.style.fontSize
	length := func(name string, ref float64) float64 {
		v, _ := parseLength(n.attr(name), ref, fs)
		return v
	}
	g := geometry{name: n.name}
	switch n.name {
	case "rect":
		x, y, w, h := length("x", vp.w), length("y", vp.h), length("width", vp.w), length("height", vp.h)
		rx, okX := parseLength(n.attr("rx"), vp.w, fs)
		ry, okY := parseLength(n.attr("ry"), vp.h, fs)
		if !okX {
			rx = ry
		}
		if !okY {
			ry = rx
		}
		rx, ry = math.Min(math.Max(rx, 0), w/2), math.Min(math.Max(ry, 0), h/2)
		g.set("x", x, "y", y, "width", w, "height", h, "rx", rx, "ry", ry)
		return g, w > 0 && h > 0
	case "circle":
		r := length("r", vp.diagonal())
		g.set("cx", length("cx", vp.w), "cy", length("cy", vp.h), "r", r)
		return g, r > 0
	case "ellipse":
		rx, ry := length("rx", vp.w), length("ry", vp.h)
		g.set("cx", length("cx", vp.w), "cy", length("cy", vp.h), "rx", rx, "ry", ry)
		return g, rx > 0 && ry > 0
	case "line":
		g.set("x1", length("x1", vp.w), "y1", length("y1", vp.h), "x2", length("x2", vp.w), "y2", length("y2", vp.h))
		return g, true
	case "polyline", "polygon":
		return c.polyGeometry(n.attr("points"), n.name == "polygon")
	}
	return c.pathGeometry(n.attr("d"))
}

// set appends numeric attributes given as name, value pairs.
func (g *geometry) set(pairs ...any) {
	for i := 0; i < len(pairs); i += 2 {
		v := pairs[i+1].(float64)
		g.attrs = append(g.attrs, pairs[i].(string), string(formatNumber(nil, v)))
		g.reach = math.Max(g.reach, math.Abs(v))
		g.weight++
	}
}

// polyGeometry turns points into a path, which draws even two points.
func (c *converter) polyGeometry(points string, closed bool) (geometry, bool) {
	v := scanNumbers(points, maxSVGNumbers-c.numbers+1)
	v = v[:len(v)/2*2]
	if len(v) < 4 {
		return geometry{}, false
	}
	var d []byte
	reach := 0.0
	for i := 0; i < len(v); i += 2 {
		cmd := byte('L')
		if i == 0 {
			cmd = 'M'
		}
		d = append(d, cmd)
		d = append(formatNumber(append(d, ' '), v[i]), ' ')
		d = append(formatNumber(d, v[i+1]), ' ')
		reach = math.Max(reach, math.Max(math.Abs(v[i]), math.Abs(v[i+1])))
	}
	if closed {
		d = append(d, 'Z')
	}
	return geometry{name: "path", attrs: []string{"d", string(d)}, reach: reach, weight: len(v)}, true
}

// pathGeometry rewrites path data in a form the library reads alike.
func (c *converter) pathGeometry(data string) (geometry, bool) {
	d, reach, count := canonicalPath(data, maxSVGNumbers-c.numbers+1)
	if count == 0 {
		return geometry{}, false
	}
	return geometry{name: "path", attrs: []string{"d", d}, reach: reach, weight: count}, true
}

// emit writes a shape with its transform and computed style. A shape
// that paints nothing, or reaches absurdly far, is left out.
func (c *converter) emit(g geometry, ctx svgContext, noFill bool) error {
	if c.numbers += g.weight + 1; c.numbers > maxSVGNumbers {
		return unsupportedf("the SVG has more than %d numbers in its shapes", maxSVGNumbers)
	}
	st := ctx.style
	m := ctx.ctm
	norm := math.Sqrt(m.A*m.A + m.B*m.B + m.C*m.C + m.D*m.D)
	if st.hidden || g.reach*norm+math.Abs(m.E)+math.Abs(m.F) > maxPixelCoordinate || math.IsNaN(norm) {
		return nil
	}
	fill, stroke := st.fill, st.stroke
	if noFill {
		fill = svgPaint{}
	}
	scale := math.Sqrt(math.Abs(m.A*m.D - m.B*m.C)) // stroke widths are drawn in pixels
	if st.strokeWidth*scale <= 0 {
		stroke = svgPaint{}
	}
	fillAttr, fillAlpha := c.paintAttr(fill, ctx)
	strokeAttr, strokeAlpha := c.paintAttr(stroke, ctx)
	if fillAttr == "none" && strokeAttr == "none" {
		return nil
	}
	b := append(c.body, '<')
	b = append(b, g.name...)
	for i := 0; i < len(g.attrs); i += 2 {
		b = appendAttr(b, g.attrs[i], g.attrs[i+1])
	}
	b = appendAttr(b, "transform", matrixString(m))
	b = appendAttr(b, "fill", fillAttr)
	b = appendAttr(b, "fill-opacity", string(formatNumber(nil, st.fillOpacity*st.opacity*fillAlpha)))
	b = appendAttr(b, "stroke", strokeAttr)
	if strokeAttr != "none" {
		b = c.strokeAttrs(b, st, scale, g.reach*norm, g.weight, strokeAlpha)
	}
	c.body = append(b, "/>\n"...)
	return nil
}

// strokeAttrs writes the stroke's width, shape and dashes in pixels.
// Dashes so fine that the path would split into over a million are
// dropped: the stroke is drawn solid.
func (c *converter) strokeAttrs(b []byte, st svgStyle, scale, reach float64, weight int, alpha float64) []byte {
	b = appendAttr(b, "stroke-opacity", string(formatNumber(nil, st.strokeOpacity*st.opacity*alpha)))
	b = appendAttr(b, "stroke-width", string(formatNumber(nil, st.strokeWidth*scale)))
	b = appendAttr(b, "stroke-linecap", st.lineCap)
	b = appendAttr(b, "stroke-linejoin", map[string]string{"arcs": "arc"}[st.lineJoin]+strings.TrimSuffix(st.lineJoin, "arcs"))
	b = appendAttr(b, "stroke-miterlimit", string(formatNumber(nil, st.miterLimit)))
	period := 0.0
	for _, d := range st.dash {
		period += d * scale
	}
	if period >= 0.5 && 4*reach*float64(weight+4)/period <= 1e6 {
		var dashes []byte
		for i, d := range st.dash {
			if i > 0 {
				dashes = append(dashes, ' ')
			}
			dashes = formatNumber(dashes, d*scale)
		}
		b = appendAttr(b, "stroke-dasharray", string(dashes))
		b = appendAttr(b, "stroke-dashoffset", string(formatNumber(nil, st.dashOffset*scale)))
	}
	return b
}

// paintAttr is a paint as the library reads it, with the alpha its
// colour carries (which the library would drop).
func (c *converter) paintAttr(p svgPaint, ctx svgContext) (string, float64) {
	switch p.kind {
	case paintGradient:
		if id := c.gradient(p.ref, ctx); id != "" {
			return "url(#" + id + ")", 1
		}
		if p.color.A == 0 {
			return "none", 0
		}
		return colorHex(p.color), float64(p.color.A) / 255
	case paintColor:
		if p.color.A == 0 {
			return "none", 0
		}
		return colorHex(p.color), float64(p.color.A) / 255
	}
	return "none", 0
}

func colorHex(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// matrixString writes a transform as matrix(…).
func matrixString(m rasterx.Matrix2D) string {
	b := []byte("matrix(")
	for i, v := range []float64{m.A, m.B, m.C, m.D, m.E, m.F} {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconvFixed(b, v)
	}
	return string(append(b, ')'))
}

// strconvFixed writes a matrix entry with more precision than lengths
// need: scales of a tiny viewBox are large, of a huge one small.
func strconvFixed(b []byte, v float64) []byte {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.9f", v), "0"), ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return append(b, s...)
}

// appendAttr writes ` name="value"`, escaped.
func appendAttr(b []byte, name, value string) []byte {
	b = append(append(append(b, ' '), name...), `="`...)
	var sb strings.Builder
	_ = xml.EscapeText(&sb, []byte(value)) // a strings.Builder does not fail
	return append(append(b, sb.String()...), '"')
}
