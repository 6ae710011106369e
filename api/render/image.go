package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"

	"golang.org/x/image/draw"
)

// maxPNGSide bounds the width and height of PNGs BadgeImage decodes, so a
// small file cannot make it allocate gigabytes.
const maxPNGSide = 4096

// PNG encodes img as a PNG, favouring speed over size.
func PNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("render: encode PNG: %w", err)
	}
	return b.Bytes(), nil
}

// BadgeImage draws badge art, a PNG or an SVG, on a transparent size×size
// image: a PNG is scaled to fit, keeping its aspect ratio, and centred; an
// SVG goes through RasterizeSVG (and may fail with ErrUnsupportedSVG).
// PNGs larger than 4096×4096 pixels are refused before being decoded.
func BadgeImage(data []byte, size int) (*image.NRGBA, error) {
	if size < MinBadgeSize || size > MaxBadgeSize {
		return nil, fmt.Errorf("render: image size %d is outside [%d, %d]", size, MinBadgeSize, MaxBadgeSize)
	}
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return scalePNG(data, size)
	case bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("<")):
		return RasterizeSVG(data, size)
	}
	return nil, errors.New("render: the badge image is neither a PNG nor an SVG")
}

// scalePNG decodes a PNG and scales it to fit a size×size image.
func scalePNG(data []byte, size int) (*image.NRGBA, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("render: read PNG header: %w", err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxPNGSide || cfg.Height > maxPNGSide {
		return nil, fmt.Errorf("render: the PNG is %d×%d pixels; at most %d×%d are allowed",
			cfg.Width, cfg.Height, maxPNGSide, maxPNGSide)
	}
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("render: decode PNG: %w", err)
	}
	dst := image.NewRGBA(image.Rect(0, 0, size, size))
	scaleInto(dst, dst.Bounds(), src)
	return toNRGBA(dst), nil
}

// scaleInto draws src over dst, scaled with Catmull-Rom to the largest
// rectangle centred in r that keeps src's aspect ratio.
func scaleInto(dst draw.Image, r image.Rectangle, src image.Image) {
	sb := src.Bounds()
	if sb.Empty() || r.Empty() {
		return
	}
	w, h := r.Dx(), r.Dy()
	// Compare w/h with the source's ratio without dividing.
	if sb.Dx()*h > sb.Dy()*w {
		h = max(1, (sb.Dy()*w+sb.Dx()/2)/sb.Dx())
	} else {
		w = max(1, (sb.Dx()*h+sb.Dy()/2)/sb.Dy())
	}
	at := r.Min.Add(image.Pt((r.Dx()-w)/2, (r.Dy()-h)/2))
	draw.CatmullRom.Scale(dst, image.Rectangle{Min: at, Max: at.Add(image.Pt(w, h))}, src, sb, draw.Over, nil)
}
