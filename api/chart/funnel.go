package chart

import "html/template"

// Funnel shows how many people reach each step of a pathway: a horizontal
// bar per step, labelled with its count and its share of the first step.
type Funnel struct {
	Title, Description string
	Steps              []string
	Values             []float64
}

// SVG draws the funnel; one without a finite value says "No data yet".
func (f Funnel) SVG() template.HTML {
	lo, hi, integral, ok := extent(f.Values)
	if !ok {
		return empty("funnel", f.Title, f.Description)
	}
	c, _ := hbars("funnel", f.Title, f.Description, lo, hi, integral, f.Steps, f.Values, f.value)
	return c.done()
}

// value is a step's count and share of the first step, "600 (50%)".
func (f Funnel) value(i int) string {
	return Number(f.Values[i], 2) + " (" + percent(f.Values[i], f.Values[0]) + ")"
}

// Table is the funnel's numbers: a row per step, its count and its share
// of the first step.
func (f Funnel) Table() Table {
	t := Table{Caption: f.Title, Head: []string{"Step", "Count", "Share of the first step"}}
	for i, v := range f.Values {
		t.Rows = append(t.Rows, []string{label(f.Steps, i), cell(v), percent(v, f.Values[0])})
	}
	return t
}
