package chart

import (
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// element is one start element of a parsed chart, with the text directly
// inside it.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse checks that svg is one well-formed XML document whose root is an
// accessible <svg> without inline style, and returns its elements in order.
func parse(t testing.TB, svg template.HTML) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	var els []element
	var open []int // indexes into els of the elements not closed yet
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := element{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			open = append(open, len(els))
			els = append(els, e)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				els[open[len(open)-1]].text += string(tok)
			}
		}
	}
	checkAccessible(t, els)
	return els
}

// checkAccessible: the root is an <svg role="img"> labelled by its <title>
// and described by its <desc>; no element has a style or colour attribute.
func checkAccessible(t testing.TB, els []element) {
	t.Helper()
	if len(els) < 3 || els[0].name != "svg" || els[0].attrs["role"] != "img" || els[0].attrs["viewBox"] == "" {
		t.Fatalf("root is not an <svg role=img viewBox=…>: %+v", els[:min(len(els), 1)])
	}
	if els[1].name != "title" || els[0].attrs["aria-labelledby"] != els[1].attrs["id"] ||
		els[2].name != "desc" || els[0].attrs["aria-describedby"] != els[2].attrs["id"] {
		t.Errorf("svg is not labelled by its title and desc: %+v %+v %+v", els[0], els[1], els[2])
	}
	for _, e := range els {
		for _, a := range []string{"style", "fill", "stroke", "color", "width"} {
			if _, ok := e.attrs[a]; ok && !(a == "width" && e.name == "rect") {
				t.Errorf("<%s> has a %s attribute: colours and sizes come from chart.css", e.name, a)
			}
		}
	}
}

// find returns the elements with a class.
func find(els []element, class string) []element {
	var out []element
	for _, e := range els {
		if slices.Contains(strings.Fields(e.attrs["class"]), class) {
			out = append(out, e)
		}
	}
	return out
}

// texts returns the text of the elements with a class.
func texts(els []element, class string) []string {
	var out []string
	for _, e := range find(els, class) {
		out = append(out, e.text)
	}
	return out
}

func ptr(v float64) *float64 { return &v }

