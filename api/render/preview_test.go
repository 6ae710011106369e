package render

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// samplePreview is a typical preview with every field set.
func samplePreview() Preview {
	return Preview{
		Achievement: "Certified Community Session Host",
		Recipient:   "Ada Lovelace",
		Issuer:      "Laurel Community",
		Issued:      "22 November 2026",
		URL:         testURL,
	}
}

// renderPreview draws p and decodes the PNG.
func renderPreview(t *testing.T, p Preview) (image.Image, []byte) {
	t.Helper()
	data, err := p.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != PreviewWidth || b.Dy() != PreviewHeight {
		t.Fatalf("preview is %v, want %d×%d", b, PreviewWidth, PreviewHeight)
	}
	return img, data
}

func nrgbaAt(img image.Image, x, y int) color.NRGBA {
	return color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
}

// strayPixels returns the pixels that differ from the plain background
// (the band along the top) outside the boxes the layout draws in: the
// badge, the QR code, the text column, which ends short of the right and
// bottom margins, and a status written across the band.
func strayPixels(img image.Image) []image.Point {
	band, bandRows := nrgbaAt(img, 0, 0), 0
	for bandRows < PreviewHeight && nrgbaAt(img, 0, bandRows) == band {
		bandRows++
	}
	if bandRows != bandHeight && bandRows != statusBand {
		return []image.Point{{0, bandRows}}
	}
	drawn := []image.Rectangle{
		previewBadgeRect(),
		previewQRRect(),
		image.Rect(columnLeft, bandRows, columnRight, PreviewHeight-footerBottom+footerSize/2),
	}
	if bandRows == statusBand { // the status is written across it
		drawn = append(drawn, image.Rect(margin, 0, PreviewWidth-margin, bandRows))
	}
	var stray []image.Point
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			p := image.Pt(x, y)
			want := previewBackground
			if y < bandRows {
				want = band
			}
			if inAny(p, drawn) {
				continue
			}
			if nrgbaAt(img, x, y) != want {
				stray = append(stray, p)
			}
		}
	}
	return stray
}

func inAny(p image.Point, rects []image.Rectangle) bool {
	for _, r := range rects {
		if p.In(r) {
			return true
		}
	}
	return false
}

// checkMargins fails the test if anything is drawn outside the layout's
// boxes, in particular in the 10-pixel strips along the right and bottom
// edges, which no box reaches.
func checkMargins(t *testing.T, img image.Image) {
	t.Helper()
	for _, r := range []image.Rectangle{previewBadgeRect(), previewQRRect(), image.Rect(columnLeft, 0, columnRight, PreviewHeight-footerBottom+footerSize/2)} {
		if r.Max.X > PreviewWidth-10 || r.Max.Y > PreviewHeight-10 {
			t.Fatalf("layout box %v reaches the 10-pixel margin", r)
		}
	}
	if stray := strayPixels(img); len(stray) > 0 {
		t.Errorf("%d pixels drawn outside the layout, the first at %v", len(stray), stray[0])
	}
}

func TestStrayPixelsFindsStrayPixels(t *testing.T) {
	img, _ := renderPreview(t, samplePreview())
	if stray := strayPixels(img); len(stray) != 0 {
		t.Fatalf("a plain preview has stray pixels at %v", stray[0])
	}
	marked := image.NewRGBA(img.Bounds())
	draw.Draw(marked, marked.Bounds(), img, image.Point{}, draw.Src)
	for _, p := range []image.Point{{PreviewWidth - 3, 300}, {700, PreviewHeight - 2}, {columnRight + 1, 200}} {
		marked.Set(p.X, p.Y, previewTitle)
	}
	if stray := strayPixels(marked); len(stray) != 3 {
		t.Errorf("found %d stray pixels, want 3", len(stray))
	}
}

func TestPreviewLongText(t *testing.T) {
	word := strings.Repeat("W", 500)
	tests := []struct {
		name string
		p    Preview
		wide bool // the title is wider than the column
	}{
		{"long name", Preview{
			Achievement: strings.Repeat("Advanced Distributed Systems Reliability Engineering ", 12),
			Recipient:   strings.Repeat("Maximilian Alexander ", 20),
			Issuer:      strings.Repeat("The International Organisation of ", 10),
			Issued:      strings.Repeat("22 November 2026 ", 10),
			Status:      strings.Repeat("Revoked by the issuer ", 10),
			URL:         longURL,
		}, true},
		{"one long word", Preview{Achievement: word, Recipient: word, Issuer: word, Issued: word, Status: word, URL: testURL}, true},
		{"long word without QR", Preview{Achievement: word, Recipient: word, Issuer: word, Issued: word, Status: word}, true},
		{"control characters", Preview{Achievement: "Line\nbreak\ttab\x00nul\u202eRTL", Recipient: "\r\n", Issuer: "\xff\xfe invalid UTF-8", URL: testURL}, false},
		{"missing glyphs", Preview{Achievement: "日本語の名前 🎉🎉🎉 " + strings.Repeat("漢", 200), Recipient: "Zoë Ångström", Issuer: "عربي", URL: testURL}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _ := renderPreview(t, tt.p)
			checkMargins(t, img)
			if tt.wide && !inkNear(img, image.Rect(columnRight-80, contentTop, columnRight, contentTop+200)) {
				t.Error("the title does not reach the right of the text column: it was not laid out to its full width")
			}
		})
	}
}

