package main

// A headless-Chromium harness for tests that look at pages as a person's
// browser shows them: one browser per test, one tab per page, with everything
// the page reports as an error collected on the way.
//
//	b := newBrowser(t)
//	tb := b.open(t, url, 390, 844)
//	tb.wantNoProblems(t)
//	if got := tb.text(t, "h1"); got != want { ... }
//	tb.screenshot(t, filepath.Join(screenshotDir(t), "mobile.png"))
//
// Screenshots go to t.ArtifactDir(): run the tests with -artifacts (and
// optionally -outputdir) to keep them.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"
)

const (
	// chromeStartTimeout bounds starting the browser or opening a tab: a
	// cold start on a busy machine can take many seconds.
	chromeStartTimeout = 90 * time.Second
	// chromeStepTimeout bounds every other exchange with the browser, so
	// that a hung browser fails the test instead of hanging it.
	chromeStepTimeout = 60 * time.Second
	// chromeIdleWait bounds the best-effort wait for the page's network
	// requests to settle after it loaded.
	chromeIdleWait = 10 * time.Second
	// chromeIdleQuiet is how long no request may be pending for the
	// network to count as idle.
	chromeIdleQuiet = 300 * time.Millisecond
	// chromeMobileWidth is the viewport width below which open emulates a
	// phone: touch and the mobile flag (meta viewport honoured).
	chromeMobileWidth = 600
)

// browser is one headless Chromium for a test; closed at t.Cleanup.
type browser struct {
	ctx     context.Context // the browser's chromedp context; tabs derive from it
	dataDir string          // the profile directory, unique to this browser

	mu     sync.Mutex
	closes []func() // close the open tabs
}

// newBrowser starts a headless Chromium with a fresh profile. It is closed,
// with its tabs and every process it started, when the test ends.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	b := &browser{dataDir: t.TempDir()}
	output := &chromeOutput{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(b.dataDir),
		chromedp.CombinedOutput(output),
	)
	// root lets the start watchdog stop everything at once.
	root, stop := context.WithCancel(context.Background())
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	b.ctx = ctx
	// Registered before the start, so a failed start cleans up too; it runs
	// before t.TempDir removes the profile.
	t.Cleanup(func() {
		b.closeTabs()
		// Ask Chromium to quit, then make sure: cancelling kills the
		// process and waits for it, and the sweep ends its helpers.
		cctx, ccancel := context.WithTimeout(ctx, 15*time.Second)
		if err := chromedp.Cancel(cctx); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			t.Logf("closing Chromium: %v", err)
		}
		ccancel()
		cancelBrowser()
		cancelAlloc()
		stop()
		if left := chromeKillLeftovers(b.dataDir); len(left) > 0 {
			t.Errorf("Chromium processes outlived the browser and could not be killed: %v", left)
		}
	})
	// The first Run starts the browser and binds its life to ctx, so it
	// must not carry a timeout of its own; the watchdog stops it instead.
	if err := chromeStart(ctx, stop); err != nil {
		t.Fatalf("starting Chromium: %v\nits output ends with:\n%s", err, output.String())
	}
	return b
}

// closeTabs closes every tab the browser still has open, newest first.
func (b *browser) closeTabs() {
	b.mu.Lock()
	closes := slices.Clone(b.closes)
	b.closes = nil
	b.mu.Unlock()
	for _, c := range slices.Backward(closes) {
		c()
	}
}

// chromeStart runs the first, context-binding chromedp.Run on ctx: starting
// the browser or attaching a new tab. If that takes longer than
// chromeStartTimeout, stop cancels ctx's ancestors.
func chromeStart(ctx context.Context, stop func()) error {
	watchdog := time.AfterFunc(chromeStartTimeout, stop)
	err := chromedp.Do(ctx)
	if !watchdog.Stop() {
		return fmt.Errorf("no answer within %v: %w", chromeStartTimeout, err)
	}
	return err
}

