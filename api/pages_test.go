package api_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// community is an issuer with a badge and two members holding it: Ada,
// who consents to a public profile, and Bob, who does not.
type community struct {
	ts               *testServer
	issuer, badge    string
	ada, bob         string // member ids
	adaCred, bobCred string // credential ids
}

func newCommunity(t *testing.T, mutate ...func(*api.Config)) *community {
	t.Helper()
	ts := newTestServer(t, mutate...)
	c := &community{ts: ts, issuer: mustIssuer(t, ts)}
	c.badge = mustAchievement(t, ts, c.issuer, map[string]any{"status": "active", "level": "leadership",
		"criteria": "Host **two** sessions.", "validityDays": 400})["id"].(string)
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "ada@example.org", "displayName": "Ada Lovelace", "slug": "ada", "publicProfile": true}}).want(t, 201).JSON(t, &m)
	c.ada = m.ID
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/members", body: map[string]any{
		"email": "bob@example.org", "displayName": "Bob Secret", "slug": "bob"}}).want(t, 201).JSON(t, &m)
	c.bob = m.ID
	c.adaCred = c.award(t, c.ada, nil)
	c.bobCred = c.award(t, c.bob, nil)
	return c
}

func (c *community) award(t *testing.T, member string, extra map[string]any) string {
	t.Helper()
	body := map[string]any{"achievementId": c.badge, "memberId": member}
	for k, v := range extra {
		body[k] = v
	}
	var cred struct{ ID string }
	c.ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + c.issuer + "/awards", body: body}).want(t, 201).JSON(t, &cred)
	return cred.ID
}

func (c *community) page(t *testing.T, path string, status int) string {
	t.Helper()
	return string(c.ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, status).body)
}

func (c *community) setConsent(t *testing.T, member string, on bool) {
	t.Helper()
	c.ts.do(t, req{method: "PATCH", path: "/api/v1/members/" + member, body: map[string]any{"publicProfile": on}}).want(t, 200)
}

func wantIn(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func wantNotIn(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("page shows %q", n)
		}
	}
}

