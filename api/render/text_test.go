package render

import (
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

func TestWrap(t *testing.T) {
	face, err := newFace(true, 40)
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	width := fixed.I(400)
	tests := []struct {
		name      string
		text      string
		maxLines  int
		wantLines int
		truncated bool
	}{
		{"empty", "", 3, 0, false},
		{"spaces", "  \t ", 3, 0, false},
		{"one line", "Session Host", 3, 1, false},
		{"two lines", "Community Session Host Extraordinaire", 3, 2, false},
		{"too long", strings.Repeat("Community Session Host ", 10), 3, 3, true},
		{"one line allowed", strings.Repeat("Community Session Host ", 10), 1, 1, true},
		{"long word", strings.Repeat("W", 30), 3, 3, false},
		{"very long word", strings.Repeat("W", 500), 3, 3, true},
		{"long word after short", "A " + strings.Repeat("x", 25), 3, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := wrap(face, tt.text, width, tt.maxLines)
			if len(lines) != tt.wantLines {
				t.Fatalf("%d lines %q, want %d", len(lines), lines, tt.wantLines)
			}
			var kept strings.Builder
			for i, l := range lines {
				if w := font.MeasureString(face, l); w > width {
					t.Errorf("line %d %q is %v wide, more than %v", i, l, w, width)
				}
				if l == "" {
					t.Errorf("line %d is empty", i)
				}
				kept.WriteString(strings.TrimSuffix(l, ellipsis))
			}
			if got := len(lines) > 0 && strings.HasSuffix(lines[len(lines)-1], ellipsis); got != tt.truncated {
				t.Errorf("lines %q end in an ellipsis: %v, want %v", lines, got, tt.truncated)
			}
			squeezed := strings.Join(strings.Fields(tt.text), "")
			if got := strings.ReplaceAll(kept.String(), " ", ""); !strings.HasPrefix(squeezed, got) {
				t.Errorf("lines %q do not keep the text in order", lines)
			} else if !tt.truncated && got != squeezed {
				t.Errorf("lines %q lose text", lines)
			}
		})
	}
}

func TestEllipsize(t *testing.T) {
	face, err := newFace(false, 30)
	if err != nil {
		t.Fatal(err)
	}
	defer face.Close()
	tests := []struct {
		text, want string
		width      int
	}{
		{"Ada Lovelace", "Ada Lovelace", 400},
		{"", "", 400},
		{strings.Repeat("a", 100), "", 200}, // checked by width below
		{"Ada Lovelace", "…", 5},
		{"Ada Lovelace", "", 80},
	}
	for _, tt := range tests {
		got := ellipsize(face, tt.text, fixed.I(tt.width))
		if tt.want != "" && got != tt.want {
			t.Errorf("ellipsize(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
		if got != tt.text && (!strings.HasSuffix(got, ellipsis) || !strings.HasPrefix(tt.text, strings.TrimSuffix(got, ellipsis))) {
			t.Errorf("ellipsize(%q, %d) = %q: not a prefix and an ellipsis", tt.text, tt.width, got)
		}
		if w := font.MeasureString(face, got); w > fixed.I(tt.width) && got != ellipsis {
			t.Errorf("ellipsize(%q, %d) = %q, %v wide", tt.text, tt.width, got, w)
		}
		// The prefix kept is the longest that fits.
		if kept := strings.TrimSuffix(got, ellipsis); got != tt.text && len(kept) < len(tt.text) {
			longer := tt.text[:len(kept)+1] + ellipsis
			if w := font.MeasureString(face, longer); w <= fixed.I(tt.width) {
				t.Errorf("ellipsize(%q, %d) = %q, but %q fits too", tt.text, tt.width, got, longer)
			}
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Ada \t Lovelace\n", "Ada Lovelace"},
		{"a\x00b\u0085c\u00a0d", "a b c d"},
		{strings.Repeat("x", 2*maxFieldRunes), strings.Repeat("x", maxFieldRunes)},
		{"\xff", "\ufffd"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
