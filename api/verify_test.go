package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

type reportView struct {
	Verdict, Format  string
	Checks           []struct{ ID, Outcome, Message string }
	Credential       map[string]any
	RecipientMatched *bool
}

func (r reportView) outcome(id string) string {
	for _, c := range r.Checks {
		if c.ID == id {
			return c.Outcome
		}
	}
	return ""
}

// mustCredential issues one credential through the API.
func mustCredential(t *testing.T, ts *testServer) credentialView {
	t.Helper()
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &cred)
	return cred
}

func TestVerifyAPI(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	verify := func(t *testing.T, q req) reportView {
		t.Helper()
		q.method, q.path, q.token = "POST", "/api/v1/verify", "-"
		var rep reportView
		ts.do(t, q).want(t, 200).JSON(t, &rep)
		return rep
	}
	for _, tc := range []struct {
		name   string
		q      req
		format string
	}{
		{"JWT in JSON", req{body: map[string]any{"credential": cred.JWT}}, "jwt"},
		{"object in JSON", req{body: map[string]any{"credential": cred.Credential}}, "json"},
		{"JWT as text", req{body: cred.JWT, contentType: "text/plain"}, "jwt"},
		{"URL (Laurel's own, answered locally)", req{body: map[string]any{"url": cred.URL}}, "url"},
	} {
		t.Run("valid/"+tc.name, func(t *testing.T) {
			rep := verify(t, tc.q)
			if rep.Verdict != "valid" || rep.outcome("proof") != "pass" || rep.Format != tc.format {
				t.Fatalf("report %+v", rep)
			}
		})
	}
	t.Run("recipient", func(t *testing.T) {
		rep := verify(t, req{body: map[string]any{"credential": cred.JWT, "email": "ADA@example.org"}})
		if rep.RecipientMatched == nil || !*rep.RecipientMatched {
			t.Fatalf("recipient not matched: %+v", rep)
		}
		rep = verify(t, req{body: map[string]any{"credential": cred.JWT, "email": "eve@example.org"}})
		if rep.RecipientMatched == nil || *rep.RecipientMatched {
			t.Fatalf("a stranger matched: %+v", rep)
		}
	})
	t.Run("tampered", func(t *testing.T) {
		bad := strings.Replace(string(mustJSON(t, cred.Credential)), `"Session Host"`, `"Session Hostess"`, 1)
		rep := verify(t, req{body: bad, contentType: "application/vc+ld+json"})
		if rep.Verdict != "invalid" || rep.outcome("proof") != "fail" {
			t.Fatalf("tampered credential: %+v", rep)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + cred.ID + "/revoke", body: map[string]any{"reason": "test"}}).want(t, 200)
		rep := verify(t, req{body: map[string]any{"credential": cred.JWT}})
		if rep.Verdict != "invalid" || rep.outcome("status") != "fail" {
			t.Fatalf("revoked credential: %+v", rep)
		}
	})
	for _, tc := range []struct {
		name, body, ct string
		status         int
		code           string
	}{
		{"400/nothing", `{}`, "application/json", 400, badges.EINVALID},
		{"400/not a credential", `hello`, "text/plain", 400, badges.EINVALID},
		{"413/too large", strings.Repeat("a", 9<<20), "text/plain", 413, badges.ETOOLARGE},
		{"415", `x`, "application/xml", 415, "unsupported_media_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: tc.body, contentType: tc.ct})
			r.want(t, tc.status)
			if p := r.problem(t); p.Code != tc.code {
				t.Fatalf("problem %+v", p)
			}
		})
	}
}

func mustJSON(t *testing.T, v map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestVerifyPage(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	form := ts.do(t, req{method: "GET", path: "/verify", token: "-"}).want(t, 200)
	if !strings.Contains(string(form.body), `<form method="post" action="/verify"`) {
		t.Fatalf("no form:\n%s", form.body)
	}
	byURL := ts.do(t, req{method: "GET", path: "/verify?credential=" + url.QueryEscape(cred.URL), token: "-"}).want(t, 200)
	if !strings.Contains(string(byURL.body), `class="verdict valid"`) || !strings.Contains(string(byURL.body), "Session Host") {
		t.Fatalf("report page:\n%s", byURL.body)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("credential", cred.JWT)
	w.WriteField("email", "ada@example.org")
	w.Close()
	posted := ts.do(t, req{method: "POST", path: "/verify", token: "-", body: body.Bytes(), contentType: w.FormDataContentType()}).want(t, 200)
	for _, want := range []string{`class="verdict valid"`, "is the recipient", "<td>proof</td>"} {
		if !strings.Contains(string(posted.body), want) {
			t.Errorf("posted report lacks %q", want)
		}
	}
	empty := ts.do(t, req{method: "GET", path: "/verify?credential=" + url.QueryEscape("not a url"), token: "-"})
	if empty.Code != 400 || !strings.Contains(string(empty.body), "Cannot verify") {
		t.Fatalf("bad URL: %d\n%s", empty.Code, empty.body)
	}
}

func TestVerify_RateLimited(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.VerifyRate = 1 })
	limited := 0
	for range 12 {
		r := ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": "x.y.z"}})
		if r.Code == http.StatusTooManyRequests {
			limited++
			if p := r.problem(t); p.Code != "rate_limited" || r.Header().Get("Retry-After") == "" {
				t.Fatalf("429 problem %+v", p)
			}
		}
	}
	if limited == 0 {
		t.Fatal("12 quick requests at 1/s with bursts of 5 were never limited")
	}
}
