package render

import (
	"bytes"
	"image"
	"strings"
	"testing"
)

// TestPreviewStatus checks that a credential that no longer holds says so
// across the top, fades its badge and congratulates nobody.
func TestPreviewStatus(t *testing.T) {
	p := samplePreview()
	p.Badge = testArt(t, "Session Host", "leadership")
	p.Status = "Revoked"
	img, data := renderPreview(t, p)
	checkMargins(t, img)
	for _, at := range []image.Point{{2, 2}, {PreviewWidth - 3, 2}, {2, statusBand - 1}, {PreviewWidth / 2, 4}} {
		if got := nrgbaAt(img, at.X, at.Y); got != previewWarning {
			t.Errorf("pixel %v is %v, want the warning band", at, got)
		}
	}
	if got := nrgbaAt(img, 2, statusBand); got != previewBackground {
		t.Errorf("the band reaches below %d pixels: %v", statusBand, got)
	}
	white := 0
	for y := range statusBand {
		for x := PreviewWidth/2 - 200; x < PreviewWidth/2+200; x++ {
			if c := nrgbaAt(img, x, y); c.R > 0xf0 && c.G > 0xf0 && c.B > 0xf0 {
				white++
			}
		}
	}
	if white < 300 {
		t.Errorf("%d white pixels in the band: it does not say REVOKED", white)
	}
	r := previewBadgeRect()
	for y := r.Min.Y; y < r.Max.Y; y += 5 {
		for x := r.Min.X; x < r.Max.X; x += 5 {
			if c := nrgbaAt(img, x, y); max(c.R, c.G, c.B)-min(c.R, c.G, c.B) > 8 {
				t.Fatalf("badge pixel (%d, %d) is %v: the badge of a revoked credential keeps its colours", x, y, c)
			}
		}
	}
	other := p
	other.Recipient = "Somebody Else"
	if _, otherData := renderPreview(t, other); !bytes.Equal(data, otherData) {
		t.Error("a revoked credential's preview still names its recipient")
	}
}

// TestPreviewIssuerWraps checks that an issuer's name that fits on two
// lines is not cut.
func TestPreviewIssuerWraps(t *testing.T) {
	p := samplePreview()
	p.Issuer = "The International Organisation of Community Hosts"
	var faces faceCache
	defer faces.close()
	b, err := p.layout(&faces)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, l := range b.meta {
		text = append(text, l.text)
	}
	joined := strings.Join(text, " ")
	if !strings.Contains(joined, "Issued by "+p.Issuer) || strings.Contains(joined, ellipsis) {
		t.Errorf("the issuer's name was cut: %q", text)
	}
}

func TestPreviewAccent(t *testing.T) {
	p := samplePreview()
	p.Accent = laurelBlue
	p.Accent.G = 0x99
	img, _ := renderPreview(t, p)
	if got := nrgbaAt(img, 2, 2); got != p.Accent {
		t.Errorf("the band is %v, want the accent %v", got, p.Accent)
	}
}
