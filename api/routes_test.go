package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges"
)

// routeAccess is who may call each route: "public", or the API key scope
// it needs. It is written out here, apart from the server's route table,
// so that a route classified wrongly there fails TestRoutes_Access, and a
// route added without an entry here fails it too.
var routeAccess = map[string]string{
	// Social previews of the public pages (socialimage.go).
	"GET /preview.png":                           "public",
	"GET /issuers/:issuer/preview.png":           "public",
	"GET /issuers/:issuer/spotlight/preview.png": "public",
	"GET /achievements/:achievement/preview.png": "public",
	"GET /members/:slug/preview.png":             "public",

	"GET /healthz":                             "public",
	"GET /readyz":                              "public",
	"GET /metrics":                             "public",
	"GET /api/v1/openapi.json":                 "public",
	"GET /api/docs":                            "public",
	"GET /static*":                             "public",
	"GET /issuers/:issuer":                     "public",
	"GET /achievements/:achievement":           "public",
	"GET /achievements/:achievement/holders":   "public",
	"GET /images/:file":                        "public",
	"GET /credentials/:credential":             "public",
	"GET /credentials/:credential/qr.png":      "public",
	"GET /credentials/:credential/qr.svg":      "public",
	"GET /credentials/:credential/preview.png": "public",
	"GET /credentials/:credential/badge.png":   "public",
	"GET /credentials/:credential/badge.svg":   "public",
	"GET /members/:slug":                       "public",
	"GET /claim/:credential/:code":             "public",
	"POST /claim/:credential/:code":            "guest form", // the claim page's CSRF cookie, checked by its handler
	"GET /issuers/:issuer/spotlight":           "public",
	"GET /issuers/:issuer/theme.css":           "public",
	"GET /issuers/:issuer/members":             "public",
	"GET /":                                    "public",
	"GET /status/:issuer/:list":                "public",
	"GET /issuers/:issuer/keys/:key":           "public",
	"GET /issuers/:issuer/jwks.json":           "public",
	"GET /issuers/:issuer/did.json":            "public",
	"GET /issuers/:issuer/status-lists/:list":  "public",
	"GET /.well-known/jwks.json":               "public",
	"GET /checkin":                             "public",
	"POST /checkin":                            "guest form",
	"GET /checkin/:code":                       "public",
	"POST /checkin/:code":                      "guest form",
	"GET /checkin/:code/link/:token":           "public",
	"POST /checkin/:code/link/:token":          "guest form",
	"GET /verify":                              "public",
	"POST /verify":                             "public",
	"POST /api/v1/verify":                      "public",

	// Wallets (wallet.go, walletexchange.go, holdercopy.go).
	"GET /credentials/:credential/copies/:copy": "public",
	"GET /wallet/:credential/:code":             "public",
	"GET /wallet/:credential/:code/qr.svg":      "public",
	"POST /wallet/:credential/:code/vcapi":      "public",
	"POST /wallet/exchanges/:exchange":          "public",
	// Wallets (oid4vci*.go): the credential endpoint takes its own
	// access tokens, never an API key.
	"GET /wallet/:credential/:code/oid4vci":       "public",
	"GET /.well-known/openid-credential-issuer":   "public",
	"GET /.well-known/oauth-authorization-server": "public",
	"POST /oid4vci/token":                         "public",
	"POST /oid4vci/nonce":                         "public",
	"POST /oid4vci/credential":                    "wallet token",

	"POST /api/v1/issuers":                                    "admin",
	"GET /api/v1/issuers":                                     "read",
	"GET /api/v1/issuers/:issuer":                             "read",
	"PATCH /api/v1/issuers/:issuer":                           "admin",
	"PUT /api/v1/issuers/:issuer/image":                       "admin",
	"POST /api/v1/issuers/:issuer/achievements":               "admin",
	"GET /api/v1/issuers/:issuer/achievements":                "read",
	"GET /api/v1/achievements/:achievement":                   "read",
	"PATCH /api/v1/achievements/:achievement":                 "admin",
	"POST /api/v1/achievements/:achievement/archive":          "admin",
	"PUT /api/v1/achievements/:achievement/image":             "admin",
	"DELETE /api/v1/achievements/:achievement/image":          "admin",
	"GET /api/v1/achievements/:achievement/versions":          "read",
	"GET /api/v1/achievements/:achievement/versions/:version": "read",
	"GET /api/v1/issuers/:issuer/keys":                        "read",
	"POST /api/v1/issuers/:issuer/keys/rotate":                "admin",
	"POST /api/v1/issuers/:issuer/awards":                     "admin",
	"POST /api/v1/issuers/:issuer/awards/bulk":                "admin",
	"GET /api/v1/issuers/:issuer/credentials":                 "read",
	"GET /api/v1/credentials/:credential":                     "read",
	"POST /api/v1/credentials/:credential/revoke":             "admin",

	"POST /api/v1/issuers/:issuer/members":        "admin",
	"GET /api/v1/issuers/:issuer/members":         "read",
	"POST /api/v1/issuers/:issuer/members/import": "admin",
	"GET /api/v1/members/:member":                 "read",
	"PATCH /api/v1/members/:member":               "admin",
	"DELETE /api/v1/members/:member":              "admin",
	"GET /api/v1/members/:member/export":          "admin",
	"POST /api/v1/members/:member/forget":         "admin",
	"GET /api/v1/members/:member/wallet-copies":   "read",

	// A meeting's participant report (attendance.go).
	"POST /api/v1/issuers/:issuer/activities/attendance": "ingest",

	"GET /api/v1/issuers/:issuer/behaviours":               "read",
	"POST /api/v1/issuers/:issuer/behaviours":              "admin",
	"POST /api/v1/issuers/:issuer/activities":              "ingest",
	"POST /api/v1/issuers/:issuer/endorsements":            "ingest",
	"POST /api/v1/issuers/:issuer/nominations":             "ingest",
	"GET /api/v1/issuers/:issuer/nominations":              "read",
	"POST /api/v1/issuers/:issuer/checkins":                "admin",
	"GET /api/v1/issuers/:issuer/checkins":                 "read",
	"POST /api/v1/issuers/:issuer/checkins/:checkin/close": "admin",
	"POST /api/v1/issuers/:issuer/applications":            "ingest",
	"POST /api/v1/nominations/:nomination/approve":         "admin",
	"POST /api/v1/nominations/:nomination/decline":         "admin",
	"GET /api/v1/achievements/:achievement/rule":           "read",
	"PUT /api/v1/achievements/:achievement/rule":           "admin",
	"DELETE /api/v1/achievements/:achievement/rule":        "admin",
	"POST /api/v1/achievements/:achievement/preview":       "admin",
	"GET /api/v1/members/:member/progress":                 "read",
	"GET /api/v1/issuers/:issuer/stats":                    "read",
	"PUT /api/v1/issuers/:issuer/spotlight":                "admin",
	"DELETE /api/v1/issuers/:issuer/spotlight":             "admin",

	"POST /api/v1/issuers/:issuer/cohorts":                 "admin",
	"GET /api/v1/issuers/:issuer/cohorts":                  "read",
	"GET /api/v1/cohorts/:cohort":                          "read",
	"PATCH /api/v1/cohorts/:cohort":                        "admin",
	"GET /api/v1/cohorts/:cohort/members":                  "read",
	"POST /api/v1/cohorts/:cohort/members":                 "admin",
	"PUT /api/v1/cohorts/:cohort/members/:member":          "admin",
	"DELETE /api/v1/cohorts/:cohort/members/:member":       "admin",
	"GET /api/v1/members/:member/cohorts":                  "read",
	"GET /outcomes/:outcome":                               "public",
	"POST /api/v1/issuers/:issuer/outcomes":                "admin",
	"GET /api/v1/issuers/:issuer/outcomes":                 "read",
	"GET /api/v1/outcomes/:outcome":                        "read",
	"PATCH /api/v1/outcomes/:outcome":                      "admin",
	"POST /api/v1/outcomes/:outcome/archive":               "admin",
	"POST /api/v1/issuers/:issuer/measures":                "admin",
	"GET /api/v1/issuers/:issuer/measures":                 "read",
	"GET /api/v1/measures/:measure":                        "read",
	"PATCH /api/v1/measures/:measure":                      "admin",
	"DELETE /api/v1/measures/:measure":                     "admin",
	"GET /api/v1/measures/:measure/history":                "read",
	"GET /api/v1/issuers/:issuer/quiet-members":            "read",
	"PATCH /api/v1/issuers/:issuer/behaviours/:behaviour":  "admin",
	"GET /api/v1/members/:member/activities":               "read",
	"POST /api/v1/activities/:activity/void":               "admin",
	"GET /api/v1/issuers/:issuer/reviews":                  "read",
	"POST /api/v1/issuers/:issuer/reviews/:review/revoke":  "admin",
	"POST /api/v1/issuers/:issuer/reviews/:review/dismiss": "admin",
	"POST /api/v1/achievements/:achievement/reevaluations": "admin",
	"GET /api/v1/reevaluations/:reevaluation":              "read",
	"GET /api/v1/issuers/:issuer/reevaluations":            "read",

	// Sources of activity (source.go, sourcehook.go): a delivery's
	// signature is its authentication.
	"POST /hooks/in/:source":                     "public",
	"POST /api/v1/issuers/:issuer/sources":       "admin",
	"GET /api/v1/issuers/:issuer/sources":        "read",
	"GET /api/v1/sources/:source":                "read",
	"PATCH /api/v1/sources/:source":              "admin",
	"DELETE /api/v1/sources/:source":             "admin",
	"POST /api/v1/sources/:source/rotate-secret": "admin",
	"POST /api/v1/sources/:source/dry-run":       "admin",

	"GET /api/v1/issuers/:issuer/mail-templates/:kind":    "admin",
	"PUT /api/v1/issuers/:issuer/mail-templates/:kind":    "admin",
	"DELETE /api/v1/issuers/:issuer/mail-templates/:kind": "admin",
	"GET /mail/unsubscribe/:issuer/:code":                 "public",
	"POST /mail/unsubscribe/:issuer/:code":                "public",
	"POST /mail/resubscribe/:issuer/:code":                "public",

	"POST /api/v1/apikeys":        "admin",
	"GET /api/v1/apikeys":         "admin",
	"DELETE /api/v1/apikeys/:key": "admin",

	// Webhooks and REST hooks.
	"POST /api/v1/issuers/:issuer/webhooks":                                         "admin",
	"GET /api/v1/issuers/:issuer/webhooks":                                          "read",
	"GET /api/v1/issuers/:issuer/webhooks/:webhook":                                 "read",
	"PATCH /api/v1/issuers/:issuer/webhooks/:webhook":                               "admin",
	"DELETE /api/v1/issuers/:issuer/webhooks/:webhook":                              "admin",
	"POST /api/v1/issuers/:issuer/webhooks/:webhook/rotate-secret":                  "admin",
	"POST /api/v1/issuers/:issuer/webhooks/:webhook/ping":                           "admin",
	"GET /api/v1/issuers/:issuer/webhooks/:webhook/deliveries":                      "read",
	"GET /api/v1/issuers/:issuer/webhooks/:webhook/deliveries/:delivery":            "read",
	"POST /api/v1/issuers/:issuer/webhooks/:webhook/deliveries/:delivery/redeliver": "admin",
	"POST /api/v1/issuers/:issuer/webhooks/:webhook/replay":                         "admin",
	"POST /api/v1/issuers/:issuer/hooks":                                            "admin",
	"DELETE /api/v1/issuers/:issuer/hooks/:hook":                                    "admin",
	"GET /api/v1/issuers/:issuer/hooks/samples/:event":                              "read",
}

