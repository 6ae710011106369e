// Package chart draws the console's charts as SVG on the server: line
// charts, bar charts and funnels, each with the same numbers as a Table for
// screen readers and for copying.
//
// The SVG is accessible (role="img", a <title> and <desc> it is labelled
// by), has no inline style and no colour of its own (every colour comes
// from the classes of /static/chart.css, so light and dark modes both
// work), scales to its container through its viewBox, and tells series
// apart by dash pattern and marker shape as well as by colour. Text is
// XML-escaped; NaN and ±Inf are drawn as gaps; empty data draws "No data
// yet". The package imports only the standard library.
package chart

import (
	"math"
	"strconv"
	"strings"
)

// Series is one named line of a Line chart: Values[i] belongs to XLabels[i].
type Series struct {
	Name   string
	Values []float64
}

// Table is a chart's numbers as rows, for an HTML <table> beside the chart.
// Numbers are formatted with thousands separators; a missing value is "–".
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// maxMagnitude bounds the values drawn: beyond it the axis arithmetic loses
// its precision, and no measure of a community comes near it.
const maxMagnitude = 1e15

// finite reports whether v is drawn at all.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// clamp keeps a finite value within ±maxMagnitude.
func clamp(v float64) float64 { return math.Max(-maxMagnitude, math.Min(maxMagnitude, v)) }

// Number formats v for a person: thousands separators, at most the given
// decimals (trailing zeros dropped), "–" for NaN or ±Inf.
func Number(v float64, decimals int) string {
	if !finite(v) {
		return "–"
	}
	v = clamp(v)
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// cell formats a table value: up to two decimals.
func cell(v float64) string { return Number(v, 2) }

// percent formats part of whole as a whole percentage, "–" without a whole.
func percent(part, whole float64) string {
	if !finite(part) || !finite(whole) || whole == 0 {
		return "–"
	}
	return Number(math.Round(part/whole*100), 0) + "%"
}

// isolate keeps a name's direction from reordering the text around it (a
// right-to-left series name beside a left-to-right number).
func isolate(s string) string { return "\u2068" + s + "\u2069" }

// or returns s, or fallback when s is empty.
func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
