package api_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"
)

// TestVerifyPage_CriteriaMarkdown shows a verified credential's criteria
// as the Markdown the standard says they are, like Laurel's own pages.
func TestVerifyPage_CriteriaMarkdown(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "criteria": "Host a **community session** of an hour."})
	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &cred)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("credential", cred.JWT)
	w.Close()
	page := string(ts.do(t, req{method: "POST", path: "/verify", token: "-", body: body.Bytes(),
		contentType: w.FormDataContentType()}).want(t, 200).body)
	if !strings.Contains(page, "<strong>community session</strong>") {
		t.Errorf("the criteria are not rendered as Markdown:\n%s", page)
	}
}

// TestVerifyPage_PlainForm verifies from a form without a file, as a link
// or a script posts it, as well as from the page's own multipart form.
func TestVerifyPage_PlainForm(t *testing.T) {
	ts := newTestServer(t)
	cred := mustCredential(t, ts)
	form := url.Values{"credential": {cred.JWT}}.Encode()
	page := string(ts.do(t, req{method: "POST", path: "/verify", token: "-", body: form,
		contentType: "application/x-www-form-urlencoded"}).want(t, 200).body)
	if !strings.Contains(page, `class="verdict valid"`) {
		t.Errorf("a plain form did not verify:\n%s", page)
	}
}
