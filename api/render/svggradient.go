package render

import (
	"fmt"
	"strings"

	"github.com/srwiley/rasterx"
)

// maxStops bounds a gradient's colour stops.
const maxStops = 64

// gradientAttrs are the attributes a gradient inherits along href.
var gradientAttrs = []string{
	"x1", "y1", "x2", "y2", "cx", "cy", "r", "fx", "fy", "gradientUnits", "gradientTransform", "spreadMethod",
}

// resolvedGradient is a gradient with what it inherits from the
// gradients its href names.
type resolvedGradient struct {
	radial bool
	attrs  map[string]string
	stops  []*node
}

// resolveGradient follows href from the gradient named id: attributes
// and stops come from the nearest gradient that has them.
func (c *converter) resolveGradient(id string) resolvedGradient {
	g := c.ids[id]
	r := resolvedGradient{radial: g.name == "radialGradient", attrs: make(map[string]string)}
	seen := map[*node]bool{}
	for n := g; n != nil && !seen[n] && len(seen) < maxUseDepth; {
		seen[n] = true
		for _, a := range gradientAttrs {
			if _, ok := r.attrs[a]; !ok && n.has(a) {
				r.attrs[a] = n.attr(a)
			}
		}
		if r.stops == nil {
			for _, ch := range n.children {
				if ch.name == "stop" {
					r.stops = append(r.stops, ch)
				}
			}
		}
		ref, local := strings.CutPrefix(n.attr("href"), "#")
		if !local || !c.isGradient(ref) {
			break
		}
		n = c.ids[ref]
	}
	if len(r.stops) > maxStops {
		r.stops = r.stops[:maxStops]
	}
	return r
}

// gradient writes the gradient named id as the library reads it and
// returns the name it has there, or "" when it paints nothing. The
// library draws gradients in pixels: one in user space is written for
// each transform it is used with.
func (c *converter) gradient(id string, ctx svgContext) string {
	g := c.resolveGradient(id)
	if len(g.stops) == 0 {
		return ""
	}
	user := g.attrs["gradientUnits"] == "userSpaceOnUse"
	key := id
	if user {
		key += "|" + matrixString(ctx.ctm) + fmt.Sprint(ctx.vp)
	}
	if name, ok := c.grads[key]; ok {
		return name
	}
	name := fmt.Sprintf("g%d", len(c.grads))
	c.grads[key] = name
	tag := "linearGradient"
	if g.radial {
		tag = "radialGradient"
	}
	b := appendAttr(append(append(c.defs, '<'), tag...), "id", name)
	b = g.appendGeometry(b, user, ctx)
	if v := g.attrs["spreadMethod"]; v == "reflect" || v == "repeat" {
		b = appendAttr(b, "spreadMethod", v)
	}
	b = append(b, ">\n"...)
	c.defs = append(g.appendStops(b, ctx.style, c.sheet), "</"+tag+">\n"...)
	return name
}

// appendGeometry writes the gradient's vector or circle and its units.
// In user space, coordinates are resolved against the viewport and the
// element's transform becomes part of the gradient's.
func (g resolvedGradient) appendGeometry(b []byte, user bool, ctx svgContext) []byte {
	m := rasterx.Identity
	if t, ok := parseTransform(g.attrs["gradientTransform"]); ok {
		m = t
	}
	names := []string{"x1", "y1", "x2", "y2"}
	defaults := []string{"0%", "0%", "100%", "0%"}
	if g.radial {
		names = []string{"cx", "cy", "r", "fx", "fy"}
		defaults = []string{"50%", "50%", "50%", g.attrOr("cx", "50%"), g.attrOr("cy", "50%")}
	}
	for i, name := range names {
		v := g.attrOr(name, defaults[i])
		var f float64
		if user {
			ref := []float64{ctx.vp.w, ctx.vp.h}[i%2]
			if name == "r" {
				ref = ctx.vp.diagonal()
			}
			f, _ = parseLength(v, ref, ctx.style.fontSize)
		} else if strings.HasSuffix(v, "%") {
			f, _ = readNumber(v)
			f /= 100
		} else {
			f, _ = readNumber(v)
		}
		b = appendAttr(b, name, string(formatNumber(nil, f)))
	}
	if user {
		b = appendAttr(b, "gradientUnits", "userSpaceOnUse")
		m = ctx.ctm.Mult(m)
	}
	if m != rasterx.Identity {
		b = appendAttr(b, "gradientTransform", matrixString(m))
	}
	return b
}

// attrOr is an attribute, or def when it is missing.
func (g resolvedGradient) attrOr(name, def string) string {
	if v, ok := g.attrs[name]; ok && v != "" {
		return v
	}
	return def
}

// appendStops writes the stops with offsets that never go back, and
// colours as #rrggbb with their alpha folded into stop-opacity.
func (g resolvedGradient) appendStops(b []byte, inherited svgStyle, sheet []cssRule) []byte {
	last := 0.0
	for _, s := range g.stops {
		props := declarations(s, sheet)
		offset, _ := parseFraction(props["offset"])
		last = max(last, offset)
		col := initialStyle.color
		current := inherited.color
		if v, ok := props["color"]; ok {
			current, _ = parseColor(v, current)
		}
		if v, ok := props["stop-color"]; ok {
			if parsed, ok := parseColor(v, current); ok {
				col = parsed
			}
		}
		opacity := 1.0
		readFractionInto(props, "stop-opacity", &opacity)
		b = appendAttr(append(b, "<stop"...), "offset", string(formatNumber(nil, last)))
		b = appendAttr(b, "stop-color", colorHex(col))
		b = appendAttr(b, "stop-opacity", string(formatNumber(nil, opacity*float64(col.A)/255)))
		b = append(b, "/>\n"...)
	}
	return b
}
