package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

const baseURL = "https://badges.example.org"

// testServer is the real Echo server on a fresh database, wired as the
// program wires it. Every response it returns is checked against the
// OpenAPI document.
type testServer struct {
	srv    *api.Server
	db     *database.DB
	stores *wire.Stores
	admin  string // token of the bootstrap admin key
	router routers.Router
	// verifier checks Laurel's credentials offline, as the server does.
	verifier *verifier.Verifier
	accounts *badges.Accounts // the console's people (console_test.go)
	// stopWork stops the background work and waits for it, as an
	// operator stops Laurel before an export.
	stopWork func()
}

func newTestServer(t testing.TB, mutate ...func(*api.Config)) *testServer {
	t.Helper()
	return newTestServerOn(t, mongotest.NewDB(t), mutate...)
}

// newTestServerOn serves an existing database.
func newTestServerOn(t testing.TB, db *database.DB, mutate ...func(*api.Config)) *testServer {
	t.Helper()
	return newTestServerWith(t, db, nil, mutate...)
}

// newTestServerWith is a test server whose verifier fetches through
// fetcher; nil means no network, as in newTestServer.
func newTestServerWith(t testing.TB, db *database.DB, fetcher *verifier.Fetcher, mutate ...func(*api.Config)) *testServer {
	t.Helper()
	cfg := api.Config{BaseURL: baseURL, Logger: testLogger(t)}
	for _, f := range mutate {
		f(&cfg)
	}
	l := newLaurelWith(t, db, fetcher)
	// The award queue's worker, as the program runs it.
	work, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); l.Work(work, 50*time.Millisecond, 0, slog.New(slog.DiscardHandler)) }()
	stopWork := func() { stop(); <-stopped }
	t.Cleanup(stopWork)
	srv, err := l.Server(cfg)
	if err != nil {
		t.Fatal(err)
	}
	token, err := l.Stores.APIKeys.BootstrapAPIKey(context.Background())
	if err != nil || token == "" {
		t.Fatalf("bootstrap key: %q, %v", token, err)
	}
	return &testServer{srv: srv, db: db, stores: l.Stores, admin: token, router: mustRouter(t), verifier: l.Verifier, accounts: l.Accounts, stopWork: stopWork}
}

// openAPIRouter is the router of the OpenAPI document, loaded and
// validated once per test binary: it is read-only, and loading the
// document for every test server cost seconds under the race detector.
var openAPIRouter struct {
	once   sync.Once
	router routers.Router
	err    error
}

func mustRouter(t testing.TB) routers.Router {
	t.Helper()
	openAPIRouter.once.Do(func() { openAPIRouter.router, openAPIRouter.err = loadRouter() })
	if openAPIRouter.err != nil {
		t.Fatal(openAPIRouter.err)
	}
	return openAPIRouter.router
}

// loadRouter loads and validates the OpenAPI document and routes by it.
func loadRouter() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(assets.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("OpenAPI document is invalid: %w", err)
	}
	return gorillamux.NewRouter(doc)
}

// req describes one request.
type req struct {
	method, path string
	body         any // []byte or string sent as is, anything else as JSON
	contentType  string
	token        string // "" means the admin token; "-" means none
	header       http.Header
	remote       string // the connection's address, host:port; "" is httptest's
}

type resp struct {
	*httptest.ResponseRecorder
	body []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *resp) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem decodes an RFC 9457 error body.
func (r *resp) problem(t *testing.T) api.Problem {
	t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.body)
	}
	var p api.Problem
	r.JSON(t, &p)
	return p
}

func (ts *testServer) do(t *testing.T, q req) *resp {
	t.Helper()
	r, raw := ts.request(t, q)
	w := httptest.NewRecorder()
	ts.srv.ServeHTTP(w, r)
	out := &resp{ResponseRecorder: w, body: w.Body.Bytes()}
	checkAgainstOpenAPI(t, ts.router, r, raw, out)
	return out
}

