package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// loggedActivity is an activity as the API lists it.
type loggedActivity struct {
	ID, Behaviour, Narrative, VoidReason string
	At                                   time.Time
	Voided                               bool
}

// memberActivities is a member's activity as the API lists it.
func (f *awardsFixture) memberActivities(t *testing.T, member string) []loggedActivity {
	t.Helper()
	var l struct{ Items []loggedActivity }
	f.ts.do(t, req{method: "GET", path: "/api/v1/members/" + member + "/activities"}).want(t, 200).JSON(t, &l)
	return l.Items
}

// TestConsoleActivity_Record records one activity from the form, through
// the API's service: it is dated the day chosen, recorded once however
// often the form is sent, and refused on its field when wrong.
func TestConsoleActivity_Record(t *testing.T) {
	f := newAwardsFixture(t)
	c := f.awarder
	c.get(t, f.base+"/activity").wantPage(t, 200, "Record activity", "No activity file yet")
	f.ts.consoleAs(t, badges.RoleViewer, f.iss).get(t, f.base+"/activity").wantPage(t, 200, "Correcting activity")
	c.get(t, f.base+"/activity/new?q=ada").wantPage(t, 200, "Ada Lovelace", "member="+f.ada)
	r := httptest.NewRequest(http.MethodGet, f.base+"/activity/new?q=ada", nil)
	r.Header.Set("HX-Request", "true")
	if part := c.do(t, r); part.Code != 200 || strings.Contains(part.Body, "<html") || !strings.Contains(part.Body, "Ada Lovelace") {
		t.Fatalf("the search as you type answered %d: %s", part.Code, part.Body)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	form := c.get(t, f.base+"/activity/new?member="+f.ada)
	form.wantPage(t, 200, "Record activity of Ada Lovelace", "Attended a session")
	form.wantHTML(t, `value="`+today+`"`)
	key := keyField.FindStringSubmatch(form.Body)
	if key == nil {
		t.Fatalf("no key in the form: %s", form.Body)
	}

	yesterday := time.Now().UTC().AddDate(0, 0, -1)
	in := url.Values{"memberId": {f.ada}, "behaviour": {"attended-session"}, "at": {yesterday.Format(time.DateOnly)},
		"narrative": {"October meetup."}, "evidenceUrl": {""}, "quantity": {""}, "key": {key[1]}}
	loc := c.post(t, f.base+"/activity/new", in).wantRedirect(t, f.base+"/activity")
	c.get(t, loc).wantPage(t, 200, "Recorded for Ada Lovelace: Attended a session on "+yesterday.Format("2 January 2006")+".")
	acts := f.memberActivities(t, f.ada)
	if len(acts) != 1 || acts[0].Behaviour != "attended-session" || acts[0].Narrative != "October meetup." || acts[0].At.Format(time.DateOnly) != yesterday.Format(time.DateOnly) {
		t.Fatalf("recorded %+v", acts)
	}
	loc = c.post(t, f.base+"/activity/new", in).wantRedirect(t, f.base+"/activity")
	c.get(t, loc).wantPage(t, 200, "This activity was recorded already; nothing changed.")
	if n := len(f.memberActivities(t, f.ada)); n != 1 {
		t.Fatalf("the form sent twice recorded %d activities", n)
	}

	for name, tc := range map[string]struct {
		field, value, message string
	}{
		"no date":      {"at", "yesterday", "Enter the day of the activity as a date"},
		"future":       {"at", time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly), "in the future"},
		"no behaviour": {"behaviour", "", "behaviour"},
		"bad link":     {"evidenceUrl", "javascript:alert(1)", "evidenceUrl"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := url.Values{"memberId": {f.evil}, "behaviour": {"attended-session"}, "at": {today}, "narrative": {"Kept as typed."}}
			bad.Set(tc.field, tc.value)
			w := c.post(t, f.base+"/activity/new", bad)
			w.wantPage(t, 400, "There is a problem", tc.message, "Kept as typed.")
			w.wantHTML(t, `href="#f-`+tc.field+`"`)
			wantEscaped(t, w)
		})
	}
	if n := len(f.memberActivities(t, f.evil)); n != 0 {
		t.Fatalf("refused forms recorded %d activities", n)
	}
	bob := mustMember(t, f.ts, mustIssuer(t, f.ts), "bob@example.org", "Bob")
	c.get(t, f.base+"/activity/new?member="+bob).wantPage(t, 404)
	c.post(t, f.base+"/activity/new", url.Values{"memberId": {bob}, "behaviour": {"attended-session"}, "at": {today}}).wantPage(t, 404)
}

