package api_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

type memberList struct {
	Items []struct {
		ID, Email, DisplayName, Slug, ExternalID, ProfileURL string
		PublicProfile                                        bool
	}
	Total      int
	NextCursor string
}

func TestMember_CRUD(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/members"
	var m map[string]any
	ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "Ada@Example.org", "displayName": "Ada Lovelace", "publicProfile": true}}).want(t, 201).JSON(t, &m)
	id := m["id"].(string)
	if m["email"] != "ada@example.org" || m["slug"] != "ada-lovelace" || m["profileUrl"] != baseURL+"/members/ada-lovelace" {
		t.Fatalf("created %v", m)
	}

	t.Run("409/email names the field", func(t *testing.T) {
		p := ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "ADA@example.org", "displayName": "Other"}}).
			wantProblem(t, 409, badges.ECONFLICT, "email")
		if !strings.Contains(p.Detail, "ada@example.org") {
			t.Fatalf("detail %q does not name the address", p.Detail)
		}
	})
	t.Run("409/slug names the field", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "x@example.org", "displayName": "X", "slug": "ada-lovelace"}}).
			wantProblem(t, 409, badges.ECONFLICT, "slug")
	})
	t.Run("400/email", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: path, body: map[string]any{"email": "Ada <ada@example.org>", "displayName": "X"}}).
			wantProblem(t, 400, badges.EINVALID, "email")
	})
	t.Run("OK/update", func(t *testing.T) {
		var u map[string]any
		ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + id, body: map[string]any{"publicProfile": false, "externalId": "gh:ada"}}).want(t, 200).JSON(t, &u)
		if u["publicProfile"] != false || u["profileUrl"] != nil || u["externalId"] != "gh:ada" {
			t.Fatalf("updated %v", u)
		}
	})
	t.Run("OK/find by email", func(t *testing.T) {
		var l memberList
		ts.do(t, req{method: "GET", path: path + "?email=ADA@example.org"}).want(t, 200).JSON(t, &l)
		if l.Total != 1 || l.Items[0].ID != id {
			t.Fatalf("by email: %+v", l)
		}
	})
	t.Run("OK/delete", func(t *testing.T) {
		ts.do(t, req{method: "DELETE", path: "/api/v1/members/" + id}).want(t, 204)
		ts.do(t, req{method: "GET", path: "/api/v1/members/" + id}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "DELETE", path: "/api/v1/members/" + id}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
	t.Run("404/issuer", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/aaaaaaaaaaaaaaaaaaaa/members"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
}

func importCSV(t *testing.T, ts *testServer, iss, csv, query string) (*resp, importReport) {
	t.Helper()
	var rep importReport
	r := ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import" + query, body: csv, contentType: "text/csv"})
	if r.Code == 200 || r.Code == 422 {
		r.JSON(t, &rep)
	}
	return r, rep
}

type importReport struct {
	Applied, DryRun                       bool
	Created, Updated, Unchanged, Rejected int
	Rows                                  []struct {
		Line                        int
		Status, Email, Error, Field string
	}
}

func memberTotal(t *testing.T, ts *testServer, iss string) int {
	t.Helper()
	var l memberList
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/members"}).want(t, 200).JSON(t, &l)
	return l.Total
}

func TestMember_Import(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members", body: map[string]any{"email": "taken@example.org", "displayName": "Taken", "slug": "taken"}}).want(t, 201)

	t.Run("422/bad rows apply nothing", func(t *testing.T) {
		csv := "email,displayName,slug,publicProfile\n" +
			"a@example.org,A,,yes\n" + // line 2: fine
			"not-an-email,B,,\n" + // line 3: bad address
			"c@example.org,C,taken,\n" + // line 4: slug held by another member
			"A@example.org,A again,,\n" + // line 5: duplicate of line 2
			"d@example.org,D,,maybe\n" // line 6: bad boolean
		r, rep := importCSV(t, ts, iss, csv, "")
		r.want(t, 422)
		want := map[int]string{2: "valid", 3: "rejected", 4: "rejected", 5: "rejected", 6: "rejected"}
		fields := map[int]string{3: "email", 4: "slug", 5: "email", 6: "publicProfile"}
		if rep.Applied || rep.Rejected != 4 || len(rep.Rows) != 5 {
			t.Fatalf("report %+v", rep)
		}
		for _, row := range rep.Rows {
			if row.Status != want[row.Line] || row.Field != fields[row.Line] || (row.Status == "rejected") != (row.Error != "") {
				t.Errorf("line %d: %+v; want %s on %q", row.Line, row, want[row.Line], fields[row.Line])
			}
		}
		if n := memberTotal(t, ts, iss); n != 1 {
			t.Fatalf("members after a rejected import: %d, want 1", n)
		}
	})
	csv := "displayName,email,externalId\nAda,ada@example.org,ext-1\nGrace,grace@example.org,\nTaken Renamed,TAKEN@example.org,\n"
	t.Run("OK/dry run", func(t *testing.T) {
		r, rep := importCSV(t, ts, iss, csv, "?dryRun=true")
		r.want(t, 200)
		if rep.Applied || !rep.DryRun || rep.Rows[0].Status != "valid" || memberTotal(t, ts, iss) != 1 {
			t.Fatalf("dry run %+v", rep)
		}
	})
	t.Run("OK/applied", func(t *testing.T) {
		r, rep := importCSV(t, ts, iss, csv, "")
		r.want(t, 200)
		if !rep.Applied || rep.Created != 2 || rep.Updated != 1 || memberTotal(t, ts, iss) != 3 {
			t.Fatalf("import %+v", rep)
		}
	})
	t.Run("OK/again changes nothing", func(t *testing.T) {
		_, rep := importCSV(t, ts, iss, csv, "")
		if rep.Unchanged != 3 || rep.Created+rep.Updated != 0 || memberTotal(t, ts, iss) != 3 {
			t.Fatalf("re-import %+v", rep)
		}
	})
	t.Run("OK/multipart", func(t *testing.T) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		f, _ := w.CreateFormFile("file", "members.csv")
		fmt.Fprint(f, "email,displayName\nmp@example.org,Multi Part\n")
		w.Close()
		var rep importReport
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", body: body.Bytes(), contentType: w.FormDataContentType()}).want(t, 200).JSON(t, &rep)
		if rep.Created != 1 {
			t.Fatalf("multipart %+v", rep)
		}
	})
	for _, tc := range []struct {
		name, csv string
		status    int
		code      string
	}{
		{"400/no header", "", 400, badges.EINVALID},
		{"400/missing column", "email\nx@example.org\n", 400, badges.EINVALID},
		{"400/unknown column", "email,displayName,age\nx@example.org,X,3\n", 400, badges.EINVALID},
		{"400/malformed", "email,displayName\n\"x@example.org,X\n", 400, badges.EINVALID},
		{"413/too many rows", "email,displayName\n" + strings.Repeat("x@example.org,X\n", badges.MaxImportRows+1), 413, badges.ETOOLARGE},
		{"413/too large", "email,displayName\n" + strings.Repeat("x", badges.MaxImportBytes), 413, badges.ETOOLARGE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := importCSV(t, ts, iss, tc.csv, "")
			r.wantProblem(t, tc.status, tc.code, "")
		})
	}
	t.Run("415", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/members/import", body: "{}", contentType: "application/json"}).
			wantProblem(t, 415, "unsupported_media_type", "")
	})
}

func TestMember_ListPages(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	var csv strings.Builder
	csv.WriteString("email,displayName\n")
	for i := range 120 {
		fmt.Fprintf(&csv, "m%03d@example.org,Member %d\n", i, i)
	}
	r, _ := importCSV(t, ts, iss, csv.String(), "")
	r.want(t, 200)
	seen := map[string]bool{}
	path := "/api/v1/issuers/" + iss + "/members?limit=50"
	for {
		var l memberList
		ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &l)
		for _, m := range l.Items {
			if seen[m.Email] {
				t.Fatalf("%s listed twice", m.Email)
			}
			seen[m.Email] = true
		}
		if l.NextCursor == "" {
			break
		}
		path = "/api/v1/issuers/" + iss + "/members?limit=50&cursor=" + l.NextCursor
	}
	if len(seen) != 120 {
		t.Fatalf("listed %d members, want 120", len(seen))
	}
}