// inkNear reports whether any pixel in r is darker than the background.
func inkNear(img image.Image, r image.Rectangle) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := nrgbaAt(img, x, y); c.R < 0xa0 {
				return true
			}
		}
	}
	return false
}

func TestPreviewRecipient(t *testing.T) {
	anonymous := samplePreview()
	anonymous.Recipient = ""
	_, withoutName := renderPreview(t, anonymous)
	phrase := samplePreview()
	phrase.Recipient = "a verified recipient"
	_, withPhrase := renderPreview(t, phrase)
	_, named := renderPreview(t, samplePreview())
	if !bytes.Equal(withoutName, withPhrase) {
		t.Error(`without a recipient the preview should say "Awarded to a verified recipient"`)
	}
	if bytes.Equal(withoutName, named) {
		t.Error("the recipient's name does not show")
	}
}

func TestPreviewDeterministic(t *testing.T) {
	badge, err := RasterizeSVG(badges.DefaultBadgeSVG("Session Host"), 300)
	if err != nil {
		t.Fatal(err)
	}
	p := samplePreview()
	p.Badge, p.Status = badge, "Revoked"
	_, first := renderPreview(t, p)
	_, second := renderPreview(t, p)
	if !bytes.Equal(first, second) {
		t.Error("the same preview gave different bytes")
	}
	p.Status = ""
	if _, third := renderPreview(t, p); bytes.Equal(first, third) {
		t.Error("the status does not show")
	}
}

func TestPreviewQRCode(t *testing.T) {
	for _, url := range []string{testURL, longURL} {
		p := samplePreview()
		p.URL = url
		img, _ := renderPreview(t, p)
		r := previewQRRect()
		crop := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		draw.Draw(crop, crop.Bounds(), img, r.Min, draw.Src)
		if got := decodeQR(t, crop); got != url {
			t.Errorf("the preview's QR code says %q, want %q", got, url)
		}
	}
}

func TestPreviewWithoutURL(t *testing.T) {
	p := samplePreview()
	p.URL = ""
	img, _ := renderPreview(t, p)
	r := previewQRRect()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := nrgbaAt(img, x, y); c != previewBackground {
				t.Fatalf("pixel (%d, %d) = %v in the empty QR area, want the background", x, y, c)
			}
		}
	}
}

func TestPreviewBadge(t *testing.T) {
	r := previewBadgeRect()
	centre := image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)

	img, _ := renderPreview(t, samplePreview())
	if c := nrgbaAt(img, centre.X, centre.Y); c != placeholderFill {
		t.Errorf("without a badge the centre is %v, want the placeholder %v", c, placeholderFill)
	}

	p := samplePreview()
	p.Badge = solidImage(200, 100, red) // scaled to 420×210, centred
	img, _ = renderPreview(t, p)
	for _, pt := range []image.Point{centre, {r.Min.X + 2, centre.Y}, {r.Max.X - 3, centre.Y}} {
		if c := nrgbaAt(img, pt.X, pt.Y); !near(c, red, 1) {
			t.Errorf("badge pixel %v = %v, want red", pt, c)
		}
	}
	if c := nrgbaAt(img, centre.X, r.Min.Y+50); c != previewBackground {
		t.Errorf("above a wide badge: %v, want the background", c)
	}
}

func TestPreviewErrors(t *testing.T) {
	p := samplePreview()
	p.URL = strings.Repeat("x", 3000) // too long for a QR code
	if _, err := p.PNG(); err == nil {
		t.Error("a URL too long for a QR code was accepted")
	}
}

func TestConcurrentUse(t *testing.T) {
	svg := badges.DefaultBadgeSVG("Session Host")
	render := func() ([]byte, error) {
		badge, err := RasterizeSVG(svg, 128)
		if err != nil {
			return nil, err
		}
		p := samplePreview()
		p.Badge = badge
		return p.PNG()
	}
	want, err := render()
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	results := make(chan []byte, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			got, err := render()
			results <- got
			errs <- err
		}()
	}
	for range n {
		if got, err := <-results, <-errs; err != nil || !bytes.Equal(got, want) {
			t.Errorf("concurrent render differs (error %v)", err)
		}
	}
}
