package api_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/verifier"
)

// verifyPageResult is what a test reads of a verify page.
type verifyPageResult struct {
	code     int
	body     string
	headline string // the plain-words headline, as text
}

var headlineRE = regexp.MustCompile(`(?s)<h2 class="vr-headline" id="vr-headline">(.*?)</h2>`)

// readVerifyPage reads a verify page's headline.
func readVerifyPage(t *testing.T, r *resp) verifyPageResult {
	t.Helper()
	res := verifyPageResult{code: r.Code, body: string(r.body)}
	if m := headlineRE.FindStringSubmatch(res.body); m != nil {
		res.headline = html.UnescapeString(m[1])
	}
	return res
}

// postVerify posts the verify page's form.
func postVerify(t *testing.T, ts *testServer, fields map[string]string) verifyPageResult {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	w.Close()
	return readVerifyPage(t, ts.do(t, req{method: "POST", path: "/verify", token: "-", body: body.Bytes(), contentType: w.FormDataContentType()}))
}

// openVerify opens the verify page for a credential's URL, as a QR code does.
func openVerify(t *testing.T, ts *testServer, credURL, email string) verifyPageResult {
	t.Helper()
	q := url.Values{"credential": {credURL}}
	if email != "" {
		q.Set("email", email)
	}
	return readVerifyPage(t, ts.do(t, req{method: "GET", path: "/verify?" + q.Encode(), token: "-"}))
}

// inWords is a credential's date as the page writes it.
func inWords(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("date %v: %v", v, err)
	}
	return d.UTC().Format(verifier.PlainDate)
}

// serverAt is ts's Laurel as it answers at now: its pages' clock and its
// verifier's, for what only time brings (an expired credential).
func serverAt(t *testing.T, ts *testServer, now time.Time) *testServer {
	t.Helper()
	l := newLaurel(t, ts.db)
	clock := func() time.Time { return now }
	v, err := verifier.New(verifier.Options{Loader: loader, Local: l.Issuing, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	l.Verifier = v
	srv, err := l.Server(api.Config{BaseURL: baseURL, Logger: testLogger(t), Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	later := *ts
	later.srv = srv
	return &later
}

// TestVerifyPage_Headline: the verify page answers first in plain words,
// for each answer it gives, and only a credential whose signature verifies
// is shown as a badge.
func TestVerifyPage_Headline(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	issued := inWords(t, cred.Credential["validFrom"])
	want := func(t *testing.T, got verifyPageResult, code int, headline string) {
		t.Helper()
		if got.code != code || got.headline != headline {
			t.Fatalf("got %d %q, want %d %q", got.code, got.headline, code, headline)
		}
		// What was pasted is given back in the form as it was; the page
		// itself never shows the recipient's hash.
		shown := got.body
		if start, end := strings.Index(shown, `<textarea id="credential"`), strings.Index(shown, "</textarea>"); start >= 0 && end > start {
			shown = shown[:start] + shown[end:]
		}
		if strings.Contains(shown, "sha256$") {
			t.Errorf("the page shows the recipient's hash")
		}
		if strings.Index(got.body, `id="report"`) > strings.Index(got.body, `<form method="post" action="/verify"`) {
			t.Errorf("the result is not above the form")
		}
	}
	t.Run("genuine without an e-mail", func(t *testing.T) {
		got := openVerify(t, ts, cred.URL, "")
		want(t, got, 200, "Genuine — issued by Gophers of Lyon on "+issued)
		for _, s := range []string{`class="vr-badge"`, `href="/credentials/` + cred.ID + `"`, "kept private as a fingerprint"} {
			if !strings.Contains(got.body, s) {
				t.Errorf("the page lacks %q", s)
			}
		}
	})
	t.Run("genuine, issued to the address given", func(t *testing.T) {
		got := postVerify(t, ts, map[string]string{"credential": cred.JWT, "email": "Ada@example.org"})
		want(t, got, 200, "Genuine — issued to this address by Gophers of Lyon on "+issued)
	})
	t.Run("genuine, issued to someone else", func(t *testing.T) {
		got := postVerify(t, ts, map[string]string{"credential": cred.JWT, "email": "eve@example.org"})
		want(t, got, 200, "Genuine, but not issued to this address")
		if !strings.Contains(got.body, `class="vr-badge"`) || !strings.Contains(got.body, `data-tone="caution"`) {
			t.Errorf("a genuine badge of someone else is not shown as genuine")
		}
	})
	t.Run("forged", func(t *testing.T) {
		forged := strings.Replace(string(mustJSON(t, cred.Credential)), `"Session Host"`, `"Session Master"`, -1)
		got := postVerify(t, ts, map[string]string{"credential": forged})
		want(t, got, 200, "Not genuine: the signature does not match its contents")
		if strings.Contains(got.body, `class="vr-badge`) || strings.Contains(got.body, "Gophers of Lyon</") {
			t.Errorf("a forged credential is shown as a badge")
		}
		for _, s := range []string{"Its contents cannot be trusted", "<q>Session Master</q>", "unverified", "The signature check failed"} {
			if !strings.Contains(got.body, s) {
				t.Errorf("the forged credential's page lacks %q", s)
			}
		}
	})
	t.Run("unfetchable URL", func(t *testing.T) {
		got := openVerify(t, ts, "https://elsewhere.example.org/credentials/1", "ada@example.org")
		if got.code != 400 || got.headline != "Cannot verify this input" ||
			!strings.Contains(got.body, `<p class="vr-reason" id="vr-error">The credential could not be fetched from https://elsewhere.example.org/credentials/1`) {
			t.Fatalf("got %d %q", got.code, got.headline)
		}
		for _, s := range []string{`value="https://elsewhere.example.org/credentials/1"`, `value="ada@example.org"`} {
			if !strings.Contains(got.body, s) {
				t.Errorf("the form does not keep %s", s)
			}
		}
	})
	t.Run("expired", func(t *testing.T) {
		iss := mustIssuer(t, ts)
		ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "validityDays": 1})
		var short credentialView
		ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
			body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &short)
		later := serverAt(t, ts, time.Now().AddDate(0, 0, 3))
		want(t, openVerify(t, later, short.URL, ""), 200, "Expired on "+inWords(t, short.Credential["validUntil"]))
	})
	t.Run("revoked", func(t *testing.T) {
		var revoked struct{ RevokedAt time.Time }
		ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + cred.ID + "/revoke", body: map[string]any{"reason": "test"}}).want(t, 200).JSON(t, &revoked)
		got := postVerify(t, ts, map[string]string{"credential": cred.JWT})
		want(t, got, 200, "Revoked by its issuer on "+revoked.RevokedAt.UTC().Format(verifier.PlainDate))
		if !strings.Contains(got.body, "The revocation status check failed") || !strings.Contains(got.body, "vr-faded") {
			t.Errorf("the revoked credential's page does not say which check failed, or shows it as current")
		}
	})
}

