// Package browsertest is a headless-Chromium harness for tests that look at
// pages as a person's browser shows them: one browser per test, one tab per
// page, with everything the page reports as an error collected on the way.
// Any package's tests may use it; nothing else may import it.
//
//	b := browsertest.New(t)
//	tab := b.Open(t, url, 390, 844)
//	tab.WantNoProblems(t)
//	if got := tab.Text(t, "h1"); got != want { ... }
//	tab.Screenshot(t, filepath.Join(browsertest.ScreenshotDir(t), "mobile.png"))
//
// A tab can be driven as a person would use it: Fill, Check and Upload set
// fields (dispatching input and change), Click and Submit act and wait for
// the next document (or, when nothing navigates, for the network to
// settle), Go loads another address in the same tab, WaitFor polls a
// condition and URL says where the tab is. The tabs of one browser share
// its cookies: a tab signed in signs in the others.
//
// Screenshots go to t.ArtifactDir(): run the tests with -artifacts (and
// optionally -outputdir) to keep them. The browser is found as
// $LAUREL_CHROMIUM, chromium or chromium-browser; a missing browser fails
// the test.
//
// The files divide the work: browser.go starts and stops the browser,
// process.go finds and ends its processes, tab.go opens a page and waits
// for it, problems.go collects what the page reports, page.go reads the
// page and presses keys, form.go fills its fields, navigate.go acts and
// waits for what follows, and screenshot.go captures it and decodes QR
// codes.
package browsertest