// TestConsoleActivity_Void: the void page says what voiding does, an
// awarder is refused and nothing changes, an admin voids with a reason
// through the API's service, and another community's activity is not
// found.
func TestConsoleActivity_Void(t *testing.T) {
	f := newAwardsFixture(t)
	var rep struct{ Results []struct{ ID string } }
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + f.iss + "/activities", body: map[string]any{"memberId": f.evil,
		"behaviour": "attended-session", "at": time.Now().Add(-time.Hour), "sourceEventId": "meetup/42?x#y"}}).want(t, 200).JSON(t, &rep)
	id := rep.Results[0].ID
	path := f.base + "/activity/" + url.PathEscape(id) + "/void"

	f.awarder.get(t, path).wantPage(t, 403)
	f.awarder.post(t, path, url.Values{"reason": {"Not there."}}).wantPage(t, 403)
	if acts := f.memberActivities(t, f.evil); acts[0].Voided {
		t.Fatal("an awarder voided an activity")
	}

	confirm := f.admin.get(t, path)
	confirm.wantPage(t, 200, "’s “Attended a session” on "+time.Now().Add(-time.Hour).UTC().Format("2 January 2006")+".", "no longer counts", "Void the activity")
	wantEscaped(t, confirm)
	confirm.wantHTML(t, `action="`+path+`"`)
	f.admin.post(t, path, url.Values{"reason": {strings.Repeat("x", 501)}}).wantPage(t, 400, "There is a problem")
	f.admin.post(t, path, url.Values{"reason": {"Signed in twice."}}).wantRedirect(t, f.base+"/members/"+f.evil)
	if acts := f.memberActivities(t, f.evil); !acts[0].Voided || acts[0].VoidReason != "Signed in twice." {
		t.Fatalf("voided %+v", acts)
	}
	f.admin.get(t, path).wantPage(t, 200, "was voided on", "Signed in twice.")

	other := mustIssuer(t, f.ts)
	f.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + other + "/activities", body: map[string]any{"email": "bob@example.org",
		"name": "Bob", "createMember": true, "behaviour": "attended-session", "at": time.Now().Add(-time.Hour)}}).want(t, 200).JSON(t, &rep)
	foreign := f.base + "/activity/" + url.PathEscape(rep.Results[0].ID) + "/void"
	f.admin.get(t, foreign).wantPage(t, 404)
	f.admin.post(t, foreign, url.Values{}).wantPage(t, 404)
	f.admin.get(t, f.base+"/activity/no-such-activity/void").wantPage(t, 404)
}

// TestConsoleActivity_Import uploads an activity file: the job records
// its rows and counts them; the page explains the columns and lists it.
func TestConsoleActivity_Import(t *testing.T) {
	f := newAwardsFixture(t)
	c := f.awarder
	c.get(t, f.base+"/activity/import").wantPage(t, 200, "sourceEventId", "attended-session", "No file uploaded yet.")
	example := c.get(t, f.base+"/activity/import/example.csv")
	if example.Code != 200 || !strings.HasPrefix(example.Body, "email,behaviour,at") {
		t.Fatalf("example file %d: %s", example.Code, example.Body)
	}
	at := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	csv := "email,behaviour,at,sourceEventId\nada@example.org,attended-session," + at + ",m1\nada@example.org,attended-session," + at + ",m1\nnobody@example.org,attended-session," + at + ",m2\n"
	loc := c.postFile(t, f.base+"/activity/import", url.Values{}, "file", "meetups.csv", []byte(csv)).wantRedirect(t, f.base+"/jobs/")
	done := waitForJob(t, c, loc)
	done.wantPage(t, 200, "Done.")
	wantCount(t, done, "Recorded", 1)
	wantCount(t, done, "Duplicate", 1)
	wantCount(t, done, "Rejected", 1)
	if n := len(f.memberActivities(t, f.ada)); n != 1 {
		t.Fatalf("the import recorded %d activities of Ada", n)
	}
	c.get(t, f.base+"/activity").wantPage(t, 200, "meetups.csv", "1 duplicate · 1 recorded · 1 rejected")
	w := c.postFile(t, f.base+"/activity/import", url.Values{}, "file", "bad.csv", []byte("email\nada@example.org\n"))
	w.wantPage(t, 400, "There is a problem", "behaviour")
	w.wantHTML(t, `href="#f-file"`)
}
