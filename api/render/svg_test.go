package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

var (
	red         = color.NRGBA{0xff, 0, 0, 0xff}
	green       = color.NRGBA{0, 0xff, 0, 0xff}
	blue        = color.NRGBA{0, 0, 0xff, 0xff}
	transparent = color.NRGBA{}
)

// svg100 wraps body in an <svg> with a 100×100 viewBox.
func svg100(body string) []byte {
	return []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">` + body + `</svg>`)
}

// near reports whether each channel of a and b differs by at most tol.
func near(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) bool { return math.Abs(float64(x)-float64(y)) <= float64(tol) }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// hexColor parses "#rrggbb".
func hexColor(t *testing.T, s string) color.NRGBA {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil {
		t.Fatalf("bad colour %q", s)
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

var (
	fillRE = regexp.MustCompile(`r="248" fill="(#[0-9a-f]{6})"`)
	ringRE = regexp.MustCompile(`stroke="(#[0-9a-f]{6})"`)
)

func TestRasterizeDefaultBadge(t *testing.T) {
	for _, name := range []string{"Session Host", "Rust", "élan vital", "42 Club"} {
		t.Run(name, func(t *testing.T) {
			svg := badges.DefaultBadgeSVG(name)
			fill := hexColor(t, fillRE.FindStringSubmatch(string(svg))[1])
			ring := hexColor(t, ringRE.FindStringSubmatch(string(svg))[1])
			const size = 256 // half the 512 viewBox
			img, err := RasterizeSVG(svg, size)
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, size, size) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			// The ring has radius 110 and width 3 around (128, 128).
			for _, p := range []image.Point{{128, 238}, {238, 128}, {18, 128}, {128, 18}} {
				if got := img.NRGBAAt(p.X, p.Y); !near(got, ring, 2) {
					t.Errorf("ring pixel %v = %v, want %v", p, got, ring)
				}
			}
			// Below 55% of the disc the shine has faded out.
			for _, p := range []image.Point{{60, 200}, {196, 200}, {128, 225}, {40, 150}} {
				if got := img.NRGBAAt(p.X, p.Y); !near(got, fill, 2) {
					t.Errorf("disc pixel %v = %v, want the fill %v", p, got, fill)
				}
			}
			// Near the top the white shine is at 0.24·(1 − 0.0645/0.55).
			shine := 0.24 * (1 - (40.0-8)/496/0.55)
			blend := func(c uint8) uint8 { return uint8(math.Round(float64(c)*(1-shine) + 255*shine)) }
			wantTop := color.NRGBA{blend(fill.R), blend(fill.G), blend(fill.B), 0xff}
			if got := img.NRGBAAt(128, 20); !near(got, wantTop, 3) {
				t.Errorf("shine pixel (128, 20) = %v, want %v", got, wantTop)
			}
			for _, p := range []image.Point{{0, 0}, {size - 1, 0}, {0, size - 1}, {size - 1, size - 1}, {10, 10}} {
				if a := img.NRGBAAt(p.X, p.Y).A; a != 0 {
					t.Errorf("corner pixel %v has alpha %d, want 0", p, a)
				}
			}
			checkInitials(t, img)
		})
	}
}

// checkInitials finds the white initials in the middle of a default badge
// drawn at 256 pixels and checks that they are centred.
func checkInitials(t *testing.T, img *image.NRGBA) {
	t.Helper()
	count, sumX := 0, 0
	for y := range 256 {
		for x := range 256 {
			c := img.NRGBAAt(x, y)
			if c.R < 235 || c.G < 235 || c.B < 235 || c.A != 0xff {
				continue
			}
			if x < 40 || x > 216 || y < 60 || y > 180 {
				t.Fatalf("white pixel at (%d, %d), outside the initials' box", x, y)
			}
			count++
			sumX += x
		}
	}
	if count < 800 {
		t.Fatalf("%d white pixels where the initials are, want at least 800", count)
	}
	if centre := float64(sumX) / float64(count); math.Abs(centre-128) > 8 {
		t.Errorf("the initials are centred on x = %.1f, want about 128", centre)
	}
}

// pixelCheck expects a colour (within tol) at a pixel.
type pixelCheck struct {
	x, y int
	want color.NRGBA
	tol  int
}

func TestRasterizeSVGShapes(t *testing.T) {
	tests := []pixelCase{
		{"rect", svg100(`<rect x="10" y="20" width="80" height="60" fill="red"/>`),
			[]pixelCheck{{50, 50, red, 0}, {11, 21, red, 0}, {5, 50, transparent, 0}, {50, 85, transparent, 0}}},
		{"short hex and default black", svg100(`<rect width="50" height="100" fill="#0f0"/><rect x="50" width="50" height="100"/>`),
			[]pixelCheck{{25, 50, green, 0}, {75, 50, color.NRGBA{0, 0, 0, 0xff}, 0}}},
		{"rect stroke", svg100(`<rect x="20" y="20" width="60" height="60" fill="none" stroke="#0000ff" stroke-width="10"/>`),
			[]pixelCheck{{20, 50, blue, 0}, {16, 50, blue, 0}, {24, 50, blue, 0}, {50, 50, transparent, 0}, {13, 50, transparent, 0}, {16, 16, blue, 0}}},
		{"round join", svg100(`<rect x="20" y="20" width="60" height="60" fill="none" stroke="blue" stroke-width="10" stroke-linejoin="round"/>`),
			[]pixelCheck{{16, 50, blue, 0}, {15, 15, transparent, 0}}},
		{"rounded rect", svg100(`<rect x="10" y="10" width="80" height="80" rx="30" fill="red"/>`),
			[]pixelCheck{{12, 12, transparent, 0}, {50, 12, red, 0}, {12, 50, red, 0}, {50, 50, red, 0}}},
		{"ellipse", svg100(`<ellipse cx="50" cy="50" rx="40" ry="20" fill="blue"/>`),
			[]pixelCheck{{50, 50, blue, 0}, {15, 50, blue, 0}, {50, 25, transparent, 0}, {50, 33, blue, 0}}},
		{"circle ring", svg100(`<circle cx="50" cy="50" r="30" fill="none" stroke="red" stroke-width="10"/>`),
			[]pixelCheck{{50, 50, transparent, 0}, {50, 20, red, 0}, {80, 50, red, 0}, {50, 12, transparent, 0}}},
		{"group inherits", svg100(`<g fill="blue" stroke="red"><g stroke="none"><rect width="100" height="100"/></g></g>`),
			[]pixelCheck{{0, 0, blue, 0}, {50, 50, blue, 0}}},
		{"style wins over attributes", svg100(`<rect width="100" height="100" fill="red" style="fill: #00ff00; stroke:none"/>`),
			[]pixelCheck{{50, 50, green, 0}}},
		{"fill-opacity", svg100(`<rect width="100" height="100" fill="white" fill-opacity="0.5"/>`),
			[]pixelCheck{{50, 50, color.NRGBA{0xff, 0xff, 0xff, 0x80}, 1}}},
		{"opacity over", svg100(`<rect width="100" height="100" fill="blue"/><rect width="100" height="100" fill="red" opacity="50%"/>`),
			[]pixelCheck{{50, 50, color.NRGBA{0x80, 0, 0x7f, 0xff}, 1}}},
		{"hidden things", svg100(`<defs><rect width="100" height="100" fill="red"/></defs><g display="none"><rect width="100" height="100"/></g><rect width="10" height="10" fill="red" display="none"/>`),
			[]pixelCheck{{5, 5, transparent, 0}, {50, 50, transparent, 0}}},
		{"ignored extras", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="urn:x" version="1.1" viewBox="0 0 100 100" role="img" aria-label="A badge" x:foo="bar">
<title>Title &amp; such</title><desc>Desc</desc><metadata><x:anything><rect/></x:anything></metadata>
<x:credential verify="abc"><![CDATA[{"a": 1}]]></x:credential>
<rect id="r" class="c" data-x="1" width="100" height="100" fill="red" shape-rendering="crispEdges"/></svg>`),
			[]pixelCheck{{50, 50, red, 0}}},
		{"aspect ratio", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="-100 0 200 100"><rect x="-100" width="200" height="100" fill="red"/></svg>`),
			[]pixelCheck{{50, 10, transparent, 0}, {50, 26, red, 0}, {50, 73, red, 0}, {50, 90, transparent, 0}, {0, 50, red, 0}, {99, 50, red, 0}}},
		{"width and height", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="50px" height="100"><rect width="50" height="100" fill="red"/></svg>`),
			[]pixelCheck{{10, 50, transparent, 0}, {50, 50, red, 0}, {90, 50, transparent, 0}}},
		{"no namespace", []byte(`<svg viewBox="0 0 10 10"><rect width="10" height="10" fill="blue"/></svg>`),
			[]pixelCheck{{50, 50, blue, 0}}},
		{"bounding-box gradient", svg100(`<defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="100%" stop-color="blue"/></linearGradient></defs>
<rect x="0" y="0" width="100" height="100" fill="url(#g)"/>`),
			[]pixelCheck{{0, 50, color.NRGBA{0xfe, 0, 0x01, 0xff}, 3}, {99, 50, color.NRGBA{0x01, 0, 0xfe, 0xff}, 3}, {50, 50, color.NRGBA{0x80, 0, 0x80, 0xff}, 3}}},
		{"gradient declared later, padded", svg100(`<rect x="0" y="0" width="100" height="100" fill="url(#g)"/>
<linearGradient id="g" x1="0" y1="0.25" x2="0" y2="0.75"><stop offset="0" stop-color="red" stop-opacity="1"/><stop offset="1" stop-color="red" stop-opacity="0"/></linearGradient>`),
			[]pixelCheck{{50, 10, red, 0}, {50, 90, transparent, 0}, {50, 50, color.NRGBA{0xff, 0, 0, 125}, 2}}},
		{"user-space gradient", svg100(`<linearGradient id="g" gradientUnits="userSpaceOnUse" x1="50" y1="0" x2="100" y2="0"><stop offset="0" stop-color="#00ff00"/><stop offset="1" stop-color="#0000ff"/></linearGradient>
<rect x="0" y="0" width="100" height="100" fill="url(#g)"/>`),
			[]pixelCheck{{10, 50, green, 0}, {49, 50, green, 1}, {99, 50, blue, 3}}},
		{"missing gradient with fallback", svg100(`<rect width="100" height="100" fill="url(#nope) red"/>`),
			[]pixelCheck{{50, 50, red, 0}}},
		{"huge circle", svg100(`<circle cx="-99950" cy="50" r="1e5" fill="red"/>`),
			[]pixelCheck{{10, 50, red, 0}, {48, 10, red, 0}, {52, 90, transparent, 0}, {90, 50, transparent, 0}}},
		{"covering circle", svg100(`<circle cx="50" cy="50" r="1e5" fill="blue"/>`),
			[]pixelCheck{{0, 0, blue, 0}, {99, 99, blue, 0}}},
		{"zero sizes draw nothing", svg100(`<circle r="0" fill="red"/><rect width="0" height="10"/><ellipse rx="5" ry="0"/><text x="50" y="50" font-size="0">A</text>`),
			[]pixelCheck{{0, 0, transparent, 0}, {50, 50, transparent, 0}}},
	}
	runPixelCases(t, tests)
}

// inkColumns returns the first and last columns with opaque-ish pixels.
func inkColumns(img *image.NRGBA) (first, last int) {
	first, last = -1, -1
	b := img.Bounds()
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if img.NRGBAAt(x, y).A > 128 {
				if first < 0 {
					first = x
				}
				last = x
				break
			}
		}
	}
	return first, last
}

func TestRasterizeSVGTextAnchor(t *testing.T) {
	tests := []struct {
		anchor      string
		left, right func(first, last int) bool
	}{
		{"start", func(f, _ int) bool { return f >= 49 && f <= 54 }, func(_, l int) bool { return l > 60 }},
		{"middle", func(f, l int) bool { return math.Abs(float64(f+l)/2-50) <= 2 }, func(_, l int) bool { return l > 55 }},
		{"end", func(f, _ int) bool { return f < 40 }, func(_, l int) bool { return l >= 45 && l <= 50 }},
	}
	for _, tt := range tests {
		t.Run(tt.anchor, func(t *testing.T) {
			svg := svg100(fmt.Sprintf(`<text x="50" y="60" font-size="20" font-weight="bold" text-anchor="%s" fill="blue">HIH</text>`, tt.anchor))
			img, err := RasterizeSVG(svg, 100)
			if err != nil {
				t.Fatal(err)
			}
			first, last := inkColumns(img)
			if !tt.left(first, last) || !tt.right(first, last) {
				t.Errorf("ink spans columns %d to %d", first, last)
			}
		})
	}
}

func TestRasterizeSVGBoldText(t *testing.T) {
	ink := func(weight string) int {
		svg := svg100(`<text x="10" y="60" font-size="30" font-weight="` + weight + `">MMM</text>`)
		img, err := RasterizeSVG(svg, 100)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for i := 3; i < len(img.Pix); i += 4 {
			sum += int(img.Pix[i])
		}
		return sum
	}
	if regular, bold := ink("400"), ink("700"); bold <= regular*11/10 {
		t.Errorf("bold text has %d ink, regular %d: want bold clearly heavier", bold, regular)
	}
}

func TestRasterizeSVGErrors(t *testing.T) {
	deep := strings.Repeat("<g>", maxSVGDepth) + strings.Repeat("</g>", maxSVGDepth)
	tests := []struct {
		name        string
		svg         []byte
		size        int
		unsupported bool
	}{
		{"doctype", []byte(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>`), 64, true},
		{"external entity", []byte(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text y="1">&x;</text></svg>`), 64, true},
		{"entity bomb", []byte(`<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><text>&b;</text></svg>`), 64, true},
		{"stylesheet instruction", []byte(`<?xml-stylesheet href="s.css"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>`), 64, true},
		{"not svg", []byte(`<html xmlns="http://www.w3.org/1999/xhtml"/>`), 64, true},
		{"too many elements", svg100(strings.Repeat(`<g/>`, maxSVGElements)), 64, true},
		{"too many uses", svg100(`<rect id="r" width="1" height="1"/>` + strings.Repeat(`<use href="#r"/>`, maxSVGElements/2)), 64, true},
		{"too many numbers", svg100(`<path d="M0 0` + strings.Repeat(" L1 1", maxSVGNumbers/2) + `"/>`), 64, true},
		{"too much text", svg100(`<text y="50">` + strings.Repeat("a", maxSVGTextRune+1) + `</text>`), 64, true},
		{"too much text in all", svg100(strings.Repeat(`<text y="50">`+strings.Repeat("é", maxSVGTextRune/2+1)+`</text>`, 2)), 64, true},
		{"too much painting", svg100(strings.Repeat(`<rect width="100" height="100"/>`, svgWorkFactor+1)), 64, true},
		{"too deep", svg100(deep), 64, true},
		{"too large", svg100(`<!--` + strings.Repeat("x", maxSVGBytes) + `-->`), 64, true},

		{"malformed", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect></svg>`), 64, false},
		{"unknown entity", svg100(`<text>&nbsp;</text>`), 64, false},
		{"empty", nil, 64, false},
		{"text only", []byte(`hello`), 64, false},
		{"two roots", []byte(`<svg viewBox="0 0 1 1"/><svg viewBox="0 0 1 1"/>`), 64, false},
		{"size too small", svg100(""), MinBadgeSize - 1, false},
		{"size too big", svg100(""), MaxBadgeSize + 1, false},
		{"size zero", svg100(""), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := RasterizeSVG(tt.svg, tt.size)
			if err == nil {
				t.Fatalf("RasterizeSVG succeeded (%v), want an error", img.Bounds())
			}
			if got := errors.Is(err, ErrUnsupportedSVG); got != tt.unsupported {
				t.Errorf("errors.Is(%q, ErrUnsupportedSVG) = %v, want %v", err, got, tt.unsupported)
			}
		})
	}
}

