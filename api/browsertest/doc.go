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
// Screenshots go to t.ArtifactDir(): run the tests with -artifacts (and
// optionally -outputdir) to keep them. The browser is found as
// $LAUREL_CHROMIUM, chromium or chromium-browser; a missing browser fails
// the test.
//
// The files divide the work: browser.go starts and stops the browser,
// process.go finds and ends its processes, tab.go opens a page and waits
// for it, problems.go collects what the page reports, page.go reads and
// drives the page, and screenshot.go captures it and decodes QR codes.
package browsertest
