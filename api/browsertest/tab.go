package browsertest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

const (
	// idleWait bounds the best-effort wait for the page's network requests
	// to settle after it loaded.
	idleWait = 10 * time.Second
	// idleQuiet is how long no request may be pending for the network to
	// count as idle.
	idleQuiet = 300 * time.Millisecond
	// mobileWidth is the viewport width below which Open emulates a phone:
	// touch and the mobile flag (meta viewport honoured).
	mobileWidth = 600
)

// Tab is one page loaded in the browser at a given viewport.
type Tab struct {
	ctx context.Context
	url string

	mu       sync.Mutex
	reports  []string                     // what the page reported, in order
	requests map[network.RequestID]string // "Type METHOD URL" of each request
	pending  map[network.RequestID]origin // requests not finished yet
	reported map[network.RequestID]bool   // requests already in reports
	docs     int                          // documents requested so far
}

// ColorScheme is a value of the prefers-color-scheme media feature.
type ColorScheme string

// The color schemes pages are looked at in.
const (
	Light ColorScheme = "light"
	Dark  ColorScheme = "dark"
)

// Open loads url in a new tab with the viewport width×height (device scale
// 1; mobile emulation when width < 600: touch + mobile flag), waits for the
// load event and for network idle-ish (document.readyState == "complete"
// and no pending images), and records everything the page reports. The tab
// closes when the test ends. A scheme, if given, is the prefers-color-scheme
// the page sees; otherwise the browser's own (light).
func (b *Browser) Open(t testing.TB, url string, width, height int, scheme ...ColorScheme) *Tab {
	t.Helper()
	tb := &Tab{
		url:      url,
		requests: map[network.RequestID]string{},
		pending:  map[network.RequestID]origin{},
		reported: map[network.RequestID]bool{},
	}
	root, stop := context.WithCancel(b.ctx)
	// The listener is in place before the tab's first command, so it sees
	// every event; it runs in the tab's read loop and must stay quick.
	ctx, cancel := chromedp.NewContext(root, chromedp.WithListener(tb.record))
	tb.ctx = ctx
	closeTab := sync.OnceFunc(func() { cancel(); stop() })
	t.Cleanup(closeTab)
	b.mu.Lock()
	b.closes = append(b.closes, closeTab)
	b.mu.Unlock()

	if err := start(ctx, stop); err != nil {
		t.Fatalf("opening a tab for %s: %v", url, err)
	}
	mobile := width < mobileWidth
	call(t, ctx, cdplog.Enable, cdp.Empty{})
	call(t, ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: mobile,
	})
	call(t, ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: mobile})
	if len(scheme) > 0 {
		call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: string(scheme[0])}},
		})
	}
	// Keyboard focus behaves as in a focused window even though no window
	// of a headless browser ever has the focus.
	call(t, ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})

	run(t, ctx, "loading "+url, chromedp.NavigateResponse(url))
	tb.waitReady(t)
	tb.waitIdle(t)
	return tb
}

// waitReady waits until the document and its images finished loading. Lazy
// images outside the viewport are not waited for: they load only on scroll.
// It polls from Go: a page-side poller would need eval, which a strict
// Content-Security-Policy blocks (and reports).
func (tb *Tab) waitReady(t testing.TB) {
	t.Helper()
	const ready = `document.readyState === "complete" &&
		Array.from(document.images).every(i => i.complete ||
			(i.loading === "lazy" && i.getBoundingClientRect().top >= innerHeight))`
	deadline := time.Now().Add(stepTimeout)
	for {
		var ok bool
		tb.Eval(t, ready, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var state string
			tb.Eval(t, `document.readyState + "; images not loaded: " +
				Array.from(document.images).filter(i => !i.complete).map(i => i.src).join(" ")`, &state)
			t.Fatalf("%s did not finish loading within %v: %s", tb.url, stepTimeout, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitIdle waits, at most idleWait, until no request of the page has been
// pending for idleQuiet. A page that keeps a request open (a long poll, an
// event stream) is only logged, not failed.
func (tb *Tab) waitIdle(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(idleWait)
	var quietSince time.Time
	for {
		// A round trip, so that every event sent before it was recorded.
		tb.Eval(t, `0`, nil)
		pending := tb.pendingRequests()
		switch {
		case len(pending) > 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) >= idleQuiet:
			return
		}
		if time.Now().After(deadline) {
			t.Logf("%s: requests still pending after %v: %s", tb.url, idleWait, strings.Join(pending, ", "))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pendingRequests describes the requests that have not finished yet.
func (tb *Tab) pendingRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for id := range tb.pending {
		out = append(out, tb.requests[id])
	}
	slices.Sort(out)
	return out
}

// documentRequests counts the documents the tab requested so far (each
// redirect counting again).
func (tb *Tab) documentRequests() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.docs
}
