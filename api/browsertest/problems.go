package browsertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

// record notes one DevTools event of the tab. It runs in the tab's read loop.
func (tb *Tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.add("console." + string(ev.Type) + ": " + argsText(ev.Args) + stackPlace(ev.StackTrace))
		}
	case *runtime.EventExceptionThrown:
		tb.add("uncaught exception: " + exceptionText(ev.ExceptionDetails))
	case *cdplog.EventEntryAdded:
		tb.logEntry(ev.Entry)
	case *network.EventRequestWillBeSent:
		if autoFavicon(ev) {
			// The browser's own guess at an icon, not a request of the
			// page: never waited for nor reported.
			tb.reported[ev.RequestID] = true
			return
		}
		tb.requests[ev.RequestID] = string(ev.Type) + " " + ev.Request.Method + " " + ev.Request.URL
		if ev.Type == network.ResourceTypeDocument {
			tb.docs++
			tb.forgetReplaced(ev.FrameID, ev.LoaderID)
		}
		tb.pending[ev.RequestID] = origin{ev.FrameID, ev.LoaderID}
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
		tb.loadingFailed(ev)
	}
}

// origin is the frame and the document (its loader) a request came from.
type origin struct {
	frame  cdp.FrameID
	loader cdp.LoaderID
}

// forgetReplaced stops waiting for the requests of the document a frame
// is leaving for the one loader loads: the navigation cancels them, and
// the browser does not always report that (an htmx request in flight when
// a form is submitted stayed pending for good). tb.mu is held.
func (tb *Tab) forgetReplaced(frame cdp.FrameID, loader cdp.LoaderID) {
	for id, o := range tb.pending {
		if o.frame == frame && o.loader != loader {
			delete(tb.pending, id)
		}
	}
}

// logEntry notes a Log-domain entry of level "error"; tb.mu is held.
func (tb *Tab) logEntry(e *cdplog.Entry) {
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
		place = stackPlace(e.StackTrace)
	} else {
		place = " (" + place + ")"
	}
	tb.add(string(e.Source) + " error: " + oneLine(e.Text) + place)
}

// loadingFailed notes a request that failed; tb.mu is held.
func (tb *Tab) loadingFailed(ev *network.EventLoadingFailed) {
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

// autoFavicon reports whether a request is the /favicon.ico that Chromium
// fetches by itself for a page that declares no icon.
func autoFavicon(ev *network.EventRequestWillBeSent) bool {
	if ev.Type != network.ResourceTypeOther || ev.Request == nil {
		return false
	}
	u, err := url.Parse(ev.Request.URL)
	return err == nil && u.Path == "/favicon.ico" && u.RawQuery == ""
}

// add appends a problem; tb.mu is held.
func (tb *Tab) add(p string) { tb.reports = append(tb.reports, p) }

// describe names a request, from what its start said when known; tb.mu is held.
func (tb *Tab) describe(id network.RequestID, typ network.ResourceType, addr string) string {
	if d, ok := tb.requests[id]; ok {
		return d
	}
	return strings.TrimSpace(string(typ) + " " + addr)
}

// Problems returns what a person would see as errors: console.error and
// console.assert messages, uncaught exceptions, Log-domain entries of level
// "error" (failed resource loads, Content-Security-Policy violations) and
// failed network requests the page made (status >= 400, or the request
// failed), each as a readable one-line string. A failed request is listed
// once, however many events report it. Requests the page makes through
// fetch (including Tab.Fetch) count too; the /favicon.ico that Chromium
// requests by itself for a page declaring no icon does not.
func (tb *Tab) Problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Clone(tb.reports)
}

// WantNoProblems fails the test listing Problems(), if any.
func (tb *Tab) WantNoProblems(t testing.TB) {
	t.Helper()
	if p := tb.Problems(); len(p) > 0 {
		t.Errorf("%s: the page reported %d problem(s):\n\t%s", tb.url, len(p), strings.Join(p, "\n\t"))
	}
}

var spaces = regexp.MustCompile(`\s+`)

// oneLine folds text onto one line.
func oneLine(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// argsText renders console arguments as the console shows them.
func argsText(args []*runtime.RemoteObject) string {
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
	return oneLine(strings.Join(parts, " "))
}

// exceptionText renders an exception as its message and its place.
func exceptionText(d *runtime.ExceptionDetails) string {
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
		place = stackPlace(d.StackTrace)
	}
	return oneLine(msg) + place
}

// stackPlace renders the top of a stack trace as " (url:line:column)".
func stackPlace(st *runtime.StackTrace) string {
	if st == nil || len(st.CallFrames) == 0 {
		return ""
	}
	f := st.CallFrames[0]
	return fmt.Sprintf(" (%s:%d:%d)", f.URL, f.LineNumber+1, f.ColumnNumber+1)
}
