package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// httpTimeout bounds every request of these tests; it is generous because
// the embedded database is slow on small shared machines under -race.
const httpTimeout = 3 * time.Minute

// syncBuffer collects the server's logs, written from its goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMain runs a Laurel on a free loopback port with its data in dir and
// returns it with what it printed on stdout. It is closed when the test
// ends, and its logs are shown if the test failed.
func startMain(t *testing.T, dir string, mutate func(*Config)) (*Main, string) {
	t.Helper()
	return startMainWith(t, dir, mutate, nil)
}

// startMainWith is startMain with getenv, when not nil, as the environment
// Laurel reads beyond its configuration.
func startMainWith(t *testing.T, dir string, mutate func(*Config), getenv func(string) string) (*Main, string) {
	t.Helper()
	var stdout bytes.Buffer
	logs := &syncBuffer{}
	m := NewMain(&stdout, logs)
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DataDir = dir
	if mutate != nil {
		mutate(&m.Config)
	}
	if getenv != nil {
		m.getenv = getenv
	}
	// Registered first so that it runs after Close, with the whole log.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	if err := runStarting(t, m); err != nil {
		_ = m.Close()
		t.Fatalf("Run: %v\nlog:\n%s", err, logs.String())
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m, stdout.String()
}

// starting lets one Laurel at a time start in this test binary: starting
// the embedded engine writes a package variable of FerretDB's, which page
// tests running in parallel would otherwise race on.
var starting sync.Mutex

// runStarting runs m, taking its turn with the other tests' starts.
func runStarting(t *testing.T, m *Main) error {
	t.Helper()
	starting.Lock()
	defer starting.Unlock()
	return m.Run(t.Context())
}

var adminKeyRE = regexp.MustCompile(`lrl_[A-Za-z0-9_-]+`)

// adminKey finds the admin API key in what a first start printed.
func adminKey(t *testing.T, stdout string) string {
	t.Helper()
	key := adminKeyRE.FindString(stdout)
	if key == "" {
		t.Fatalf("no admin key (lrl_…) in the output:\n%s", stdout)
	}
	return key
}

// client talks to a running Laurel over real HTTP.
type client struct {
	base string
	key  string
	hc   *http.Client
}

func newClient(t *testing.T, base, key string) *client {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{base: base, key: key, hc: &http.Client{Timeout: httpTimeout, Transport: tr}}
}

// do sends a request (body JSON-encoded unless it is a []byte), checks the
// status and returns the response body.
func (c *client) do(t *testing.T, method, path, accept string, body any, want int) []byte {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode %s %s body: %v", method, path, err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, c.base+path, rd)
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body: %s", method, path, res.StatusCode, want, out)
	}
	return out
}

// json sends a request and decodes the JSON answer into a map.
func (c *client) json(t *testing.T, method, path string, body any, want int) map[string]any {
	t.Helper()
	out := c.do(t, method, path, "application/json", body, want)
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("%s %s: decode %q: %v", method, path, out, err)
	}
	return m
}

// str is a string field of a decoded object, failing the test if absent.
func str(t *testing.T, obj map[string]any, field string) string {
	t.Helper()
	s, ok := obj[field].(string)
	if !ok || s == "" {
		t.Fatalf("field %q missing or not a string in %v", field, obj)
	}
	return s
}

// total is the "total" of a list answer.
func total(t *testing.T, list map[string]any) int {
	t.Helper()
	n, ok := list["total"].(float64)
	if !ok {
		t.Fatalf("no numeric total in %v", list)
	}
	return int(n)
}

func wantField(t *testing.T, obj map[string]any, field, want string) {
	t.Helper()
	if got, _ := obj[field].(string); got != want {
		t.Errorf("%s = %q, want %q (in %v)", field, got, want, obj)
	}
}

