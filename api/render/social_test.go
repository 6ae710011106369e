package render

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/math/fixed"

	"github.com/laurel-badges/laurel/badges"
)

// testArt is generated badge art drawn at 200 pixels.
func testArt(t testing.TB, name, level string) image.Image {
	t.Helper()
	img, err := RasterizeSVG(badges.BadgeArt{Name: name, Level: level, Community: "Gophers"}.SVG(), 200)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// renderCard draws c and decodes the PNG, failing unless it is 1200×630.
func renderCard(t *testing.T, c Card) image.Image {
	t.Helper()
	data, err := c.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b != image.Rect(0, 0, PreviewWidth, PreviewHeight) {
		t.Fatalf("card is %v, want 1200×630", b)
	}
	return img
}

// checkCardMargins fails the test if anything is drawn in the 10-pixel
// strips along the right and bottom edges under the header.
func checkCardMargins(t *testing.T, img image.Image) {
	t.Helper()
	for y := cardHeader; y < PreviewHeight; y++ {
		for x := 0; x < PreviewWidth; x++ {
			if x < PreviewWidth-10 && y < PreviewHeight-10 {
				continue
			}
			if got := nrgbaAt(img, x, y); got != previewBackground {
				t.Fatalf("pixel (%d, %d) is %v, in the margin", x, y, got)
			}
		}
	}
}

func TestCard_Layouts(t *testing.T) {
	art := testArt(t, "Session Host", "leadership")
	many := make([]CardArt, 8)
	for i := range many {
		many[i] = CardArt{Image: art, Caption: "Ada Lovelace · Session Host"}
	}
	tests := map[string]Card{
		"no art":      {Community: "Gophers", Kicker: "Community", Title: "Gophers of Lyon", Lines: []string{"3 badges to earn"}},
		"one picture": {Community: "Gophers", Kicker: "Badge", Title: "Session Host", Art: []CardArt{{Image: art}}, Footer: "badges.example.org"},
		"a row":       {Community: "Gophers", Kicker: "Member", Title: "Ada", Art: many[:3], Logo: art},
		"a long row":  {Community: "Gophers", Kicker: "Spotlight", Title: "Ada", Art: many},
		"no pictures": {Title: "Gophers", Art: []CardArt{{Caption: "a"}, {Caption: "b"}}},
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			img := renderCard(t, c)
			checkCardMargins(t, img)
			if got := nrgbaAt(img, 3, 3); got != laurelBlue {
				t.Errorf("the header is %v, want Laurel's blue", got)
			}
			if !inkNear(img, image.Rect(cardMargin, cardHeader, PreviewWidth, PreviewHeight)) {
				t.Error("nothing is drawn under the header")
			}
		})
	}
}

func TestCard_Accent(t *testing.T) {
	accent, ink := color.NRGBA{0xf0, 0xd0, 0x40, 0xff}, color.NRGBA{0, 0, 0, 0xff}
	img := renderCard(t, Card{Accent: accent, AccentText: ink, Community: "Gophers of Lyon", Kicker: "Badge", Title: "Host"})
	if got := nrgbaAt(img, 3, 3); got != accent {
		t.Errorf("the header is %v, want the accent %v", got, accent)
	}
	dark := 0
	for y := range cardHeader {
		for x := cardMargin; x < 400; x++ {
			if c := nrgbaAt(img, x, y); c.R < 0x40 && c.G < 0x40 {
				dark++
			}
		}
	}
	if dark < 200 {
		t.Errorf("%d dark pixels in the header: the community's name is not drawn in the accent's text colour", dark)
	}
}

func TestCard_Deterministic(t *testing.T) {
	c := Card{Community: "Gophers", Title: "Host", Lines: []string{"Earned by 3 members"}, Art: []CardArt{{Image: testArt(t, "Host", "")}}}
	a, errA := c.PNG()
	b, errB := c.PNG()
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("two drawings of one card differ (%v, %v)", errA, errB)
	}
}

// TestFitText checks that a name wraps to two lines before it shrinks,
// and shrinks before it is cut.
func TestFitText(t *testing.T) {
	var faces faceCache
	defer faces.close()
	sizes := []float64{36, 32, 28}
	tests := []struct {
		name, text string
		size       float64
		lines      int
		cut        bool
	}{
		{"one line", "Gophers of Lyon", 36, 1, false},
		{"two lines", strings.Repeat("Gophers of Lyon ", 3), 36, 2, false},
		{"smaller", strings.Repeat("Gophers of Lyon ", 5), 32, 2, false},
		{"cut", strings.Repeat("Gophers of Lyon ", 12), 22, 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := clean(tc.text)
			f, err := fitText(&faces, text, 700, sizes, 22, 2, true)
			if err != nil {
				t.Fatal(err)
			}
			cut := strings.HasSuffix(f.lines[len(f.lines)-1], ellipsis)
			if f.size != tc.size || len(f.lines) != tc.lines || cut != tc.cut {
				t.Errorf("got %v px, %d lines, cut %v: %q", f.size, len(f.lines), cut, f.lines)
			}
			for _, l := range f.lines {
				if w := measure(f, l); w > fixed.I(700) {
					t.Errorf("line %q is wider than 700 pixels", l)
				}
			}
		})
	}
}

func measure(f fittedText, s string) fixed.Int26_6 {
	var w fixed.Int26_6
	for _, r := range s {
		a, _ := f.face.GlyphAdvance(r)
		w += a
	}
	return w
}

func FuzzCard(f *testing.F) {
	f.Add("Gophers of Lyon", "Session Host", "Earned by 3 members", "Ada · Host", uint8(1))
	f.Add(strings.Repeat("W", 700), strings.Repeat("Supercalifragilistic", 40), "\x00\xff\u202e", "", uint8(7))
	f.Add("<script>alert(1)</script>", "مساهم متميز 🎉👩‍💻", "日本語", "&amp;<b>", uint8(3))
	f.Fuzz(func(t *testing.T, community, title, line, caption string, pictures uint8) {
		c := Card{Community: community, Kicker: caption, Title: title, Lines: []string{line, title}, Footer: line}
		for range pictures % 8 {
			c.Art = append(c.Art, CardArt{Caption: caption})
		}
		img, err := c.draw()
		if err != nil {
			t.Fatalf("draw: %v", err)
		}
		if b := img.Bounds(); b != image.Rect(0, 0, PreviewWidth, PreviewHeight) {
			t.Fatalf("card is %v", b)
		}
		checkCardMargins(t, img)
	})
}
