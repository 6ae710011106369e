package render

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	_ "image/gif"  // embedded pictures
	_ "image/jpeg" // embedded pictures
	_ "image/png"  // embedded pictures
	"math"
	"strings"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
	_ "golang.org/x/image/webp" // embedded pictures
)

// Designers' tools often embed raster pictures in SVG art as data: URLs.
// The drawing library has no <image>, so the shapes are drawn in layers
// and each embedded PNG, JPEG, GIF or WebP between them, scaled with its
// transform. Pictures elsewhere (links to files) are never fetched.

// Bounds of embedded pictures: each as an uploaded PNG, and all of them
// together decoding to no more than one such picture.
const (
	maxEmbeddedSide   = 4096
	maxEmbeddedPixels = 2048 * 2048
)

// svgLayer is shapes to draw with the library, or one picture.
type svgLayer struct {
	shapes  []byte // the body of a document, when pic is nil
	pic     image.Image
	m       rasterx.Matrix2D // picture pixels to canvas pixels
	opacity float64
}

// picture converts an <image> whose href embeds a picture; any other is
// left out, as is one that does not decode within the bounds.
func (c *converter) picture(n *node, ctx svgContext) error {
	if ctx.style.hidden {
		return nil
	}
	pic := decodeEmbedded(n.attr("href"), maxEmbeddedPixels-c.picturePixels)
	if pic == nil {
		return nil
	}
	c.picturePixels += pic.Bounds().Dx() * pic.Bounds().Dy()
	fs := ctx.style.fontSize
	x, _ := parseLength(n.attr("x"), ctx.vp.w, fs)
	y, _ := parseLength(n.attr("y"), ctx.vp.h, fs)
	b := pic.Bounds()
	w, okW := parseLength(n.attr("width"), ctx.vp.w, fs)
	h, okH := parseLength(n.attr("height"), ctx.vp.h, fs)
	if !okW || w <= 0 {
		w = float64(b.Dx())
	}
	if !okH || h <= 0 {
		h = float64(b.Dy())
	}
	m := ctx.ctm.Translate(x, y).Mult(viewBoxMatrix(box{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h, n.attr("preserveAspectRatio")))
	c.layers = append(c.layers, svgLayer{shapes: c.body}, svgLayer{pic: pic, m: m, opacity: ctx.style.opacity})
	c.body = nil
	return nil
}

// decodeEmbedded decodes a data: URL of a PNG, JPEG, GIF or WebP picture
// of at most maxPixels, or returns nil.
func decodeEmbedded(href string, maxPixels int) image.Image {
	lower := strings.ToLower(href)
	var data string
	for _, prefix := range []string{"data:image/png;base64,", "data:image/jpeg;base64,", "data:image/jpg;base64,", "data:image/gif;base64,", "data:image/webp;base64,"} {
		if strings.HasPrefix(lower, prefix) {
			data = href[len(prefix):]
		}
	}
	if data == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(data), ""))
	if err != nil {
		return nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil || cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxEmbeddedSide || cfg.Height > maxEmbeddedSide || cfg.Width*cfg.Height > maxPixels {
		return nil
	}
	pic, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	return pic
}

// drawPicture draws a picture layer on img, spending its area from the
// scanner's budget.
func drawPicture(img *image.RGBA, l svgLayer, s *scanner) {
	b := l.pic.Bounds()
	corners := [4][2]float64{{0, 0}, {float64(b.Dx()), 0}, {0, float64(b.Dy())}, {float64(b.Dx()), float64(b.Dy())}}
	area := image.Rectangle{Min: image.Pt(math.MaxInt32, math.MaxInt32), Max: image.Pt(math.MinInt32, math.MinInt32)}
	for _, p := range corners {
		x, y := l.m.Transform(p[0], p[1])
		if math.IsNaN(x) || math.IsNaN(y) || math.Abs(x) > maxPixelCoordinate || math.Abs(y) > maxPixelCoordinate {
			return
		}
		area.Min = image.Pt(min(area.Min.X, int(math.Floor(x))), min(area.Min.Y, int(math.Floor(y))))
		area.Max = image.Pt(max(area.Max.X, int(math.Ceil(x))), max(area.Max.Y, int(math.Ceil(y))))
	}
	area = area.Intersect(img.Bounds())
	if area.Empty() || !s.spend(area.Dx()*area.Dy()) {
		return
	}
	m := l.m.Translate(float64(b.Min.X)*-1, float64(b.Min.Y)*-1)
	opts := &draw.Options{SrcMask: image.NewUniform(color.Alpha16{A: uint16(math.Round(l.opacity * 0xffff))}), SrcMaskP: image.Point{}}
	draw.BiLinear.Transform(img, f64.Aff3{m.A, m.C, m.E, m.B, m.D, m.F}, l.pic, b, draw.Over, opts)
}
