package render

import (
	"bytes"
	"fmt"
	"image"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
)

// The pixel sizes RasterizeSVG and BadgeImage draw at.
const (
	MinBadgeSize = 16
	MaxBadgeSize = 2048
)

// RasterizeSVG draws an SVG document on a transparent size×size image:
// its viewport is scaled to fit and centred. It draws what badge art is
// made of: basic shapes and paths, groups, transforms, nested <svg>,
// <use> and <symbol>, linear and radial gradients, strokes with caps,
// joins and dashes, opacity, presentation attributes, style attributes
// and style sheets of simple rules (.class, type, #id), <text> in the
// embedded Go fonts, and pictures embedded as data: URLs. Clip paths,
// masks, filters, patterns and markers are not drawn, nor is fill-rule
// evenodd: the elements they affect are drawn plainly, what they hold not
// at all. Nothing outside the document is ever fetched.
//
// Work is bounded: documents over 2 MiB, with more than 20,000 elements
// (after <use> is expanded), 400,000 numbers in their shapes or 20,000
// characters of text, or nested deeper than 64 levels yield an error
// wrapping ErrUnsupportedSVG, as do DOCTYPE and entity declarations.
// Malformed XML yields an error too. size must be within [MinBadgeSize,
// MaxBadgeSize].
func RasterizeSVG(svg []byte, size int) (*image.NRGBA, error) {
	if size < MinBadgeSize || size > MaxBadgeSize {
		return nil, fmt.Errorf("render: image size %d is outside [%d, %d]", size, MinBadgeSize, MaxBadgeSize)
	}
	layers, err := simplifySVG(svg, size)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	if err := drawLayers(layers, img); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return toNRGBA(img), nil
}

// drawLayers draws shapes with the library and pictures between them,
// until the work budget runs out: then the error wraps ErrUnsupportedSVG.
func drawLayers(layers []svgLayer, img *image.RGBA) (err error) {
	size := img.Bounds().Dx()
	s := newScanner(img, svgWorkFactor*size*size)
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(tooManyLines); !ok {
				panic(r)
			}
			err = unsupportedf("the drawing is too complex")
		}
	}()
	dasher := rasterx.NewDasher(size, size, s)
	for _, l := range layers {
		if l.pic != nil {
			drawPicture(img, l, s)
			continue
		}
		icon, err := oksvg.ReadIconStream(bytes.NewReader(l.shapes))
		if err != nil {
			return fmt.Errorf("read the simplified SVG: %w", err)
		}
		for _, p := range icon.SVGPaths {
			if s.spent {
				break
			}
			p.DrawTransformed(dasher, 1, icon.Transform)
		}
	}
	if s.spent {
		return unsupportedf("the drawing is too complex")
	}
	return nil
}

// simplifySVG rewrites a document into the subset the library reads, in
// pixels of a size×size canvas; see converter.
func simplifySVG(svg []byte, size int) ([]svgLayer, error) {
	root, err := parseTree(svg)
	if err != nil {
		return nil, err
	}
	c := newConverter(root)
	if err := c.convertRoot(root, size); err != nil {
		return nil, err
	}
	// Each layer of shapes is a document of its own, with every gradient.
	head := fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", size, size, size, size)
	layers := append(c.layers, svgLayer{shapes: c.body})
	for i, l := range layers {
		if l.pic == nil {
			doc := append(append([]byte(nil), head...), c.defs...)
			layers[i].shapes = append(append(doc, l.shapes...), "</svg>\n"...)
		}
	}
	return layers, nil
}
