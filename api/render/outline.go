package render

import "golang.org/x/image/math/fixed"

// The preview draws its placeholder disc with the canvas's own outlines;
// badge art goes through RasterizeSVG.

// transform maps user space to pixels: a uniform scale, then a shift.
type transform struct{ scale, dx, dy float64 }

func (t transform) apply(p point) point {
	return point{p.x*t.scale + t.dx, p.y*t.scale + t.dy}
}

// ellipse is a circle or an ellipse.
type ellipse struct{ cx, cy, rx, ry float64 }

func (e ellipse) contour(t transform, grow float64) contour {
	return ellipseContour(t.apply(point{e.cx, e.cy}), e.rx*t.scale+grow, e.ry*t.scale+grow)
}

func (e ellipse) fillContours(t transform) []contour {
	return []contour{e.contour(t, 0)}
}

// strokeContours approximates the stroke of an ellipse by the ring
// between two ellipses (exact for circles).
func (e ellipse) strokeContours(t transform, width float64, _ bool) []contour {
	return []contour{e.contour(t, width/2), e.contour(t, -width/2).reversed()}
}

// fromFixed converts a 26.6 fixed-point number to a float.
func fromFixed(v fixed.Int26_6) float64 { return float64(v) / 64 }
