package render

import (
	"math"
	"slices"
)

// point is a position in pixel space (y grows downwards).
type point struct{ x, y float64 }

func (p point) add(q point) point             { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point             { return point{p.x - q.x, p.y - q.y} }
func (p point) scale(k float64) point         { return point{p.x * k, p.y * k} }
func (p point) lerp(q point, t float64) point { return p.add(q.sub(p).scale(t)) }

// rectF is an axis-aligned rectangle with x0 <= x1 and y0 <= y1.
type rectF struct{ x0, y0, x1, y1 float64 }

// contour is a closed polygon. Curves are flattened into it as they are
// added, so everything downstream (clipping, rasterizing) sees lines only.
// Orientation matters: a contour inside another and wound the other way
// cuts a hole.
type contour []point

// reversed returns c wound the other way.
func (c contour) reversed() contour {
	r := slices.Clone(c)
	slices.Reverse(r)
	return r
}

// finite reports whether all of c's coordinates are finite numbers.
func (c contour) finite() bool {
	for _, p := range c {
		if math.IsInf(p.x, 0) || math.IsNaN(p.x) || math.IsInf(p.y, 0) || math.IsNaN(p.y) {
			return false
		}
	}
	return true
}

// bounds returns the smallest rectangle holding c; c must not be empty.
func (c contour) bounds() rectF {
	b := rectF{c[0].x, c[0].y, c[0].x, c[0].y}
	for _, p := range c[1:] {
		b.x0, b.x1 = min(b.x0, p.x), max(b.x1, p.x)
		b.y0, b.y1 = min(b.y0, p.y), max(b.y1, p.y)
	}
	return b
}

const (
	// flatness is how far, in pixels, a flattened curve may stray from
	// the true one.
	flatness = 0.1
	// maxCurveSegments caps the lines per curve: only absurdly large
	// shapes reach it, and their visible part is then merely approximate.
	maxCurveSegments = 1024
	// kappa places the control points of a cubic Bézier quarter circle.
	kappa = 0.5522847498307936
)

// cubeTo appends the cubic Bézier from c's last point via c1 and c2 to p,
// flattened into lines with Wang's formula for the segment count.
func (c contour) cubeTo(c1, c2, p point) contour {
	p0 := c[len(c)-1]
	d1 := p0.sub(c1.scale(2)).add(c2)
	d2 := c1.sub(c2.scale(2)).add(p)
	dev := max(math.Hypot(d1.x, d1.y), math.Hypot(d2.x, d2.y))
	n := int(math.Ceil(math.Sqrt(0.75 * dev / flatness)))
	n = min(max(n, 1), maxCurveSegments)
	for i := 1; i < n; i++ {
		t := float64(i) / float64(n)
		a, b, d := p0.lerp(c1, t), c1.lerp(c2, t), c2.lerp(p, t)
		c = append(c, a.lerp(b, t).lerp(b.lerp(d, t), t))
	}
	return append(c, p)
}

// ellipseContour approximates an ellipse with four cubic Béziers, clockwise
// on screen. Degenerate radii give nil.
func ellipseContour(centre point, rx, ry float64) contour {
	if !(rx > 0 && ry > 0) {
		return nil
	}
	kx, ky := rx*kappa, ry*kappa
	at := func(dx, dy float64) point { return point{centre.x + dx, centre.y + dy} }
	c := contour{at(rx, 0)}
	c = c.cubeTo(at(rx, ky), at(kx, ry), at(0, ry))
	c = c.cubeTo(at(-kx, ry), at(-rx, ky), at(-rx, 0))
	c = c.cubeTo(at(-rx, -ky), at(-kx, -ry), at(0, -ry))
	c = c.cubeTo(at(kx, -ry), at(rx, -ky), at(rx, 0))
	return c[:len(c)-1] // the last point repeats the first
}

// clip cuts c to r (Sutherland–Hodgman). Inside r the winding number of
// every point is unchanged, which is all the rasterizer needs, and the
// rasterizer never sees coordinates far outside its area.
func (c contour) clip(r rectF) contour {
	c = c.clipEdge(func(p point) bool { return p.x >= r.x0 }, func(a, b point) point {
		return point{r.x0, a.y + (b.y-a.y)*(r.x0-a.x)/(b.x-a.x)}
	})
	c = c.clipEdge(func(p point) bool { return p.x <= r.x1 }, func(a, b point) point {
		return point{r.x1, a.y + (b.y-a.y)*(r.x1-a.x)/(b.x-a.x)}
	})
	c = c.clipEdge(func(p point) bool { return p.y >= r.y0 }, func(a, b point) point {
		return point{a.x + (b.x-a.x)*(r.y0-a.y)/(b.y-a.y), r.y0}
	})
	return c.clipEdge(func(p point) bool { return p.y <= r.y1 }, func(a, b point) point {
		return point{a.x + (b.x-a.x)*(r.y1-a.y)/(b.y-a.y), r.y1}
	})
}

// clipEdge keeps the part of c on the inside of one edge; cross returns
// where the segment from a to b crosses that edge (one end is inside, the
// other strictly outside).
func (c contour) clipEdge(inside func(point) bool, cross func(a, b point) point) contour {
	if len(c) == 0 {
		return nil
	}
	out := make(contour, 0, len(c)+4)
	prev := c[len(c)-1]
	for _, cur := range c {
		switch curIn, prevIn := inside(cur), inside(prev); {
		case curIn && prevIn:
			out = append(out, cur)
		case curIn:
			out = append(out, cross(prev, cur), cur)
		case prevIn:
			out = append(out, cross(prev, cur))
		}
		prev = cur
	}
	return out
}
