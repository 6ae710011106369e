package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_APIDocs opens the API reference at desktop and phone widths
// in both schemes: the vendored viewer renders the OpenAPI document's
// sections under the server's own Content-Security-Policy, with no policy
// violation, console error or failed request, and opening a section shows
// its operations (the award); a screenshot of each.
func TestBrowser_APIDocs(t *testing.T) {
	t.Parallel()
	m, _ := startMain(t, t.TempDir(), nil)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	for _, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, m.URL()+"/api/docs", v.width, v.height, v.scheme)
			// The sections are drawn first; opening one draws its operations.
			tab.WaitFor(t, `document.querySelectorAll(".opblock-tag-section").length >= 10`, 60*time.Second)
			tab.Click(t, "#operations-tag-Credentials")
			tab.WaitFor(t, `document.querySelector('.opblock[id$="createAward"]') !== null`, 30*time.Second)
			if got := tab.Text(t, ".swagger-ui .info .title"); !strings.Contains(got, "Laurel API") {
				t.Errorf("title %q", got)
			}
			checkPageBasics(t, tab, v.width, v.scheme)
			tab.WantNoProblems(t)
			tab.Screenshot(t, filepath.Join(dir, "apidocs-"+v.name+"-"+string(v.scheme)+".png"))
		})
	}
}
