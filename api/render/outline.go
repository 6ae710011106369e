package render

import "fmt"

// transform maps user space to pixels: a uniform scale, then a shift.
type transform struct{ scale, dx, dy float64 }

func (t transform) apply(p point) point {
	return point{p.x*t.scale + t.dx, p.y*t.scale + t.dy}
}

func (t transform) applyRect(r rectF) rectF {
	a, b := t.apply(point{r.x0, r.y0}), t.apply(point{r.x1, r.y1})
	return rectF{a.x, a.y, b.x, b.y}
}

// fit returns the transform that draws box centred in a size×size square,
// as large as fits with its aspect ratio kept.
func fit(box rectF, size float64) transform {
	s := min(size/box.width(), size/box.height())
	return transform{
		scale: s,
		dx:    (size-box.width()*s)/2 - box.x0*s,
		dy:    (size-box.height()*s)/2 - box.y0*s,
	}
}

// outline is the geometry of a closed shape, in user units.
type outline interface {
	// bounds returns the shape's bounding box in user units.
	bounds() rectF
	// fillContours returns the area to fill, in pixels, under t.
	fillContours(t transform) []contour
	// strokeContours returns the area a stroke width pixels wide covers,
	// centred on the outline, under t.
	strokeContours(t transform, width float64, roundJoin bool) []contour
}

// ellipse is a <circle> or <ellipse>.
type ellipse struct{ cx, cy, rx, ry float64 }

func (e ellipse) bounds() rectF {
	return rectF{e.cx - e.rx, e.cy - e.ry, e.cx + e.rx, e.cy + e.ry}
}

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

// rect is a <rect>, with corner radii rx and ry.
type rect struct {
	box    rectF
	rx, ry float64
}

func (r rect) bounds() rectF { return r.box }

func (r rect) contour(t transform, grow float64, roundJoin bool) contour {
	box := t.applyRect(r.box)
	box = rectF{box.x0 - grow, box.y0 - grow, box.x1 + grow, box.y1 + grow}
	rx, ry := r.rx*t.scale, r.ry*t.scale
	if rx > 0 && ry > 0 {
		rx, ry = rx+grow, ry+grow
	} else if roundJoin && grow > 0 {
		rx, ry = grow, grow
	}
	return rectContour(box, rx, ry)
}

func (r rect) fillContours(t transform) []contour {
	return []contour{r.contour(t, 0, false)}
}

func (r rect) strokeContours(t transform, width float64, roundJoin bool) []contour {
	return []contour{r.contour(t, width/2, roundJoin), r.contour(t, -width/2, roundJoin).reversed()}
}

// outlineAttrs are the geometry attributes of each outline element.
var outlineAttrs = map[string][]string{
	"circle":  {"cx", "cy", "r"},
	"ellipse": {"cx", "cy", "rx", "ry"},
	"rect":    {"x", "y", "width", "height", "rx", "ry"},
}

// parseOutline reads the geometry of a <circle>, <ellipse> or <rect>. It
// returns nil for shapes that draw nothing, such as a zero radius.
func parseOutline(name string, own map[string]string) (outline, error) {
	v := make(map[string]float64, len(own))
	for _, attr := range outlineAttrs[name] {
		value, ok := own[attr]
		if !ok {
			continue
		}
		n, err := parseLength(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", attr, err)
		}
		if n < 0 && attr != "x" && attr != "y" && attr != "cx" && attr != "cy" {
			return nil, invalidf("%s is negative on <%s>", attr, name)
		}
		v[attr] = n
	}
	switch name {
	case "circle":
		return nonEmpty(ellipse{v["cx"], v["cy"], v["r"], v["r"]}, v["r"], v["r"]), nil
	case "ellipse":
		rx, ry := autoRadii(own, v)
		return nonEmpty(ellipse{v["cx"], v["cy"], rx, ry}, rx, ry), nil
	}
	rx, ry := autoRadii(own, v)
	box := rectF{v["x"], v["y"], v["x"] + v["width"], v["y"] + v["height"]}
	return nonEmpty(rect{box, rx, ry}, v["width"], v["height"]), nil
}

// autoRadii applies SVG's rule that a missing rx or ry takes the other's
// value.
func autoRadii(own map[string]string, v map[string]float64) (rx, ry float64) {
	rx, ry = v["rx"], v["ry"]
	_, hasX := own["rx"]
	_, hasY := own["ry"]
	switch {
	case hasX && !hasY:
		ry = rx
	case hasY && !hasX:
		rx = ry
	}
	return rx, ry
}

// nonEmpty returns o unless one of its dimensions is zero.
func nonEmpty(o outline, a, b float64) outline {
	if a == 0 || b == 0 {
		return nil
	}
	return o
}