func TestCredentialPage(t *testing.T) {
	c := newCommunity(t)
	credURL := baseURL + "/credentials/" + c.adaCred

	t.Run("consenting member", func(t *testing.T) {
		body := c.page(t, "/credentials/"+c.adaCred, 200)
		wantIn(t, body, "<h1>Session Host</h1>", `href="`+baseURL+`/members/ada" id="recipient">Ada Lovelace</a>`,
			`<span class="pill">Verified</span>`, "Host <strong>two</strong> sessions.", "Gophers of Lyon",
			`property="og:image" content="`+credURL+`/preview.png"`, `name="twitter:card" content="summary_large_image"`,
			`property="og:image:width" content="1200"`, `src="`+credURL+`/qr.png"`, `href="`+credURL+`/badge.png" download`,
			`href="`+credURL+`/badge.svg" download`, `href="`+credURL+`.json" download`, `href="`+credURL+`.jwt" download`,
			`href="/verify?credential=`+url.QueryEscape(credURL)+`"`, "Leadership level",
			`<p class="description">Hosted a session.</p>`, `<meta name="description" content="Session Host, awarded to Ada Lovelace by Gophers of Lyon on `)
	})
	t.Run("LinkedIn", func(t *testing.T) {
		body := c.page(t, "/credentials/"+c.adaCred, 200)
		at := strings.Index(body, `id="linkedin-add" href="`)
		if at < 0 {
			t.Fatal("no LinkedIn link")
		}
		raw := body[at+len(`id="linkedin-add" href="`):]
		raw = html.UnescapeString(raw[:strings.IndexByte(raw, '"')])
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		cred := c.credentialRecord(t, c.adaCred)
		if u.Host != "www.linkedin.com" || u.Path != "/profile/add" || q.Get("startTask") != "CERTIFICATION_NAME" ||
			q.Get("name") != "Session Host" || q.Get("organizationName") != "Gophers of Lyon" ||
			q.Get("certUrl") != credURL || q.Get("certId") != c.adaCred ||
			q.Get("issueYear") != cred.awarded[:4] || q.Get("issueMonth") != strings.TrimLeft(cred.awarded[5:7], "0") ||
			q.Get("expirationYear") != cred.until[:4] || q.Get("expirationMonth") != strings.TrimLeft(cred.until[5:7], "0") {
			t.Fatalf("LinkedIn URL %s (credential %+v)", raw, cred)
		}
	})
	t.Run("member without consent", func(t *testing.T) {
		body := c.page(t, "/credentials/"+c.bobCred, 200)
		wantIn(t, body, `<span id="recipient">a verified recipient</span>`)
		wantNotIn(t, body, "Bob", "bob@example.org", "/members/bob")
	})
	t.Run("consent withdrawn shows at once", func(t *testing.T) {
		c.setConsent(t, c.ada, false)
		body := c.page(t, "/credentials/"+c.adaCred, 200)
		wantNotIn(t, body, "Ada", "/members/ada")
		c.page(t, "/members/ada", 404)
		c.setConsent(t, c.ada, true)
		wantIn(t, c.page(t, "/credentials/"+c.adaCred, 200), "Ada Lovelace")
	})
	t.Run("consent withdrawn past the server shows at once", func(t *testing.T) {
		wantIn(t, c.page(t, "/credentials/"+c.adaCred, 200), "Ada Lovelace") // now kept
		// A member service of its own, as a background job has: the
		// server is not told, but the embedded engine's count of writes is.
		members := mongodb.NewMemberService(c.ts.db)
		for _, on := range []bool{false, true} {
			if _, err := members.UpdateMember(context.Background(), c.ada, badges.MemberUpdate{PublicProfile: &on}); err != nil {
				t.Fatal(err)
			}
			if body := c.page(t, "/credentials/"+c.adaCred, 200); strings.Contains(body, "Ada Lovelace") != on {
				t.Fatalf("public profile %v, the page names Ada: %v", on, !on)
			}
		}
	})
	t.Run("JSON by negotiation", func(t *testing.T) {
		for _, ct := range []string{"application/vc+ld+json", "application/ld+json"} {
			r := c.ts.do(t, req{method: "GET", path: "/credentials/" + c.adaCred, token: "-", header: accept(ct)}).want(t, 200)
			if r.Header().Get("Content-Type") != "application/vc+ld+json" || !bytes.Contains(r.body, []byte(`"proof"`)) {
				t.Fatalf("%s: %s %s", ct, r.Header().Get("Content-Type"), r.body)
			}
		}
	})
	t.Run("ETag", func(t *testing.T) {
		r := c.ts.do(t, req{method: "GET", path: "/credentials/" + c.adaCred, token: "-", header: accept("text/html")}).want(t, 200)
		etag := r.Header().Get("ETag")
		if etag == "" || r.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("headers %v", r.Header())
		}
		c.ts.do(t, req{method: "GET", path: "/credentials/" + c.adaCred, token: "-",
			header: http.Header{"Accept": {"text/html"}, "If-None-Match": {etag}}}).want(t, 304)
	})
	t.Run("revoked shows at once", func(t *testing.T) {
		c.ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + c.bobCred + "/revoke", body: map[string]any{"reason": "Awarded by mistake.", "publishReason": true}}).want(t, 200)
		body := c.page(t, "/credentials/"+c.bobCred, 200)
		wantIn(t, body, `class="cred-banner revoked"`, `<span class="pill">Revoked</span>`, "Awarded by mistake.")
	})
	t.Run("revoked by another process shows within a second", func(t *testing.T) {
		other := c.award(t, c.bob, nil)                                                        // Bob may earn it again: his first was revoked above
		wantIn(t, c.page(t, "/credentials/"+other, 200), `<span class="pill">Verified</span>`) // now cached
		// A second issuing service on the same database stands for another
		// Laurel process: this server hears nothing of the revocation.
		if _, err := newIssuing(t, c.ts.db).Revoke(context.Background(), other, badges.RevokeInput{Reason: "Revoked elsewhere.", PublishReason: true}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3 * time.Second)
		for {
			body := c.page(t, "/credentials/"+other, 200)
			if strings.Contains(body, `<span class="pill">Revoked</span>`) {
				wantIn(t, body, "Revoked elsewhere.")
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the revocation did not show:\n%s", body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	t.Run("not found", func(t *testing.T) {
		for _, path := range []string{"/credentials/aaaaaaaaaaaaaaaaaaaa", "/credentials/" + strings.Repeat("a", 300),
			"/credentials/..%2F..%2Fetc%2Fpasswd", "/credentials/" + c.adaCred + ".exe", "/credentials/" + c.adaCred + "/qr.gif",
			"/credentials/aaaaaaaaaaaaaaaaaaaa/qr.png", "/credentials/aaaaaaaaaaaaaaaaaaaa/badge.png", "/credentials/x/preview.png"} {
			body := c.page(t, path, 404)
			wantIn(t, body, "Not Found")
		}
	})
}

// TestCredentialPage_ServerClock: the page judges expiry by the server's
// clock, so a credential shows as expired once that clock passes its
// validUntil.
func TestCredentialPage_ServerClock(t *testing.T) {
	var ahead atomic.Int64
	ts := newTestServer(t, func(c *api.Config) {
		c.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	iss := mustIssuer(t, ts)
	ach := mustAchievement(t, ts, iss, map[string]any{"status": "active", "validityDays": 1})
	var cred credentialView
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss + "/awards",
		body: map[string]any{"achievementId": ach["id"], "email": "ada@example.org", "name": "Ada"}}).want(t, 201).JSON(t, &cred)
	page := func() string {
		return string(ts.do(t, req{method: "GET", path: "/credentials/" + cred.ID, token: "-", header: accept("text/html")}).want(t, 200).body)
	}
	wantIn(t, page(), `<span class="pill">Verified</span>`)
	ahead.Store(int64(48 * time.Hour))
	wantIn(t, page(), `<span class="pill">Expired</span>`)
}

type pngChunk struct {
	typ  string
	data []byte
}

// pngChunks splits a PNG into its chunks, checking the signature and every
// chunk's CRC.
func pngChunks(t *testing.T, b []byte) []pngChunk {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("not a PNG")
	}
	var chunks []pngChunk
	for b = b[8:]; len(b) > 0; {
		if len(b) < 12 {
			t.Fatalf("a truncated chunk of %d bytes", len(b))
		}
		n := int(binary.BigEndian.Uint32(b))
		if len(b) < 12+n {
			t.Fatalf("a chunk of %d bytes in %d", n, len(b))
		}
		if crc := crc32.ChecksumIEEE(b[4 : 8+n]); crc != binary.BigEndian.Uint32(b[8+n:]) {
			t.Fatalf("chunk %q has a bad CRC", b[4:8])
		}
		chunks = append(chunks, pngChunk{typ: string(b[4:8]), data: b[8 : 8+n]})
		b = b[12+n:]
	}
	return chunks
}

