package api_test

import (
	"html"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCredentialPage_EarnedDate: the public credential page, its LinkedIn
// link and the verify page's report show when the badge was earned (its
// awardedDate), not when it was signed, written for people, with the
// machine-readable date in <time datetime>.
func TestCredentialPage_EarnedDate(t *testing.T) {
	c := newCommunity(t)
	var m struct{ ID string }
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "cy@example.org", "displayName": "Cy Young", "slug": "cy", "publicProfile": true}}).want(t, 201).JSON(t, &m)
	id := c.award(t, m.ID, map[string]any{"awardedDate": "2026-09-04T10:00:00Z"})
	signed := time.Now().UTC().Format("2 January 2006") // a later day
	body := c.page(t, "/credentials/"+id, 200)
	wantIn(t, body, `on <time datetime="2026-09-04T10:00:00Z" id="earned">4 September 2026</time>`,
		`Expires on <time datetime="`+time.Now().UTC().AddDate(0, 0, 400).Format("2006-01-02"), // 400 days after it was signed
		`content="Session Host, awarded to Cy Young by Gophers of Lyon on 4 September 2026."`)
	wantNotIn(t, body, ">"+signed+"<")

	at := strings.Index(body, `id="linkedin-add" href="`)
	raw := body[at+len(`id="linkedin-add" href="`):]
	u, err := url.Parse(html.UnescapeString(raw[:strings.IndexByte(raw, '"')]))
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("issueYear") != "2026" || q.Get("issueMonth") != "9" {
		t.Errorf("LinkedIn issue date %s/%s; want 9/2026", q.Get("issueMonth"), q.Get("issueYear"))
	}

	page := string(c.ts.do(t, req{method: "POST", path: "/verify", token: "-", body: url.Values{"credential": {c.jwt(t, id)}}.Encode(),
		contentType: "application/x-www-form-urlencoded"}).want(t, 200).body)
	wantIn(t, page, `<dt>Earned on</dt><dd><time datetime="2026-09-04T10:00:00Z">4 September 2026</time></dd>`,
		`<dt>Issued on</dt><dd><time datetime="`+time.Now().UTC().Format("2006-01-02"), ">"+signed+"</time>", "<dt>Valid until</dt>")
	wantNotIn(t, page, ">2026-09-04T10:00:00Z<")
}
