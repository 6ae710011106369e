package render

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// TestRasterizeSVGFeatures checks colours at known points of small
// documents, each about one thing the rasterizer adds to the library.
func TestRasterizeSVGFeatures(t *testing.T) {
	purple := color.NRGBA{0x80, 0, 0x80, 0xff}
	tests := []pixelCase{
		{"path with arcs", svg100(`<path d="M10 50 A40 40 0 0 1 90 50 Z" fill="red"/>`),
			[]pixelCheck{{50, 30, red, 0}, {50, 12, red, 0}, {50, 60, transparent, 0}, {12, 20, transparent, 0}}},
		{"compact arc flags", svg100(`<path d="M10 50a40 40 0 0190 0z" fill="red"/>`),
			[]pixelCheck{{50, 30, red, 0}}},
		{"cubic curve stroke", svg100(`<path d="M0 50 C 30 0 70 0 100 50" fill="none" stroke="blue" stroke-width="6"/>`),
			[]pixelCheck{{50, 13, blue, 0}, {50, 50, transparent, 0}}},
		{"polygon", svg100(`<polygon points="0,0 100,0 0,100" fill="red"/>`),
			[]pixelCheck{{20, 20, red, 0}, {80, 80, transparent, 0}}},
		{"rotate about a point", svg100(`<rect x="40" y="0" width="20" height="100" fill="blue" transform="rotate(90 50 50)"/>`),
			[]pixelCheck{{10, 50, blue, 0}, {50, 10, transparent, 0}}},
		{"nested scale", svg100(`<g transform="translate(50 50)"><g transform="scale(2)"><rect width="10" height="10" fill="red"/></g></g>`),
			[]pixelCheck{{65, 65, red, 0}, {75, 75, transparent, 0}, {45, 45, transparent, 0}}},
		{"matrix", svg100(`<rect width="10" height="10" fill="red" transform="matrix(2 0 0 2 10 10)"/>`),
			[]pixelCheck{{20, 20, red, 0}, {35, 35, transparent, 0}}},
		{"stroke scales with its element", svg100(`<g transform="scale(10)"><line x1="0" y1="5" x2="10" y2="5" stroke="blue" stroke-width="1"/></g>`),
			[]pixelCheck{{50, 46, blue, 0}, {50, 54, blue, 0}, {50, 60, transparent, 0}}},
		{"use and symbol", svg100(`<defs><symbol id="s" viewBox="0 0 10 10"><rect width="10" height="10"/></symbol></defs><use href="#s" x="50" width="50" height="50" fill="red"/>`),
			[]pixelCheck{{75, 25, red, 0}, {25, 25, transparent, 0}, {75, 75, transparent, 0}}},
		{"use loop", svg100(`<g id="a"><use href="#a"/><rect width="10" height="10" fill="red"/></g>`),
			[]pixelCheck{{5, 5, red, 0}}},
		{"nested svg", svg100(`<svg x="50" y="50" width="50" height="50" viewBox="0 0 1 1"><rect width="1" height="1" fill="blue"/></svg>`),
			[]pixelCheck{{75, 75, blue, 0}, {25, 25, transparent, 0}}},
		{"percentages", svg100(`<rect x="50%" width="50%" height="100%" fill="red"/>`),
			[]pixelCheck{{75, 50, red, 0}, {25, 50, transparent, 0}}},
		{"units", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1in" height="96px"><rect width="0.5in" height="1in" fill="red"/></svg>`),
			[]pixelCheck{{25, 50, red, 0}, {75, 50, transparent, 0}}},
		{"offset viewBox", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="-50 -50 100 100"><rect width="50" height="50" fill="red"/></svg>`),
			[]pixelCheck{{75, 75, red, 0}, {25, 25, transparent, 0}}},
		{"aspect ratio none", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 200 10" preserveAspectRatio="none"><rect width="100" height="10" fill="red"/></svg>`),
			[]pixelCheck{{25, 90, red, 0}, {75, 10, transparent, 0}}},
		{"aspect ratio xMinYMin", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 10 20" preserveAspectRatio="xMinYMin meet"><rect width="10" height="20" fill="red"/></svg>`),
			[]pixelCheck{{25, 50, red, 0}, {75, 50, transparent, 0}}},
		{"percent size", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" viewBox="0 0 10 10"><rect width="10" height="10" fill="red"/></svg>`),
			[]pixelCheck{{2, 2, red, 0}, {97, 97, red, 0}}},
		{"currentColor", svg100(`<g color="blue"><rect width="100" height="100" fill="currentColor"/></g>`),
			[]pixelCheck{{50, 50, blue, 0}}},
		{"css colours", svg100(`<rect width="50" height="100" fill="rgb(255, 0, 0)"/><rect x="50" width="50" height="100" style="fill: hsl(240, 100%, 50%)"/>`),
			[]pixelCheck{{25, 50, red, 0}, {75, 50, blue, 0}}},
		{"named colour", svg100(`<rect width="100" height="100" fill="purple"/>`),
			[]pixelCheck{{50, 50, purple, 0}}},
		{"group opacity", svg100(`<g opacity="0.5"><rect width="100" height="100" fill="red"/></g>`),
			[]pixelCheck{{50, 50, color.NRGBA{0xff, 0, 0, 0x80}, 1}}},
		{"rgba alpha", svg100(`<rect width="100" height="100" fill="rgba(0,0,255,0.5)"/>`),
			[]pixelCheck{{50, 50, color.NRGBA{0, 0, 0xff, 0x80}, 1}}},
		{"radial gradient", svg100(`<radialGradient id="r"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></radialGradient><rect width="100" height="100" fill="url(#r)"/>`),
			[]pixelCheck{{50, 50, red, 8}, {50, 1, blue, 8}, {0, 0, blue, 0}}},
		{"gradient inherited by href", svg100(`<linearGradient id="a"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="red"/></linearGradient><linearGradient id="b" href="#a"/><rect width="100" height="100" fill="url(#b)"/>`),
			[]pixelCheck{{50, 50, red, 0}}},
		{"text middle", svg100(`<text x="50" y="80" font-size="60" font-weight="bold" text-anchor="middle" fill="red">I</text>`),
			[]pixelCheck{{50, 50, red, 0}, {30, 50, transparent, 0}, {70, 50, transparent, 0}}},
		{"tspan colour", svg100(`<text x="0" y="70" font-size="60" font-weight="bold" fill="red">I<tspan fill="blue">I</tspan></text>`),
			[]pixelCheck{{10, 50, red, 0}, {44, 50, blue, 0}}},
		{"transformed text", svg100(`<text x="0" y="0" font-size="40" fill="blue" transform="translate(50 90) rotate(-90)">l</text>`),
			[]pixelCheck{{35, 85, blue, 0}, {35, 50, transparent, 0}}},
		{"style sheet classes", svg100(`<style>.a{fill:red} rect.b { fill: blue } #c{fill:#00ff00} g rect{fill:black}</style><rect class="a" width="30" height="30"/><rect class="a b" x="35" width="30" height="30"/><rect id="c" class="b" x="70" width="30" height="30" style="fill:red;fill:#00ff00"/>`),
			[]pixelCheck{{15, 15, red, 0}, {50, 15, blue, 0}, {85, 15, green, 0}}},
		{"invisible", svg100(`<rect width="100" height="100" fill="red" visibility="hidden"/><rect width="100" height="100" fill="red" style="display:none"/>`),
			[]pixelCheck{{50, 50, transparent, 0}}},
		{"bad values are ignored", svg100(`<rect width="100" height="100" fill="red" stroke="bogus" stroke-width="x" transform="rotate(nope)"/><circle r="-1"/><circle r="1..2"/>`),
			[]pixelCheck{{50, 50, transparent, 0}}},
	}
	runPixelCases(t, tests)
}

