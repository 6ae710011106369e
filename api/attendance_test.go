package api_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestAttendanceImport(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	mustMember(t, ts, iss, "ada@example.org", "Ada Lovelace")
	report, err := os.ReadFile("../badges/testdata/attendance/zoom-meeting.csv")
	if err != nil {
		t.Fatal(err)
	}
	ingest := mustKey(t, ts, badges.ScopeIngest)
	path := "/api/v1/issuers/" + iss + "/activities/attendance?behaviour=attended-session&minMinutes=30"
	type result struct {
		MeetingID string
		Counts    map[string]int
		People    []struct {
			Line    int
			Email   string
			Minutes float64
			Status  string
			Error   string
		}
	}
	send := func(query string) result {
		t.Helper()
		var r result
		ts.do(t, req{method: http.MethodPost, path: path + query, body: report, contentType: "text/csv", token: ingest}).want(t, http.StatusOK).JSON(t, &r)
		return r
	}
	t.Run("dry run records nothing", func(t *testing.T) {
		r := send("&dryRun=true")
		if r.MeetingID != "81234567890" || r.Counts["attended"] != 2 || r.Counts["too short"] != 1 || r.Counts["no e-mail"] != 1 ||
			r.People[0].Email != "ada@example.org" || r.People[0].Minutes != 87 || r.People[0].Line != 5 {
			t.Fatalf("dry run: %+v", r)
		}
	})
	first := send("")
	if first.Counts["recorded"] != 1 || first.Counts["rejected"] != 1 || first.People[2].Error == "" {
		t.Fatalf("first: %+v", first)
	}
	again := send("")
	if again.Counts["duplicate"] != 1 || again.Counts["recorded"] != 0 {
		t.Fatalf("the same report again: %+v", again)
	}
	if added := send("&createMembers=true"); added.Counts["recorded"] != 1 || added.Counts["duplicate"] != 1 || added.People[2].Status != "recorded" {
		t.Fatalf("with createMembers, Ken is added and recorded: %+v", added)
	}
	t.Run("bad input", func(t *testing.T) {
		base := "/api/v1/issuers/" + iss + "/activities/attendance"
		for _, tc := range []struct {
			query, body, contentType, field string
			status                          int
		}{
			{"?minMinutes=30", string(report), "text/csv", "behaviour", 400},
			{"?behaviour=attended-session&minMinutes=soon", string(report), "text/csv", "minMinutes", 400},
			{"?behaviour=attended-session&dryRun=maybe", string(report), "text/csv", "dryRun", 400},
			{"?behaviour=attended-session", "Topic\nSync\n", "text/csv", "file", 400},
		} {
			ts.do(t, req{method: http.MethodPost, path: base + tc.query, body: tc.body, contentType: tc.contentType, token: ingest}).wantProblem(t, tc.status, badges.EINVALID, tc.field)
		}
		ts.do(t, req{method: http.MethodPost, path: base + "?behaviour=attended-session", body: `{}`, contentType: "application/json", token: ingest}).want(t, http.StatusUnsupportedMediaType)
	})
}
