package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/skip2/go-qrcode"
)

// Level is a QR error-correction level: higher levels survive more damage
// at the cost of a denser code.
type Level int

// The QR error-correction levels, recovering about 7%, 15%, 25% and 30% of
// the code words.
const (
	LevelLow Level = iota
	LevelMedium
	LevelQuartile
	LevelHigh
)

// The pixel sizes QR codes may be drawn at.
const (
	MinQRSize = 64
	MaxQRSize = 2048
)

// ParseLevel parses "L", "M", "Q" or "H" (in any case); "" means LevelMedium.
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(s) {
	case "L":
		return LevelLow, nil
	case "", "M":
		return LevelMedium, nil
	case "Q":
		return LevelQuartile, nil
	case "H":
		return LevelHigh, nil
	}
	return 0, fmt.Errorf("render: unknown QR error-correction level %.20q; use L, M, Q or H", s)
}

// String returns the level's letter.
func (l Level) String() string {
	switch l {
	case LevelLow:
		return "L"
	case LevelMedium:
		return "M"
	case LevelQuartile:
		return "Q"
	case LevelHigh:
		return "H"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// recovery maps l to go-qrcode's level.
func (l Level) recovery() (qrcode.RecoveryLevel, error) {
	switch l {
	case LevelLow:
		return qrcode.Low, nil
	case LevelMedium:
		return qrcode.Medium, nil
	case LevelQuartile:
		return qrcode.High, nil
	case LevelHigh:
		return qrcode.Highest, nil
	}
	return 0, fmt.Errorf("render: invalid QR error-correction level %d", int(l))
}

// QRImage draws content as a size×size QR code, black on white, with a
// quiet zone of at least 4 modules. Each module is a whole number of pixels
// (the code is centred, the rest is white margin) unless size is smaller
// than the code's modules, when nearest-neighbour sampling is used.
func QRImage(content string, size int, level Level) (image.Image, error) {
	bitmap, err := qrModules(content, size, level)
	if err != nil {
		return nil, err
	}
	return drawModules(bitmap, size), nil
}

// QRPNG is QRImage encoded as a PNG.
func QRPNG(content string, size int, level Level) ([]byte, error) {
	img, err := QRImage(content, size, level)
	if err != nil {
		return nil, err
	}
	return PNG(img)
}

// QRSVG draws the same modules as QRImage as a compact SVG: a white
// background and one path made of the dark modules' horizontal runs, in a
// viewBox measured in modules (quiet zone included) and displayed at
// size×size pixels.
func QRSVG(content string, size int, level Level) ([]byte, error) {
	bitmap, err := qrModules(content, size, level)
	if err != nil {
		return nil, err
	}
	n := len(bitmap)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img">`,
		size, size, n, n)
	b.WriteString("<title>QR code: ")
	// EscapeText also replaces characters XML cannot hold, so the
	// document stays well-formed whatever content is.
	if err := xml.EscapeText(&b, []byte(content)); err != nil {
		return nil, fmt.Errorf("render: escape QR title: %w", err)
	}
	b.WriteString("</title>")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/><path fill="#000000" d="`, n, n)
	writeRuns(&b, bitmap)
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// writeRuns writes one "M x y h w v 1 h -w z" subpath per horizontal run of
// dark modules.
func writeRuns(b *bytes.Buffer, bitmap [][]bool) {
	for y, row := range bitmap {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
}

// qrModules validates the arguments and returns the code's modules, quiet
// zone included, as bitmap[y][x] (true is dark).
func qrModules(content string, size int, level Level) ([][]bool, error) {
	if size < MinQRSize || size > MaxQRSize {
		return nil, fmt.Errorf("render: QR size %d is outside [%d, %d]", size, MinQRSize, MaxQRSize)
	}
	if content == "" {
		return nil, errors.New("render: QR content is empty")
	}
	recovery, err := level.recovery()
	if err != nil {
		return nil, err
	}
	code, err := qrcode.New(content, recovery)
	if err != nil {
		return nil, fmt.Errorf("render: encode %d bytes as a QR code at level %v: %w", len(content), level, err)
	}
	return code.Bitmap(), nil
}

// drawModules paints bitmap onto a size×size two-colour image.
func drawModules(bitmap [][]bool, size int) *image.Paletted {
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	index := moduleIndex(len(bitmap), size)
	for y, my := range index {
		if my < 0 {
			continue
		}
		row := img.Pix[y*img.Stride:][:size]
		for x, mx := range index {
			if mx >= 0 && bitmap[my][mx] {
				row[x] = 1
			}
		}
	}
	return img
}

// moduleIndex maps each of size pixel columns (or rows) to the module of
// n it shows, or -1 for the white margin. Modules are a whole number of
// pixels, centred, unless there are fewer pixels than modules: then they
// are sampled nearest-neighbour.
func moduleIndex(n, size int) []int {
	index := make([]int, size)
	scale := size / n
	offset := (size - n*scale) / 2
	for i := range index {
		switch {
		case scale == 0:
			index[i] = i * n / size
		case i < offset || i >= offset+n*scale:
			index[i] = -1
		default:
			index[i] = (i - offset) / scale
		}
	}
	return index
}
