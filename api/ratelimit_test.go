package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/verifier"
)

func mustCIDR(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestVerify_RateLimitBehindProxy: at one verification in five seconds, a
// client's second is refused. X-Forwarded-For tells clients apart only on
// connections from a trusted proxy; from anyone else it is ignored, so a
// client cannot escape its limit by writing a new address in it each time.
func TestVerify_RateLimitBehindProxy(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) {
		c.VerifyRate = 0.2 // bursts of one
		c.TrustedProxies = []*net.IPNet{mustCIDR(t, "10.1.0.0/16")}
	})
	direct := newTestServer(t, func(c *api.Config) { c.VerifyRate = 0.2 })
	verify := func(t *testing.T, ts *testServer, remote, forwardedFor string) int {
		t.Helper()
		q := req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": "x.y.z"}, remote: remote}
		if forwardedFor != "" {
			q.header = http.Header{"X-Forwarded-For": {forwardedFor}}
		}
		return ts.do(t, q).Code
	}
	t.Run("clients behind the trusted proxy are told apart", func(t *testing.T) {
		for i := range 4 {
			client := fmt.Sprintf("198.51.100.%d", i+1)
			if code := verify(t, ts, "10.1.0.5:4000", client+", 10.1.0.9"); code == http.StatusTooManyRequests {
				t.Fatalf("client %s's first verification through the proxy was refused", client)
			}
		}
		if code := verify(t, ts, "10.1.0.5:4000", "198.51.100.1"); code != http.StatusTooManyRequests {
			t.Fatalf("client 198.51.100.1's second verification through the proxy → %d, want 429", code)
		}
	})
	// escapes reports whether a client at remote, writing a new address in
	// X-Forwarded-For each time, gets four verifications through.
	escapes := func(t *testing.T, ts *testServer, remote string) bool {
		t.Helper()
		for i := range 4 {
			if verify(t, ts, remote, fmt.Sprintf("192.0.2.%d", i+1)) == http.StatusTooManyRequests {
				return false
			}
		}
		return true
	}
	t.Run("a forged header from anyone else is ignored", func(t *testing.T) {
		if escapes(t, ts, "203.0.113.9:5000") {
			t.Fatal("a client escaped its limit with a new X-Forwarded-For each time")
		}
	})
	t.Run("without trusted proxies, not even a private address is believed", func(t *testing.T) {
		if escapes(t, direct, "10.1.0.5:4000") {
			t.Fatal("X-Forwarded-For was believed from a proxy nobody listed")
		}
	})
}

// TestVerify_RateLimitIPv6Network: at one verification in five seconds,
// a client moving through the addresses of its IPv6 /64 is refused its
// second, as is an IPv4 client writing its address as IPv6; the next /64
// is another client.
func TestVerify_RateLimitIPv6Network(t *testing.T) {
	ts := newTestServer(t, func(c *api.Config) { c.VerifyRate = 0.2 })
	verify := func(remote string) int {
		return ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", body: map[string]any{"credential": "x.y.z"}, remote: remote}).Code
	}
	for _, client := range [][]string{
		{"[2001:db8:1:2::1]:4000", "[2001:db8:1:2::2]:4001", "[2001:db8:1:2:ffff:ffff:ffff:ffff]:4002"},
		{"198.51.100.1:4000", "[::ffff:198.51.100.1]:4001"},
	} {
		if code := verify(client[0]); code == http.StatusTooManyRequests {
			t.Fatalf("the first verification from %s was refused", client[0])
		}
		for _, remote := range client[1:] {
			if code := verify(remote); code != http.StatusTooManyRequests {
				t.Errorf("a second verification from %s, after %s → %d, want 429", remote, client[0], code)
			}
		}
	}
	if code := verify("[2001:db8:1:3::1]:4000"); code == http.StatusTooManyRequests {
		t.Error("the next /64 was refused with the first")
	}
}

// blockingOrigin is a web server that answers with a document only once
// released, so that verifications fetching from it stay in progress.
type blockingOrigin struct {
	*httptest.Server
	document []byte
	arrived  chan struct{}
	release  chan struct{}
	once     sync.Once
}

func newBlockingOrigin(t *testing.T, document []byte) *blockingOrigin {
	o := &blockingOrigin{document: document, arrived: make(chan struct{}, 16), release: make(chan struct{})}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.arrived <- struct{}{}
		select {
		case <-o.release:
			w.Header().Set("Content-Type", "application/vc+ld+json")
			w.Write(o.document)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { o.open(); o.Close() })
	return o
}

func (o *blockingOrigin) open() { o.once.Do(func() { close(o.release) }) }

// TestVerify_InFlightLimit holds two real verifications of one client in
// progress (the verifier is fetching the credential from a server that
// does not answer yet) and checks that the client's third is refused at
// once while another client's goes through.
func TestVerify_InFlightLimit(t *testing.T) {
	fetcher := verifier.NewFetcher(verifier.FetcherOptions{AllowLoopback: true, Timeout: 10 * time.Second})
	ts := newTestServerWith(t, mongotest.NewDB(t), fetcher, func(c *api.Config) { c.VerifyInFlight = 2 })
	cred := mustCredential(t, ts)
	origin := newBlockingOrigin(t, mustJSON(t, cred.Credential))
	byURL := req{method: "POST", path: "/api/v1/verify", token: "-", remote: "198.51.100.7:1000",
		body: map[string]any{"url": origin.URL + "/credentials/1"}}

	var held sync.WaitGroup
	answers := make(chan *httptest.ResponseRecorder, 2)
	for range 2 {
		held.Add(1)
		go func() {
			defer held.Done()
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, httpRequest(t, byURL))
			answers <- w
		}()
	}
	for range 2 {
		select {
		case <-origin.arrived:
		case <-time.After(10 * time.Second):
			t.Fatal("the verifications never reached the origin")
		}
	}
	r := ts.do(t, byURL)
	p := r.wantProblem(t, http.StatusTooManyRequests, "rate_limited", "")
	if r.Header().Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After: %+v", p)
	}
	other := ts.do(t, req{method: "POST", path: "/api/v1/verify", token: "-", remote: "198.51.100.8:1000",
		body: map[string]any{"credential": cred.JWT}}).want(t, 200)
	var rep reportView
	if other.JSON(t, &rep); rep.Verdict != "valid" {
		t.Fatalf("another client's verification: %+v", rep)
	}

	origin.open()
	held.Wait()
	close(answers)
	for w := range answers {
		var rep reportView
		if err := json.Unmarshal(w.Body.Bytes(), &rep); w.Code != http.StatusOK || err != nil || rep.Format != "url" || rep.outcome("proof") != "pass" {
			t.Fatalf("a held verification ended with %d: %s", w.Code, w.Body)
		}
	}
	q := byURL
	q.body = map[string]any{"credential": cred.JWT}
	ts.do(t, q).want(t, 200)
}

// httpRequest builds a request of a JSON body, for goroutines, where
// ts.do (which may fail the test) cannot run.
func httpRequest(t *testing.T, q req) *http.Request {
	body, err := json.Marshal(q.body)
	if err != nil {
		t.Error(err)
	}
	r := httptest.NewRequest(q.method, q.path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = q.remote
	return r
}
