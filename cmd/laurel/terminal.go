package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Output that echoes outside data (a credential's fields, the verifier's
// messages, errors that quote input or file names) goes through printf, so
// that text cannot act on the terminal: a credential named
// "\r\x1b[2K\x1b[32mVALID" would otherwise erase the "NOT VALID" above
// it and draw a green "VALID" instead, and a right-to-left override would
// reorder what follows it.

// controlRune reports whether a terminal would act on r rather than show
// it: C0 and C1 controls, DEL, the bidirectional marks, embeddings,
// overrides and isolates (the "Trojan Source" set), and the Unicode line
// and paragraph separators.
func controlRune(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || 0x80 <= r && r <= 0x9f:
		return true
	case 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069:
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c: // left-to-right, right-to-left and Arabic letter marks
		return true
	}
	return r == 0x2028 || r == 0x2029
}

// escapeText returns s with every control rune, and every byte that is not
// UTF-8 (a lone 0x9b is a control to some terminals), written as a Go
// escape: \r, \x1b, \u202e.
func escapeText(s string) string {
	if !strings.ContainsFunc(s, controlRune) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case controlRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case controlRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// printf is fmt.Fprintf with every argument that prints as text (errors,
// fmt.Stringers, strings and types made of one) escaped by escapeText; the
// format itself is the program's own.
func printf(w io.Writer, format string, args ...any) {
	safe := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case error:
			safe[i] = escapeText(v.Error())
		case fmt.Stringer:
			safe[i] = escapeText(v.String())
		default:
			if rv := reflect.ValueOf(a); rv.Kind() == reflect.String {
				safe[i] = escapeText(rv.String())
			} else {
				safe[i] = a
			}
		}
	}
	fmt.Fprintf(w, format, safe...)
}

// escapeJSON escapes, inside encoded JSON, the control runes that
// encoding/json leaves as they are (DEL, C1, the bidirectional controls),
// as \u escapes: the same JSON value, inert in a terminal. encoding/json
// already escapes C0 controls inside strings, and outside strings JSON
// has only ASCII, so the indentation's newlines are untouched.
func escapeJSON(b []byte) []byte {
	if !strings.ContainsFunc(string(b), func(r rune) bool { return r >= 0x7f && controlRune(r) }) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for _, r := range string(b) {
		if r >= 0x7f && controlRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}
