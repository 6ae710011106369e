package render

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// errTooComplex reports that drawing would exceed a canvas's work budget.
var errTooComplex = errors.New("drawing needs too much work")

// paint is what fills a covered pixel.
type paint interface {
	// at returns the premultiplied colour at the centre of pixel (x, y).
	at(x, y int) color.RGBA64
}

// solid paints one colour everywhere.
type solid color.RGBA64

func (s solid) at(int, int) color.RGBA64 { return color.RGBA64(s) }

// solidPaint returns c, an 8-bit non-premultiplied colour, with its alpha
// scaled by opacity (0 to 1).
func solidPaint(c color.NRGBA, opacity float64) solid {
	a := float64(c.A) / 0xff * opacity
	channel := func(v uint8) uint16 { return uint16(math.Round(float64(v) * 0x101 * a)) }
	return solid{R: channel(c.R), G: channel(c.G), B: channel(c.B), A: uint16(math.Round(0xffff * a))}
}

// canvas is a premultiplied image being drawn on, with the scratch state
// drawing needs and a budget of pixels it may still rasterize.
type canvas struct {
	img    *image.RGBA
	rast   vector.Rasterizer
	mask   []uint8
	budget int
}

// newCanvas returns a transparent w×h canvas that may rasterize budget
// pixels in all.
func newCanvas(w, h, budget int) *canvas {
	return &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h)), budget: budget}
}

// spend takes n pixels from the budget.
func (c *canvas) spend(n int) error {
	if c.budget -= n; c.budget < 0 {
		return errTooComplex
	}
	return nil
}

// fill paints the area inside contours (non-zero winding) with p,
// anti-aliased.
func (c *canvas) fill(contours []contour, p paint) error {
	bounds := c.img.Bounds()
	// One pixel beyond the canvas keeps edges on the border exact.
	area := rectF{float64(bounds.Min.X - 1), float64(bounds.Min.Y - 1), float64(bounds.Max.X + 1), float64(bounds.Max.Y + 1)}
	var clipped []contour
	var box image.Rectangle
	for _, ct := range contours {
		if !ct.finite() {
			return errors.New("geometry overflows")
		}
		ct = ct.clip(area)
		if len(ct) < 3 {
			continue
		}
		clipped = append(clipped, ct)
		b := ct.bounds()
		box = box.Union(image.Rect(int(math.Floor(b.x0)), int(math.Floor(b.y0)), int(math.Ceil(b.x1)), int(math.Ceil(b.y1))))
	}
	r := box.Intersect(bounds)
	if r.Empty() {
		return nil
	}
	if err := c.spend(r.Dx() * r.Dy()); err != nil {
		return err
	}
	mask := c.coverage(clipped, r)
	compositeOver(c.img, r, mask, image.Point{}, p)
	return nil
}

// coverage rasterizes contours over r into a mask whose origin is r.Min.
func (c *canvas) coverage(contours []contour, r image.Rectangle) *image.Alpha {
	w, h := r.Dx(), r.Dy()
	c.rast.Reset(w, h)
	c.rast.DrawOp = draw.Src
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for _, ct := range contours {
		c.rast.MoveTo(float32(ct[0].x-ox), float32(ct[0].y-oy))
		for _, p := range ct[1:] {
			c.rast.LineTo(float32(p.x-ox), float32(p.y-oy))
		}
		c.rast.ClosePath()
	}
	if cap(c.mask) < w*h {
		c.mask = make([]uint8, w*h)
	}
	mask := &image.Alpha{Pix: c.mask[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	c.rast.Draw(mask, mask.Rect, image.Opaque, image.Point{})
	return mask
}

// compositeOver paints p over dst inside r through mask, whose point mp
// lines up with r.Min. r must lie within dst and, shifted, within mask.
func compositeOver(dst *image.RGBA, r image.Rectangle, mask *image.Alpha, mp image.Point, p paint) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		di := dst.PixOffset(r.Min.X, y)
		mi := mask.PixOffset(mp.X, mp.Y+y-r.Min.Y)
		for x := r.Min.X; x < r.Max.X; x, di, mi = x+1, di+4, mi+1 {
			if m := uint32(mask.Pix[mi]); m != 0 {
				blendOver(dst.Pix[di:di+4:di+4], p.at(x, y), m*0x101)
			}
		}
	}
}

// blendOver composites the premultiplied colour s, scaled by the 16-bit
// coverage m, over the 8-bit premultiplied pixel d (Porter-Duff over).
func blendOver(d []uint8, s color.RGBA64, m uint32) {
	sa := uint32(s.A) * m / 0xffff
	if sa == 0 {
		return
	}
	inv := 0xffff - sa
	d[0] = uint8((uint32(d[0])*0x101*inv/0xffff + uint32(s.R)*m/0xffff) >> 8)
	d[1] = uint8((uint32(d[1])*0x101*inv/0xffff + uint32(s.G)*m/0xffff) >> 8)
	d[2] = uint8((uint32(d[2])*0x101*inv/0xffff + uint32(s.B)*m/0xffff) >> 8)
	d[3] = uint8((uint32(d[3])*0x101*inv/0xffff + sa) >> 8)
}

// toNRGBA converts a premultiplied image to a non-premultiplied one.
func toNRGBA(src *image.RGBA) *image.NRGBA {
	b := src.Bounds()
	dst := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		s := src.Pix[src.PixOffset(b.Min.X, y):][:4*b.Dx()]
		d := dst.Pix[dst.PixOffset(b.Min.X, y):][:4*b.Dx()]
		for i := 0; i < len(s); i += 4 {
			a := uint32(s[i+3])
			switch a {
			case 0:
				// Transparent: leave the zero colour.
			case 0xff:
				copy(d[i:i+4], s[i:i+4])
			default:
				// Resamplers may overshoot; never exceed full intensity.
				for k := range 3 {
					d[i+k] = uint8(min((uint32(s[i+k])*0xff+a/2)/a, 0xff))
				}
				d[i+3] = uint8(a)
			}
		}
	}
	return dst
}