// who may do what: for each access, the status class every caller gets.
const (
	allowed      = 0 // neither 401 nor 403 (nor a 5xx)
	unauthorized = http.StatusUnauthorized
	forbidden    = http.StatusForbidden
	signIn       = http.StatusSeeOther // sent to the console's sign-in page
)

var outcomes = map[string]map[string]int{ // access → caller → outcome
	"public": {"no key": allowed, "read": allowed, "ingest": allowed, "admin": allowed},
	"read":   {"no key": unauthorized, "read": allowed, "ingest": forbidden, "admin": allowed},
	"ingest": {"no key": unauthorized, "read": forbidden, "ingest": allowed, "admin": allowed},
	"admin":  {"no key": unauthorized, "read": forbidden, "ingest": forbidden, "admin": allowed},

	"guest":      {"no key": allowed, "read": allowed, "ingest": allowed, "admin": allowed},
	"guest form": {"no key": forbidden, "read": forbidden, "ingest": forbidden, "admin": forbidden},
	"console":    {"no key": signIn, "read": signIn, "ingest": signIn, "admin": signIn},
	// A wallet's access token, which no API key is.
	"wallet token": {"no key": unauthorized, "read": unauthorized, "ingest": unauthorized, "admin": unauthorized},
}

// consoleRoute reports whether a route is the console's: consoleNeeds
// says who may call those (console_access_test.go).
func consoleRoute(key string) bool {
	_, ok := consoleNeeds[key]
	return ok
}

