package issuer_test

import (
	"math"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

func TestParseAccent(t *testing.T) {
	for _, tc := range []struct {
		in, color, text string
		contrast        float64 // rounded to 2 places
	}{
		{"#000000", "#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", "#000000", 21},
		{"#25613F", "#25613f", "#ffffff", 7.34},
		{" #0000ff ", "#0000ff", "#ffffff", 8.59},
		{"#ffff00", "#ffff00", "#000000", 19.56},
		{"#777777", "#777777", "#000000", 4.69}, // white would be 4.48: not enough
		{"#767676", "#767676", "#000000", 4.62}, // white passes too (4.54); black reads better
		{"#ff0000", "#ff0000", "#000000", 5.25}, // white gives 4.0
		{"#0c7dd7", "#0c7dd7", "#000000", 4.93}, // white gives 4.26
		{"#808080", "#808080", "#000000", 5.32}, // white gives 3.95
		{"#1e88e5", "#1e88e5", "#000000", 5.71}, // white gives 3.68
	} {
		t.Run(tc.in, func(t *testing.T) {
			a, err := issuer.ParseAccent(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Color != tc.color || a.Text != tc.text || math.Round(a.Contrast*100)/100 != tc.contrast {
				t.Fatalf("ParseAccent(%q) = %+v; want %s, text %s, contrast %.2f", tc.in, a, tc.color, tc.text, tc.contrast)
			}
		})
	}
}

func TestParseAccent_Invalid(t *testing.T) {
	for _, in := range []string{"", "25613f", "#25613", "#25613f0", "#gg0000", "red", "#fff", "rgb(0,0,0)", "#+12345"} {
		if _, err := issuer.ParseAccent(in); badges.ErrorField(err) != "accentColor" || badges.ErrorCode(err) != badges.EINVALID {
			t.Errorf("ParseAccent(%q) = %v; want an invalid accentColor", in, err)
		}
	}
}

// TestParseAccent_AlwaysReadable: of black and white, one always reaches
// 4.5:1 on an opaque colour; the worst case is about 4.58:1.
func TestParseAccent_AlwaysReadable(t *testing.T) {
	worst := 21.0
	for v := 0; v < 1<<24; v += 7919 {
		a, err := issuer.ParseAccent("#" + hex6(v))
		if err != nil {
			t.Fatalf("#%s refused: %v", hex6(v), err)
		}
		worst = min(worst, a.Contrast)
	}
	if worst < issuer.MinContrast || worst > 4.6 {
		t.Fatalf("worst contrast %.3f, want between 4.5 and 4.6", worst)
	}
}

func hex6(v int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b)
}

func TestAccent_Words(t *testing.T) {
	a, _ := issuer.ParseAccent("#777777")
	if a.TextName() != "black" || a.Ratio() != "4.6:1" {
		t.Fatalf("%s, %s", a.TextName(), a.Ratio())
	}
	a, _ = issuer.ParseAccent("#25613f")
	if a.TextName() != "white" || a.Ratio() != "7.3:1" {
		t.Fatalf("%s, %s", a.TextName(), a.Ratio())
	}
}