// chromeRun runs one action against ctx's tab within chromeStepTimeout and
// fails the test if it fails.
func chromeRun[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, chromeStepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("Chromium did not answer within %v: %w", chromeStepTimeout, err)
		}
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// chromeCall sends one DevTools protocol command; see chromeRun.
func chromeCall[P, R any](t *testing.T, ctx context.Context, cmd cdp.Command[P, R], params P) R {
	t.Helper()
	return chromeRun(t, ctx, cmd.Method, func(ctx context.Context, tg *chromedp.Target) (R, error) {
		return cdp.Call(ctx, tg, cmd, params)
	})
}

// tab is one page loaded in the browser at a given viewport.
type tab struct {
	ctx context.Context
	url string

	mu       sync.Mutex
	reports  []string                     // what the page reported, in order
	requests map[network.RequestID]string // "Type METHOD URL" of each request
	pending  map[network.RequestID]bool   // requests not finished yet
	reported map[network.RequestID]bool   // requests already in reports
}

// open loads url in a new tab with the viewport width×height (device scale 1;
// mobile emulation when width < 600: touch + mobile flag), waits for the load
// event and for network idle-ish (document.readyState == "complete" and no
// pending images), and records everything the page reports. The tab closes
// when the test ends.
func (b *browser) open(t *testing.T, url string, width, height int) *tab {
	t.Helper()
	tb := &tab{
		url:      url,
		requests: map[network.RequestID]string{},
		pending:  map[network.RequestID]bool{},
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

	if err := chromeStart(ctx, stop); err != nil {
		t.Fatalf("opening a tab for %s: %v", url, err)
	}
	mobile := width < chromeMobileWidth
	chromeCall(t, ctx, cdplog.Enable, cdp.Empty{})
	chromeCall(t, ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(width), Height: int64(height), DeviceScaleFactor: 1, Mobile: mobile,
	})
	chromeCall(t, ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: mobile})
	// Keyboard focus behaves as in a focused window even though no window
	// of a headless browser ever has the focus.
	chromeCall(t, ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})

	chromeRun(t, ctx, "loading "+url, chromedp.NavigateResponse(url))
	tb.waitReady(t)
	tb.waitIdle(t)
	return tb
}

