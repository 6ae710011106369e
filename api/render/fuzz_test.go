package render

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func FuzzRasterizeSVG(f *testing.F) {
	for _, name := range []string{"Session Host", "Rust", "élan vital", "", "<&>"} {
		f.Add(badges.DefaultBadgeSVG(name), uint8(48))
	}
	for _, doc := range [][]byte{
		svg100(`<path d="M0 0h10v10z"/>`),
		svg100(`<g transform="scale(2)"><rect width="10" height="10"/></g>`),
		svg100(`<image href="x.png"/>`),
		[]byte(`<!DOCTYPE svg [<!ENTITY x "y">]><svg/>`),
		svg100(`<linearGradient id="g" x1="0" x2="0" y2="1"><stop offset=".2" stop-color="#abc"/><stop offset="10%" stop-color="red" stop-opacity=".5"/></linearGradient><ellipse cx="50" cy="50" rx="40" ry="20" fill="url(#g)" stroke="url(#g) blue" stroke-width="4"/>`),
		svg100(`<rect x="-10" y="5" width="200" height="20" rx="8" fill="#123" style="stroke:#fff;stroke-width:3;stroke-linejoin:round"/><text x="100" y="50" text-anchor="end" font-size="30" font-weight="bold">日本 🎉</text>`),
		[]byte(`<svg viewBox="0,0,1e9,1"><circle r="1e9" cx="-1e9"/></svg>`),
		[]byte(`<svg width="10" height="1e-3"/>`),
		svg100(`<defs><symbol id="s" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5"/></symbol></defs><use href="#s" width="50%" height="50%"/><use href="#u" id="u"/>`),
		svg100(`<svg x="10" y="10" width="80" height="40" viewBox="-5 -5 10 10" preserveAspectRatio="xMaxYMin slice"><path d="M0 0a5 5 0 1 1 0.1 0zm1-1 c1 2 3 4 5 6s1 1 2 2q1 1 2 2t3 3 h1v1H0V0z"/></svg>`),
		svg100(`<radialGradient id="r" href="#r" fx="0" fy="1" r="2" spreadMethod="reflect"><stop offset="1" stop-color="hsl(30,50%,50%)"/></radialGradient><polyline points="0,0 100,100 0,100" fill="url(#r)" stroke="rgba(1,2,3,.5)" stroke-dasharray="1 2 3" stroke-width="4em"/>`),
		svg100(`<text x="10 20" y="50" dx="3" font-size="2em" style="font-weight:900;fill:currentColor" color="red">a<tspan x="50" text-anchor="end" font-size="0">b</tspan><tspan dy="-10">c  d</tspan></text>`),
	} {
		f.Add(doc, uint8(0))
	}
	corpus, err := filepath.Glob("testdata/svg/*.svg")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range corpus {
		doc, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc, uint8(32))
	}
	f.Fuzz(func(t *testing.T, doc []byte, s uint8) {
		size := MinBadgeSize + int(s)%64
		img, err := RasterizeSVG(doc, size)
		if err != nil {
			if img != nil {
				t.Fatal("an error came with an image")
			}
			return
		}
		if b := img.Bounds(); b.Min.X != 0 || b.Min.Y != 0 || b.Dx() != size || b.Dy() != size || len(img.Pix) != 4*size*size {
			t.Fatalf("image bounds %v, %d bytes; want %d×%d", b, len(img.Pix), size, size)
		}
	})
}

func FuzzPreview(f *testing.F) {
	f.Add("Session Host", "Ada Lovelace", "Laurel Community", "22 November 2026", "", testURL)
	f.Add(strings.Repeat("W", 500), "", "Issuer", "today", "Revoked", "")
	f.Add("日本語\x00\n\t🎉", "\xff\xfe", "\u202eabc", "…", "Expired", "x")
	f.Fuzz(func(t *testing.T, achievement, recipient, issuer, issued, status, url string) {
		p := Preview{Achievement: achievement, Recipient: recipient, Issuer: issuer, Issued: issued, Status: status, URL: url}
		// draw is PNG without the encoding, which takes half the time and
		// cannot fail on a well-formed image.
		img, err := p.draw()
		if err != nil {
			// Only a URL too long for a QR code may fail.
			if _, qrErr := QRImage(url, qrSide, LevelMedium); qrErr == nil {
				t.Fatalf("draw: %v", err)
			}
			return
		}
		if b := img.Bounds(); b != image.Rect(0, 0, PreviewWidth, PreviewHeight) {
			t.Fatalf("preview is %v", b)
		}
		if stray := strayPixels(img); len(stray) > 0 {
			t.Fatalf("%d pixels drawn outside the layout, the first at %v", len(stray), stray[0])
		}
	})
}
