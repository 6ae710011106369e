package api

import (
	"fmt"
	"html/template"
)

// fieldView is one labelled form field as the "field" template part draws
// it: label above, hint under the label, the error (if any) under the
// hint, then the input, with ids that the error summary links to and
// aria attributes that tie them together. Templates build one in a
// pipeline:
//
//	{{template "field" (field .Form "email" "E-mail address" | kind "email" | value .Email | auto "username")}}
type fieldView struct {
	Name, Label, Kind, Value, Hint, Error, Auto string
	Optional                                    bool
	Rows                                        int // a textarea of this many rows
	Choices                                     []choice
	Max                                         int    // maxlength, or max for numbers
	Min                                         string // min for numbers and dates
	Accept                                      string // for files
}

// choice is one option of a select or a set of radio buttons.
type choice struct {
	Value, Label string
	Selected     bool
}

// ID is the input's id, which the error summary links to.
func (f fieldView) ID() string { return "f-" + f.Name }

// Describedby ties the hint and the error to the input.
func (f fieldView) Describedby() string {
	var ids string
	if f.Hint != "" {
		ids = f.ID() + "-hint"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.ID() + "-error"
	}
	return ids
}

var fieldFuncs = template.FuncMap{
	"field": func(form formState, name, label string) fieldView {
		return fieldView{Name: name, Label: label, Kind: "text", Error: form.On(name)}
	},
	"kind":     func(k string, f fieldView) fieldView { f.Kind = k; return f },
	"value":    func(v any, f fieldView) fieldView { f.Value = fmt.Sprint(v); return f },
	"hint":     func(h string, f fieldView) fieldView { f.Hint = h; return f },
	"auto":     func(a string, f fieldView) fieldView { f.Auto = a; return f },
	"optional": func(f fieldView) fieldView { f.Optional = true; return f },
	"rows":     func(n int, f fieldView) fieldView { f.Kind, f.Rows = "textarea", n; return f },
	"choices":  func(c []choice, f fieldView) fieldView { f.Kind, f.Choices = "select", c; return f },
	"maxlen":   func(n int, f fieldView) fieldView { f.Max = n; return f },
	"min":      func(m string, f fieldView) fieldView { f.Min = m; return f },
	"accept":   func(a string, f fieldView) fieldView { f.Kind, f.Accept = "file", a; return f },
}
