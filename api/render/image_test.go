package render

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// encodePNG encodes img for tests.
func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// solidImage returns a w×h image of one colour.
func solidImage(w, h int, c color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func TestBadgeImagePNG(t *testing.T) {
	tests := []struct {
		name       string
		w, h, size int
		inside     []image.Point // red pixels
		outside    []image.Point // transparent pixels
	}{
		{"wide", 300, 150, 128, []image.Point{{0, 32}, {127, 32}, {64, 64}, {0, 95}, {127, 95}}, []image.Point{{64, 0}, {64, 31}, {64, 96}, {0, 127}}},
		{"tall", 50, 200, 128, []image.Point{{48, 0}, {79, 127}, {64, 64}}, []image.Point{{47, 64}, {80, 64}, {0, 0}}},
		{"upscaled square", 10, 10, 64, []image.Point{{0, 0}, {63, 63}, {32, 32}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := BadgeImage(encodePNG(t, solidImage(tt.w, tt.h, red)), tt.size)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, tt.size, tt.size) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			for _, p := range tt.inside {
				if got := img.NRGBAAt(p.X, p.Y); !near(got, red, 1) {
					t.Errorf("pixel %v = %v, want red", p, got)
				}
			}
			for _, p := range tt.outside {
				if got := img.NRGBAAt(p.X, p.Y); got.A != 0 {
					t.Errorf("pixel %v = %v, want transparent", p, got)
				}
			}
		})
	}
}

func TestBadgeImageSVG(t *testing.T) {
	svg := badges.DefaultBadgeSVG("Session Host")
	for _, data := range [][]byte{svg, append([]byte("\xef\xbb\xbf\n  "), svg...)} {
		img, err := BadgeImage(data, 64)
		if err != nil {
			t.Fatal(err)
		}
		want, err := RasterizeSVG(svg, 64)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(img.Pix, want.Pix) {
			t.Error("BadgeImage of an SVG differs from RasterizeSVG")
		}
	}
	if _, err := BadgeImage([]byte(`<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>`), 64); !errors.Is(err, ErrUnsupportedSVG) {
		t.Errorf("unsupported SVG: err = %v, want ErrUnsupportedSVG", err)
	}
}

// pngChunk frames one PNG chunk with its length and CRC.
func pngChunk(kind string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(append(out, kind...), data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

// greyPNG is a hand-made 8-bit greyscale PNG whose header claims
// width×height pixels; with data, it holds that many black pixels.
func greyPNG(t *testing.T, width, height uint32, data bool) []byte {
	t.Helper()
	ihdr := binary.BigEndian.AppendUint32(nil, width)
	ihdr = binary.BigEndian.AppendUint32(ihdr, height)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	if data {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		row := make([]byte, 1+width) // filter byte, then black pixels
		for range height {
			if _, err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, pngChunk("IDAT", z.Bytes())...)
	}
	return append(out, pngChunk("IEND", nil)...)
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestBadgeImageRefusesHugePNGs(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"header only", greyPNG(t, 100000, 100000, false)},
		// A real 4097×4097 image: decoding it would allocate 16 MiB.
		{"just too wide", greyPNG(t, maxPNGSide+1, maxPNGSide+1, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = BadgeImage(tt.data, 128) })
			if err == nil {
				t.Fatal("BadgeImage succeeded, want an error")
			}
			if n > 1<<20 {
				t.Errorf("refusing the PNG allocated %d bytes", n)
			}
		})
	}
	// The limit itself is allowed.
	img, err := BadgeImage(greyPNG(t, 1, maxPNGSide, true), 16)
	if err != nil {
		t.Fatalf("a 1×%d PNG: %v", maxPNGSide, err)
	}
	if c := img.NRGBAAt(7, 8); c.A != 0xff || c.R != 0 {
		t.Errorf("centre of a black column = %v", c)
	}
}

func TestBadgeImageErrors(t *testing.T) {
	good := encodePNG(t, solidImage(4, 4, red))
	tests := []struct {
		name string
		data []byte
		size int
	}{
		{"empty", nil, 64},
		{"gif", []byte("GIF89a"), 64},
		{"truncated PNG", good[:len(good)/2], 64},
		{"PNG header only", good[:20], 64},
		{"zero-width PNG", greyPNG(t, 0, 10, false), 64},
		{"size too small", good, MinBadgeSize - 1},
		{"size too big", good, MaxBadgeSize + 1},
	}
	for _, tt := range tests {
		if img, err := BadgeImage(tt.data, tt.size); err == nil {
			t.Errorf("%s: BadgeImage = %v, want an error", tt.name, img.Bounds())
		}
	}
}

func TestPNG(t *testing.T) {
	src := solidImage(3, 2, color.NRGBA{10, 20, 30, 40})
	data, err := PNG(src)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := color.NRGBAModel.Convert(img.At(2, 1)).(color.NRGBA); got != (color.NRGBA{10, 20, 30, 40}) || img.Bounds() != src.Bounds() {
		t.Errorf("round trip gave %v at (2, 1), bounds %v", got, img.Bounds())
	}
	if _, err := PNG(image.NewNRGBA(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("encoding an empty image succeeded")
	}
}