// TestRasterizeSVGNeutralises draws what the upload check refuses, in case
// such a document reaches the rasterizer some other way: nothing active
// or external is drawn or fetched, and the rest of the art still is.
func TestRasterizeSVGNeutralises(t *testing.T) {
	for name, body := range map[string]string{
		"script":         `<script>document.write('x')</script>`,
		"foreignObject":  `<foreignObject width="100" height="100"><rect xmlns="http://www.w3.org/2000/svg" width="100" height="100" fill="blue"/></foreignObject>`,
		"event handler":  `<rect width="100" height="100" fill="blue" onload="alert(1)" display="none"/>`,
		"external image": `<image href="http://evil.example/x.png" width="100" height="100"/>`,
		"external use":   `<use href="http://evil.example/x.svg#a"/>`,
		"external paint": `<rect width="100" height="100" fill="url(http://evil.example/p.svg#g)"/>`,
		"style sheet":    `<style>@import url(http://evil.example/s.css); rect { fill: blue }</style>`,
		"animation":      `<rect width="100" height="100" fill="none"><set attributeName="fill" to="blue"/></rect>`,
	} {
		t.Run(name, func(t *testing.T) {
			img, err := RasterizeSVG(svg100(body+`<rect x="45" y="45" width="10" height="10" fill="red"/>`), 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []pixelCheck{{50, 50, red, 0}, {10, 10, transparent, 0}, {90, 90, transparent, 0}} {
				if got := img.NRGBAAt(c.x, c.y); !near(got, c.want, c.tol) {
					t.Errorf("pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
				}
			}
		})
	}
}

// TestRasterizeSVGCostlyDocuments draws documents made to be slow; each
// must end, with an image or an error, instead of running into the test's
// deadline.
func TestRasterizeSVGCostlyDocuments(t *testing.T) {
	docs := map[string][]byte{
		"fine dashes":      svg100(`<path d="M-1e6 -1e6 L1e6 1e6" stroke="red" stroke-width="1" stroke-dasharray="0.001"/>`),
		"huge coordinates": svg100(`<circle cx="5e6" cy="5e6" r="9e6" fill="red" stroke="blue" stroke-width="1e6"/>`),
		"tiny viewBox":     []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1e-9 1e-9"><circle r="1e6" fill="red"/></svg>`),
		"many uses":        svg100(`<g id="a"><rect width="100" height="100" fill-opacity="0.01"/></g><g id="b"><use href="#a"/><use href="#a"/><use href="#a"/><use href="#a"/></g><g id="c"><use href="#b"/><use href="#b"/><use href="#b"/><use href="#b"/></g><g id="d"><use href="#c"/><use href="#c"/><use href="#c"/><use href="#c"/></g><use href="#d"/><use href="#d"/><use href="#d"/><use href="#d"/>`),
		"giant stroke":     svg100(`<polyline points="` + strings.Repeat("0,0 100,100 ", 2000) + `" fill="none" stroke="red" stroke-width="1000" stroke-linejoin="round"/>`),
		"looping curves":   svg100(`<path d="M0 0` + strings.Repeat(" C 400 400 -400 400 0 0", 5000) + `" fill="red" stroke="blue" stroke-width="3"/>`),
		"looping dashes":   svg100(`<path d="M0 0` + strings.Repeat(" Q 400 400 0 0", 5000) + `" fill="none" stroke="blue" stroke-width="30" stroke-dasharray="1"/>`),
		"huge curves":      svg100(`<path d="M0 0` + strings.Repeat(" C 9e5 9e5 -9e5 9e5 0 0", 5000) + `" fill="red" stroke="blue" stroke-width="3"/>`),
		"giant text":       svg100(`<text y="100" font-size="1000000">` + strings.Repeat("W", 500) + `</text>`),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			img, err := RasterizeSVG(doc, 512)
			switch {
			case err != nil && !errors.Is(err, ErrUnsupportedSVG):
				t.Fatalf("err = %v, want ErrUnsupportedSVG or none", err)
			case err == nil && img.Bounds().Dx() != 512:
				t.Fatalf("bounds %v", img.Bounds())
			}
		})
	}
}