func TestMain_RestartKeepsData(t *testing.T) {
	dir := t.TempDir()

	m1, out1 := startMain(t, dir, nil)
	key := adminKey(t, out1)
	c1 := newClient(t, m1.URL(), key)
	iss := c1.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Restart Guild", "url": "https://example.org"}, http.StatusCreated)
	issuerID := str(t, iss, "id")
	ach := c1.json(t, "POST", "/api/v1/issuers/"+issuerID+"/achievements", map[string]any{
		"name": "Survivor", "description": "Came back after a restart.",
		"criteria": "Be stored before a restart and read after it.", "status": "active",
	}, http.StatusCreated)
	achID := str(t, ach, "id")
	for _, mb := range []map[string]any{
		{"email": "first@example.org", "displayName": "First Member"},
		{"email": "second@example.org", "displayName": "Second Member"},
	} {
		c1.json(t, "POST", "/api/v1/issuers/"+issuerID+"/members", mb, http.StatusCreated)
	}
	if err := m1.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}

	m2, out2 := startMain(t, dir, nil)
	if k := adminKeyRE.FindString(out2); k != "" || strings.Contains(out2, "Admin API key") {
		t.Errorf("second start printed a new admin key:\n%s", out2)
	}
	c2 := newClient(t, m2.URL(), key)

	t.Run("the first admin key still works", func(t *testing.T) {
		c2.json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)
	})
	t.Run("issuer is intact", func(t *testing.T) {
		got := c2.json(t, "GET", "/api/v1/issuers/"+issuerID, nil, http.StatusOK)
		wantField(t, got, "name", "Restart Guild")
		wantField(t, got, "url", "https://example.org")
	})
	t.Run("achievement is intact", func(t *testing.T) {
		got := c2.json(t, "GET", "/api/v1/achievements/"+achID, nil, http.StatusOK)
		wantField(t, got, "name", "Survivor")
		wantField(t, got, "criteria", "Be stored before a restart and read after it.")
		wantField(t, got, "status", "active")
	})
	t.Run("public achievement page serves JSON-LD", func(t *testing.T) {
		body := c2.do(t, "GET", "/achievements/"+achID, "application/ld+json", nil, http.StatusOK)
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("decode JSON-LD %q: %v", body, err)
		}
		wantField(t, doc, "name", "Survivor")
	})
	t.Run("members are intact", func(t *testing.T) {
		list := c2.json(t, "GET", "/api/v1/issuers/"+issuerID+"/members", nil, http.StatusOK)
		if n := total(t, list); n != 2 {
			t.Errorf("members total = %d, want 2", n)
		}
		got := c2.json(t, "GET", "/api/v1/issuers/"+issuerID+"/members?email="+url.QueryEscape("second@example.org"), nil, http.StatusOK)
		items, _ := got["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("members with e-mail second@example.org: %v", got)
		}
		wantField(t, items[0].(map[string]any), "displayName", "Second Member")
	})
}

// memberCSV is a member import of n rows.
func memberCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("email,displayName\n")
	for i := range n {
		fmt.Fprintf(&b, "member%03d@example.org,Member %03d\n", i, i)
	}
	return b.Bytes()
}

// TestMain_GracefulShutdown holds an import request open across the start
// of Close: its body arrives in two halves, and the second half is sent
// only once the server has stopped accepting connections. The request must
// still complete, and every row must be there after a restart.
func TestMain_GracefulShutdown(t *testing.T) {
	const rows = 300
	dir := t.TempDir()
	m, out := startMain(t, dir, func(c *Config) { c.ShutdownTimeout = 5 * time.Minute })
	key := adminKey(t, out)
	c := newClient(t, m.URL(), key)
	issuerID := str(t, c.json(t, "POST", "/api/v1/issuers", map[string]any{"name": "Shutdown Club", "url": "https://example.org"}, http.StatusCreated), "id")

	u, err := url.Parse(m.URL())
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", u.Port())

	csv := memberCSV(rows)
	half := len(csv) / 2
	pr, pw := io.Pipe()
	// Ends a request left waiting for its body, so that Close need not wait.
	t.Cleanup(func() { pw.CloseWithError(errors.New("test ended")) })
	req, err := http.NewRequestWithContext(t.Context(), "POST", m.URL()+"/api/v1/issuers/"+issuerID+"/members/import", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+key)
	// With 100-continue the client sends no body byte before the handler
	// reads the body, so once the pipe takes the first half the request is
	// in the handler and shutdown must wait for it.
	req.Header.Set("Expect", "100-continue")
	tr := &http.Transport{ExpectContinueTimeout: httpTimeout}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: httpTimeout}

	type result struct {
		status int
		body   []byte
		err    error
	}
	done := make(chan result, 1)
	go func() {
		res, err := hc.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		done <- result{status: res.StatusCode, body: b, err: err}
	}()

	if _, err := pw.Write(csv[:half]); err != nil {
		t.Fatalf("write the first half of the CSV: %v", err)
	}

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	closeErr := sync.OnceValue(func() error { return <-closed })
	// On an early failure, end the request so that Close can return, and
	// wait for it before the cleanup's own Close runs.
	t.Cleanup(func() {
		pw.CloseWithError(errors.New("test ended"))
		_ = closeErr()
	})

	// Close has begun once the listener refuses connections.
	deadline := time.Now().Add(httpTimeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections long after Close was called")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("the import ended before its body was complete: status %d, err %v, body %s", r.status, r.err, r.body)
	case err := <-closed:
		closed <- err // for the cleanup's wait
		t.Fatalf("Close returned while a request was still in flight (err %v)", err)
	default:
	}

	if _, err := pw.Write(csv[half:]); err != nil {
		t.Fatalf("write the second half of the CSV during shutdown: %v", err)
	}
	pw.Close()

	r := <-done
	if r.err != nil {
		t.Fatalf("in-flight import failed during shutdown: %v", r.err)
	}
	if r.status != http.StatusOK {
		t.Fatalf("in-flight import: status %d, want 200; body %s", r.status, r.body)
	}
	var rep struct{ Created, Rejected int }
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatalf("decode import report %q: %v", r.body, err)
	}
	if rep.Created != rows || rep.Rejected != 0 {
		t.Errorf("import report: created %d, rejected %d; want %d and 0", rep.Created, rep.Rejected, rows)
	}
	if err := closeErr(); err != nil {
		t.Fatalf("Close during an import: %v", err)
	}

	m2, _ := startMain(t, dir, nil)
	c2 := newClient(t, m2.URL(), key)
	list := c2.json(t, "GET", "/api/v1/issuers/"+issuerID+"/members", nil, http.StatusOK)
	if n := total(t, list); n != rows {
		t.Errorf("after restart: %d members, want %d", n, rows)
	}
	last := fmt.Sprintf("member%03d@example.org", rows-1)
	got := c2.json(t, "GET", "/api/v1/issuers/"+issuerID+"/members?email="+url.QueryEscape(last), nil, http.StatusOK)
	if n := total(t, got); n != 1 {
		t.Errorf("after restart: %d members with the last row's e-mail %s, want 1", n, last)
	}
}

