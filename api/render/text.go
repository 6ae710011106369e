package render

import (
	"fmt"
	"image"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// fontSet holds the parsed embedded Go fonts; an *opentype.Font is safe for
// concurrent use, the faces made from it are not.
type fontSet struct{ regular, bold *opentype.Font }

var loadFonts = sync.OnceValues(func() (fontSet, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return fontSet{}, fmt.Errorf("render: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return fontSet{}, fmt.Errorf("render: parse Go Bold: %w", err)
	}
	return fontSet{regular: regular, bold: bold}, nil
})

// newFace returns a face of the Go font at px pixels. Faces are unhinted
// so that text measures the same at every size and position.
func newFace(bold bool, px float64) (font.Face, error) {
	fonts, err := loadFonts()
	if err != nil {
		return nil, err
	}
	f := fonts.regular
	if bold {
		f = fonts.bold
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("render: make a %.1fpx face: %w", px, err)
	}
	return face, nil
}

// text paints s with its baseline starting at dot, clipped to clip (which
// must lie within the canvas). Only glyphs that reach into clip are
// rasterized, each spending its area from the budget. Characters the font
// lacks are drawn as its notdef box.
func (c *canvas) text(clip image.Rectangle, face font.Face, s string, dot fixed.Point26_6, p paint) error {
	// No glyph's ink strays further than reach from its origin.
	reach := 2 * face.Metrics().Height
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			dot.X += face.Kern(prev, r)
		}
		prev = r
		if dot.X > fixed.I(clip.Max.X)+reach {
			break // advances are never negative: the rest is off to the right
		}
		if dot.X < fixed.I(clip.Min.X)-reach {
			advance, _ := face.GlyphAdvance(r)
			dot.X += advance
			continue
		}
		bounds, advance, _ := face.GlyphBounds(r)
		if box := glyphBox(bounds, dot); box.Overlaps(clip) {
			if err := c.spend(box.Dx() * box.Dy()); err != nil {
				return err
			}
			c.glyph(clip, face, r, dot, p)
		}
		dot.X += advance
	}
	return nil
}

// glyphBox returns the pixels a glyph with bounds covers when drawn at dot.
func glyphBox(bounds fixed.Rectangle26_6, dot fixed.Point26_6) image.Rectangle {
	b := bounds.Add(dot)
	return image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
}

// glyph paints one glyph at dot, clipped to clip.
func (c *canvas) glyph(clip image.Rectangle, face font.Face, r rune, dot fixed.Point26_6, p paint) {
	dr, mask, maskp, _, _ := face.Glyph(dot, r)
	alpha, ok := mask.(*image.Alpha)
	if !ok {
		return // no glyph at all, not even notdef
	}
	if visible := dr.Intersect(clip); !visible.Empty() {
		compositeOver(c.img, visible, alpha, maskp.Add(visible.Min.Sub(dr.Min)), p)
	}
}

// ellipsis ends text that had to be shortened.
const ellipsis = "…"

// fitPrefix returns the length in bytes of the longest prefix of s that
// measures at most width, keeping room for reserve.
func fitPrefix(face font.Face, s string, width, reserve fixed.Int26_6) int {
	used := reserve
	prev := rune(-1)
	for i, r := range s {
		if prev >= 0 {
			used += face.Kern(prev, r)
		}
		advance, _ := face.GlyphAdvance(r)
		if used += advance; used > width {
			return i
		}
		prev = r
	}
	return len(s)
}

// ellipsize returns s if it fits in width, otherwise the longest prefix of
// s that fits followed by "…".
func ellipsize(face font.Face, s string, width fixed.Int26_6) string {
	if font.MeasureString(face, s) <= width {
		return s
	}
	return shorten(face, s, width)
}

// shorten returns a prefix of s followed by "…", fitting in width.
func shorten(face font.Face, s string, width fixed.Int26_6) string {
	n := fitPrefix(face, s, width, font.MeasureString(face, ellipsis))
	for n > 0 && s[n-1] == ' ' {
		n--
	}
	return s[:n] + ellipsis
}

// wrap breaks the words of s into at most maxLines (at least 1) lines no
// wider than width. A word wider than a line is broken between characters;
// text left over after maxLines is replaced by "…" on the last line.
func wrap(face font.Face, s string, width fixed.Int26_6, maxLines int) []string {
	words := strings.Fields(s)
	var lines []string
	line := ""
	for len(words) > 0 {
		word := words[0]
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		switch {
		case font.MeasureString(face, candidate) <= width:
			line, words = candidate, words[1:]
			continue
		case line == "":
			// The word alone is too wide: put as much as fits on a line.
			n := max(fitPrefix(face, word, width, 0), firstRuneLen(word))
			line, words[0] = word[:n], word[n:]
			if words[0] == "" {
				words = words[1:]
			}
		}
		if len(words) == 0 {
			break
		}
		if len(lines) == maxLines-1 {
			return append(lines, shorten(face, line, width))
		}
		lines, line = append(lines, line), ""
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// firstRuneLen returns the length in bytes of the first character of s.
func firstRuneLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return n
}
