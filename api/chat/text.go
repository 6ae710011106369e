package chat

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// How much of a person's words a post carries: a name is a name, a note
// a few sentences; the rest is cut with an ellipsis so that a very long
// name never pushes a post past a platform's limits.
const (
	maxName = 100 // characters of a member's, badge's or community's name
	maxNote = 500 // characters of the spotlight's note
)

// clean makes s one line of visible text: control characters (new lines
// among them) become spaces and directional overrides are dropped, so a
// name can neither break a post's layout nor reverse the text after it.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(strings.Map(func(r rune) rune {
		switch {
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
			return -1
		case unicode.IsControl(r), r == unicode.ReplacementChar:
			return ' '
		}
		return r
	}, s), unicode.IsSpace), " ")
}

// clip is s cleaned and cut to at most n characters, an ellipsis ending
// one that was cut.
func clip(s string, n int) string {
	s = clean(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// name is a name as a post shows it, clipped, or the words for someone
// or something without one.
func name(s, without string) string {
	if s = clip(s, maxName); s == "" {
		return without
	}
	return s
}

// units counts s as the platforms count their limits: in UTF-16 code
// units, which is never fewer than characters, so a text within units is
// within either count.
func units(s string) int { return len(utf16.Encode([]rune(s))) }

// cutUnits cuts s to at most n UTF-16 code units, an ellipsis ending one
// that was cut. Cutting happens on a character, never inside one.
func cutUnits(s string, n int) string {
	if units(s) <= n {
		return s
	}
	var b strings.Builder
	used := 1 // the ellipsis
	for _, r := range s {
		w := utf16.RuneLen(r)
		if used+w > n {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + "…"
}
