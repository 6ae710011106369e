package render

import (
	"fmt"
	"image/color"
	"math"
)

// gradient is a <linearGradient>.
type gradient struct {
	x1, y1, x2, y2 float64
	userSpace      bool // coordinates in user units, not fractions of the bounding box
	stops          []gradientStop
}

// gradientStop is a colour at an offset along a gradient.
type gradientStop struct {
	offset float64
	color  color.NRGBA
}

// maxStops bounds the stops a gradient keeps; the element limit bounds
// them anyway, this keeps the lookup table cheap to build.
const maxStops = 64

// parseGradient reads a <linearGradient>'s own attributes.
func parseGradient(own map[string]string) (*gradient, error) {
	g := &gradient{x2: 1}
	switch units := trimSpace(own["gradientUnits"]); units {
	case "userSpaceOnUse":
		g.userSpace = true
	case "", "objectBoundingBox":
	default:
		return nil, invalidf("gradientUnits %.40q", units)
	}
	if spread := trimSpace(own["spreadMethod"]); spread != "" && spread != "pad" {
		return nil, unsupportedf("spreadMethod %.40q", spread)
	}
	for _, c := range []struct {
		name string
		dst  *float64
	}{{"x1", &g.x1}, {"y1", &g.y1}, {"x2", &g.x2}, {"y2", &g.y2}} {
		v, ok := own[c.name]
		if !ok {
			continue
		}
		n, err := g.coordinate(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		*c.dst = n
	}
	return g, nil
}

// coordinate parses one end of the gradient vector: a user-space length,
// or a fraction of the bounding box (plain or as a percentage).
func (g *gradient) coordinate(v string) (float64, error) {
	if g.userSpace {
		return parseLength(v) // percentages of the viewport are not supported
	}
	return parseFraction(v)
}

// addStop appends a stop; offsets are clamped to [0, 1] and never go back.
func (g *gradient) addStop(offset float64, c color.NRGBA, opacity float64) {
	if len(g.stops) == maxStops {
		return
	}
	offset = min(max(offset, 0), 1)
	if n := len(g.stops); n > 0 {
		offset = max(offset, g.stops[n-1].offset)
	}
	c.A = uint8(math.Round(float64(c.A) * opacity))
	g.stops = append(g.stops, gradientStop{offset, c})
}

// paint returns the gradient as a paint for a shape with bounding box box
// (in pixels) under t, with opacity applied; nil when it paints nothing.
func (g *gradient) paint(t transform, box rectF, opacity float64) paint {
	switch len(g.stops) {
	case 0:
		return nil
	case 1:
		return solidPaint(g.stops[0].color, opacity)
	}
	// t(p) = ax·x + ay·y + c is where pixel p falls along the vector.
	var ax, ay, c float64
	if g.userSpace {
		p1, p2 := t.apply(point{g.x1, g.y1}), t.apply(point{g.x2, g.y2})
		d := p2.sub(p1)
		length2 := d.x*d.x + d.y*d.y
		if length2 < 1e-12 {
			return solidPaint(g.stops[len(g.stops)-1].color, opacity)
		}
		ax, ay, c = d.x/length2, d.y/length2, -(p1.x*d.x+p1.y*d.y)/length2
	} else {
		// In bounding-box units the vector lives in the unit square
		// stretched over the box.
		if box.width() < 1e-9 || box.height() < 1e-9 {
			return nil
		}
		dx, dy := g.x2-g.x1, g.y2-g.y1
		length2 := dx*dx + dy*dy
		if length2 < 1e-12 {
			return solidPaint(g.stops[len(g.stops)-1].color, opacity)
		}
		ax, ay = dx/(box.width()*length2), dy/(box.height()*length2)
		c = -(box.x0*ax + box.y0*ay) - (g.x1*dx+g.y1*dy)/length2
	}
	lp := &linearPaint{ax: ax, ay: ay, c: c}
	g.fillTable(&lp.table, opacity)
	return lp
}

// fillTable samples the gradient, interpolating premultiplied colours.
func (g *gradient) fillTable(table *[gradientSteps]color.RGBA64, opacity float64) {
	for i := range table {
		t := float64(i) / (gradientSteps - 1)
		table[i] = g.colorAt(t, opacity)
	}
}

// colorAt returns the premultiplied colour at t in [0, 1].
func (g *gradient) colorAt(t, opacity float64) color.RGBA64 {
	first, last := g.stops[0], g.stops[len(g.stops)-1]
	if t <= first.offset {
		return color.RGBA64(solidPaint(first.color, opacity))
	}
	for i, s := range g.stops[1:] {
		if t > s.offset {
			continue
		}
		prev := g.stops[i]
		f := (t - prev.offset) / (s.offset - prev.offset) // the offsets differ, or t would not be in between
		a, b := solidPaint(prev.color, opacity), solidPaint(s.color, opacity)
		mix := func(x, y uint16) uint16 { return uint16(math.Round(float64(x) + (float64(y)-float64(x))*f)) }
		return color.RGBA64{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: mix(a.A, b.A)}
	}
	return color.RGBA64(solidPaint(last.color, opacity))
}

// gradientSteps is the resolution of a gradient's lookup table: enough for
// 8-bit output.
const gradientSteps = 256

// linearPaint paints a linear gradient through a lookup table.
type linearPaint struct {
	ax, ay, c float64
	table     [gradientSteps]color.RGBA64
}

func (p *linearPaint) at(x, y int) color.RGBA64 {
	t := p.ax*(float64(x)+0.5) + p.ay*(float64(y)+0.5) + p.c
	switch {
	case !(t > 0): // also NaN
		return p.table[0]
	case t >= 1:
		return p.table[gradientSteps-1]
	}
	return p.table[int(t*(gradientSteps-1)+0.5)]
}
