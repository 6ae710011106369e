package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestRoutes_UnknownQueryParameter calls every route Echo has registered
// with a query parameter no route takes, and checks each answers 400
// naming it; and with a tracking parameter, which only public GET routes
// ignore.
func TestRoutes_UnknownQueryParameter(t *testing.T) {
	ts := newTestServer(t)
	call := func(method, path, query string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path+"?"+query, nil)
		r.Header.Set("Authorization", "Bearer "+ts.admin)
		r.Header.Set("Accept", "application/json")
		w := httptest.NewRecorder()
		ts.srv.ServeHTTP(w, r)
		return w
	}
	routes := ts.srv.Routes()
	if len(routes) < len(routeAccess) {
		t.Fatalf("%d routes registered, %d known", len(routes), len(routeAccess))
	}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		if consoleRoute(key) || portalRoute(key) && portalAccess[key] != "public" {
			continue // API keys open no console or portal page: TestConsole_UnknownQueryParameter and TestPortal_UnknownQueryParameter check them
		}
		path := routeParam.ReplaceAllString(rt.Path, "aaaaaaaaaaaaaaaaaaaa")
		w := call(rt.Method, path, "sortBy=name")
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"field":"sortBy"`) || !strings.Contains(w.Body.String(), `\"sortBy\"`) {
			t.Errorf("%s?sortBy=name → %d, want 400 naming sortBy: %s", key, w.Code, w.Body)
		}
		w = call(rt.Method, path, "utm_source=newsletter&trk=public_profile")
		refused := w.Code == http.StatusBadRequest && strings.Contains(w.Body.String(), `"field":"`)
		if access, _ := accessOf(key); (access == "public" && rt.Method == http.MethodGet) == refused {
			t.Errorf("%s?utm_source=… → %d (%s %s): %s", key, w.Code, access, rt.Method, w.Body)
		}
	}
}

func TestQuery_Repeated(t *testing.T) {
	ts := newTestServer(t)
	ts.do(t, req{method: "GET", path: "/api/v1/issuers?limit=1&limit=2"}).wantProblem(t, 400, badges.EINVALID, "limit")
	p := ts.do(t, req{method: "GET", path: "/api/v1/issuers?b=1&a=2"}).wantProblem(t, 400, badges.EINVALID, "a")
	if !strings.Contains(p.Detail, `"a", "b"`) || !strings.Contains(p.Detail, "limit, cursor") {
		t.Fatalf("detail %q names neither both parameters nor those taken", p.Detail)
	}
}
