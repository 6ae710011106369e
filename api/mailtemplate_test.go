package api_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestMailTemplates_API(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	path := "/api/v1/issuers/" + iss + "/mail-templates/earned"
	var got struct {
		Kind, Subject, Opening string
		Custom                 bool
		Placeholders           []string
		UpdatedAt              string
	}
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &got)
	if got.Custom || got.Subject != "You earned {badge}" || strings.Join(got.Placeholders, " ") != "member community badge" {
		t.Fatalf("default: %+v", got)
	}
	body := map[string]any{"subject": "Well done, {member}", "opening": "You are now a {badge} of {community}.\n\nThank you!"}
	ts.do(t, req{method: "PUT", path: path, body: body}).want(t, 200).JSON(t, &got)
	if !got.Custom || got.Subject != "Well done, {member}" || got.UpdatedAt == "" {
		t.Fatalf("saved: %+v", got)
	}
	ts.do(t, req{method: "GET", path: path}).want(t, 200).JSON(t, &got)
	if !got.Custom || got.Opening != "You are now a {badge} of {community}.\n\nThank you!" {
		t.Fatalf("read back: %+v", got)
	}
	var other struct{ Custom bool }
	ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/mail-templates/progress"}).want(t, 200).JSON(t, &other)
	if other.Custom {
		t.Error("another kind changed")
	}

	t.Run("400", func(t *testing.T) {
		p := ts.do(t, req{method: "PUT", path: path, body: map[string]any{"subject": "Hi", "opening": "From {endorser} and {Badge}"}}).
			wantProblem(t, 400, badges.EINVALID, "opening")
		if !strings.Contains(p.Detail, "{endorser}, {Badge}") || !strings.Contains(p.Detail, "{member}, {community}, {badge}") {
			t.Errorf("detail does not name the placeholders: %s", p.Detail)
		}
		ts.do(t, req{method: "PUT", path: path, body: map[string]any{"subject": "Hi\r\nBcc: all@example.org", "opening": "Hi"}}).
			wantProblem(t, 400, badges.EINVALID, "subject")
		ts.do(t, req{method: "PUT", path: path, body: map[string]any{"subject": strings.Repeat("x", 151), "opening": "Hi"}}).
			wantProblem(t, 400, badges.EINVALID, "subject")
		ts.do(t, req{method: "PUT", path: path, body: map[string]any{"subject": "Hi"}}).wantProblem(t, 400, badges.EINVALID, "opening")
		ts.do(t, req{method: "PUT", path: path, body: map[string]any{"subject": "Hi", "opening": "Hi", "html": "<b>"}}).want(t, 400)
	})
	t.Run("404", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/" + iss + "/mail-templates/weekly"}).wantProblem(t, 404, badges.ENOTFOUND, "kind")
		ts.do(t, req{method: "GET", path: "/api/v1/issuers/nobody/mail-templates/earned"}).want(t, 404)
		ts.do(t, req{method: "PUT", path: "/api/v1/issuers/nobody/mail-templates/earned", body: body}).want(t, 404)
	})
	t.Run("403", func(t *testing.T) {
		read := mustKey(t, ts, badges.ScopeRead)
		ts.do(t, req{method: "GET", path: path, token: read}).want(t, 403)
	})

	ts.do(t, req{method: "DELETE", path: path}).want(t, 200).JSON(t, &got)
	if got.Custom || got.Subject != "You earned {badge}" {
		t.Fatalf("after reset: %+v", got)
	}
	ts.do(t, req{method: "DELETE", path: path}).want(t, 200)
}
