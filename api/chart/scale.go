package chart

import (
	"math"
	"unicode/utf8"
)

// axis is a linear scale from data values to a span of the drawing, with
// "nice" ticks (0, 10, 20 … or 0, 0.5, 1 …).
type axis struct {
	lo, hi   float64 // the data range drawn, tick-aligned
	step     float64 // between ticks
	decimals int     // for tick labels
	from, to float64 // the drawing coordinates of lo and hi
}

const (
	// maxTicks bounds the ticks whatever the data: the loop over them ends.
	maxTicks = 12
	// minSpan is the smallest range an axis spans: below it, the powers of
	// ten the ticks are made of leave the float range.
	minSpan = 1e-9
)

// newAxis fits nice ticks around lo..hi (zero always included, so bars and
// lines are read against a true baseline), about want ticks in all.
// integral data never gets fractional ticks.
func newAxis(lo, hi float64, want int, integral bool, from, to float64) axis {
	lo, hi = math.Min(clamp(lo), 0), math.Max(clamp(hi), 0)
	if hi-lo < minSpan {
		lo, hi = 0, 1 // all zero, or too close to zero to tell apart
	}
	step := nice((hi-lo)/float64(want-1), true)
	if integral && step < 1 {
		step = 1
	}
	a := axis{lo: math.Floor(lo/step) * step, hi: math.Ceil(hi/step) * step, step: step, from: from, to: to}
	for i := 0; i < 64 && (a.hi-a.lo)/a.step > maxTicks; i++ {
		a.step = nice(a.step*2, true)
		a.lo, a.hi = math.Floor(lo/a.step)*a.step, math.Ceil(hi/a.step)*a.step
	}
	a.decimals = max(0, int(-math.Floor(math.Log10(a.step)+1e-9)))
	return a
}

// nice rounds x to 1, 2, 5 or 10 times a power of ten (Heckbert's "nice
// numbers"): to the nearest when round, else to the one not below.
func nice(x float64, round bool) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var n float64
	switch {
	case round && f < 1.5, !round && f <= 1:
		n = 1
	case round && f < 3, !round && f <= 2:
		n = 2
	case round && f < 7, !round && f <= 5:
		n = 5
	default:
		n = 10
	}
	return n * math.Pow(10, exp)
}

// ticks are the values of the axis's tick marks, lo to hi.
func (a axis) ticks() []float64 {
	n := int(min(math.Round((a.hi-a.lo)/a.step), maxTicks*2))
	out := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		v := a.lo + float64(i)*a.step
		if math.Abs(v) < a.step*1e-9 {
			v = 0 // no "-0" from rounding
		}
		out = append(out, v)
	}
	return out
}

// at maps a value to its drawing coordinate.
func (a axis) at(v float64) float64 {
	return a.from + (clamp(v)-a.lo)/(a.hi-a.lo)*(a.to-a.from)
}

// label formats a tick value.
func (a axis) label(v float64) string { return Number(v, a.decimals) }

// extent returns the smallest and largest finite values, whether every one
// is a whole number, and whether there was any.
func extent(lists ...[]float64) (lo, hi float64, integral, ok bool) {
	lo, hi, integral = math.Inf(1), math.Inf(-1), true
	for _, vs := range lists {
		for _, v := range vs {
			if !finite(v) {
				continue
			}
			v = clamp(v)
			lo, hi, ok = math.Min(lo, v), math.Max(hi, v), true
			integral = integral && v == math.Trunc(v)
		}
	}
	return lo, hi, integral, ok
}

// Period labels are drawn at most this large: chart.css and admin.css set
// charts' text larger on phones, where the drawing is scaled down most.
const (
	tickEm    = 26.0 * 0.6 // a character's width at that size, about
	tickGap   = 16.0       // between two labels
	tickBelow = 28.0       // from the axis to the labels' baseline: clear of the axis's "0"
)

// tickEvery is how many periods apart the period labels are drawn, so that
// labels as long as the longest never touch, whatever the screen: every
// second or third week rather than a row of dates run together.
func tickEvery(labels []string, n int, span float64) int {
	if n < 2 {
		return 1
	}
	widest := 0
	for _, l := range labels {
		widest = max(widest, utf8.RuneCountInString(l))
	}
	widest = min(widest, 40)
	step := span / float64(n-1)
	every := int(math.Ceil((float64(widest)*tickEm + tickGap) / step))
	return min(max(every, 1), n)
}
