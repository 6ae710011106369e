package render

import (
	"errors"
	"fmt"
	"image"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// The pixel sizes RasterizeSVG and BadgeImage draw at.
const (
	MinBadgeSize = 16
	MaxBadgeSize = 2048
)

// svgWorkFactor bounds the pixels RasterizeSVG may rasterize, as a
// multiple of the image's area: a default badge needs about 4.
const svgWorkFactor = 64

// RasterizeSVG draws a simple SVG document on a transparent size×size
// image, scaled to fit and centred.
//
// It understands a deliberately small subset of SVG, enough for Laurel's
// default badges and similar simple art: <svg> with a viewBox (or width and
// height), <g> and <defs> without transforms, <circle>, <ellipse>, <rect>,
// single-line <text> in the Go fonts, <linearGradient> paint, and the
// presentation attributes that go with them, as attributes or in style=.
// Anything else that would change the picture (paths, transforms, images,
// CSS style sheets, filters, references…) yields an error wrapping
// ErrUnsupportedSVG, as do documents over 256 KiB, with more than 1,000
// elements, nested deeper than 32 levels or too costly to draw. DOCTYPE and
// entity declarations are refused. size must be within [MinBadgeSize,
// MaxBadgeSize].
func RasterizeSVG(svg []byte, size int) (*image.NRGBA, error) {
	if size < MinBadgeSize || size > MaxBadgeSize {
		return nil, fmt.Errorf("render: image size %d is outside [%d, %d]", size, MinBadgeSize, MaxBadgeSize)
	}
	doc, err := parseSVG(svg)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	img, err := doc.render(size)
	if err != nil {
		return nil, fmt.Errorf("render: draw SVG: %w", err)
	}
	return img, nil
}

// render draws the document on a size×size image.
func (d *document) render(size int) (*image.NRGBA, error) {
	c := newCanvas(size, size, svgWorkFactor*size*size)
	t := fit(d.viewBox, float64(size))
	for _, s := range d.shapes {
		var err error
		if s.text != nil {
			err = d.drawText(c, t, s)
		} else {
			err = d.drawOutline(c, t, s)
		}
		if errors.Is(err, errTooComplex) {
			return nil, unsupportedf("the drawing is too complex")
		}
		if err != nil {
			return nil, err
		}
	}
	return toNRGBA(c.img), nil
}

// paintFor resolves a fill or stroke for a shape whose bounding box is box
// (in pixels); nil means nothing to paint.
func (d *document) paintFor(ref paintRef, opacity float64, t transform, box rectF) (paint, error) {
	if opacity == 0 || !ref.visible() {
		return nil, nil
	}
	if ref.id != "" {
		if g := d.gradients[ref.id]; g != nil {
			return g.paint(t, box, opacity), nil
		}
		if !ref.solid {
			return nil, unsupportedf("the paint url(#%.40s) refers to no linear gradient", ref.id)
		}
	}
	if ref.color.A == 0 {
		return nil, nil
	}
	return solidPaint(ref.color, opacity), nil
}

func (d *document) drawOutline(c *canvas, t transform, s shape) error {
	box := t.applyRect(s.outline.bounds())
	fill, err := d.paintFor(s.style.fill, s.style.fillOpacity*s.opacity, t, box)
	if err != nil {
		return err
	}
	width := s.style.strokeWidth * t.scale
	var stroke paint
	if width > 0 {
		if stroke, err = d.paintFor(s.style.stroke, s.style.strokeOpacity*s.opacity, t, box); err != nil {
			return err
		}
	}
	if fill != nil && stroke != nil && s.opacity != 1 {
		// Where the stroke overlaps the fill, the group opacity would
		// need a layer of its own.
		return unsupportedf("opacity on a shape with both fill and stroke")
	}
	if fill != nil {
		if err := c.fill(s.outline.fillContours(t), fill); err != nil {
			return err
		}
	}
	if stroke != nil {
		return c.fill(s.outline.strokeContours(t, width, s.style.roundJoin), stroke)
	}
	return nil
}

// maxTextCoordinate bounds text positions in pixels, well within the 2^25
// that fixed.Int26_6 holds: text starting further away is not drawn.
const maxTextCoordinate = 1 << 22

func (d *document) drawText(c *canvas, t transform, s shape) error {
	st := s.style
	if st.stroke.visible() && st.strokeWidth > 0 {
		return unsupportedf("stroked text")
	}
	size := c.img.Bounds().Dx()
	px := st.fontSize * t.scale
	if px > float64(2*size) {
		return unsupportedf("a font size of %.0fpx on a %dpx image", px, size)
	}
	if px < 0.5 || s.text.content == "" {
		return nil
	}
	face, err := newFace(st.bold, px)
	if err != nil {
		return err
	}
	defer face.Close()
	width := fromFixed(font.MeasureString(face, s.text.content))
	origin := t.apply(point{s.text.x, s.text.y})
	switch st.anchor {
	case anchorMiddle:
		origin.x -= width / 2
	case anchorEnd:
		origin.x -= width
	}
	if math.Abs(origin.x) > maxTextCoordinate || math.Abs(origin.y) > maxTextCoordinate {
		return nil
	}
	m := face.Metrics()
	box := rectF{origin.x, origin.y - fromFixed(m.Ascent), origin.x + width, origin.y + fromFixed(m.Descent)}
	fill, err := d.paintFor(st.fill, st.fillOpacity, t, box)
	if fill == nil || err != nil {
		return err
	}
	return c.text(c.img.Bounds(), face, s.text.content, toFixed(origin), fill)
}

// fromFixed converts a 26.6 fixed-point number to a float.
func fromFixed(v fixed.Int26_6) float64 { return float64(v) / 64 }

// toFixed converts a point in pixels, which must be well within
// ±maxTextCoordinate, to 26.6 fixed point.
func toFixed(p point) fixed.Point26_6 {
	return fixed.Point26_6{X: fixed.Int26_6(math.Round(p.x * 64)), Y: fixed.Int26_6(math.Round(p.y * 64))}
}