// accessOf is who may call a route, for TestRoutes_Access: what
// routeAccess says, or for the console's (which no API key opens) "guest"
// for the sign-in pages, "guest form" for their forms, and "console" for
// every other.
func accessOf(key string) (string, bool) {
	if portal, ok := portalAccess[key]; ok { // the member portal's (me_isolation_test.go)
		switch {
		case portal == "member":
			return "console", true // sent to the portal's sign-in page, as the console's to its own
		case portal == "member guest" && strings.HasPrefix(key, "POST "):
			return "guest form", true
		case portal == "member guest":
			return "guest", true
		}
		return portal, true
	}
	need, ok := consoleNeeds[key]
	switch {
	case !ok:
		access, ok := routeAccess[key]
		return access, ok
	case need != "guest":
		return "console", true
	case strings.HasPrefix(key, "POST "):
		return "guest form", true
	}
	return "guest", true
}

var routeParam = regexp.MustCompile(`:[a-z]+|\*$`)

// TestRoutes_Access calls every route Echo has registered with no key and
// with read, ingest and admin keys, and checks each is let in or turned
// away as routeAccess says. The ids name nothing, so an allowed call ends
// in a 2xx or 4xx without changing anything.
func TestRoutes_Access(t *testing.T) {
	ts := newTestServer(t)
	tokens := map[string]string{"no key": "", "read": mustKey(t, ts, badges.ScopeRead),
		"ingest": mustKey(t, ts, badges.ScopeIngest), "admin": ts.admin}
	seen := map[string]bool{}
	for _, rt := range ts.srv.Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		want, ok := accessOf(key)
		if !ok {
			t.Errorf("route %s is not in routeAccess: say who may call it", key)
			continue
		}
		path := routeParam.ReplaceAllString(rt.Path, "aaaaaaaaaaaaaaaaaaaa")
		for caller, outcome := range outcomes[want] {
			r := httptest.NewRequest(rt.Method, path, nil)
			if tokens[caller] != "" {
				r.Header.Set("Authorization", "Bearer "+tokens[caller])
			}
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, r)
			switch {
			case w.Code >= 500:
				t.Errorf("%s (%s route) with %s → %d: %s", key, want, caller, w.Code, w.Body)
			case outcome == allowed && (w.Code == unauthorized || w.Code == forbidden):
				t.Errorf("%s (%s route) with %s → %d, want it let in: %s", key, want, caller, w.Code, w.Body)
			case outcome != allowed && w.Code != outcome:
				t.Errorf("%s (%s route) with %s → %d, want %d", key, want, caller, w.Code, outcome)
			}
		}
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess lists %s, which is not registered", key)
		}
	}
}