func TestAxis_Ticks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lo, hi   float64
		integral bool
		want     []string
	}{
		{"tens", 3, 37, true, []string{"0", "10", "20", "30", "40"}},
		{"thousands", 0, 1234, true, []string{"0", "500", "1,000", "1,500"}},
		{"all zero", 0, 0, true, []string{"0", "1"}},
		{"fractions", 0.1, 0.9, false, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{"small counts", 1, 2, true, []string{"0", "1", "2"}},
		{"too small to tell", -5e-324, 1e-300, false, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{"negative", -12, 30, true, []string{"-20", "-10", "0", "10", "20", "30"}},
		{"millions", 0, 2_400_000, true, []string{"0", "500,000", "1,000,000", "1,500,000", "2,000,000", "2,500,000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAxis(tc.lo, tc.hi, 5, tc.integral, 100, 0)
			var got []string
			for _, v := range a.ticks() {
				got = append(got, a.label(v))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ticks of %v..%v = %q, want %q", tc.lo, tc.hi, got, tc.want)
			}
			if a.at(a.lo) != 100 || a.at(a.hi) != 0 {
				t.Errorf("the axis maps %v..%v to %v..%v, want 100..0", a.lo, a.hi, a.at(a.lo), a.at(a.hi))
			}
		})
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v        float64
		decimals int
		want     string
	}{
		{0, 0, "0"}, {999, 0, "999"}, {1000, 0, "1,000"}, {1234567, 2, "1,234,567"},
		{-1234.5, 2, "-1,234.5"}, {2.50, 2, "2.5"}, {-0.001, 1, "0"},
		{math.NaN(), 2, "–"}, {math.Inf(1), 0, "–"}, {1e300, 0, "1,000,000,000,000,000"},
	} {
		if got := Number(tc.v, tc.decimals); got != tc.want {
			t.Errorf("Number(%v, %d) = %q, want %q", tc.v, tc.decimals, got, tc.want)
		}
	}
}

// weekly is a chart like the dashboard's: two behaviours over four weeks.
func weekly() Line {
	return Line{
		Title: "Activity by behaviour", Description: "Sessions attended and hosted each week.",
		XTitle: "Week", XLabels: []string{"1 Sep", "8 Sep", "15 Sep", "22 Sep"},
		Series: []Series{{"Attended", []float64{12, 30, 1250, 28}}, {"Hosted", []float64{2, 3, 1, 4}}},
		Target: ptr(40), YUnit: "sessions",
	}
}

func TestLine_SVG(t *testing.T) {
	els := parse(t, weekly().SVG())
	if got := texts(els, "chart-tick"); !slices.Contains(got, "1,000") || !slices.Contains(got, "8 Sep") {
		t.Errorf("tick labels %q lack 1,000 or the week 8 Sep", got)
	}
	if got := len(find(els, "chart-path")); got != 4 {
		t.Errorf("%d paths, want a line and a legend sample for each of 2 series", got)
	}
	if got := len(find(els, "chart-marker")); got != 10 {
		t.Errorf("%d markers, want 8 points and 2 in the legend", got)
	}
	if got := texts(els, "chart-target-label"); !slices.Equal(got, []string{"Target 40"}) || len(find(els, "chart-target")) != 1 {
		t.Errorf("target label %q, want one dashed line labelled Target 40", got)
	}
	if got := texts(els, "chart-legend-text"); !slices.Equal(got, []string{isolate("Attended"), isolate("Hosted")}) {
		t.Errorf("legend %q", got)
	}
	s1, s2 := find(els, "chart-s1"), find(els, "chart-s2")
	if len(s1) != 2 || len(s2) != 2 {
		t.Errorf("series groups s1 %d, s2 %d; want a line and a legend entry each", len(s1), len(s2))
	}
}

// TestLine_Escaping: names and labels that are markup, entities, quotes,
// right-to-left or emoji come out as the same text, never as markup.
func TestLine_Escaping(t *testing.T) {
	names := []string{`<script>alert("x")</script>`, `Tom & Jerry's "club"`, "مرحبا بالعالم", "🎉 Party 👩🏽‍💻", "a\x00b\x1b]"}
	l := Line{Title: names[0], Description: names[1], XLabels: names, TargetLabel: names[2], Target: ptr(1)}
	for _, n := range names {
		l.Series = append(l.Series, Series{Name: n, Values: []float64{1, 2, 3, 4, 5}})
	}
	svg := l.SVG()
	if strings.Contains(string(svg), "<script") {
		t.Fatalf("markup in a name reached the SVG: %s", svg)
	}
	els := parse(t, svg)
	if els[1].text != names[0] || els[2].text != names[1] {
		t.Errorf("title %q, desc %q", els[1].text, els[2].text)
	}
	legend := texts(els, "chart-legend-text")
	for i, n := range names[:4] {
		if legend[i] != isolate(n) {
			t.Errorf("legend entry %q, want %q", legend[i], isolate(n))
		}
	}
	if legend[4] != isolate("a\uFFFDb\uFFFD]") {
		t.Errorf("control characters became %q, want U+FFFD", legend[4])
	}
	if got := texts(els, "chart-target-label"); !slices.Equal(got, names[2:3]) {
		t.Errorf("target label %q", got)
	}
}

// TestEmpty: charts without a finite value say so, in a well-formed SVG
// that still carries the title.
func TestEmpty(t *testing.T) {
	nan := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for name, svg := range map[string]template.HTML{
		"line nothing":   Line{Title: "Active members"}.SVG(),
		"line no values": Line{Title: "Active members", XLabels: []string{"1 Sep"}, Series: []Series{{Name: "Active"}}}.SVG(),
		"line NaN":       Line{Title: "Active members", Series: []Series{{"Active", nan}}}.SVG(),
		"bars":           Bars{Title: "Awards"}.SVG(),
		"bars NaN":       Bars{Title: "Awards", Labels: []string{"a", "b", "c"}, Values: nan, Horizontal: true}.SVG(),
		"funnel":         Funnel{Title: "Pathway"}.SVG(),
	} {
		t.Run(name, func(t *testing.T) {
			els := parse(t, svg)
			if got := texts(els, "chart-empty-text"); !slices.Equal(got, []string{"No data yet"}) || els[1].text == "" {
				t.Errorf("empty chart says %q, title %q", got, els[1].text)
			}
		})
	}
}

func TestLine_SinglePoint(t *testing.T) {
	els := parse(t, Line{Title: "Active", XLabels: []string{"1 Sep"}, Series: []Series{{"Active", []float64{7}}}}.SVG())
	markers := find(els, "chart-marker")
	if len(markers) != 2 || markers[0].attrs["cx"] != "308" {
		t.Errorf("markers %+v, want one point centred and one in the legend", markers)
	}
	if d := find(els, "chart-path")[0].attrs["d"]; strings.Count(d, "M") != 1 || strings.Contains(d, "L") {
		t.Errorf("path %q, want a single move", d)
	}
}

// TestLine_Gaps: NaN and ±Inf break the line; negatives get axis room.
func TestLine_Gaps(t *testing.T) {
	l := Line{Title: "Net", Series: []Series{{"Net", []float64{3, math.NaN(), -4, 5, math.Inf(1), 6}}}}
	els := parse(t, l.SVG())
	if d := find(els, "chart-path")[0].attrs["d"]; strings.Count(d, "M") != 3 {
		t.Errorf("path %q, want three pieces around two gaps", d)
	}
	if got := texts(els, "chart-tick"); !slices.Contains(got, "-4") && !slices.Contains(got, "-5") {
		t.Errorf("ticks %q reach no negative value", got)
	}
	if got := len(find(els, "chart-marker")); got != 5 {
		t.Errorf("%d markers, want 4 finite points and the legend's", got)
	}
	rows := l.Table().Rows
	if rows[1][1] != "–" || rows[2][1] != "-4" || rows[4][1] != "–" {
		t.Errorf("table rows %q", rows)
	}
}

func TestLine_Table(t *testing.T) {
	got := weekly().Table()
	want := Table{
		Caption: "Activity by behaviour (Target 40)",
		Head:    []string{"Week", "Attended", "Hosted"},
		Rows:    [][]string{{"1 Sep", "12", "2"}, {"8 Sep", "30", "3"}, {"15 Sep", "1,250", "1"}, {"22 Sep", "28", "4"}},
	}
	if got.Caption != want.Caption || !slices.Equal(got.Head, want.Head) || !slices.EqualFunc(got.Rows, want.Rows, slices.Equal) {
		t.Errorf("table %+v, want %+v", got, want)
	}
}

func TestBars(t *testing.T) {
	b := Bars{Title: "Awards per week", Labels: []string{"1 Sep", "8 Sep", "15 Sep"}, Values: []float64{4, 0, 2500}, Target: ptr(1000)}
	for _, horizontal := range []bool{false, true} {
		b.Horizontal = horizontal
		els := parse(t, b.SVG())
		if got := len(find(els, "chart-bar")); got != 3 {
			t.Errorf("horizontal %v: %d bars, want 3", horizontal, got)
		}
		if len(find(els, "chart-target")) != 1 {
			t.Errorf("horizontal %v: no target line", horizontal)
		}
	}
	if got := texts(parse(t, b.SVG()), "chart-value"); !slices.Equal(got, []string{"4", "0", "2,500"}) {
		t.Errorf("bar values %q", got)
	}
	if rows := b.Table().Rows; rows[2][1] != "2,500" || b.Table().Head[1] != "Value" {
		t.Errorf("table %+v", b.Table())
	}
}

func TestFunnel(t *testing.T) {
	f := Funnel{Title: "Pathway", Steps: []string{"Joined", "Attended", "Hosted"}, Values: []float64{1200, 600, 45}}
	if got := texts(parse(t, f.SVG()), "chart-value"); !slices.Equal(got, []string{"1,200 (100%)", "600 (50%)", "45 (4%)"}) {
		t.Errorf("funnel labels %q", got)
	}
	if rows := f.Table().Rows; !slices.Equal(rows[1], []string{"Attended", "600", "50%"}) {
		t.Errorf("funnel table %q", rows)
	}
	zero := Funnel{Title: "Pathway", Steps: []string{"Joined", "Attended"}, Values: []float64{0, 0}}
	if got := texts(parse(t, zero.SVG()), "chart-value"); !slices.Equal(got, []string{"0 (–)", "0 (–)"}) {
		t.Errorf("funnel of zeros labelled %q", got)
	}
}

// TestIDs: two charts on one page do not share the ids they are labelled by.
func TestIDs(t *testing.T) {
	a, b := parse(t, weekly().SVG()), parse(t, Line{Title: "Other", Series: weekly().Series}.SVG())
	if a[1].attrs["id"] == b[1].attrs["id"] {
		t.Errorf("both charts use the id %q", a[1].attrs["id"])
	}
}

func TestStat(t *testing.T) {
	s := Stat{Title: "Members gone quiet", Value: 23, Of: 4100, Unit: "members gone quiet", OfUnit: "members"}
	els := parse(t, s.SVG())
	if got := texts(els, "chart-stat-number"); !slices.Equal(got, []string{"23"}) {
		t.Errorf("big number %q", got)
	}
	if got := texts(els, "chart-value"); !slices.Equal(got, []string{"1% of 4,100 members"}) {
		t.Errorf("share %q", got)
	}
	if rows := s.Table().Rows; len(rows) != 3 || rows[1][1] != "4,100" {
		t.Errorf("table %q", rows)
	}
	if got := len(find(parse(t, Stat{Title: "Quiet", Value: 5}.SVG()), "chart-bar")); got != 0 {
		t.Errorf("%d bars without a whole", got)
	}
	if got := texts(parse(t, Stat{Title: "Quiet", Value: math.NaN()}.SVG()), "chart-empty-text"); len(got) != 1 {
		t.Errorf("a NaN stat drew %q", got)
	}
}

// TestTickEvery: twelve weeks' labels are thinned until two never touch at
// the largest text a phone draws them in; short or few labels all show.
func TestTickEvery(t *testing.T) {
	weeks := []string{"14 Sep", "21 Sep", "28 Sep", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov", "30 Nov"}
	span := lineRight - lineLeft
	every := tickEvery(weeks, len(weeks), span)
	if gap := float64(every) * span / float64(len(weeks)-1); gap < 6*tickEm+tickGap {
		t.Errorf("labels every %d periods are %.0f apart, less than a label's width", every, gap)
	}
	if every > 4 {
		t.Errorf("labels every %d periods: too few to read the weeks by", every)
	}
	for _, tc := range []struct {
		labels []string
		want   int
	}{{[]string{"1 Sep", "8 Sep", "15 Sep", "22 Sep"}, 1}, {nil, 1}, {[]string{"a"}, 1}} {
		if got := tickEvery(tc.labels, max(len(tc.labels), 1), span); got != tc.want {
			t.Errorf("tickEvery(%q) = %d, want %d", tc.labels, got, tc.want)
		}
	}
}
