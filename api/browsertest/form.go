package browsertest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Fill sets the value of the first input, textarea or select matching a
// selector and dispatches the input and change events a person's typing or
// choosing would; a select must have an option of that value. A field
// missing, disabled or of another kind (a checkbox: see Check; a file: see
// Upload) fails the test.
func (tb *Tab) Fill(t testing.TB, selector, value string) {
	t.Helper()
	tb.setField(t, "fill", selector, `
		if (e instanceof HTMLSelectElement) {
			if (!Array.from(e.options).some(o => o.value === v)) return "the select has no option of value " + JSON.stringify(v);
		} else if (!(e instanceof HTMLTextAreaElement) && !(e instanceof HTMLInputElement && !["checkbox", "radio", "file", "submit", "button", "image", "reset"].includes(e.type))) {
			return "the element is no text field, textarea or select";
		}
		// The prototype's setter, as typing does, so that frameworks
		// watching the value see the change.
		Object.getOwnPropertyDescriptor(Object.getPrototypeOf(e), "value").set.call(e, v);
		return "";`, value)
}

// Check ticks (on) or clears the first checkbox or radio button matching a
// selector, dispatching input and change events when its state changes.
func (tb *Tab) Check(t testing.TB, selector string, on bool) {
	t.Helper()
	tb.setField(t, "check", selector, `
		if (!(e instanceof HTMLInputElement) || !["checkbox", "radio"].includes(e.type)) return "the element is no checkbox or radio button";
		if (e.checked === v) return "unchanged";
		e.checked = v;
		return "";`, on)
}

// setField finds the field for verb, runs body with e the element and v
// the value, and dispatches input and change when body returns "". body
// returns "unchanged" when there is nothing to report, else a problem.
func (tb *Tab) setField(t testing.TB, verb, selector, body string, value any) {
	t.Helper()
	var problem string
	tb.Eval(t, fmt.Sprintf(`((sel, v) => {
		const e = document.querySelector(sel);
		if (e === null) return "no element matches";
		if (e.disabled) return "the element is disabled";
		const problem = (() => {%s})();
		if (problem === "unchanged") return "";
		if (problem !== "") return problem;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true}));
		return "";
	})(%s, %s)`, body, jsString(selector), jsValue(value)), &problem)
	if problem != "" {
		t.Fatalf("%s: %s %q: %s", tb.url, verb, selector, problem)
	}
}

// Upload chooses files (paths on this machine) for the first file input
// matching a selector, as the file picker would; the browser dispatches
// input and change.
func (tb *Tab) Upload(t testing.TB, selector string, paths ...string) {
	t.Helper()
	tb.mustFind(t, selector)
	abs := make([]string, len(paths))
	for i, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		abs[i] = a
	}
	var ok bool
	tb.Eval(t, fmt.Sprintf(`(document.querySelector(%s) || {}).type === "file"`, jsString(selector)), &ok)
	if !ok {
		t.Fatalf("%s: upload to %q: the element is no file input", tb.url, selector)
	}
	run(t, tb.ctx, "choosing "+strings.Join(abs, ", ")+" for "+selector,
		chromedp.SetUploadFiles(chromedp.CSS(selector), abs))
}

// jsValue renders a string or a bool as a JavaScript literal.
func jsValue(v any) string {
	if s, ok := v.(string); ok {
		return jsString(s)
	}
	return fmt.Sprint(v)
}