// waitReady waits until the document and its images finished loading. Lazy
// images outside the viewport are not waited for: they load only on scroll.
// It polls from Go: a page-side poller would need eval, which a strict
// Content-Security-Policy blocks (and reports).
func (tb *tab) waitReady(t *testing.T) {
	t.Helper()
	const ready = `document.readyState === "complete" &&
		Array.from(document.images).every(i => i.complete ||
			(i.loading === "lazy" && i.getBoundingClientRect().top >= innerHeight))`
	deadline := time.Now().Add(chromeStepTimeout)
	for {
		var ok bool
		tb.eval(t, ready, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var state string
			tb.eval(t, `document.readyState + "; images not loaded: " +
				Array.from(document.images).filter(i => !i.complete).map(i => i.src).join(" ")`, &state)
			t.Fatalf("%s did not finish loading within %v: %s", tb.url, chromeStepTimeout, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitIdle waits, at most chromeIdleWait, until no request of the page has
// been pending for chromeIdleQuiet. A page that keeps a request open (a
// long poll, an event stream) is only logged, not failed.
func (tb *tab) waitIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(chromeIdleWait)
	var quietSince time.Time
	for {
		// A round trip, so that every event sent before it was recorded.
		tb.eval(t, `0`, nil)
		pending := tb.pendingRequests()
		switch {
		case len(pending) > 0:
			quietSince = time.Time{}
		case quietSince.IsZero():
			quietSince = time.Now()
		case time.Since(quietSince) >= chromeIdleQuiet:
			return
		}
		if time.Now().After(deadline) {
			t.Logf("%s: requests still pending after %v: %s", tb.url, chromeIdleWait, strings.Join(pending, ", "))
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pendingRequests describes the requests that have not finished yet.
func (tb *tab) pendingRequests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for id := range tb.pending {
		out = append(out, tb.requests[id])
	}
	slices.Sort(out)
	return out
}

// record notes one DevTools event of the tab. It runs in the tab's read loop.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.add("console." + string(ev.Type) + ": " + chromeArgsText(ev.Args) + chromeStackPlace(ev.StackTrace))
		}
	case *runtime.EventExceptionThrown:
		tb.add("uncaught exception: " + chromeExceptionText(ev.ExceptionDetails))
	case *cdplog.EventEntryAdded:
		e := ev.Entry
		if e.Level != cdplog.EntryLevelError {
			return
		}
		// A failed request is reported once, by whichever event came first.
		if id := e.NetworkRequestID; id != "" {
			if tb.reported[id] {
				return
			}
			tb.reported[id] = true
		}
		place := e.URL
		if place != "" && e.LineNumber > 0 {
			place += ":" + strconv.FormatInt(e.LineNumber+1, 10)
		}
		if place == "" {
			place = chromeStackPlace(e.StackTrace)
		} else {
			place = " (" + place + ")"
		}
		tb.add(string(e.Source) + " error: " + chromeOneLine(e.Text) + place)
	case *network.EventRequestWillBeSent:
		if chromeAutoFavicon(ev) {
			// The browser's own guess at an icon, not a request of the
			// page: never waited for nor reported.
			tb.reported[ev.RequestID] = true
			return
		}
		tb.requests[ev.RequestID] = string(ev.Type) + " " + ev.Request.Method + " " + ev.Request.URL
		tb.pending[ev.RequestID] = true
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 && !tb.reported[ev.RequestID] {
			tb.reported[ev.RequestID] = true
			status := int(ev.Response.Status)
			text := ev.Response.StatusText
			if text == "" {
				text = http.StatusText(status)
			}
			tb.add(fmt.Sprintf("HTTP %d %s: %s", status, text, tb.describe(ev.RequestID, ev.Type, ev.Response.URL)))
		}
	case *network.EventLoadingFinished:
		delete(tb.pending, ev.RequestID)
	case *network.EventLoadingFailed:
		delete(tb.pending, ev.RequestID)
		// Requests the browser dropped on its own (a navigation away, an
		// aborted fetch) are no failure a person would see.
		if (ev.Canceled && ev.BlockedReason == "") || tb.reported[ev.RequestID] {
			return
		}
		tb.reported[ev.RequestID] = true
		why := ev.ErrorText
		if ev.BlockedReason != "" {
			why += ", blocked: " + string(ev.BlockedReason)
		}
		if ev.CorsErrorStatus != nil {
			why += ", CORS: " + string(ev.CorsErrorStatus.CorsError)
		}
		tb.add(fmt.Sprintf("request failed (%s): %s", why, tb.describe(ev.RequestID, ev.Type, "")))
	}
}

// chromeAutoFavicon reports whether a request is the /favicon.ico that
// Chromium fetches by itself for a page that declares no icon.
func chromeAutoFavicon(ev *network.EventRequestWillBeSent) bool {
	if ev.Type != network.ResourceTypeOther || ev.Request == nil {
		return false
	}
	u, err := url.Parse(ev.Request.URL)
	return err == nil && u.Path == "/favicon.ico" && u.RawQuery == ""
}

// add appends a problem; tb.mu is held.
func (tb *tab) add(p string) { tb.reports = append(tb.reports, p) }

// describe names a request, from what its start said when known; tb.mu is held.
func (tb *tab) describe(id network.RequestID, typ network.ResourceType, addr string) string {
	if d, ok := tb.requests[id]; ok {
		return d
	}
	return strings.TrimSpace(string(typ) + " " + addr)
}

// problems returns what a person would see as errors: console.error and
// console.assert messages, uncaught exceptions, Log-domain entries of level
// "error" (failed resource loads, Content-Security-Policy violations) and
// failed network requests the page made (status >= 400, or the request
// failed), each as a readable one-line string. A failed request is listed
// once, however many events report it. Requests the page makes through
// fetch (including tab.fetch) count too; the /favicon.ico that Chromium
// requests by itself for a page declaring no icon does not.
func (tb *tab) problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.reports)
}