// embeddedPNG is a data: URL of a w×h PNG of one colour.
func embeddedPNG(t *testing.T, w, h int, c color.NRGBA) string {
	t.Helper()
	pic := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(pic.Pix); i += 4 {
		pic.Pix[i], pic.Pix[i+1], pic.Pix[i+2], pic.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, pic); err != nil {
		t.Fatal(err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())
}

// TestRasterizeSVGEmbeddedPictures: an embedded PNG is drawn where its
// element puts it, between the shapes before and after it; a picture
// linked from elsewhere, or too large, is not.
func TestRasterizeSVGEmbeddedPictures(t *testing.T) {
	pic := embeddedPNG(t, 4, 2, red)
	tests := []pixelCase{
		{"placed and stacked", svg100(`<rect width="100" height="100" fill="blue"/><image href="` + pic + `" x="0" y="25" width="100" height="50"/><rect x="40" y="40" width="20" height="20" fill="#00ff00"/>`),
			[]pixelCheck{{10, 10, blue, 0}, {10, 50, red, 0}, {50, 50, green, 0}, {90, 90, blue, 0}}},
		{"aspect ratio kept", svg100(`<image href="` + pic + `" width="100" height="100"/>`),
			[]pixelCheck{{50, 50, red, 0}, {50, 10, transparent, 0}, {50, 90, transparent, 0}}},
		{"transformed", svg100(`<g transform="translate(50 50) scale(0.5)"><image href="` + pic + `" width="100" height="50"/></g>`),
			[]pixelCheck{{75, 60, red, 0}, {25, 25, transparent, 0}}},
		{"group opacity", svg100(`<g opacity="0.5"><image href="` + pic + `" width="100" height="50" preserveAspectRatio="none"/></g>`),
			[]pixelCheck{{50, 25, color.NRGBA{0xff, 0, 0, 0x80}, 1}}},
		{"linked", svg100(`<image href="https://evil.example/a.png" width="100" height="100"/>`),
			[]pixelCheck{{50, 50, transparent, 0}}},
		{"too large", svg100(`<image href="` + embeddedPNG(t, 4097, 1, red) + `" width="100" height="100"/>`),
			[]pixelCheck{{50, 50, transparent, 0}}},
		{"too many pixels in all", svg100(`<image href="` + embeddedPNG(t, 1500, 1500, red) + `" width="50" height="50"/>` +
			`<image href="` + embeddedPNG(t, 1500, 1500, blue) + `" x="50" width="50" height="50"/>`),
			[]pixelCheck{{25, 25, red, 0}, {75, 25, transparent, 0}}},
	}
	runPixelCases(t, tests)
}
