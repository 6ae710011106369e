package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
)

func accept(v string) http.Header { return http.Header{"Accept": {v}} }

func TestPublic_Negotiation(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	a := mustAchievement(t, ts, iss, map[string]any{"status": "active", "tags": []string{"hosting"}, "level": "leadership",
		"alignments": []map[string]any{{"targetName": "Facilitation", "targetUrl": "https://framework.example/f"}}})
	id := a["id"].(string)

	for _, ct := range []string{"application/ld+json", "application/json", "application/ld+json;q=0.9, text/html;q=0.5"} {
		t.Run("JSON/"+ct, func(t *testing.T) {
			var p map[string]any
			r := ts.do(t, req{method: "GET", path: "/issuers/" + iss, token: "-", header: accept(ct)}).want(t, 200)
			r.JSON(t, &p)
			if r.Header().Get("Content-Type") != "application/ld+json" || p["id"] != baseURL+"/issuers/"+iss ||
				p["name"] != "Gophers of Lyon" || !strings.Contains(r.Header().Get("Vary"), "Accept") {
				t.Fatalf("profile: %v %v", p, r.Header())
			}
			ctx := p["@context"].([]any)
			if ctx[0] != "https://www.w3.org/ns/credentials/v2" || ctx[1] != "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" {
				t.Fatalf("@context = %v", ctx)
			}
		})
	}
	t.Run("JSON/achievement", func(t *testing.T) {
		var o map[string]any
		ts.do(t, req{method: "GET", path: "/achievements/" + id, token: "-", header: accept("application/ld+json")}).want(t, 200).JSON(t, &o)
		crit := o["criteria"].(map[string]any)
		creator := o["creator"].(map[string]any)
		if o["id"] != baseURL+"/achievements/"+id || o["achievementType"] != "Badge" || crit["narrative"] != "Host a session." ||
			creator["id"] != baseURL+"/issuers/"+iss || strings.Join(toStrings(o["tag"]), ",") != "hosting,level:leadership" ||
			o["version"] != "1" || o["image"].(map[string]any)["type"] != "Image" {
			t.Fatalf("achievement: %v", o)
		}
	})
	for _, ct := range []string{"", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"} {
		t.Run("HTML/"+ct, func(t *testing.T) {
			r := ts.do(t, req{method: "GET", path: "/achievements/" + id, token: "-", header: accept(ct)}).want(t, 200)
			body := string(r.body)
			if !strings.HasPrefix(r.Header().Get("Content-Type"), "text/html") || !strings.Contains(body, "<h1>Session Host</h1>") ||
				!strings.Contains(body, `property="og:title"`) || r.Header().Get("Content-Security-Policy") == "" {
				t.Fatalf("page: %s", body)
			}
		})
	}
	t.Run("404/HTML", func(t *testing.T) {
		r := ts.do(t, req{method: "GET", path: "/issuers/aaaaaaaaaaaaaaaaaaaa", token: "-", header: accept("text/html")}).want(t, 404)
		if !strings.Contains(string(r.body), "<h1>Not Found</h1>") {
			t.Fatalf("error page: %s", r.body)
		}
	})
	t.Run("404/draft is not public", func(t *testing.T) {
		d := mustAchievement(t, ts, iss, nil)
		ts.do(t, req{method: "GET", path: "/achievements/" + d["id"].(string), token: "-", header: accept("application/json")}).
			wantProblem(t, 404, badges.ENOTFOUND, "")
	})
}

func TestPublic_HTMLEscapes(t *testing.T) {
	ts := newTestServer(t)
	var iss struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": `<script>alert("x")</script>`,
		"description": `"><img src=x onerror=alert(1)>`}}).want(t, 201).JSON(t, &iss)
	body := string(ts.do(t, req{method: "GET", path: "/issuers/" + iss.ID, token: "-"}).want(t, 200).body)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatalf("markup was not escaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("escaped name missing:\n%s", body)
	}
}

func TestOperations(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, req{method: "GET", path: "/healthz", token: "-"}).want(t, 200)
	ts.do(t, req{method: "GET", path: "/readyz", token: "-"}).want(t, 200)
	doc := ts.do(t, req{method: "GET", path: "/api/v1/openapi.json", token: "-"}).want(t, 200)
	if !strings.Contains(string(doc.body), `"openapi"`) {
		t.Fatalf("openapi: %.100s", doc.body)
	}
	m := ts.do(t, req{method: "GET", path: "/metrics", token: "-"}).want(t, 200)
	if !strings.Contains(string(m.body), `laurel_http_requests_total{code="200",method="GET",route="/readyz"} 1`) {
		t.Fatalf("metrics lack the request counter:\n%s", m.body)
	}
	for _, h := range []string{"X-Request-Id", "X-Content-Type-Options", "X-Frame-Options"} {
		if m.Header().Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	t.Run("405", func(t *testing.T) {
		ts.do(t, req{method: "DELETE", path: "/api/v1/issuers"}).wantProblem(t, 405, "method_not_allowed", "")
	})
	t.Run("404/unknown route", func(t *testing.T) {
		ts.do(t, req{method: "GET", path: "/api/v1/nothing"}).wantProblem(t, 404, badges.ENOTFOUND, "")
	})
	t.Run("gzip", func(t *testing.T) {
		r := ts.do(t, req{method: "GET", path: "/api/v1/openapi.json", token: "-", header: http.Header{"Accept-Encoding": {"gzip"}}})
		if r.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("not compressed: %v", r.Header())
		}
	})
}

func TestReadyz_DatabaseDown(t *testing.T) {
	db := mongotest.NewDB(t)
	// A second connection to the same database, closed to play a lost database.
	conn, err := database.Open(t.Context(), database.Options{URI: mongotest.URI(), Database: db.Name(), Engine: mongotest.Engine()})
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServerOn(t, conn)
	ts.do(t, req{method: "GET", path: "/readyz", token: "-"}).want(t, 200)
	if err := conn.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	ts.do(t, req{method: "GET", path: "/readyz", token: "-"}).wantProblem(t, 503, badges.EUNAVAILABLE, "")
}

func TestPublic_CriteriaMarkdownIsSafe(t *testing.T) {
	ts := newTestServer(t)
	iss := mustIssuer(t, ts)
	a := mustAchievement(t, ts, iss, map[string]any{"status": "active", "criteria": "Attend **five** sessions.\n\n" +
		"<script>alert(1)</script>\n\n[click](javascript:alert(1)) and [guide](https://example.org/guide)"})
	body := string(ts.do(t, req{method: "GET", path: "/achievements/" + a["id"].(string), token: "-"}).want(t, 200).body)
	for _, want := range []string{"<strong>five</strong>", `<a href="https://example.org/guide">guide</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script>alert", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %s:\n%s", bad, body)
		}
	}
}
