package render

import (
	"os"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func BenchmarkQRPNG(b *testing.B) {
	url := "https://badges.example.org/credentials/" + strings.Repeat("x", 90-len("https://badges.example.org/credentials/"))
	for b.Loop() {
		if _, err := QRPNG(url, 512, LevelMedium); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRasterizeDefaultBadge(b *testing.B) {
	svg := badges.DefaultBadgeSVG("Session Host")
	for b.Loop() {
		if _, err := RasterizeSVG(svg, 512); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPreview(b *testing.B) {
	badge, err := RasterizeSVG(badges.DefaultBadgeSVG("Session Host"), 512)
	if err != nil {
		b.Fatal(err)
	}
	p := Preview{
		Badge:       badge,
		Achievement: "Certified Community Session Host",
		Recipient:   "Ada Lovelace",
		Issuer:      "Laurel Community",
		Issued:      "22 November 2026",
		URL:         testURL,
	}
	for b.Loop() {
		if _, err := p.PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRasterizeDesignerBadge draws an uploaded-style badge at the
// size of the baked PNG: it is done once per image, and should take well
// under 100 ms.
func BenchmarkRasterizeDesignerBadge(b *testing.B) {
	svg, err := os.ReadFile("testdata/svg/badge-designer.svg")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := RasterizeSVG(svg, 512); err != nil {
			b.Fatal(err)
		}
	}
}
