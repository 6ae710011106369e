package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api/browsertest"
)

// TestBrowser_ConsoleAttendance walks the attendance import as a manager
// would, at desktop and phone widths in both schemes: the report uploaded
// with a behaviour and a threshold, the preview of who attended and who
// did not, then (once) the confirmation and the job's result.
func TestBrowser_ConsoleAttendance(t *testing.T) {
	t.Parallel()
	w := newConsoleWorld(t)
	b := browsertest.New(t)
	dir := browsertest.ScreenshotDir(t)
	signIn := b.Open(t, w.base+"/admin/login", 1280, 800)
	w.setPassword(t, signIn)
	w.signIn(t, signIn, w.password)
	page := w.base + "/admin/c/" + w.issuer + "/integrations/attendance"
	report, err := filepath.Abs("../../badges/testdata/attendance/zoom-meeting.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range views() {
		t.Run(v.name+"/"+string(v.scheme), func(t *testing.T) {
			tab := b.Open(t, page, v.width, v.height, v.scheme)
			shot := func(name string) {
				tab.Screenshot(t, filepath.Join(dir, "attendance-"+name+"-"+v.name+"-"+string(v.scheme)+".png"))
			}
			checkPageBasics(t, tab, v.width, v.scheme)
			shot("upload")
			tab.Upload(t, "#f-file", report)
			tab.Fill(t, "#f-behaviour", "attended-session")
			tab.Fill(t, "#f-minMinutes", "30")
			tab.Submit(t, "form.form")
			if got := tab.Text(t, ".attendance-preview > p"); !strings.Contains(got, "1 member attended for 30 minutes or more, 1 person who is not a member yet, 1 left sooner, 1 without an e-mail address") {
				t.Errorf("the preview says %q", got)
			}
			checkPageBasics(t, tab, v.width, v.scheme)
			tab.WantNoProblems(t)
			shot("preview")
			if i > 0 {
				return
			}
			tab.Click(t, ".attendance-preview button.primary")
			tab.WaitFor(t, `document.body.textContent.includes("Done.")`, 30*time.Second)
			if got := tab.Text(t, "h1"); got != "Importing attendance from zoom-meeting.csv" {
				t.Errorf("the job page is %q", got)
			}
			tab.WantNoProblems(t)
			shot("result")
		})
	}
}