// Body limits of TestRoutes_BodyLimits' server, set apart from the
// defaults to show that they come from its configuration.
const (
	testBodyLimit  = 100_000
	testImageLimit = 200_000
)

// routeBody is the largest body each route takes, as documented; every
// route not listed reads no body and takes at most 1 KiB.
var routeBody = map[string]int{
	"POST /verify": 2 << 20,

	"POST /checkin":                   256 << 10,
	"POST /checkin/:code":             256 << 10,
	"POST /checkin/:code/link/:token": 256 << 10,
	"POST /api/v1/verify":             2 << 20,

	"POST /oid4vci/token":      4 << 10,
	"POST /oid4vci/credential": 16 << 10,

	"POST /api/v1/issuers":                        testBodyLimit,
	"PATCH /api/v1/issuers/:issuer":               testBodyLimit,
	"PUT /api/v1/issuers/:issuer/image":           testImageLimit,
	"POST /api/v1/issuers/:issuer/achievements":   testBodyLimit,
	"PATCH /api/v1/achievements/:achievement":     testBodyLimit,
	"PUT /api/v1/achievements/:achievement/image": testImageLimit,
	"POST /api/v1/issuers/:issuer/awards":         testBodyLimit,
	"POST /api/v1/issuers/:issuer/awards/bulk":    8 << 20,
	"POST /api/v1/credentials/:credential/revoke": testBodyLimit,

	"POST /api/v1/issuers/:issuer/members":        testBodyLimit,
	"POST /api/v1/issuers/:issuer/members/import": 5 << 20,
	"PATCH /api/v1/members/:member":               testBodyLimit,

	"POST /api/v1/issuers/:issuer/behaviours":        testBodyLimit,
	"POST /api/v1/issuers/:issuer/activities":        4 << 20,
	"POST /api/v1/issuers/:issuer/endorsements":      testBodyLimit,
	"POST /api/v1/issuers/:issuer/nominations":       testBodyLimit,
	"POST /api/v1/issuers/:issuer/checkins":          testBodyLimit,
	"POST /api/v1/nominations/:nomination/decline":   testBodyLimit,
	"POST /api/v1/issuers/:issuer/applications":      testBodyLimit,
	"PUT /api/v1/achievements/:achievement/rule":     64 << 10,
	"POST /api/v1/achievements/:achievement/preview": 64 << 10,
	"PUT /api/v1/issuers/:issuer/spotlight":          testBodyLimit,
	"POST /api/v1/issuers/:issuer/cohorts":           testBodyLimit,
	"PATCH /api/v1/cohorts/:cohort":                  testBodyLimit,
	"POST /api/v1/cohorts/:cohort/members":           testBodyLimit,

	"POST /api/v1/issuers/:issuer/outcomes": testBodyLimit,
	"PATCH /api/v1/outcomes/:outcome":       testBodyLimit,
	"POST /api/v1/issuers/:issuer/measures": testBodyLimit,
	"PATCH /api/v1/measures/:measure":       testBodyLimit,

	"PATCH /api/v1/issuers/:issuer/behaviours/:behaviour":  testBodyLimit,
	"POST /api/v1/activities/:activity/void":               testBodyLimit,
	"POST /api/v1/issuers/:issuer/reviews/:review/revoke":  testBodyLimit,
	"POST /api/v1/issuers/:issuer/reviews/:review/dismiss": testBodyLimit,

	"POST /api/v1/apikeys": testBodyLimit,

	"POST /api/v1/issuers/:issuer/webhooks":           testBodyLimit,
	"PATCH /api/v1/issuers/:issuer/webhooks/:webhook": testBodyLimit,
	"POST /api/v1/issuers/:issuer/hooks":              testBodyLimit,
	"POST /hooks/in/:source":                          256 << 10, // one delivery
	"POST /api/v1/issuers/:issuer/sources":            36 << 10,  // a mapping and the rest
	"PATCH /api/v1/sources/:source":                   36 << 10,
	"POST /api/v1/sources/:source/dry-run":            2*256<<10 + 32<<10, // a sample, perhaps escaped, and a mapping

	"POST /claim/:credential/:code":                    4 << 10, // a token and a choice
	"PUT /api/v1/issuers/:issuer/mail-templates/:kind": testBodyLimit,

	// A presentation and the object around it.
	"POST /wallet/exchanges/:exchange": 65 << 10,

	"POST /admin/c/:issuer/badges/:achievement/image": testImageLimit, // a console upload
	"POST /admin/c/:issuer/settings/logo":             testImageLimit,
	"POST /admin/c/:issuer/members/import":            5 << 20, // the member import's limit
	"POST /admin/c/:issuer/awards/import":             8 << 20,
	"POST /admin/c/:issuer/activity/import":           4 << 20,

	"POST /admin/c/:issuer/integrations/sources/:source/dry-run": 1 << 20, // a pasted sample delivery
	// Meeting attendance: the report, then the report again in base64.
	"POST /admin/c/:issuer/integrations/attendance":         badges.MaxAttendanceBytes,
	"POST /admin/c/:issuer/integrations/attendance/confirm": badges.MaxAttendanceBytes/3*4 + 8<<10,
	"POST /api/v1/issuers/:issuer/activities/attendance":    badges.MaxAttendanceBytes,
}

