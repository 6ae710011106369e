package render

import (
	"image/color"
	"math"
	"strings"
)

// paintKind tells what a fill or stroke is.
type paintKind int

const (
	paintNone paintKind = iota
	paintColor
	paintGradient
)

// svgPaint is a resolved fill or stroke.
type svgPaint struct {
	kind  paintKind
	color color.NRGBA // paintColor, or a gradient's fallback
	ref   string      // the gradient's id
}

// svgStyle is the computed style of an element: inherited properties
// plus opacity, which accumulates down the tree (an approximation of
// group opacity that is exact for groups without overlapping children).
type svgStyle struct {
	fill, stroke               svgPaint
	fillOpacity, strokeOpacity float64
	opacity                    float64
	strokeWidth, miterLimit    float64
	lineCap, lineJoin          string
	dash                       []float64
	dashOffset                 float64
	color                      color.NRGBA
	fontSize                   float64
	bold                       bool
	anchor                     string
	hidden                     bool
}

// initialStyle is SVG's initial values.
var initialStyle = svgStyle{
	fill:        svgPaint{kind: paintColor, color: color.NRGBA{A: 255}},
	fillOpacity: 1, strokeOpacity: 1, opacity: 1,
	strokeWidth: 1, miterLimit: 4, lineCap: "butt", lineJoin: "miter",
	color: color.NRGBA{A: 255}, fontSize: 16, anchor: "start",
}

// declarations returns an element's presentation attributes, overridden
// by the style sheets' rules that select it (sheet is sorted by
// specificity), overridden by its style attribute, as CSS has it.
func declarations(n *node, sheet []cssRule) map[string]string {
	props := make(map[string]string, len(n.attrs))
	for k, v := range n.attrs {
		props[strings.ToLower(k)] = strings.TrimSpace(v)
	}
	for _, r := range sheet {
		if r.matches(n) {
			for k, v := range r.decls {
				props[k] = v
			}
		}
	}
	if css, ok := n.attrs["style"]; ok {
		for k, v := range styleDeclarations(css) {
			props[k] = v
		}
	}
	return props
}

// cascade computes an element's style from its parent's and its own
// declarations. Values it cannot read are ignored, as CSS ignores them.
// vp is the viewport's diagonal measure for percentages of stroke widths.
func (s svgStyle) cascade(props map[string]string, vp viewport, known func(string) bool) svgStyle {
	if v, ok := props["color"]; ok {
		if c, ok := parseColor(v, s.color); ok {
			s.color = c
		}
	}
	if v, ok := props["font-size"]; ok {
		if px, ok := parseLength(v, s.fontSize, s.fontSize); ok && px >= 0 {
			s.fontSize = px
		}
	}
	if v, ok := props["fill"]; ok {
		s.fill = s.readPaint(v, s.fill, known)
	}
	if v, ok := props["stroke"]; ok {
		s.stroke = s.readPaint(v, s.stroke, known)
	}
	readFractionInto(props, "fill-opacity", &s.fillOpacity)
	readFractionInto(props, "stroke-opacity", &s.strokeOpacity)
	if v, ok := props["opacity"]; ok {
		if f, ok := parseFraction(v); ok {
			s.opacity *= f
		}
	}
	if v, ok := props["stroke-width"]; ok {
		if w, ok := parseLength(v, vp.diagonal(), s.fontSize); ok && w >= 0 {
			s.strokeWidth = w
		}
	}
	s.cascadeStroke(props, vp)
	s.cascadeText(props)
	return s
}

// cascadeStroke reads the stroke's shape: caps, joins and dashes.
func (s *svgStyle) cascadeStroke(props map[string]string, vp viewport) {
	if v := props["stroke-linecap"]; v == "butt" || v == "round" || v == "square" {
		s.lineCap = v
	}
	if v := props["stroke-linejoin"]; v == "miter" || v == "round" || v == "bevel" || v == "miter-clip" || v == "arcs" {
		s.lineJoin = v
	}
	if v, ok := props["stroke-miterlimit"]; ok {
		if f, n := readNumber(v); n > 0 && f >= 1 {
			s.miterLimit = f
		}
	}
	if v, ok := props["stroke-dasharray"]; ok {
		s.dash = parseDashes(v, vp.diagonal(), s.fontSize)
	}
	if v, ok := props["stroke-dashoffset"]; ok {
		if f, ok := parseLength(v, vp.diagonal(), s.fontSize); ok {
			s.dashOffset = f
		}
	}
}

// cascadeText reads the text properties and visibility.
func (s *svgStyle) cascadeText(props map[string]string) {
	switch v := props["font-weight"]; v {
	case "bold", "bolder":
		s.bold = true
	case "normal", "lighter":
		s.bold = false
	default:
		if w, n := readNumber(v); n > 0 {
			s.bold = w >= 600
		}
	}
	if v := props["text-anchor"]; v == "start" || v == "middle" || v == "end" {
		s.anchor = v
	}
	switch props["visibility"] {
	case "hidden", "collapse":
		s.hidden = true
	case "visible":
		s.hidden = false
	}
}

// readFractionInto sets *dst to the named property when it reads.
func readFractionInto(props map[string]string, name string, dst *float64) {
	if v, ok := props[name]; ok {
		if f, ok := parseFraction(v); ok {
			*dst = f
		}
	}
}

// readPaint reads a fill or stroke: none, a colour or url(#id) with an
// optional fallback colour. A reference to no known gradient paints the
// fallback, or nothing.
func (s svgStyle) readPaint(v string, inherited svgPaint, known func(string) bool) svgPaint {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "none":
		return svgPaint{}
	case "inherit":
		return inherited
	}
	if rest, ok := strings.CutPrefix(v, "url("); ok {
		ref, fallback, _ := strings.Cut(rest, ")")
		ref = strings.Trim(strings.TrimSpace(ref), `"'`)
		id, local := strings.CutPrefix(ref, "#")
		fb := svgPaint{}
		if c, ok := parseColor(fallback, s.color); ok {
			fb = svgPaint{kind: paintColor, color: c}
		}
		if local && known(id) {
			return svgPaint{kind: paintGradient, ref: id, color: fb.color}
		}
		return fb
	}
	if c, ok := parseColor(v, s.color); ok {
		return svgPaint{kind: paintColor, color: c}
	}
	return inherited
}

// parseDashes reads a dash array; none, or one that would draw nothing
// distinct, is nil. An odd list is repeated, as SVG says.
func parseDashes(v string, ref, fontSize float64) []float64 {
	if strings.TrimSpace(v) == "none" {
		return nil
	}
	var dashes []float64
	sum := 0.0
	for f := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		d, ok := parseLength(f, ref, fontSize)
		if !ok || d < 0 || len(dashes) > 32 {
			return nil
		}
		dashes = append(dashes, d)
		sum += d
	}
	if sum <= 0 || math.IsInf(sum, 0) {
		return nil
	}
	if len(dashes)%2 == 1 {
		dashes = append(dashes, dashes...)
	}
	return dashes
}
