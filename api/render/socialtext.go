package render

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// fittedText is text broken into lines in one face.
type fittedText struct {
	face  font.Face
	size  float64
	lines []string
}

func (t fittedText) lineHeight() int { return int(t.size * 1.18) }

func (t fittedText) height() int { return len(t.lines) * t.lineHeight() }

// fitText breaks text into at most maxLines lines of width pixels at the
// largest of sizes that keeps it whole; failing that, at least pixels,
// long words are broken and what is left over is replaced by "…".
func fitText(faces *faceCache, text string, width int, sizes []float64, least float64, maxLines int, bold bool) (fittedText, error) {
	for _, size := range sizes {
		face, err := faces.get(bold, size)
		if err != nil {
			return fittedText{}, err
		}
		if lines := wrap(face, text, fixed.I(width), maxLines); strings.Join(lines, " ") == text {
			return fittedText{face, size, lines}, nil
		}
	}
	face, err := faces.get(bold, least)
	if err != nil {
		return fittedText{}, err
	}
	return fittedText{face, least, wrap(face, text, fixed.I(width), maxLines)}, nil
}

// draw draws the lines from r's top, each clipped to r, centred across r
// or from its left; it returns the y under the last line.
func (t fittedText) draw(img *image.RGBA, r image.Rectangle, ink color.NRGBA, centred bool) int {
	y := r.Min.Y
	ascent := t.face.Metrics().Ascent.Ceil()
	for _, l := range t.lines {
		x := r.Min.X
		if centred {
			x += (r.Dx() - font.MeasureString(t.face, l).Ceil()) / 2
		}
		drawLine(img, image.Rect(r.Min.X, y, r.Max.X, min(y+t.lineHeight()+ascent/3, r.Max.Y)), t.face, l, x, y+ascent, ink)
		y += t.lineHeight()
	}
	return y
}

// fitSpec is text to fit in a rectangle.
type fitSpec struct {
	text            string
	rect            image.Rectangle
	sizes           []float64 // tried largest first, keeping the text whole
	least           float64   // the size used when none keeps it whole
	lines           int       // at most
	bold            bool
	ink             color.NRGBA
	middle, centred bool // centre vertically, horizontally
}

// drawFitted fits and draws text in its rectangle.
func drawFitted(img *image.RGBA, faces *faceCache, s fitSpec) error {
	if s.text == "" {
		return nil
	}
	t, err := fitText(faces, s.text, s.rect.Dx(), s.sizes, s.least, s.lines, s.bold)
	if err != nil {
		return err
	}
	r := s.rect
	if s.middle {
		// Cap height sits about 0.2em under the line's top: centre that.
		r.Min.Y += (r.Dy()-t.height())/2 + int(t.size*0.05)
	}
	t.draw(img, r, s.ink, s.centred)
	return nil
}

// drawLine draws s with its baseline starting at (x, baseline), clipped
// to clip: whatever the text, nothing is drawn outside it.
func drawLine(img *image.RGBA, clip image.Rectangle, face font.Face, s string, x, baseline int, ink color.NRGBA) {
	dst, ok := img.SubImage(clip.Intersect(img.Bounds())).(*image.RGBA)
	if !ok || dst.Bounds().Empty() {
		return
	}
	d := font.Drawer{Dst: dst, Src: image.NewUniform(ink), Face: face, Dot: fixed.P(x, baseline)}
	d.DrawString(s)
}

// drawDisc draws the disc inscribed in r, anti-aliased.
func drawDisc(img *image.RGBA, r image.Rectangle, c color.NRGBA) {
	if r.Empty() {
		return
	}
	const segments = 96
	w, h := float32(r.Dx()), float32(r.Dy())
	z := vector.NewRasterizer(r.Dx(), r.Dy())
	for i := 0; i <= segments; i++ {
		a := 2 * math.Pi * float64(i) / segments
		x, y := w/2+w/2*float32(math.Sin(a)), h/2-h/2*float32(math.Cos(a))
		if i == 0 {
			z.MoveTo(x, y)
		} else {
			z.LineTo(x, y)
		}
	}
	z.ClosePath()
	z.DrawOp = draw.Over
	z.Draw(img, r, image.NewUniform(c), image.Point{})
}
