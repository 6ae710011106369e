package badges

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fittedName is a name broken into lines at a font size.
type fittedName struct {
	lines []string
	size  float64
}

func (f fittedName) lineHeight() float64 { return f.size * 1.12 }

// The name's font sizes, largest first: the first at which the name fits
// its box in whole words is used.
var nameSizes = []float64{84, 76, 70, 64, 58, 52, 46, 41, 36, 32, 28, 25}

// fitName breaks name into lines that fit a width×height box at the
// largest size that keeps words whole; failing that, at the smallest size,
// long words are broken and what does not fit ends in "…".
func fitName(name string, width, height float64) fittedName {
	if name == "" {
		name = "Badge"
	}
	for _, size := range nameSizes {
		f := fittedName{size: size}
		maxLines := int(height / f.lineHeight())
		if lines, whole := wrapEstimate(name, width, size, maxLines); whole {
			f.lines = lines
			return f
		}
	}
	f := fittedName{size: nameSizes[len(nameSizes)-1]}
	f.lines, _ = wrapEstimate(name, width, f.size, int(height/f.lineHeight()))
	return f
}

// fittedLine is one line of text at a font size.
type fittedLine struct {
	text string
	size float64
}

// fitLine shrinks s from size to least to fit width, then shortens it
// with "…".
func fitLine(s string, width, size, least float64) fittedLine {
	for ; size > least; size-- {
		if textWidth(s, size) <= width {
			return fittedLine{s, size}
		}
	}
	return fittedLine{shortenEstimate(s, width, least), least}
}

// wrapEstimate breaks s into at most maxLines (at least 1) lines no wider
// than width at size; whole reports that every word fit on a line and
// nothing was left out.
func wrapEstimate(s string, width, size float64, maxLines int) (lines []string, whole bool) {
	maxLines = max(maxLines, 1)
	whole = true
	line := ""
	words := strings.Fields(s)
	for len(words) > 0 {
		candidate := strings.TrimSpace(line + " " + words[0])
		if textWidth(candidate, size) <= width {
			line, words = candidate, words[1:]
			continue
		}
		if line == "" { // one word wider than the line: break it
			n := max(breakAt(words[0], prefixFitting(words[0], width, size)), firstRuneSize(words[0]))
			line, words[0], whole = words[0][:n], words[0][n:], false
		}
		if len(lines) == maxLines-1 {
			return append(lines, shortenEstimate(line+" "+strings.Join(words, " "), width, size)), false
		}
		lines, line = append(lines, line), ""
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, whole
}

// breakAt moves a break inside a word, at byte n, back to just after a
// hyphen or a slash when one comes in the second half of the part kept.
func breakAt(word string, n int) int {
	if n >= len(word) {
		return n
	}
	if i := strings.LastIndexAny(word[:n], "-/"); i >= n/2 {
		return i + 1
	}
	return n
}

// shortenEstimate returns s if it fits width at size, else the longest
// prefix that fits with "…" after it.
func shortenEstimate(s string, width, size float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	n := prefixFitting(s, width-textWidth("…", size), size)
	return strings.TrimRight(s[:n], " ") + "…"
}

// prefixFitting returns the length in bytes of the longest prefix of s
// no wider than width at size.
func prefixFitting(s string, width, size float64) int {
	used := 0.0
	for i, r := range s {
		if used += runeWidth(r) * size; used > width {
			return i
		}
	}
	return len(s)
}

// textWidth estimates the width of s in a bold sans-serif face at size:
// the renderers' fonts differ, so the estimate errs on the wide side.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += runeWidth(r) * size
	}
	return w
}

// runeWidth is a character's estimated advance, in ems.
func runeWidth(r rune) float64 {
	switch {
	case unicode.Is(unicode.Mn, r):
		return 0
	case r == ' ':
		return 0.28
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) || r >= 0x1F000:
		return 1.05 // wide: ideographs and emoji
	case strings.ContainsRune("iljtf.,:;'!|", r):
		return 0.34
	case strings.ContainsRune("MWmw@", r):
		return 0.92
	case unicode.IsUpper(r) || unicode.IsDigit(r):
		return 0.72
	}
	return 0.6
}

// cleanArtText turns control characters and runs of spaces into single
// spaces and keeps at most limit characters, then "…": the text is
// untrusted, and more could never fit.
func cleanArtText(s string, limit int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// firstRuneSize returns the length in bytes of the first character of s.
func firstRuneSize(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return n
}