// wantNoProblems fails the test listing problems(), if any.
func (tb *tab) wantNoProblems(t *testing.T) {
	t.Helper()
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("%s: the page reported %d problem(s):\n\t%s", tb.url, len(p), strings.Join(p, "\n\t"))
	}
}

// eval runs a JavaScript expression (awaiting it if it is a promise) and
// unmarshals its JSON-serialisable value into out; a nil out discards it.
// null gives out's zero value; an exception, or undefined when out is not
// nil, fails the test.
func (tb *tab) eval(t *testing.T, js string, out any) {
	t.Helper()
	v := chromeRun(t, tb.ctx, "evaluating "+chromeShort(js),
		chromedp.Evaluate[*runtime.RemoteObject](js, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if out == nil {
		return
	}
	raw := []byte(v.Value)
	switch {
	case v.Type == runtime.RemoteObjectTypeUndefined:
		t.Fatalf("evaluating %s: the value is undefined", chromeShort(js))
	case v.Subtype == runtime.RemoteObjectSubtypeNull:
		raw = []byte("null")
	case v.UnserializableValue != "":
		t.Fatalf("evaluating %s: %s has no JSON form", chromeShort(js), v.UnserializableValue)
	case len(raw) == 0:
		t.Fatalf("evaluating %s: the %s value has no JSON form", chromeShort(js), v.Type)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("evaluating %s: decoding %s into %T: %v", chromeShort(js), raw, out, err)
	}
}

// text returns the innerText of the first element matching a CSS selector
// ("" and a test failure if none).
func (tb *tab) text(t *testing.T, selector string) string {
	t.Helper()
	var s *string
	tb.eval(t, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		return e === null ? null : e.innerText;
	})()`, chromeJS(selector)), &s)
	if s == nil {
		t.Errorf("%s: no element matches %q", tb.url, selector)
		return ""
	}
	return *s
}

// attr returns an attribute of the first element matching a selector ("" if
// the element lacks it); it fails the test if no element matches.
func (tb *tab) attr(t *testing.T, selector, name string) string {
	t.Helper()
	var r struct {
		Found bool
		Value *string
	}
	tb.eval(t, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		return e === null ? {found: false} : {found: true, value: e.getAttribute(%s)};
	})()`, chromeJS(selector), chromeJS(name)), &r)
	if !r.Found {
		t.Errorf("%s: no element matches %q", tb.url, selector)
		return ""
	}
	if r.Value == nil {
		return ""
	}
	return *r.Value
}

// count returns how many elements match a selector.
func (tb *tab) count(t *testing.T, selector string) int {
	t.Helper()
	var n int
	tb.eval(t, fmt.Sprintf(`document.querySelectorAll(%s).length`, chromeJS(selector)), &n)
	return n
}

