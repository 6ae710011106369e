package issuer_test

import (
	"fmt"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// The page backgrounds of laurel.css: the page, its cards and its soft
// panels, light and dark.
var (
	lightPage = []string{"#f4f6f9", "#ffffff", "#eef2f6"}
	darkPage  = []string{"#11151c", "#181d26", "#212835"}
)

func TestAccent_TextOn(t *testing.T) {
	for _, tc := range []struct {
		accent, light, dark string
	}{
		{"#25613f", "#25613f", "#6f9781"}, // Laurel's green reads on light as it is
		{"#ffff00", "#727200", "#ffff00"}, // yellow: darkened for the light page only
		{"#fff6b0", "#736f4f", "#fff6b0"}, // pale yellow
		{"#ffffff", "#6e6e6e", "#ffffff"},
		{"#000000", "#000000", "#8e8e8e"},
		{"#808080", "#6e6e6e", "#8e8e8e"}, // mid-grey reads on neither
		{"#0000ff", "#0000ff", "#8080ff"}, // pure blue is dark: lightened on the dark page
		{"#0a0a1e", "#0a0a1e", "#8e8e97"}, // very dark navy
		{"#ff0000", "#df0000", "#ff4c4c"},
	} {
		t.Run(tc.accent, func(t *testing.T) {
			a, err := issuer.ParseAccent(tc.accent)
			if err != nil {
				t.Fatal(err)
			}
			light := mustTextOn(t, a, lightPage...)
			dark := mustTextOn(t, a, darkPage...)
			if light.Color != tc.light || dark.Color != tc.dark {
				t.Errorf("TextOn(%s) = light %s (%.2f), dark %s (%.2f); want %s, %s", tc.accent, light.Color, light.Contrast, dark.Color, dark.Contrast, tc.light, tc.dark)
			}
		})
	}
}

// TestAccent_TextOn_AlwaysReadable: across the colour cube the text
// colour reaches MinContrast on every background of its scheme, and an
// accent that reads already is left as it is.
func TestAccent_TextOn_AlwaysReadable(t *testing.T) {
	for v := 0; v < 1<<24; v += 104729 {
		a, err := issuer.ParseAccent(fmt.Sprintf("#%06x", v))
		if err != nil {
			t.Fatal(err)
		}
		for _, page := range [][]string{lightPage, darkPage} {
			tc := mustTextOn(t, a, page...)
			for _, bg := range page {
				if c, err := issuer.Contrast(tc.Color, bg); err != nil || c < issuer.MinContrast {
					t.Fatalf("%s as %s on %s: contrast %.2f (%v)", a.Color, tc.Color, bg, c, err)
				}
			}
			if already := leastOn(t, a.Color, page); already >= issuer.MinContrast && tc.Color != a.Color {
				t.Fatalf("%s reads at %.2f already but became %s", a.Color, already, tc.Color)
			}
		}
	}
}

func TestAccent_TextOn_Refuses(t *testing.T) {
	a, err := issuer.ParseAccent("#25613f")
	if err != nil {
		t.Fatal(err)
	}
	for name, bgs := range map[string][]string{"none": nil, "mixed": {"#ffffff", "#000000"}, "malformed": {"white"}} {
		if _, err := a.TextOn(bgs...); err == nil {
			t.Errorf("%s: TextOn(%v) gave no error", name, bgs)
		}
	}
}

func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		x, y string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#767676", "#ffffff", 4.54}} {
		got, err := issuer.Contrast(tc.x, tc.y)
		if err != nil || fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", tc.want) {
			t.Errorf("Contrast(%s, %s) = %.2f, %v; want %.2f", tc.x, tc.y, got, err, tc.want)
		}
	}
	if _, err := issuer.Contrast("#fff", "#000000"); err == nil {
		t.Error("Contrast of a short colour gave no error")
	}
}

func mustTextOn(t *testing.T, a issuer.Accent, bgs ...string) issuer.TextColor {
	t.Helper()
	tc, err := a.TextOn(bgs...)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func leastOn(t *testing.T, color string, bgs []string) float64 {
	t.Helper()
	worst := 21.0
	for _, bg := range bgs {
		c, err := issuer.Contrast(color, bg)
		if err != nil {
			t.Fatal(err)
		}
		worst = min(worst, c)
	}
	return worst
}
