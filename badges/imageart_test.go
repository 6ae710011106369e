package badges

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
)

// artElements are the only elements generated art may use: what every
// renderer draws alike.
var artElements = map[string]bool{"svg": true, "title": true, "defs": true, "linearGradient": true, "stop": true,
	"circle": true, "ellipse": true, "rect": true, "text": true}

// artParts reads generated art: the count of each element and the text
// of every <text>, failing the test if it is not well-formed.
func artParts(t *testing.T, svg []byte) (counts map[string]int, texts []string) {
	t.Helper()
	counts = map[string]int{}
	d := xml.NewDecoder(bytes.NewReader(svg))
	var in string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts, texts
		}
		if err != nil {
			t.Fatalf("the art is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			counts[tok.Name.Local]++
			in = tok.Name.Local
		case xml.CharData:
			if in == "text" {
				texts = append(texts, string(tok))
			}
		case xml.EndElement:
			in = ""
		}
	}
}

func TestBadgeArt_SVG(t *testing.T) {
	tests := []BadgeArt{
		{Name: "Community Host", Level: "leadership", Community: "Lyon Gophers"},
		{Name: "First meetup", Level: "participation", Community: "Lyon Gophers"},
		{Name: "Reviewer", Level: "contribution", Community: "Lyon Gophers"},
		{Name: "Speaker", Community: "Lyon Gophers"},
		{Name: "Translator", Level: "mentoring"},
		{Name: `<script>alert("x")</script> & ]]>`, Level: "participation", Community: `</text><foreignObject/>`},
		{Name: strings.Repeat("Supercalifragilistic", 20), Level: "leadership", Community: strings.Repeat("W", 300)},
		{Name: "مساهم متميز في المجتمع", Level: "contribution", Community: "مجتمع المطورين"},
		{Name: "🎉 Party host 🎉", Community: "👩‍💻"},
		{Name: "bad\xff\x00utf-8\u202e", Community: "\t\n"},
		{},
	}
	for _, a := range tests {
		t.Run(fmt.Sprintf("%.30q/%s", a.Name, a.Level), func(t *testing.T) {
			svg := a.SVG()
			if f, err := ValidateImage(svg, string(ImageSVG), MaxImageBytes); err != nil || f != ImageSVG {
				t.Fatalf("the art does not validate: %v\n%s", err, svg)
			}
			counts, texts := artParts(t, svg)
			for el := range counts {
				if !artElements[el] {
					t.Errorf("the art uses <%s>, which not every renderer draws", el)
				}
			}
			if len(texts) == 0 {
				t.Error("the art shows no text")
			}
			for _, s := range texts {
				if n := len([]rune(s)); n > 60 {
					t.Errorf("a line of %d characters cannot fit: %q", n, s)
				}
			}
		})
	}
}

func TestBadgeArt_Designs(t *testing.T) {
	art := func(level string) map[string]int {
		counts, _ := artParts(t, BadgeArt{Name: "Host", Level: level, Community: "Gophers"}.SVG())
		delete(counts, "text") // a level adds a line of text
		return counts
	}
	none, part, contrib, lead := art(""), art("participation"), art("contribution"), art("leadership")
	if contrib["ellipse"] == 0 {
		t.Error("contribution art is not a shield")
	}
	if lead["circle"] < 24 {
		t.Errorf("leadership art has %d circles; a rosette has 24 scallops", lead["circle"])
	}
	if part["rect"] <= none["rect"] {
		t.Error("participation art hangs on no ribbon tails")
	}
	if fmt.Sprint(art("mentoring")) != fmt.Sprint(none) {
		t.Error("a level without a design of its own is not drawn as a plain medal")
	}
}