// TestVerifyPage_KeepsInput: after an error or a result, the form gives
// back what was pasted and the address.
func TestVerifyPage_KeepsInput(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	got := postVerify(t, ts, map[string]string{"credential": "eyJ not <a> credential", "email": "ada@example.org"})
	if got.code != 400 || got.headline != "Cannot verify this input" {
		t.Fatalf("got %d %q", got.code, got.headline)
	}
	for _, s := range []string{`eyJ not &lt;a&gt; credential</textarea>`, `value="ada@example.org"`, `<details class="card vr-again" open>`} {
		if !strings.Contains(got.body, s) {
			t.Errorf("the page after an error lacks %q", s)
		}
	}
	got = postVerify(t, ts, map[string]string{"credential": cred.JWT, "email": "ada@example.org"})
	if !strings.Contains(got.body, cred.JWT+"</textarea>") || !strings.Contains(got.body, `value="ada@example.org"`) {
		t.Errorf("the page after a result does not keep the input")
	}
}

// TestVerifyPage_HostileVerifiedCredential verifies a genuine credential
// whose issuer wrote markup and links into every field it shows: each is
// text, the criteria's Markdown is rendered without its raw HTML or
// javascript: links.
func TestVerifyPage_HostileVerifiedCredential(t *testing.T) {
	ts := newTestServer(t)
	evil := func(field string) string { return `<script>alert("` + field + `")</script>` }
	var iss struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": evil("issuer") + " \u202eRTL 🎉", "url": "https://gophers.example.org"}}).
		want(t, 201).JSON(t, &iss)
	ach := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": evil("name"), "description": evil("description"),
		"criteria": "Host **one** session.\n\n<script>alert(\"criteria\")</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>"})
	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": evil("recipient")}}).want(t, 201).JSON(t, &cred)
	got := openVerify(t, ts, cred.URL, "")
	// The name's right-to-left override is isolated from the sentence.
	if !strings.HasPrefix(got.headline, "Genuine — issued by \u2068<script>alert(\"issuer\")</script>") || !strings.Contains(got.headline, "🎉\u2069 on ") {
		t.Fatalf("headline %q", got.headline)
	}
	for _, field := range []string{"issuer", "name", "description"} {
		if !strings.Contains(got.body, `&lt;script&gt;alert(&#34;`+field+`&#34;)&lt;/script&gt;`) {
			t.Errorf("the page does not show the %s as text", field)
		}
	}
	if !strings.Contains(got.body, "<strong>one</strong>") {
		t.Errorf("the criteria are not rendered as Markdown")
	}
	for _, raw := range []string{"<script>", "<img src=x", "javascript:", `alert("criteria")`, "sha256$"} {
		if strings.Contains(got.body, raw) {
			t.Errorf("the page contains %q", raw)
		}
	}
}