func TestRasterizeSVGLimitsAreInclusive(t *testing.T) {
	deep := strings.Repeat("<g>", maxSVGDepth-1) + strings.Repeat("</g>", maxSVGDepth-1)
	for name, svg := range map[string][]byte{
		"elements": svg100(strings.Repeat(`<g/>`, maxSVGElements-1)),
		"depth":    svg100(deep),
		"bytes":    svg100(`<!--` + strings.Repeat("x", maxSVGBytes-len(svg100(`<!---->`))) + `-->`),
	} {
		if _, err := RasterizeSVG(svg, MinBadgeSize); err != nil {
			t.Errorf("%s at the limit: %v", name, err)
		}
	}
	for _, size := range []int{MinBadgeSize, MaxBadgeSize} {
		img, err := RasterizeSVG(badges.DefaultBadgeSVG("Limits"), size)
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Errorf("size %d: %v", size, err)
		}
	}
}

// pixelCase is an SVG drawn at 100 pixels and the colours wanted at some
// of them.
type pixelCase struct {
	name   string
	svg    []byte
	checks []pixelCheck
}

// runPixelCases draws each case and checks its pixels.
func runPixelCases(t *testing.T, cases []pixelCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			img, err := RasterizeSVG(tt.svg, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.checks {
				if got := img.NRGBAAt(c.x, c.y); !near(got, c.want, c.tol) {
					t.Errorf("pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
				}
			}
		})
	}
}