type credentialDates struct{ awarded, until string }

func (c *community) jwt(t *testing.T, id string) string {
	t.Helper()
	return string(c.ts.do(t, req{method: "GET", path: "/credentials/" + id + ".jwt", token: "-"}).want(t, 200).body)
}

func (c *community) credentialRecord(t *testing.T, id string) credentialDates {
	t.Helper()
	var cred struct{ AwardedAt, ValidUntil string }
	c.ts.do(t, req{method: "GET", path: "/api/v1/credentials/" + id}).want(t, 200).JSON(t, &cred)
	return credentialDates{cred.AwardedAt, cred.ValidUntil}
}

func TestCredentialMedia(t *testing.T) {
	c := newCommunity(t)
	base := "/credentials/" + c.adaCred
	get := func(t *testing.T, path string, h http.Header) *resp {
		t.Helper()
		return c.ts.do(t, req{method: "GET", path: path, token: "-", header: h})
	}

	t.Run("QR", func(t *testing.T) {
		r := get(t, base+"/qr.png?size=256&level=H", nil).want(t, 200)
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil || img.Bounds().Dx() != 256 || r.Header().Get("Content-Type") != "image/png" ||
			!strings.Contains(r.Header().Get("Cache-Control"), "immutable") || r.Header().Get("ETag") == "" {
			t.Fatalf("QR PNG: %v %v %v", err, img.Bounds(), r.Header())
		}
		get(t, base+"/qr.png?size=256&level=H", http.Header{"If-None-Match": {r.Header().Get("ETag")}}).want(t, 304)
		svg := get(t, base+"/qr.svg", nil).want(t, 200)
		if svg.Header().Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(bytes.TrimSpace(svg.body), []byte("<svg")) {
			t.Fatalf("QR SVG: %s %.100s", svg.Header().Get("Content-Type"), svg.body)
		}
		for _, bad := range []string{"?size=10", "?size=5000", "?size=abc", "?level=Z", "?size=256&level=%00"} {
			get(t, base+"/qr.png"+bad, accept("application/json")).wantProblem(t, 400, badges.EINVALID, map[bool]string{true: "level", false: "size"}[strings.Contains(bad, "level")])
		}
	})
	t.Run("baked badges verify", func(t *testing.T) {
		for _, format := range []string{"png", "svg"} {
			r := get(t, base+"/badge."+format, nil).want(t, 200)
			baked, err := ob3.Unbake(r.body)
			if err != nil || baked.Version != "3.0" || baked.Payload != c.jwt(t, c.adaCred) {
				t.Fatalf("%s: %v, baked %+v", format, err, baked)
			}
			if !strings.HasPrefix(r.Header().Get("Content-Type"), "image/"+format) || !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
				t.Fatalf("%s headers %v", format, r.Header())
			}
			rep, err := c.ts.verifier.Verify(context.Background(), verifier.Input{Data: r.body})
			if err != nil || rep.Verdict != verifier.Valid || rep.Format != format || !strings.HasSuffix(rep.Credential.ID, c.adaCred) {
				t.Fatalf("%s: verdict %v, %v", format, rep, err)
			}
		}
	})
	t.Run("baked PNG has one openbadgecredential iTXt chunk", func(t *testing.T) {
		r := get(t, base+"/badge.png", nil).want(t, 200)
		var texts []pngChunk
		chunks := pngChunks(t, r.body)
		for _, ch := range chunks {
			if ch.typ == "iTXt" || ch.typ == "tEXt" || ch.typ == "zTXt" {
				texts = append(texts, ch)
			}
		}
		if len(texts) != 1 || texts[0].typ != "iTXt" || chunks[0].typ != "IHDR" || chunks[len(chunks)-1].typ != "IEND" {
			t.Fatalf("text chunks %v in %d chunks", texts, len(chunks))
		}
		// keyword NUL, compression flag and method, language tag NUL,
		// translated keyword NUL, text: the JWT, uncompressed.
		fields := bytes.SplitN(texts[0].data, []byte{0}, 2)
		if string(fields[0]) != "openbadgecredential" || len(fields) != 2 {
			t.Fatalf("iTXt keyword %q", fields[0])
		}
		rest := fields[1]
		if len(rest) < 4 || rest[0] != 0 || rest[1] != 0 || rest[2] != 0 || rest[3] != 0 || string(rest[4:]) != c.jwt(t, c.adaCred) {
			t.Fatalf("iTXt after the keyword: %.80q", rest)
		}
	})
	t.Run("preview", func(t *testing.T) {
		r := get(t, base+"/preview.png", nil).want(t, 200)
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 630 || r.Header().Get("Cache-Control") != "public, no-cache" {
			t.Fatalf("preview: %v %v %v", err, img.Bounds(), r.Header())
		}
		named := r.body
		c.setConsent(t, c.ada, false)
		anonymous := get(t, base+"/preview.png", nil).want(t, 200).body
		if bytes.Equal(named, anonymous) {
			t.Fatal("the preview did not change when consent was withdrawn")
		}
		c.setConsent(t, c.ada, true)
		if again := get(t, base+"/preview.png", nil).want(t, 200).body; !bytes.Equal(again, named) {
			t.Fatal("the preview is not the same for the same content")
		}
	})
}