// screenshot writes a full-page PNG to path (creating directories) and
// returns the decoded image's size. The page is captured at its whole
// scrollable size in CSS pixels, so a page wider than the viewport gives a
// wider image; so does, on a mobile viewport, a page without
// <meta name="viewport" content="width=device-width">: it lays out 980 px
// wide, as phones do. Lazy images below the fold are not loaded.
func (tb *tab) screenshot(t *testing.T, path string) (width, height int) {
	t.Helper()
	m := chromeCall(t, tb.ctx, page.GetLayoutMetrics, cdp.Empty{})
	w, h := 0.0, 0.0
	if v := m.CSSLayoutViewport; v != nil {
		w, h = float64(v.ClientWidth), float64(v.ClientHeight)
	}
	if c := m.CSSContentSize; c != nil {
		w, h = max(w, math.Ceil(c.Width)), max(h, math.Ceil(c.Height))
	}
	if w <= 0 || h <= 0 {
		t.Fatalf("%s: the page has no size to capture: %+v", tb.url, m)
	}
	shot := chromeCall(t, tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		CaptureBeyondViewport: new(true),
		FromSurface:           new(true),
		Clip:                  &page.Viewport{Width: w, Height: h, Scale: 1},
	})
	cfg, err := png.DecodeConfig(bytes.NewReader(shot.Data))
	if err != nil {
		t.Fatalf("%s: the screenshot is no PNG: %v", tb.url, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg.Width, cfg.Height
}

// press sends a key to the page, as a person typing it: a key name of the
// DOM ("Tab", "Enter", "Escape", "ArrowDown", ...) or one character,
// optionally after modifiers ("Shift+Tab", "Control+a").
func (tb *tab) press(t *testing.T, key string) {
	t.Helper()
	r, mods, err := chromeKey(key)
	if err != nil {
		t.Fatalf("press: %v", err)
	}
	chromeRun(t, tb.ctx, "pressing "+key, chromedp.KeyEvent(string(r), chromedp.KeyModifiers(mods...)))
}

// chromeKey parses a key for press into its rune for the kb package and its
// modifiers.
func chromeKey(key string) (rune, []chromedp.Modifier, error) {
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

// focused returns a description of document.activeElement: its tag, #id,
// .classes and a snippet of its text, e.g. `a#link.nav "About Laurel"`.
func (tb *tab) focused(t *testing.T) string {
	t.Helper()
	var s string
	tb.eval(t, `(() => {
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

// fetch performs a fetch() from inside the page (same origin, as a script
// of the page would) and returns the status, the Content-Type and the length
// of the body. A network failure fails the test; an error status is
// returned (and, like every failed request, listed by problems).
func (tb *tab) fetch(t *testing.T, url string) (status int, contentType string, size int) {
	t.Helper()
	var r struct {
		Status int
		Type   string
		Size   int
	}
	tb.eval(t, fmt.Sprintf(`(async () => {
		const r = await fetch(%s);
		const body = await r.arrayBuffer();
		return {status: r.status, type: r.headers.get("Content-Type") || "", size: body.byteLength};
	})()`, chromeJS(url)), &r)
	return r.Status, r.Type, r.Size
}

// decodeQR decodes the QR code in a PNG image (any size; the whole image or
// a region of it, such as a page screenshot) and returns its text.
func decodeQR(t *testing.T, pngData []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("decodeQR: not a PNG: %v", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	src := gozxing.NewLuminanceSourceFromImage(img)
	// The hybrid binarizer suits pages (uneven backgrounds); the global one
	// catches what it misses.
	var errs []error
	for _, bin := range []gozxing.Binarizer{gozxing.NewHybridBinarizer(src), gozxing.NewGlobalHistgramBinarizer(src)} {
		bmp, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			t.Fatalf("decodeQR: %v", err)
		}
		res, err := zxingqr.NewQRCodeReader().Decode(bmp, hints)
		if err == nil {
			return res.GetText()
		}
		errs = append(errs, err)
	}
	t.Fatalf("decodeQR: no QR code found in the %dx%d image: %v", img.Bounds().Dx(), img.Bounds().Dy(), errors.Join(errs...))
	return ""
}

// screenshotDir is where tests write screenshots: a directory named after
// the test under t.ArtifactDir(), which is kept under -outputdir when the
// tests run with -artifacts and is temporary otherwise.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.ArtifactDir(), chromeFileName(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var chromeUnsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// chromeFileName makes a test name ("TestX/sub test") a file name.
func chromeFileName(name string) string {
	return strings.Trim(chromeUnsafeName.ReplaceAllString(name, "_"), "._")
}

// chromeJS quotes s as a JavaScript string literal.
func chromeJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// chromeShort shortens a script for a failure message.
func chromeShort(js string) string {
	js = chromeOneLine(js)
	if len(js) > 80 {
		js = js[:77] + "..."
	}
	return js
}

var chromeSpaces = regexp.MustCompile(`\s+`)

// chromeOneLine folds text onto one line.
func chromeOneLine(s string) string {
	return strings.TrimSpace(chromeSpaces.ReplaceAllString(s, " "))
}

// chromeArgsText renders console arguments as the console shows them.
func chromeArgsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
		case a.Description != "":
			s, _, _ = strings.Cut(a.Description, "\n") // an Error: its message, not its stack
		case len(a.Value) > 0:
			s = string(a.Value)
		case a.UnserializableValue != "":
			s = string(a.UnserializableValue)
		default:
			s = string(a.Type)
		}
		parts = append(parts, s)
	}
	return chromeOneLine(strings.Join(parts, " "))
}

// chromeExceptionText renders an exception as its message and its place.
func chromeExceptionText(d *runtime.ExceptionDetails) string {
	if d == nil {
		return "(no details)"
	}
	msg := d.Text
	if e := d.Exception; e != nil && e.Description != "" {
		msg, _, _ = strings.Cut(e.Description, "\n")
	} else if e != nil && len(e.Value) > 0 {
		msg += " " + string(e.Value) // a thrown non-Error
	}
	place := d.URL
	if place != "" {
		place = fmt.Sprintf(" (%s:%d:%d)", place, d.LineNumber+1, d.ColumnNumber+1)
	} else {
		place = chromeStackPlace(d.StackTrace)
	}
	return chromeOneLine(msg) + place
}

// chromeStackPlace renders the top of a stack trace as " (url:line:column)".
func chromeStackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}

// chromeOutput keeps the tail of what the browser process prints, for a
// failed start.
type chromeOutput struct {
	mu  sync.Mutex
	buf []byte
}

func (o *chromeOutput) Write(p []byte) (int, error) {
	const keep = 8 << 10
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	if len(o.buf) > keep {
		o.buf = slices.Clone(o.buf[len(o.buf)-keep:])
	}
	return len(p), nil
}

func (o *chromeOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// chromeProcesses lists the processes whose command line mentions the
// profile directory dir: the browser started with it and its helpers.
func chromeProcesses(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	flag, inside := "--user-data-dir="+dir, dir+string(filepath.Separator)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for arg := range strings.SplitSeq(string(cmdline), "\x00") {
			if arg == flag || strings.Contains(arg, inside) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// chromeKillLeftovers kills, by pid, the processes of the browser that uses
// the profile dir which outlived it (helpers can), until none shows up for a
// few passes, and returns those still there after a few seconds.
func chromeKillLeftovers(dir string) []int {
	deadline := time.Now().Add(5 * time.Second)
	for quiet := 0; quiet < 3; time.Sleep(20 * time.Millisecond) {
		pids := chromeProcesses(dir)
		if len(pids) == 0 {
			quiet++
			continue
		}
		quiet = 0
		if time.Now().After(deadline) {
			return pids
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return nil
}

// TestChromeHarness proves the harness against pages whose problems are
// known: it finds none on a clean page and each of four on a broken one.
func TestChromeHarness(t *testing.T) {
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZSJ9.c2lnbmF0dXJl"
	pixel := chromeTestPNG(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	qrURL := srv.URL + "/credentials/42"
	qrPNG, err := qrcode.Encode(qrURL, qrcode.Medium, 256)
	if err != nil {
		t.Fatal(err)
	}
	serve := func(pattern, contentType, body string, header ...string) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			for i := 0; i+1 < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Write([]byte(body))
		})
	}
	serve("GET /{$}", "text/html; charset=utf-8", `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laurel harness</title>
<link rel="stylesheet" href="/style.css">
</head><body>
<h1>Open <em>Badges</em></h1>
<p><img src="/pixel.png" alt="a pixel" width="8" height="8"> <a id="link" class="nav" href="/about">About Laurel</a></p>
<ul><li>one</li><li>two</li><li>three</li></ul>
<button id="go" class="btn primary" type="button">Go</button>
</body></html>`)
	serve("GET /style.css", "text/css", `body { font: 16px sans-serif; margin: 2rem; } h1 { color: #234; }`)
	serve("GET /pixel.png", "image/png", string(pixel))
	serve("GET /bad", "text/html; charset=utf-8", `<!doctype html>
<html><head><meta charset="utf-8"><title>broken</title></head><body>
<h1>Broken</h1>
<img src="/missing.png" alt="gone">
<script>document.title = "inline ran";</script>
<script src="/bad.js"></script>
</body></html>`, "Content-Security-Policy", "default-src 'self'")
	serve("GET /bad.js", "text/javascript", `console.error("boom"); throw new Error("kaput");`)
	serve("GET /credential.jwt", "application/vc+jwt", jwt)
	serve("GET /qr.png", "image/png", string(qrPNG))
	serve("GET /qr", "text/html; charset=utf-8", `<!doctype html>
<html><head><meta charset="utf-8"><title>QR</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="margin: 40px; background: #f4f1ea"><p>Scan to verify:</p>
<img src="/qr.png" alt="QR code" width="256" height="256"></body></html>`)

	b := newBrowser(t)

	t.Run("clean page", func(t *testing.T) {
		dir := screenshotDir(t)
		for _, vp := range []struct {
			name          string
			width, height int
			mobile        bool
		}{
			{"desktop", 1280, 800, false},
			{"mobile", 390, 844, true},
		} {
			tb := b.open(t, srv.URL+"/", vp.width, vp.height)
			tb.wantNoProblems(t)
			if got := tb.text(t, "h1"); got != "Open Badges" {
				t.Errorf("%s: text(h1) = %q, want %q", vp.name, got, "Open Badges")
			}
			if got := tb.attr(t, "#link", "href"); got != "/about" {
				t.Errorf("%s: attr(#link, href) = %q, want /about", vp.name, got)
			}
			if got := tb.attr(t, "#link", "download"); got != "" {
				t.Errorf("%s: attr(#link, download) = %q, want \"\" for a missing attribute", vp.name, got)
			}
			if got := tb.count(t, "li"); got != 3 {
				t.Errorf("%s: count(li) = %d, want 3", vp.name, got)
			}
			none := new("not null")
			tb.eval(t, `document.querySelector("table")`, &none)
			if none != nil {
				t.Errorf("%s: eval(null) = %q, want a nil pointer", vp.name, *none)
			}
			if got := tb.count(t, "table"); got != 0 {
				t.Errorf("%s: count(table) = %d, want 0", vp.name, got)
			}
			var page struct {
				Title      string
				Width      int
				Touch      bool
				PixelWidth int
				Color      string
			}
			tb.eval(t, `({
				title: document.title,
				width: innerWidth,
				touch: navigator.maxTouchPoints > 0,
				pixelWidth: document.images[0].naturalWidth,
				color: getComputedStyle(document.querySelector("h1")).color,
			})`, &page)
			want := struct {
				Title      string
				Width      int
				Touch      bool
				PixelWidth int
				Color      string
			}{"Laurel harness", vp.width, vp.mobile, 8, "rgb(34, 51, 68)"}
			if page != want {
				t.Errorf("%s: eval = %+v, want %+v", vp.name, page, want)
			}

			path := filepath.Join(dir, vp.name+".png")
			w, h := tb.screenshot(t, path)
			if w != vp.width || h < vp.height {
				t.Errorf("%s: screenshot is %dx%d, want %d wide and at least %d high", vp.name, w, h, vp.width, vp.height)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
				t.Errorf("%s: no screenshot at %s: %v", vp.name, path, err)
			}

			if got := tb.focused(t); got != "body" {
				t.Errorf("%s: focused before any key = %q, want body", vp.name, got)
			}
			tb.press(t, "Tab")
			if got, want := tb.focused(t), `a#link.nav "About Laurel"`; got != want {
				t.Errorf("%s: focused after Tab = %q, want %q", vp.name, got, want)
			}
			tb.press(t, "Tab")
			if got, want := tb.focused(t), `button#go.btn.primary "Go"`; got != want {
				t.Errorf("%s: focused after Tab Tab = %q, want %q", vp.name, got, want)
			}
			tb.press(t, "Shift+Tab")
			if got, want := tb.focused(t), `a#link.nav "About Laurel"`; got != want {
				t.Errorf("%s: focused after Shift+Tab = %q, want %q", vp.name, got, want)
			}
			tb.wantNoProblems(t)
		}
	})

	t.Run("problems are detected", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/bad", 1280, 800)
		got := tb.problems()
		for _, want := range []struct{ what, substr string }{
			{"console.error", `console.error: boom`},
			{"uncaught exception", `uncaught exception: Error: kaput`},
			{"404 image", `404 Not Found: Image GET ` + srv.URL + `/missing.png`},
			{"CSP violation", `Content Security Policy`},
		} {
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, want.substr) }) {
				t.Errorf("problems() lacks the %s (%q):\n\t%s", want.what, want.substr, strings.Join(got, "\n\t"))
			}
		}
		if len(got) != 4 {
			t.Errorf("problems() has %d entries, want 4 (one each):\n\t%s", len(got), strings.Join(got, "\n\t"))
		}
		var title string
		tb.eval(t, `document.title`, &title)
		if title != "broken" {
			t.Errorf("document.title = %q: the inline script ran despite the CSP", title)
		}
	})

	t.Run("fetch", func(t *testing.T) {
		tb := b.open(t, srv.URL+"/", 1280, 800)
		status, ctype, size := tb.fetch(t, srv.URL+"/credential.jwt")
		if status != http.StatusOK || ctype != "application/vc+jwt" || size != len(jwt) {
			t.Errorf("fetch(/credential.jwt) = %d, %q, %d bytes; want 200, application/vc+jwt, %d bytes", status, ctype, size, len(jwt))
		}
		tb.wantNoProblems(t)
		if status, _, _ := tb.fetch(t, srv.URL+"/nope.jwt"); status != http.StatusNotFound {
			t.Errorf("fetch(/nope.jwt) status = %d, want 404", status)
		}
		if p := tb.problems(); len(p) != 1 || !strings.Contains(p[0], "HTTP 404 Not Found: Fetch GET "+srv.URL+"/nope.jwt") {
			t.Errorf("after fetching a missing file, problems() = %q, want its 404", p)
		}
	})

	t.Run("QR codes", func(t *testing.T) {
		if got := decodeQR(t, qrPNG); got != qrURL {
			t.Errorf("decodeQR(generated PNG) = %q, want %q", got, qrURL)
		}
		dir := screenshotDir(t)
		for _, vp := range []struct {
			name          string
			width, height int
		}{{"desktop", 1280, 800}, {"mobile", 390, 844}} {
			tb := b.open(t, srv.URL+"/qr", vp.width, vp.height)
			tb.wantNoProblems(t)
			path := filepath.Join(dir, "qr-"+vp.name+".png")
			if w, _ := tb.screenshot(t, path); w != vp.width {
				t.Errorf("%s: screenshot is %d wide, want %d", vp.name, w, vp.width)
			}
			shot, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := decodeQR(t, shot); got != qrURL {
				t.Errorf("%s: decodeQR(screenshot) = %q, want %q", vp.name, got, qrURL)
			}
		}
	})

	t.Run("closing leaves no process", func(t *testing.T) {
		var dir string
		t.Run("browser", func(t *testing.T) {
			b := newBrowser(t)
			b.open(t, srv.URL+"/", 800, 600)
			dir = b.dataDir
			if len(chromeProcesses(dir)) == 0 {
				t.Fatal("no Chromium process found for the running browser: the leftover check would see nothing")
			}
		})
		if pids := chromeProcesses(dir); len(pids) > 0 {
			t.Errorf("Chromium processes %v outlived their test", pids)
		}
	})
}

// chromeTestPNG is a small opaque PNG for the clean page.
func chromeTestPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.Set(3, 3, color.RGBA{R: 0x22, G: 0x33, B: 0x44, A: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
