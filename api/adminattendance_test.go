package api_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestConsole_Attendance: a manager uploads a Zoom report, sees who
// attended and who did not, confirms, and the job records the attendees;
// the same report confirmed again records nobody twice.
func TestConsole_Attendance(t *testing.T) {
	f := newAwardsFixture(t)
	mustMember(t, f.ts, f.iss, "grace@example.org", "Grace Hopper")
	report, err := os.ReadFile("../badges/testdata/attendance/zoom-meeting.csv")
	if err != nil {
		t.Fatal(err)
	}
	page := f.base + "/integrations/attendance"
	f.ts.consoleAs(t, badges.RoleViewer, f.iss).get(t, page).wantPage(t, http.StatusOK, "Meeting attendance", "Managers of the community can upload attendance.")
	f.admin.get(t, page).wantPage(t, http.StatusOK, "Upload and check")

	form := url.Values{"behaviour": {"attended-session"}, "minMinutes": {"30"}}
	preview := f.admin.postFile(t, page, form, "file", "zoom.csv", report)
	preview.wantPage(t, http.StatusOK, "Check before recording", "Lyon Gophers, November meetup", "20 November 2026, 18:00",
		"1 member attended for 30 minutes or more, 1 person who is not a member yet, 1 left sooner, 1 without an e-mail address", "Record 1 attendee")
	preview.wantHTML(t, "<td>Lovelace, Ada</td>", "<td data-label=\"Minutes\" class=\"num\">87</td>", "A Guest (55 minutes)")
	hidden := func(name string) string {
		i := strings.Index(preview.Body, `name="`+name+`" value="`)
		if i < 0 {
			t.Fatalf("no hidden %s", name)
		}
		rest := preview.Body[i+len(`name="`+name+`" value="`):]
		return rest[:strings.Index(rest, `"`)]
	}
	confirm := url.Values{"report": {hidden("report")}, "fileName": {hidden("fileName")}, "behaviour": {hidden("behaviour")}, "minMinutes": {hidden("minMinutes")}}
	for _, want := range []map[string]int{{"Recorded": 1, "Rejected": 1}, {"Duplicate": 1, "Rejected": 1}} {
		loc := f.admin.post(t, page+"/confirm", confirm).wantRedirect(t, f.base+"/jobs/")
		done := waitForJob(t, f.admin, loc)
		for label, n := range want {
			wantCount(t, done, label, n)
		}
		wantCount(t, done, "Too short", 1)
		wantCount(t, done, "No e-mail", 1)
		done.wantPage(t, http.StatusOK, "Importing attendance from zoom.csv")
	}

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			form url.Values
			file []byte
			want string
		}{
			{url.Values{"behaviour": {""}, "minMinutes": {"30"}}, report, "Choose the behaviour attendees are recorded for."},
			{url.Values{"behaviour": {"attended-session"}, "minMinutes": {"half an hour"}}, report, "The threshold must be a number of minutes, such as 30."},
			{url.Values{"behaviour": {"attended-session"}, "minMinutes": {"30"}}, []byte("Topic\nSync\n"), "The file has no participant table"},
		} {
			f.admin.postFile(t, page, tc.form, "file", "r.csv", tc.file).wantPage(t, http.StatusBadRequest, tc.want)
		}
		bad := url.Values{"report": {"%%%"}, "behaviour": {"attended-session"}, "minMinutes": {"30"}}
		f.admin.post(t, page+"/confirm", bad).wantPage(t, http.StatusBadRequest, "The report did not come back whole")
	})
}
