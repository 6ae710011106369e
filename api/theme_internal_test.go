package api

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/issuer"
)

// TestTheme_BackgroundsMatchStylesheet keeps the backgrounds the theme
// computes against in step with those laurel.css paints.
func TestTheme_BackgroundsMatchStylesheet(t *testing.T) {
	css, err := assets.Static.ReadFile("static/laurel.css")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.SplitN(string(css), "@media (prefers-color-scheme: dark)", 2)
	for i, want := range [][]string{lightBackgrounds, darkBackgrounds} {
		for j, name := range []string{"--bg", "--card", "--soft"} {
			m := regexp.MustCompile(name + `: (#[0-9a-f]{3,6});`).FindStringSubmatch(blocks[i])
			if m == nil || expandHex(m[1]) != want[j] {
				t.Errorf("scheme %d: laurel.css sets %s to %v; the theme computes against %s", i, name, m, want[j])
			}
		}
	}
}

func expandHex(s string) string {
	if len(s) == 4 {
		return fmt.Sprintf("#%c%c%c%c%c%c", s[1], s[1], s[2], s[2], s[3], s[3])
	}
	return s
}

var declaration = regexp.MustCompile(`(--[a-z-]+): (#[0-9a-f]{6});`)

// TestThemeCSS_Readable reads the served stylesheet of many accents: the
// text on the accent, and the accent as text on every background of each
// scheme, reach 4.5:1; so does the ink on the accent-as-text when it is a
// button's background.
func TestThemeCSS_Readable(t *testing.T) {
	accents := []string{"#fff6b0", "#ffff00", "#ffffff", "#000000", "#808080", "#0000ff", "#0a0a1e", "#ff0000", "#25613f", "#6fcf97", "#e91e63", "#00bcd4"}
	for v := 0; v < 1<<24; v += 524287 {
		accents = append(accents, fmt.Sprintf("#%06x", v))
	}
	for _, accent := range accents {
		css, err := themeCSS(accent)
		if err != nil {
			t.Fatalf("%s: %v", accent, err)
		}
		light, dark, _ := strings.Cut(css, "@media (prefers-color-scheme: dark)")
		lv, dv := declarations(light), declarations(dark)
		mustRead(t, accent, lv["--brand-ink"], lv["--brand"])
		for scheme, v := range map[string]map[string]string{"light": lv, "dark": dv} {
			bgs := lightBackgrounds
			if scheme == "dark" {
				bgs = darkBackgrounds
			}
			for _, bg := range bgs {
				mustRead(t, accent+" "+scheme, v["--brand-text"], bg)
			}
			mustRead(t, accent+" "+scheme+" button", v["--accent-ink"], v["--accent"])
			if v["--accent"] != v["--brand-text"] {
				t.Errorf("%s %s: --accent %s differs from --brand-text %s", accent, scheme, v["--accent"], v["--brand-text"])
			}
		}
	}
}

func TestThemeCSS_LaurelsOwn(t *testing.T) {
	css, err := themeCSS("")
	if err != nil || css != ":root { --brand: #25613f; --brand-ink: #ffffff; }\n" {
		t.Fatalf("themeCSS(\"\") = %q, %v", css, err)
	}
	if _, err := themeCSS("#fff"); err == nil {
		t.Fatal("a malformed accent gave a stylesheet")
	}
}

func declarations(css string) map[string]string {
	out := map[string]string{}
	for _, m := range declaration.FindAllStringSubmatch(css, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func mustRead(t *testing.T, what, fg, bg string) {
	t.Helper()
	c, err := issuer.Contrast(fg, bg)
	if err != nil || c < issuer.MinContrast {
		t.Errorf("%s: %s on %s reads at %.2f (%v)", what, fg, bg, c, err)
	}
}
