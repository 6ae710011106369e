package browsertest

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// markName is the window property by which a tab tells its document from
// the next one: a navigation replaces window, and the mark with it.
const markName = "__browsertestMark"

// downloadQuiet is how long the network must stay quiet, after an action
// that requested a document which did not replace the page, before the
// action counts as done.
const downloadQuiet = 2 * time.Second

// Go loads url in the same tab, keeping its viewport, color scheme and
// cookies, and waits as Open does.
func (tb *Tab) Go(t testing.TB, url string) {
	t.Helper()
	run(t, tb.ctx, "loading "+url, chromedp.NavigateResponse(url))
	tb.url = url
	tb.waitReady(t)
	tb.waitIdle(t)
}

// URL returns the address of the document the tab shows now.
func (tb *Tab) URL(t testing.TB) string {
	t.Helper()
	var u string
	tb.Eval(t, `location.href`, &u)
	return u
}

// Click clicks the first element matching a selector with the mouse, as a
// person would (scrolled into view; it must be visible), then waits for
// what the click started: the next document when it navigates (a link, a
// submit button), else for the network to settle (an htmx request).
func (tb *Tab) Click(t testing.TB, selector string) {
	t.Helper()
	tb.mustFind(t, selector)
	tb.afterAction(t, "clicking "+selector, func() {
		run(t, tb.ctx, "clicking "+selector, chromedp.Click(chromedp.CSS(selector)))
	})
}

// Submit submits the form of the first element matching a selector (the
// form itself, or a field or button in it) as pressing its button would:
// the submit event fires and a button selected is the submitter. It then
// waits as Click does.
func (tb *Tab) Submit(t testing.TB, selector string) {
	t.Helper()
	var problem string
	tb.afterAction(t, "submitting "+selector, func() {
		tb.Eval(t, fmt.Sprintf(`(() => {
			const e = document.querySelector(%s);
			if (e === null) return "no element matches";
			const form = e instanceof HTMLFormElement ? e : e.form;
			if (!form) return "the element is in no form";
			const submitter = e.type === "submit" ? e : null;
			// After this answer: the submission may replace the document.
			setTimeout(() => form.requestSubmit(submitter));
			return "";
		})()`, jsString(selector)), &problem)
		if problem != "" {
			t.Fatalf("%s: submitting %q: %s", tb.url, selector, problem)
		}
	})
}

// WaitFor polls a JavaScript condition until it is truthy, failing the test
// with the condition if it is not within timeout. The timeout is a bound
// for a hung page, not a measure of speed. An exception while the page
// changes counts as not yet.
func (tb *Tab) WaitFor(t testing.TB, js string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if ok, err := tb.truthy(js); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still false after %v: %s", tb.url, timeout, js)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// afterAction marks the document, runs act and waits for its effect: a
// new document loaded (the mark gone, then as Open waits), or else the
// network quiet for idleQuiet (downloadQuiet once a document was
// requested: a download or a 204 answer leaves the document in place).
func (tb *Tab) afterAction(t testing.TB, what string, act func()) {
	t.Helper()
	mark := rand.Text()
	tb.Eval(t, fmt.Sprintf(`window[%q] = %q`, markName, mark), nil)
	docs := tb.documentRequests()
	act()
	deadline := time.Now().Add(stepTimeout)
	var quietSince time.Time
	for {
		same, err := tb.truthy(fmt.Sprintf(`window[%q] === %q`, markName, mark))
		switch {
		case err == nil && !same:
			tb.url = tb.URL(t)
			tb.waitReady(t)
			tb.waitIdle(t)
			return
		case err != nil || len(tb.pendingRequests()) > 0:
			// A request under way, or the old document going away.
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) >= idleQuiet && tb.documentRequests() == docs,
			time.Since(quietSince) >= downloadQuiet:
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s: the page did not settle within %v", tb.url, what, stepTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// truthy evaluates a condition, returning an error rather than failing the
// test: while a document replaces another, evaluating can fail.
func (tb *Tab) truthy(js string) (bool, error) {
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject]("!!("+js+")", chromedp.EvalAsValue))
	if err != nil {
		return false, err
	}
	return string(v.Value) == "true", nil
}

// mustFind fails the test at once when no element matches a selector,
// rather than letting an action wait for one until stepTimeout.
func (tb *Tab) mustFind(t testing.TB, selector string) {
	t.Helper()
	if tb.Count(t, selector) == 0 {
		t.Fatalf("%s: no element matches %q", tb.url, selector)
	}
}