func TestBadgeArt_Text(t *testing.T) {
	_, texts := artParts(t, BadgeArt{Name: "Community Host", Level: "leadership", Community: "Lyon <Gophers>"}.SVG())
	if got := strings.Join(texts, "|"); got != "LEADERSHIP|Community|Host|Lyon <Gophers>" {
		t.Errorf("texts = %q", got)
	}
	_, texts = artParts(t, BadgeArt{Name: "Speaker"}.SVG())
	if got := strings.Join(texts, "|"); got != "Speaker" {
		t.Errorf("without level nor community, texts = %q", got)
	}
	_, texts = artParts(t, BadgeArt{Name: strings.Repeat("word ", 100)}.SVG())
	if last := texts[len(texts)-1]; !strings.HasSuffix(last, "…") {
		t.Errorf("a name too long to fit does not end in an ellipsis: %q", texts)
	}
}

func TestBadgeArt_Colours(t *testing.T) {
	fill := regexp.MustCompile(`<circle cx="256" cy="[0-9.]+" r="[0-9.]+" fill="(#[0-9a-f]{6})"`)
	fillOf := func(name string) string {
		m := fill.FindSubmatch(BadgeArt{Name: name}.SVG())
		if m == nil {
			t.Fatalf("no face colour in the art for %q", name)
		}
		return string(m[1])
	}
	t.Run("deterministic", func(t *testing.T) {
		a := BadgeArt{Name: "Speaker", Level: "leadership", Community: "Gophers"}
		if !bytes.Equal(a.SVG(), a.SVG()) {
			t.Error("two drawings of one badge differ")
		}
	})
	t.Run("names get different colours", func(t *testing.T) {
		seen := map[string]string{}
		for _, name := range []string{"Community Host", "Mentor", "Speaker", "Organizer", "Translator"} {
			if other, ok := seen[fillOf(name)]; ok {
				t.Errorf("%q and %q share the colour %s", name, other, fillOf(name))
			}
			seen[fillOf(name)] = name
		}
	})
	t.Run("white text contrast at every hue", func(t *testing.T) {
		for hue := range 360 {
			for _, c := range []string{hslHex(float64(hue), 0.55, 0.30), hslHex(float64(hue), 0.6, 0.18)} {
				if r := contrastWithWhite(t, c); r < 4.5 {
					t.Errorf("hue %d: %s has contrast %.2f with white, want at least 4.5", hue, c, r)
				}
			}
		}
	})
}

func TestWrapEstimate(t *testing.T) {
	tests := []struct {
		name, in string
		lines    int
		want     string
		whole    bool
	}{
		{"fits", "Community Host", 3, "Community Host", true},
		{"wraps", "Community Host of the Year", 3, "Community Host|of the Year", true},
		{"breaks a long word after a hyphen", "first-time-contributor", 3, "first-time-|contributor", false},
		{"ellipsis", "one two three four five six seven eight nine ten", 2, "one two three|four five six sev…", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, whole := wrapEstimate(tc.in, 300, 32, tc.lines)
			if got := strings.Join(lines, "|"); got != tc.want || whole != tc.whole {
				t.Errorf("got %q (whole %v), want %q (whole %v)", got, whole, tc.want, tc.whole)
			}
			for _, l := range lines {
				if w := textWidth(l, 32); w > 300 {
					t.Errorf("line %q is %.0f wide, over 300", l, w)
				}
			}
		})
	}
}

func FuzzBadgeArt(f *testing.F) {
	f.Add("Community Host", "leadership", "Lyon Gophers")
	f.Add(`<b>&"x"]]>`, "participation", "\x00\xff")
	f.Add(strings.Repeat("W", 500), "contribution", "مجتمع المطورين 🎉")
	f.Fuzz(func(t *testing.T, name, level, community string) {
		svg := BadgeArt{Name: name, Level: level, Community: community}.SVG()
		if _, err := ValidateImage(svg, string(ImageSVG), MaxImageBytes); err != nil {
			t.Fatalf("the art does not validate: %v\n%s", err, svg)
		}
		artParts(t, svg)
	})
}
