package api_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
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
	// A term no @context defines would be dropped from the data the proof
	// covers, so without JSON-LD safe mode it could be added to a signed
	// credential unnoticed.
	t.Run("term outside the context", func(t *testing.T) {
		var doc map[string]any
		if err := json.Unmarshal(mustJSON(t, cred.Credential), &doc); err != nil {
			t.Fatal(err)
		}
		doc["credentialSubject"].(map[string]any)["clearance"] = "top secret"
		rep := verify(t, req{body: string(mustJSON(t, doc)), contentType: "application/vc+ld+json"})
		var msg string
		for _, c := range rep.Checks {
			if c.ID == "proof" {
				msg = c.Message
			}
		}
		if rep.Verdict != "invalid" || rep.outcome("proof") != "fail" || !strings.Contains(msg, `"clearance"`) {
			t.Fatalf("a credential with an undefined term: %+v", rep)
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
	for _, want := range []string{`class="verdict valid"`, "is the recipient", `<th scope="row">Signature</th>`} {
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

// noisePNG is an opaque PNG of random pixels, which do not compress: a
// badge image of about n bytes.
func noisePNG(t *testing.T, n int) []byte {
	t.Helper()
	side := int(math.Sqrt(float64(n) / 3))
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.Uint32())
		if i%4 == 3 {
			img.Pix[i] = 255 // opaque
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestVerify_BodyLimit: the verify endpoints take the largest badge Laurel
// bakes (the largest artwork it accepts, wrapped in SVG) and refuse a body
// past maxVerifyBytes, whether its length is declared or not.
func TestVerify_BodyLimit(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active"})
	art := noisePNG(t, badges.MaxImageBytes-16<<10)
	ts.do(t, req{method: "PUT", path: "/api/v1/achievements/" + ach["id"].(string) + "/image", body: art, contentType: "image/png"}).want(t, 200)
	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &cred)
	for _, format := range []string{"png", "svg"} {
		baked := ts.do(t, req{method: "GET", path: "/credentials/" + cred.ID + "/badge." + format, token: "-"}).want(t, 200).body
		if format == "svg" && len(baked) < 1300<<10 {
			t.Fatalf("the baked SVG has %d bytes; the test wants the largest Laurel makes", len(baked))
		}
		var rep reportView
		ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: baked, contentType: "image/" + map[string]string{"png": "png", "svg": "svg+xml"}[format]}).
			want(t, 200).JSON(t, &rep)
		if rep.Verdict != "valid" || rep.Format != format {
			t.Fatalf("the largest baked %s: %+v", format, rep)
		}
		page := ts.do(t, multipartFile(t, "/verify", "badge."+format, baked)).want(t, 200)
		if !strings.Contains(string(page.body), `class="verdict valid"`) {
			t.Fatalf("the verify page did not verify the largest baked %s", format)
		}
	}

	tooLarge := bytes.Repeat([]byte("a"), 2<<20+1)
	t.Run("413/declared length", func(t *testing.T) {
		ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: tooLarge, contentType: "text/plain"}).
			wantProblem(t, 413, badges.ETOOLARGE, "")
	})
	streamed := func(q req) int {
		r := httptest.NewRequest(q.method, q.path, io.MultiReader(bytes.NewReader(q.body.([]byte))))
		r.ContentLength = -1 // unknown, as when a client streams
		r.Header.Set("Content-Type", q.contentType)
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		return w.Code
	}
	t.Run("413/streamed", func(t *testing.T) {
		if code := streamed(req{method: "POST", path: "/api/v1/verify", body: tooLarge, contentType: "text/plain"}); code != 413 {
			t.Fatalf("a streamed body of %d bytes → %d", len(tooLarge), code)
		}
	})
	t.Run("413/form", func(t *testing.T) {
		for _, path := range []string{"/api/v1/verify", "/verify"} {
			form := multipartFile(t, path, "badge.png", tooLarge)
			if code := ts.do(t, form).Code; code != 413 {
				t.Errorf("%s took a form with a file of %d bytes: %d", path, len(tooLarge), code)
			}
			if code := streamed(form); code != 413 {
				t.Errorf("%s took a streamed form with a file of %d bytes: %d", path, len(tooLarge), code)
			}
		}
	})
}

// multipartFile is a POST of a form with one file, as the verify page
// sends it.
func multipartFile(t *testing.T, path, name string, data []byte) req {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	w.Close()
	return req{method: "POST", path: path, token: "-", body: body.Bytes(), contentType: w.FormDataContentType()}
}

// TestVerifyPage_EscapesTheCredential posts to the verify page a
// credential whose every printed field carries markup, and checks that the
// page shows none of it as markup: a credential from anyone is untrusted
// input. Its proof fails, so at most its claimed name is shown, as text.
func TestVerifyPage_EscapesTheCredential(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	evil := func(field string) string {
		return `<script>alert("` + field + `")</script><img src=x onerror=alert(1)>`
	}
	doc := cred.Credential
	doc["name"] = evil("credential-name")
	doc["issuer"] = map[string]any{"id": doc["issuer"].(map[string]any)["id"], "type": []any{"Profile"},
		"name": evil("issuer-name"), "url": "javascript:alert('issuer-url')"}
	subject := doc["credentialSubject"].(map[string]any)
	subject["id"] = "urn:x:" + evil("recipient")
	achievement := subject["achievement"].(map[string]any)
	achievement["description"] = evil("achievement-description")
	achievement["criteria"] = map[string]any{"narrative": evil("criteria")}
	achievement["image"] = map[string]any{"id": "javascript:alert('image')", "type": "Image"}
	post := func(t *testing.T, doc map[string]any) string {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("credential", string(mustJSON(t, doc)))
		w.WriteField("email", `"><script>alert("email")</script>`)
		w.Close()
		page := string(ts.do(t, req{method: "POST", path: "/verify", token: "-", body: body.Bytes(), contentType: w.FormDataContentType()}).want(t, 200).body)
		// The form gives back what was pasted, as the text of its field.
		start, end := strings.Index(page, `<textarea id="credential"`), strings.Index(page, "</textarea>")
		if start < 0 || end < start {
			t.Fatalf("no credential field:\n%s", page)
		}
		return page[:start] + page[end:]
	}
	check := func(t *testing.T, page string, shown string) {
		t.Helper()
		if !strings.Contains(page, `&lt;script&gt;alert(&#34;`+shown+`&#34;)&lt;/script&gt;`) {
			t.Errorf("the page does not show the %s as text", shown)
		}
		for _, field := range []string{"issuer-name", "recipient", "achievement-description", "criteria"} {
			if strings.Contains(page, field) {
				t.Errorf("the page shows the %s of a credential whose proof fails", field)
			}
		}
		for _, raw := range []string{"<script>", "<img src=x", "javascript:"} {
			if strings.Contains(page, raw) {
				t.Errorf("the page contains %q:\n%s", raw, page)
			}
		}
	}
	achievement["name"] = evil("achievement-name")
	page := post(t, doc)
	check(t, page, "achievement-name")
	if !strings.Contains(page, `&#34;&gt;&lt;script&gt;alert(&#34;email&#34;)&lt;/script&gt;`) {
		t.Errorf("the page does not give back the e-mail as text")
	}
	delete(achievement, "name") // the page then shows the credential's own name
	check(t, post(t, doc), "credential-name")
}
