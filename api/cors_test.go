package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/api"
)

const appOrigin = "https://app.example.org"

func TestCORS(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.CORSOrigins = []string{appOrigin, "http://localhost:5173"} })
	preflight := func(path, origin string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodOptions, path, nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		return w
	}
	t.Run("preflight from a listed origin", func(t *testing.T) {
		w := preflight("/api/v1/issuers", appOrigin)
		h := w.Header()
		if w.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != appOrigin ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
			h.Get("Access-Control-Allow-Headers") != "Authorization, Content-Type, Idempotency-Key" ||
			h.Get("Vary") != "Origin" || h.Get("Access-Control-Allow-Credentials") != "" || h.Get("Set-Cookie") != "" {
			t.Fatalf("preflight: %d %v", w.Code, h)
		}
	})
	t.Run("call from a listed origin", func(t *testing.T) {
		r := ts.do(t, req{method: http.MethodGet, path: "/api/v1/issuers", header: http.Header{"Origin": {appOrigin}}}).want(t, http.StatusOK)
		h := r.Header()
		if h.Get("Access-Control-Allow-Origin") != appOrigin || h.Get("Vary") != "Origin" || h.Get("Access-Control-Allow-Credentials") != "" ||
			!strings.Contains(h.Get("Access-Control-Expose-Headers"), "Location") {
			t.Fatalf("call: %v", h)
		}
	})
	t.Run("refused origin", func(t *testing.T) {
		w := preflight("/api/v1/issuers", "https://evil.example.net")
		if got := corsHeaders(w.Header()); len(got) > 0 || w.Code == http.StatusNoContent && w.Header().Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("refused preflight: %d %v", w.Code, got)
		}
		r := ts.do(t, req{method: http.MethodGet, path: "/api/v1/issuers", header: http.Header{"Origin": {"https://app.example.org.evil.example.net"}}}).want(t, http.StatusOK)
		if got := corsHeaders(r.Header()); len(got) > 0 {
			t.Fatalf("refused call: %v", got)
		}
	})
	t.Run("console and portal routes get none", func(t *testing.T) {
		for _, path := range []string{"/admin/login", "/me", "/verify", "/api/v1x"} {
			w := preflight(path, appOrigin)
			if got := corsHeaders(w.Header()); len(got) > 0 || w.Header().Get("Vary") == "Origin" {
				t.Fatalf("OPTIONS %s: %v", path, w.Header())
			}
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.Header.Set("Origin", appOrigin)
			g := httptest.NewRecorder()
			ts.srv.ServeHTTP(g, r)
			if got := corsHeaders(g.Header()); len(got) > 0 {
				t.Fatalf("GET %s: %v", path, got)
			}
		}
	})
}

func TestCORS_NoneByDefault(t *testing.T) {
	ts := newTestServer(t)
	r := ts.do(t, req{method: http.MethodGet, path: "/api/v1/issuers", header: http.Header{"Origin": {appOrigin}}}).want(t, http.StatusOK)
	if got := corsHeaders(r.Header()); len(got) > 0 {
		t.Fatalf("no origins configured, but %v", got)
	}
}

func TestCORS_MalformedOrigin(t *testing.T) {
	cfg := api.Config{BaseURL: baseURL, CORSOrigins: []string{appOrigin, "https://*.example.org"}}
	if _, err := api.NewServer(cfg, api.Services{}); err == nil || !strings.Contains(err.Error(), `"https://*.example.org"`) {
		t.Fatalf("NewServer with a wildcard origin: %v", err)
	}
}

// corsHeaders are a response's Access-Control-* headers.
func corsHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			out[k] = v
		}
	}
	return out
}