func TestRun_Help(t *testing.T) {
	flags := map[string]bool{}
	(&Config{}).flagSet(io.Discard).VisitAll(func(f *flag.Flag) { flags[f.Name] = true })
	if len(flags) == 0 {
		t.Fatal("the flag set has no flags")
	}
	noEnv := func(string) string { return "" }

	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, noEnv, nil, &stdout, &stderr)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("run(%q) = %v, want flag.ErrHelp", args, err)
			}
			lines := strings.Split(stdout.String(), "\n")
			for name := range flags {
				if !flagListed(lines, name, envName(name)) {
					t.Errorf("help does not list -%s with %s:\n%s", name, envName(name), stdout.String())
				}
			}
		})
	}

	t.Run("unknown command errors", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{"frobnicate"}, noEnv, nil, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), "frobnicate") {
			t.Fatalf("run(frobnicate) = %v, want an error naming the command", err)
		}
	})

	for _, tc := range []struct{ env, value, mention string }{
		{"LAUREL_LOG_FORMAT", "xml", "log-format"},
		{"LAUREL_REQUEST_TIMEOUT", "soon", "LAUREL_REQUEST_TIMEOUT"},
		{"LAUREL_MAX_BODY_BYTES", "lots", "LAUREL_MAX_BODY_BYTES"},
		{"LAUREL_DATA_SYNC", "sometimes", "data-sync"},
	} {
		t.Run("bad "+tc.env+" errors", func(t *testing.T) {
			getenv := func(k string) string {
				if k == tc.env {
					return tc.value
				}
				return ""
			}
			// Should parsing wrongly succeed, the server must not stay up or
			// touch shared places: a cancelled context, a free port, a temp dir.
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			var stdout, stderr bytes.Buffer
			err := run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-data-dir", t.TempDir()}, getenv, nil, &stdout, &stderr)
			if err == nil {
				t.Fatalf("run with %s=%s succeeded", tc.env, tc.value)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.mention) && !strings.Contains(msg, tc.env) {
				t.Errorf("error %q names neither %s nor its flag", msg, tc.env)
			}
		})
	}

	t.Run("command-line flag wins over its env twin", func(t *testing.T) {
		env := map[string]string{"LAUREL_ADDR": "127.0.0.1:7777", "LAUREL_LOG_LEVEL": "debug", "LAUREL_DEMO": "true"}
		var c Config
		if err := c.parse([]string{"-addr", "127.0.0.1:9999", "-demo=false"}, func(k string) string { return env[k] }, io.Discard); err != nil {
			t.Fatalf("parse: %v", err)
		}
		if c.Addr != "127.0.0.1:9999" {
			t.Errorf("Addr = %q, want the flag's 127.0.0.1:9999", c.Addr)
		}
		if c.Demo {
			t.Error("Demo = true, want the flag's false over LAUREL_DEMO=true")
		}
		if c.LogLevel != "debug" {
			t.Errorf("LogLevel = %q, want debug from LAUREL_LOG_LEVEL", c.LogLevel)
		}
	})
}

