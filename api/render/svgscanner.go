package render

import (
	"image"
	"image/color"
	"math"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// svgWorkFactor bounds the pixels RasterizeSVG may paint, as a multiple
// of the canvas: a badge paints each pixel a few times, and a document
// of thousands of shapes each covering the canvas would take minutes.
const svgWorkFactor = 24

// maxScanLines bounds the line segments the library may hand the
// scanner for one drawing: a badge needs tens of thousands, while a few
// hundred curves with loops, stroked, can make the library split them
// into hundreds of millions.
const maxScanLines = 1 << 20

// tooManyLines is what the scanner panics with to stop the library
// mid-path once maxScanLines is reached; drawIcon recovers it.
type tooManyLines struct{}

// scanner fills paths for the drawing library over their extent only
// (the library's own scanner goes over the whole canvas for every path,
// which makes the cost of a drawing its paths times its pixels), and
// stops painting once the work budget is spent.
type scanner struct {
	dest     *image.RGBA
	ops      []scanOp
	min, max fixed.Point26_6
	src      image.Image
	r        vector.Rasterizer
	budget   int  // pixels still to paint
	spent    bool // the budget ran out
	lines    int  // segments received
}

// scanOp is a move (start) or a line to p.
type scanOp struct {
	start bool
	p     fixed.Point26_6
}

var _ rasterx.Scanner = (*scanner)(nil)

func newScanner(dest *image.RGBA, budget int) *scanner {
	s := &scanner{dest: dest, budget: budget, src: image.NewUniform(color.Black)}
	s.Clear()
	return s
}

func (s *scanner) Start(a fixed.Point26_6) { s.add(scanOp{true, a}) }
func (s *scanner) Line(b fixed.Point26_6)  { s.add(scanOp{false, b}) }

func (s *scanner) add(op scanOp) {
	if s.lines++; s.lines > maxScanLines {
		panic(tooManyLines{})
	}
	s.ops = append(s.ops, op)
	s.min.X, s.min.Y = min(s.min.X, op.p.X), min(s.min.Y, op.p.Y)
	s.max.X, s.max.Y = max(s.max.X, op.p.X), max(s.max.Y, op.p.Y)
}

// Draw paints the path gathered since Clear within its extent.
func (s *scanner) Draw() {
	if len(s.ops) == 0 || s.spent {
		return
	}
	r := image.Rect(s.min.X.Floor(), s.min.Y.Floor(), s.max.X.Ceil()+1, s.max.Y.Ceil()+1).Intersect(s.dest.Bounds())
	if r.Empty() {
		return
	}
	if !s.spend(r.Dx() * r.Dy()) {
		return
	}
	s.r.Reset(r.Dx(), r.Dy())
	dx, dy := float32(r.Min.X), float32(r.Min.Y)
	for _, op := range s.ops {
		x, y := float32(op.p.X)/64-dx, float32(op.p.Y)/64-dy
		if op.start {
			s.r.MoveTo(x, y)
		} else {
			s.r.LineTo(x, y)
		}
	}
	s.r.Draw(s.dest, r, s.src, r.Min)
}

// spend takes n pixels from the budget; false when it has run out.
func (s *scanner) spend(n int) bool {
	if s.budget -= n; s.budget < 0 {
		s.spent = true
	}
	return !s.spent
}

func (s *scanner) GetPathExtent() fixed.Rectangle26_6 {
	return fixed.Rectangle26_6{Min: s.min, Max: s.max}
}

// SetColor takes a colour or a gradient's colour function.
func (s *scanner) SetColor(c any) {
	switch c := c.(type) {
	case color.Color:
		s.src = image.NewUniform(c)
	case rasterx.ColorFunc:
		s.src = funcImage(c)
	}
}

// Clear forgets the path.
func (s *scanner) Clear() {
	s.ops = s.ops[:0]
	s.min = fixed.Point26_6{X: math.MaxInt32, Y: math.MaxInt32}
	s.max = fixed.Point26_6{X: math.MinInt32, Y: math.MinInt32}
}

// The canvas is fixed, and every path is filled by the non-zero rule
// (the library reads no fill-rule) without clipping.
func (s *scanner) SetBounds(int, int)      {}
func (s *scanner) SetWinding(bool)         {}
func (s *scanner) SetClip(image.Rectangle) {}

// funcImage is a gradient as an image.
type funcImage rasterx.ColorFunc

func (f funcImage) ColorModel() color.Model { return color.RGBAModel }
func (f funcImage) Bounds() image.Rectangle {
	return image.Rect(math.MinInt32/2, math.MinInt32/2, math.MaxInt32/2, math.MaxInt32/2)
}
func (f funcImage) At(x, y int) color.Color { return f(x, y) }