// TestRoutes_BodyLimits sends every route a body of its documented limit,
// which must not be refused as too large, and one byte more, which must.
// The bodies are of a type no route takes, so nothing reads them.
func TestRoutes_BodyLimits(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.BodyLimit, c.ImageLimit = testBodyLimit, testImageLimit })
	body := make([]byte, 8<<20+1)
	seen := map[string]bool{}
	for _, rt := range ts.srv.Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		limit, ok := routeBody[key]
		switch {
		case ok:
		case (consoleRoute(key) || portalRoute(key)) && rt.Method == http.MethodPost:
			limit = 256 << 10 // a console or portal form
		default:
			limit = 1 << 10
		}
		path := routeParam.ReplaceAllString(rt.Path, "aaaaaaaaaaaaaaaaaaaa")
		for _, n := range []int{limit, limit + 1} {
			r := httptest.NewRequest(rt.Method, path, bytes.NewReader(body[:n]))
			r.Header.Set("Content-Type", "application/x-laurel-test")
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, r)
			if tooLarge := w.Code == http.StatusRequestEntityTooLarge; tooLarge != (n > limit) {
				t.Errorf("%s with a body of %d bytes → %d; its limit is %d", key, n, w.Code, limit)
			}
		}
	}
	for key := range routeBody {
		if !seen[key] {
			t.Errorf("routeBody lists %s, which is not registered", key)
		}
	}
}