func TestMemberAndAchievementPages(t *testing.T) {
	c := newCommunity(t)
	t.Run("profile", func(t *testing.T) {
		body := c.page(t, "/members/ada", 200)
		wantIn(t, body, "<h1>Ada Lovelace</h1>", "1 badge from", `<h2 id="level-leadership">Leadership</h2>`,
			`href="`+baseURL+`/credentials/`+c.adaCred+`"`)
		c.page(t, "/members/bob", 404) // no consent
		for _, slug := range []string{"nobody", "ADA", "..%2Fada", strings.Repeat("a", 100)} {
			c.page(t, "/members/"+slug, 404)
		}
	})
	t.Run("achievement", func(t *testing.T) {
		body := c.page(t, "/achievements/"+c.badge, 200)
		wantIn(t, body, "Earned by 2 members.", "Recently earned by", `href="`+baseURL+`/credentials/`+c.adaCred+`">Ada Lovelace</a>`)
		wantNotIn(t, body, "Bob", c.bobCred)
	})
	t.Run("issuer", func(t *testing.T) {
		body := c.page(t, "/issuers/"+c.issuer, 200)
		wantIn(t, body, `<h2 id="level-leadership">Leadership</h2>`, `href="`+baseURL+`/achievements/`+c.badge+`"`, "Session Host")
	})
}

