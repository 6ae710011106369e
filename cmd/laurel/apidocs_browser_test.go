package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_APIDocs opens the API reference at desktop and phone widths
// in both schemes: the vendored viewer renders every operation of the
// OpenAPI document under the server's own Content-Security-Policy, with no
// policy violation, console error or failed request, and shows the award
// operation; a screenshot of each.
func TestBrowser_APIDocs(t *testing.T) {
	t.Parallel()
	m, _ := startMain(t, t.TempDir(), nil)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	for _, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, m.URL()+"/api/docs", v.width, v.height, v.scheme)
			tab.WaitFor(t, `document.querySelectorAll(".opblock").length > 100`, 90*time.Second)
			award := `.opblock[id$="createAward"], .opblock-summary-path[data-path="/api/v1/issuers/{issuerId}/awards"]`
			if n := tab.Count(t, award); n == 0 {
				t.Errorf("the award operation is not shown")
			}
			if got := tab.Text(t, ".swagger-ui .info .title"); !strings.Contains(got, "Laurel API") {
				t.Errorf("title %q", got)
			}
			checkPageBasics(t, tab, v.width, v.scheme)
			tab.WantNoProblems(t)
			tab.Screenshot(t, filepath.Join(dir, "apidocs-"+v.name+"-"+string(v.scheme)+".png"))
		})
	}
}