// TestRoutes_Unmatched: a path no route serves is a 404 and a known path
// with another method a 405, with or without a key.
func TestRoutes_Unmatched(t *testing.T) {
	ts := newTestServer(t)
	for _, token := range []string{"-", ""} {
		ts.do(t, req{method: "GET", path: "/api/v1/nothing", token: token}).wantProblem(t, 404, badges.ENOTFOUND, "")
		ts.do(t, req{method: "DELETE", path: "/api/v1/issuers", token: token}).wantProblem(t, 405, "method_not_allowed", "")
		ts.do(t, req{method: "PUT", path: "/api/v1/verify", token: token}).wantProblem(t, 405, "method_not_allowed", "")
	}
}

// TestRoutes_SlowBodyCutOff sends a quick route, over a real connection,
// the start of a body and then nothing: the body's time is bounded by the
// route's time limit, so the server answers 408 instead of waiting for
// the rest. Requests that keep to their limits go through the same
// connections as before.
func TestRoutes_SlowBodyCutOff(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.RequestTimeout = 300 * time.Millisecond })
	srv := httptest.NewServer(ts.srv)
	t.Cleanup(srv.Close)
	if r, err := srv.Client().Get(srv.URL + "/healthz"); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz: %v, %v", r, err)
	}
	for _, tc := range []struct{ path, contentType string }{
		{"/api/v1/verify", "text/plain"},
		{"/verify", "multipart/form-data; boundary=b"},
		{"/api/v1/issuers", "application/json"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: badges.example.org\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n--b\r\n",
				tc.path, ts.admin, tc.contentType)
			// Not a time being measured: the test fails, rather than
			// hangs, if the server waits for the body.
			conn.SetReadDeadline(time.Now().Add(20 * time.Second))
			r, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer while the body was held back: %v", err)
			}
			defer r.Body.Close()
			if r.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("answer %d, want 408", r.StatusCode)
			}
			if r.Header.Get("Content-Type") == "text/html; charset=UTF-8" {
				return // the verify page, showing the problem
			}
			var p api.Problem
			if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Code != "request_timeout" {
				t.Fatalf("problem %+v (%v), want the code request_timeout", p, err)
			}
		})
	}
}
