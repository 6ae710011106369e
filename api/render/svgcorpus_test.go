package render

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the reference PNGs in testdata/svg")

// corpusSize is the size the test documents are drawn at.
const corpusSize = 256

// Tolerances against the reference PNGs: a change of the library's
// anti-aliasing passes, a misplaced shape or a wrong colour does not.
const (
	maxMeanDifference = 1.5  // per channel, out of 255
	maxDifferingShare = 0.01 // pixels with a channel off by more than 24
)

// TestRasterizeSVGCorpus draws each document of testdata/svg and compares
// it with its reference PNG (made with -update, then looked at).
func TestRasterizeSVGCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/svg/*.svg")
	if err != nil || len(files) < 15 {
		t.Fatalf("want at least 15 test documents, found %d (%v)", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".svg")
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			img, err := RasterizeSVG(doc, corpusSize)
			if err != nil {
				t.Fatal(err)
			}
			if opaqueShare(img) < 0.05 {
				t.Fatalf("only %.1f%% of the image is drawn", 100*opaqueShare(img))
			}
			ref := strings.TrimSuffix(file, ".svg") + ".png"
			if *update {
				writePNG(t, ref, img)
				return
			}
			compareWithReference(t, img, readPNG(t, ref))
		})
	}
}

// opaqueShare is the share of pixels with some ink.
func opaqueShare(img *image.NRGBA) float64 {
	n := 0
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] > 0 {
			n++
		}
	}
	return float64(n) / float64(len(img.Pix)/4)
}

// compareWithReference fails when img strays from want beyond the
// tolerances, comparing premultiplied colours so that invisible pixels
// match whatever their colour.
func compareWithReference(t *testing.T, img *image.NRGBA, want image.Image) {
	t.Helper()
	if want.Bounds() != img.Bounds() {
		t.Fatalf("bounds %v, reference %v", img.Bounds(), want.Bounds())
	}
	var sum float64
	differing := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r1, g1, b1, a1 := img.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			worst := 0
			for _, d := range []int{diff8(r1, r2), diff8(g1, g2), diff8(b1, b2), diff8(a1, a2)} {
				sum += float64(d)
				worst = max(worst, d)
			}
			if worst > 24 {
				differing++
			}
		}
	}
	pixels := float64(b.Dx() * b.Dy())
	if mean := sum / (4 * pixels); mean > maxMeanDifference {
		t.Errorf("mean difference per channel %.2f, want at most %.2f", mean, maxMeanDifference)
	}
	if share := float64(differing) / pixels; share > maxDifferingShare {
		t.Errorf("%.2f%% of pixels differ, want at most %.2f%%", 100*share, 100*maxDifferingShare)
	}
}

// diff8 is the difference of two 16-bit channels in 8-bit steps.
func diff8(a, b uint32) int {
	d := int(a>>8) - int(b>>8)
	if d < 0 {
		return -d
	}
	return d
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the reference (make it with -update): %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
