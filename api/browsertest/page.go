package browsertest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Eval runs a JavaScript expression (awaiting it if it is a promise) and
// unmarshals its JSON-serialisable value into out; a nil out discards it.
// null gives out's zero value; an exception, or undefined when out is not
// nil, fails the test.
func (tb *Tab) Eval(t testing.TB, js string, out any) {
	t.Helper()
	v := run(t, tb.ctx, "evaluating "+short(js),
		chromedp.Evaluate[*runtime.RemoteObject](js, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if out == nil {
		return
	}
	raw := []byte(v.Value)
	switch {
	case v.Type == runtime.RemoteObjectTypeUndefined:
		t.Fatalf("evaluating %s: the value is undefined", short(js))
	case v.Subtype == runtime.RemoteObjectSubtypeNull:
		raw = []byte("null")
	case v.UnserializableValue != "":
		t.Fatalf("evaluating %s: %s has no JSON form", short(js), v.UnserializableValue)
	case len(raw) == 0:
		t.Fatalf("evaluating %s: the %s value has no JSON form", short(js), v.Type)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("evaluating %s: decoding %s into %T: %v", short(js), raw, out, err)
	}
}

// Text returns the innerText of the first element matching a CSS selector
// ("" and a test failure if none).
func (tb *Tab) Text(t testing.TB, selector string) string {
	t.Helper()
	var s *string
	tb.Eval(t, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		return e === null ? null : e.innerText;
	})()`, jsString(selector)), &s)
	if s == nil {
		t.Errorf("%s: no element matches %q", tb.url, selector)
		return ""
	}
	return *s
}

// Attr returns an attribute of the first element matching a selector ("" if
// the element lacks it); it fails the test if no element matches.
func (tb *Tab) Attr(t testing.TB, selector, name string) string {
	t.Helper()
	var r struct {
		Found bool
		Value *string
	}
	tb.Eval(t, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		return e === null ? {found: false} : {found: true, value: e.getAttribute(%s)};
	})()`, jsString(selector), jsString(name)), &r)
	if !r.Found {
		t.Errorf("%s: no element matches %q", tb.url, selector)
		return ""
	}
	if r.Value == nil {
		return ""
	}
	return *r.Value
}

// Count returns how many elements match a selector.
func (tb *Tab) Count(t testing.TB, selector string) int {
	t.Helper()
	var n int
	tb.Eval(t, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(selector)), &n)
	return n
}

// Press sends a key to the page, as a person typing it: a key name of the
// DOM ("Tab", "Enter", "Escape", "ArrowDown", ...) or one character,
// optionally after modifiers ("Shift+Tab", "Control+a").
func (tb *Tab) Press(t testing.TB, key string) {
	t.Helper()
	r, mods, err := parseKey(key)
	if err != nil {
		t.Fatalf("press: %v", err)
	}
	run(t, tb.ctx, "pressing "+key, chromedp.KeyEvent(string(r), chromedp.KeyModifiers(mods...)))
}

// parseKey parses a key for Press into its rune for the kb package and its
// modifiers.
func parseKey(key string) (rune, []chromedp.Modifier, error) {
	var mods []chromedp.Modifier
	for {
		name, rest, ok := strings.Cut(key, "+")
		if !ok || rest == "" {
			break
		}
		switch name {
		case "Shift":
			mods = append(mods, chromedp.ModifierShift)
		case "Control", "Ctrl":
			mods = append(mods, chromedp.ModifierCtrl)
		case "Alt":
			mods = append(mods, chromedp.ModifierAlt)
		case "Meta":
			mods = append(mods, chromedp.ModifierMeta)
		default:
			return 0, nil, fmt.Errorf("unknown modifier %q in %q", name, key)
		}
		key = rest
	}
	if utf8.RuneCountInString(key) == 1 {
		r, _ := utf8.DecodeRuneInString(key)
		return r, mods, nil
	}
	// Several runes can name the same key ("\n" and "\r" are Enter): take
	// the smallest, for a deterministic choice.
	found := rune(-1)
	for r, k := range kb.Keys {
		if k.Key == key && (found < 0 || r < found) {
			found = r
		}
	}
	if found < 0 {
		return 0, nil, fmt.Errorf("unknown key %q", key)
	}
	return found, mods, nil
}

// Focused returns a description of document.activeElement: its tag, #id,
// .classes and a snippet of its text, e.g. `a#link.nav "About Laurel"`.
func (tb *Tab) Focused(t testing.TB) string {
	t.Helper()
	var s string
	tb.Eval(t, `(() => {
		const e = document.activeElement;
		if (!e) return "";
		let s = e.tagName.toLowerCase();
		if (e === document.body || e === document.documentElement) return s;
		if (e.id) s += "#" + e.id;
		for (const c of e.classList) s += "." + c;
		const text = (e.innerText || e.value || e.getAttribute("aria-label") || "")
			.trim().replace(/\s+/g, " ").slice(0, 40);
		if (text) s += " " + JSON.stringify(text);
		return s;
	})()`, &s)
	return s
}

// Fetch performs a fetch() from inside the page (same origin, as a script
// of the page would) and returns the status, the Content-Type and the length
// of the body. A network failure fails the test; an error status is
// returned (and, like every failed request, listed by Problems).
func (tb *Tab) Fetch(t testing.TB, url string) (status int, contentType string, size int) {
	t.Helper()
	var r struct {
		Status int
		Type   string
		Size   int
	}
	tb.Eval(t, fmt.Sprintf(`(async () => {
		const r = await fetch(%s);
		const body = await r.arrayBuffer();
		return {status: r.status, type: r.headers.get("Content-Type") || "", size: body.byteLength};
	})()`, jsString(url)), &r)
	return r.Status, r.Type, r.Size
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// short shortens a script for a failure message.
func short(js string) string {
	js = oneLine(js)
	if len(js) > 80 {
		js = js[:77] + "..."
	}
	return js
}