// TestPublicPages_EscapeEverything puts markup in every field a user
// controls and checks that no page renders it as markup.
func TestPublicPages_EscapeEverything(t *testing.T) {
	ts := newTestServer(t)
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	var iss struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Iss" + evil, "description": "D" + evil}}).want(t, 201).JSON(t, &iss)
	ach := mustAchievement(t, ts, iss.ID, map[string]any{"status": "active", "name": "A" + evil, "description": "B" + evil,
		"criteria": "C" + evil + "\n\n[link](javascript:alert(3))", "tags": []string{"t-evil"}})
	var m struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/members", body: map[string]any{
		"email": "eve@example.org", "displayName": "Eve" + evil, "slug": "eve", "publicProfile": true}}).want(t, 201).JSON(t, &m)
	var cred struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + iss.ID + "/awards", body: map[string]any{
		"achievementId": ach["id"], "memberId": m.ID, "narrative": "N" + evil,
		"evidence": []map[string]any{{"url": "https://example.org/e?q=\"><script>", "name": "E" + evil, "description": "F" + evil, "narrative": "G" + evil}},
	}}).want(t, 201).JSON(t, &cred)
	ts.do(t, req{method: "POST", path: "/api/v1/credentials/" + cred.ID + "/revoke", body: map[string]any{"reason": "R" + evil, "publishReason": true}}).want(t, 200)
	for _, path := range []string{"/credentials/" + cred.ID, "/members/eve", "/achievements/" + ach["id"].(string), "/issuers/" + iss.ID} {
		body := string(ts.do(t, req{method: "GET", path: path, token: "-", header: accept("text/html")}).want(t, 200).body)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "javascript:") ||
			strings.Contains(body, `"><script>`) {
			t.Errorf("%s renders user markup:\n%s", path, body)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s lost the escaped text", path)
		}
	}
}

// TestPublicPages_BadIDsNeedNoDatabase asks for ids that cannot be ids
// from a server whose database connection is closed: they are answered 404
// without a database call, while a well-formed unknown id needs one.
func TestPublicPages_BadIDsNeedNoDatabase(t *testing.T) {
	db := mongotest.NewDB(t)
	closed, err := database.Open(context.Background(), database.Options{URI: mongotest.URI(), Database: db.Name(), Engine: mongotest.Engine()})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServerOn(t, closed)
	if err := closed.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/credentials/" + strings.Repeat("a", 300), "/credentials/..%2F..%2Fetc%2Fpasswd",
		"/credentials/ABC", "/credentials/abc/qr.png", "/credentials/abc/badge.svg", "/credentials/abc/preview.png",
		"/members/UPPER", "/members/" + strings.Repeat("a", 70), "/achievements/x", "/issuers/-"} {
		ts.do(t, req{method: "GET", path: path, token: "-", header: accept("application/json")}).wantProblem(t, 404, badges.ENOTFOUND, "")
	}
	r := httptest.NewRequest("GET", "/credentials/aaaaaaaaaaaaaaaaaaaa", nil)
	r.Header.Set("Accept", "application/json")
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("a well-formed id did not reach the closed database: %d %s", w.Code, w.Body)
	}
}