// flagListed reports whether the usage lines show -name with its env twin
// on the flag's own line or the description line after it.
func flagListed(lines []string, name, env string) bool {
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 || (f[0] != "-"+name && f[0] != "--"+name) {
			continue
		}
		if strings.Contains(l, env) || (i+1 < len(lines) && strings.Contains(lines[i+1], env)) {
			return true
		}
	}
	return false
}

var demoRE = regexp.MustCompile(`Demo community created: (\S+)`)

func TestMain_Demo(t *testing.T) {
	dir := t.TempDir()
	demo := func(c *Config) { c.Demo = true }

	m1, out1 := startMain(t, dir, demo)
	key := adminKey(t, out1)
	match := demoRE.FindStringSubmatch(out1)
	if match == nil {
		t.Fatalf("no \"Demo community created: <url>\" in the output:\n%s", out1)
	}
	if !strings.HasPrefix(match[1], m1.URL()+"/issuers/") {
		t.Errorf("demo URL %q is not an issuer page under %s", match[1], m1.URL())
	}
	c1 := newClient(t, m1.URL(), key)
	page := c1.do(t, "GET", strings.TrimPrefix(match[1], m1.URL()), "text/html", nil, http.StatusOK)
	if !bytes.Contains(page, []byte("Demo Community")) {
		t.Errorf("the demo issuer page does not show the community's name:\n%s", page)
	}
	if n := total(t, c1.json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)); n != 2 {
		t.Errorf("issuers after seeding = %d, want 2: the demo community and the second one", n)
	}
	// The rules awarded badges from the generated activity, up the pathway.
	profile := c1.do(t, "GET", "/members/ada", "text/html", nil, http.StatusOK)
	for _, badge := range []string{"Welcome Aboard", "Regular Attendee", "Session Host", "Mentor", "Community Leader"} {
		if !bytes.Contains(profile, []byte(badge)) {
			t.Errorf("the demo member's profile lacks %q", badge)
		}
	}
	spotlight := c1.do(t, "GET", strings.TrimPrefix(match[1], m1.URL())+"/spotlight", "text/html", nil, http.StatusOK)
	if !bytes.Contains(spotlight, []byte("In the spotlight")) || !bytes.Contains(spotlight, []byte("Most engaged in the last four weeks")) {
		t.Errorf("the demo spotlight is empty:\n%s", spotlight)
	}
	checkDemoAwards(t, c1, match[1], profile)
	checkDemoInsights(t, c1, match[1])
	checkDemoLiving(t, c1, match[1])
	checkDemoIntegrations(t, c1, match[1])
	// Nominations wait for a manager's decision in the console.
	issuerPath := "/api/v1" + strings.TrimPrefix(match[1], m1.URL())
	if n := total(t, c1.json(t, "GET", issuerPath+"/nominations?status=pending", nil, http.StatusOK)); n != len(demoNominations) {
		t.Errorf("pending demo nominations = %d, want %d", n, len(demoNominations))
	}
	if err := m1.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkDemoAttendanceJob(t, dir, strings.TrimPrefix(match[1], m1.URL()+"/issuers/"))

	m2, out2 := startMain(t, dir, demo)
	if strings.Contains(out2, "Demo community created") {
		t.Errorf("second start seeded again:\n%s", out2)
	}
	c2 := newClient(t, m2.URL(), key)
	if n := total(t, c2.json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)); n != 2 {
		t.Errorf("issuers after a second demo start = %d, want 2", n)
	}
	if err := m2.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// "laurel demo" adds the demo's two communities to the same database.
	out, err := runCmd(t, "demo", "-data-dir", dir)
	if err != nil || !strings.Contains(out, "Demo member profile: http://localhost:8080/members/ada-") {
		t.Fatalf("laurel demo: %v\n%s", err, out)
	}
	m3, _ := startMain(t, dir, nil)
	if n := total(t, newClient(t, m3.URL(), key).json(t, "GET", "/api/v1/issuers", nil, http.StatusOK)); n != 4 {
		t.Errorf("issuers after laurel demo = %d, want 4", n)
	}
}

// TestDebugAddr serves the profiler on its own address only.
func TestDebugAddr(t *testing.T) {
	m, _ := startMain(t, t.TempDir(), func(c *Config) { c.DebugAddr = "127.0.0.1:0" })
	resp, err := http.Get("http://" + m.debugAddr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("profiler: %s", resp.Status)
	}
	resp, err = http.Get(m.URL() + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the public address serves the profiler: %s", resp.Status)
	}
}
