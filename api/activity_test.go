package api_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestActivitiesCSV records activities from a CSV upload: readable rows
// are recorded, the others rejected with their line.
func TestActivitiesCSV(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	csv := "email,name,createMember,behaviour,at,sourceEventId\n" +
		"ada@example.org,Ada,true,attended-session,2026-11-01T18:00:00Z,ev-1\n" +
		"ada@example.org,,,attended-session,not a date,ev-2\n" +
		"ada@example.org,,,juggled,2026-11-02T18:00:00Z,ev-3\n" +
		"ada@example.org,,,attended-session,2026-11-01T18:00:00Z,ev-1\n"
	var rep struct {
		Recorded, Duplicate, Rejected int
		Results                       []struct {
			Line           int
			Outcome, Field string
		}
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: csv, contentType: "text/csv"}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || rep.Duplicate != 1 || rep.Rejected != 2 || rep.Results[1].Line != 3 || rep.Results[1].Field != "at" ||
		rep.Results[2].Field != "behaviour" || rep.Results[3].Outcome != "duplicate" {
		t.Fatalf("report %+v", rep)
	}
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: "colour\nred\n", contentType: "text/csv"}).wantProblem(t, 400, badges.EINVALID, "")
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/activities", body: "x", contentType: "text/plain"}).wantProblem(t, 415, "unsupported_media_type", "")
}

// TestActivityForm records one activity from an admin form's fields and
// answers a form it cannot use with the field at fault.
func TestActivityForm(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/activities"
	form := func(v url.Values) req {
		return req{method: "POST", path: path, body: v.Encode(), contentType: "application/x-www-form-urlencoded"}
	}
	good := url.Values{"email": {"ada@example.org"}, "name": {"Ada"}, "createMember": {"yes"}, "behaviour": {"hosted-session"},
		"at": {"2026-11-20T18:00:00Z"}, "quantity": {"2"}, "narrative": {"Generics deep dive"}, "sourceEventId": {"form-1"}}
	var rep struct {
		Recorded, Duplicate int
		Results             []struct{ Outcome, MemberID string }
	}
	ts.do(t, form(good)).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 || len(rep.Results) != 1 || rep.Results[0].MemberID == "" {
		t.Fatalf("report %+v", rep)
	}
	ts.do(t, form(good)).want(t, 200).JSON(t, &rep)
	if rep.Duplicate != 1 {
		t.Fatalf("sending the form again: %+v, want a duplicate", rep)
	}
	for _, tc := range []struct {
		change url.Values
		field  string
	}{
		{url.Values{"colour": {"red"}}, "colour"},
		{url.Values{"behaviour": {"hosted-session", "posted"}}, "behaviour"},
		{url.Values{"at": {"yesterday"}}, "at"},
		{url.Values{"quantity": {"lots"}}, "quantity"},
		{url.Values{"behaviour": {"juggled"}}, "behaviour"},
		{url.Values{"email": {"nobody@example.org"}, "createMember": {"false"}}, "email"},
	} {
		v := url.Values{}
		for k, vs := range good {
			v[k] = vs
		}
		v.Del("sourceEventId")
		for k, vs := range tc.change {
			v[k] = vs
		}
		ts.do(t, form(v)).wantProblem(t, 400, badges.EINVALID, tc.field)
	}
	missing := url.Values{"email": {"ada@example.org"}, "at": {"2026-11-20T18:00:00Z"}}
	ts.do(t, form(missing)).wantProblem(t, 400, badges.EINVALID, "behaviour")
	ts.do(t, req{method: "POST", path: path, body: "behaviour=%zz", contentType: "application/x-www-form-urlencoded"}).wantProblem(t, 400, badges.EINVALID, "")
}

// TestActivities_TrailingData: a JSON activity or batch followed by
// anything, even a stray closing bracket, is refused whole, naming the
// problem, and records nothing.
func TestActivities_TrailingData(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/activities"
	one := `{"email":"ada@example.org","name":"Ada","createMember":true,"behaviour":"attended-session","at":"2026-11-01T18:00:00Z","sourceEventId":"ev-1"}`
	for name, body := range map[string]string{
		"object then ]":     one + "]",
		"array then }":      "[" + one + "]}",
		"object then value": one + " {}",
		"two arrays":        "[" + one + "][" + one + "]",
	} {
		t.Run("400/"+name, func(t *testing.T) {
			p := ts.do(t, req{method: "POST", path: path, body: body, contentType: "application/json"}).wantProblem(t, 400, badges.EINVALID, "")
			if !strings.Contains(p.Detail, "data after the JSON") {
				t.Errorf("the problem does not name the trailing data: %q", p.Detail)
			}
		})
	}
	var rep struct{ Recorded int }
	ts.do(t, req{method: "POST", path: path, body: one, contentType: "application/json"}).want(t, 200).JSON(t, &rep)
	if rep.Recorded != 1 {
		t.Fatalf("the activity alone, after the refused bodies: %+v, want it recorded", rep)
	}
}