// request builds the request of a call and returns its body's bytes:
// JSON for a value that is not bytes or text, and the server's admin key
// unless q names another token ("-" for none).
func (ts *testServer) request(t *testing.T, q req) (*http.Request, []byte) {
	t.Helper()
	var body io.Reader
	var raw []byte
	switch b := q.body.(type) {
	case nil:
	case []byte:
		raw = b
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
		if q.contentType == "" {
			q.contentType = "application/json"
		}
	}
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	r := httptest.NewRequest(q.method, q.path, body)
	if q.remote != "" {
		r.RemoteAddr = q.remote
	}
	for k, vs := range q.header {
		r.Header[k] = vs
	}
	if q.contentType != "" {
		r.Header.Set("Content-Type", q.contentType)
	}
	switch q.token {
	case "":
		r.Header.Set("Authorization", "Bearer "+ts.admin)
	case "-":
	default:
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	return r, raw
}

// checkAgainstOpenAPI validates a response against the document; API
// routes missing from it fail the test.
func checkAgainstOpenAPI(t *testing.T, router routers.Router, r *http.Request, reqBody []byte, w *resp) {
	t.Helper()
	if strings.HasPrefix(r.URL.Path, "/static/") || w.Code == http.StatusMovedPermanently {
		return
	}
	vr := r.Clone(context.Background())
	vr.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(vr)
	if err != nil {
		if w.Code == http.StatusNotFound || w.Code == http.StatusMethodNotAllowed {
			return // an unknown path or method is not an operation
		}
		t.Fatalf("%s %s is not in the OpenAPI document: %v", r.Method, r.URL.Path, err)
	}
	body := w.body
	if w.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gzip body: %v", err)
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: vr, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: w.Code,
		Header: w.Header(),
		Body:   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Fatalf("%s %s → %d does not match the OpenAPI document: %v\nbody: %s", r.Method, r.URL.Path, w.Code, err, w.body)
	}
}

// want fails the test unless the response has the given status.
func (r *resp) want(t *testing.T, status int) *resp {
	t.Helper()
	if r.Code != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Code, status, r.body)
	}
	return r
}

// wantProblem checks an error response's status, code and field.
func (r *resp) wantProblem(t *testing.T, status int, code, field string) api.Problem {
	t.Helper()
	r.want(t, status)
	p := r.problem(t)
	if p.Code != code || p.Status != status || p.Field != field || p.Detail == "" || p.Type == "" {
		t.Fatalf("problem = %+v; want code %q field %q", p, code, field)
	}
	return p
}

func mustIssuer(t *testing.T, ts *testServer) string {
	t.Helper()
	var v struct{ ID string }
	ts.do(t, req{method: "POST", path: "/api/v1/issuers", body: map[string]any{"name": "Gophers of Lyon", "url": "https://gophers.example.org"}}).want(t, 201).JSON(t, &v)
	return v.ID
}

func mustAchievement(t *testing.T, ts *testServer, issuerID string, body map[string]any) map[string]any {
	t.Helper()
	in := map[string]any{"name": "Session Host", "description": "Hosted a session.", "criteria": "Host a session."}
	for k, v := range body {
		in[k] = v
	}
	var a map[string]any
	ts.do(t, req{method: "POST", path: "/api/v1/issuers/" + issuerID + "/achievements", body: in}).want(t, 201).JSON(t, &a)
	return a
}

// mustKey makes an API key with the given scopes and returns its token.
func mustKey(t *testing.T, ts *testServer, scopes ...badges.Scope) string {
	t.Helper()
	var k struct{ Key string }
	ts.do(t, req{method: "POST", path: "/api/v1/apikeys", body: map[string]any{"name": "test", "scopes": scopes}}).want(t, 201).JSON(t, &k)
	return k.Key
}

// testLogWriter sends the server's warnings and errors to the test log.
type testLogWriter struct{ t testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// testLogger sends the server's warnings and errors to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// testPasswordParams are cheap argon2id costs for the console's test
// accounts: hashes record their costs, so sign-in works the same, without
// spending 19 MiB and two passes on every account a test makes.
var testPasswordParams = badges.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var (
	loaderOnce sync.Once
	loader     *ob3.DocumentLoader
	loaderErr  error
)

// newLaurel wires Laurel on db as the program does, with keys sealed under
// a fixed test master key, an offline verifier and the JSON-LD contexts
// processed once per test binary.
func newLaurel(t testing.TB, db *database.DB) *wire.Laurel {
	t.Helper()
	return newLaurelWith(t, db, nil)
}

// newLaurelWith is newLaurel with a verifier that fetches through fetcher.
func newLaurelWith(t testing.TB, db *database.DB, fetcher *verifier.Fetcher) *wire.Laurel {
	t.Helper()
	loaderOnce.Do(func() { loader, loaderErr = ob3.NewDocumentLoader() })
	if loaderErr != nil {
		t.Fatal(loaderErr)
	}
	sealer, err := issuer.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	l, err := wire.New(db, wire.Config{BaseURL: baseURL, Sealer: sealer, Loader: loader, Fetcher: fetcher, Logger: testLogger(t),
		PasswordParams: testPasswordParams})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// newIssuing is another issuing service on db, as a second process has.
func newIssuing(t testing.TB, db *database.DB) *issuer.Service {
	t.Helper()
	return newLaurel(t, db).Issuing
}

// newAwarder is another recognition engine on db, making its awards
// through issuing.
func newAwarder(t testing.TB, db *database.DB, issuing *issuer.Service) *badges.Awarder {
	t.Helper()
	return wire.NewAwarder(wire.NewStores(db), issuing, nil)
}
