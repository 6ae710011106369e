package verifier

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRefusedAddr covers the address classes the dialer refuses.
func TestRefusedAddr(t *testing.T) {
	for _, tc := range []struct {
		addr          string
		allowLoopback bool
		refused       bool
	}{
		{"93.184.216.34", false, false},
		{"2606:2800:220:1:248:1893:25c8:1946", false, false},
		{"127.0.0.1", false, true},
		{"127.0.0.1", true, false},
		{"::1", false, true},
		{"::1", true, false},
		{"::ffff:127.0.0.1", false, true},
		{"10.1.2.3", false, true},
		{"10.1.2.3", true, true},
		{"172.16.0.1", true, true},
		{"192.168.1.1", false, true},
		{"::ffff:192.168.1.1", false, true},
		{"169.254.169.254", true, true},
		{"fe80::1", false, true},
		{"fc00::1", false, true},
		{"224.0.0.1", false, true},
		{"ff02::1", false, true},
		{"0.0.0.0", true, true},
		{"::", true, true},
		{"100.64.0.1", false, true},
		{"255.255.255.255", false, true},
		{"64:ff9b::a00:1", false, true},
		{"2002:a00:1::", false, true},
		// Documentation ranges.
		{"192.0.2.10", false, true},
		{"198.51.100.10", false, true},
		{"203.0.113.10", false, true},
		{"2001:db8::1", false, true},
		// IPv4-compatible IPv6 (::a.b.c.d), whatever the IPv4 address.
		{"::a00:1", false, true},
		{"::5db8:d822", false, true},
		{"::127.0.0.1", true, true},
		// IPv4-mapped IPv6 is judged by the IPv4 rules.
		{"::ffff:93.184.216.34", false, false},
		{"::ffff:169.254.169.254", false, true},
		{"::ffff:100.64.0.1", false, true},
		{"::ffff:192.0.2.10", false, true},
		{"::ffff:203.0.113.10", false, true},
		{"::ffff:127.0.0.1", true, false},
	} {
		name := tc.addr
		if tc.allowLoopback {
			name += "/loopback allowed"
		}
		t.Run(name, func(t *testing.T) {
			got := refusedAddr(netip.MustParseAddr(tc.addr), GuardOptions{AllowLoopback: tc.allowLoopback}) != ""
			if got != tc.refused {
				t.Fatalf("refused = %v, want %v", got, tc.refused)
			}
		})
	}
}

// TestFetcher_DefaultRefusesPrivate proves that a Fetcher with default
// options never connects to loopback or private addresses.
func TestFetcher_DefaultRefusesPrivate(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetcherOptions{Timeout: time.Second})
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/", "http://10.0.0.1/", "http://[::1]:" + port + "/", "http://[::ffff:10.0.0.1]/"} {
		t.Run(u, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), u, KindKey, "application/json")
			if !errors.Is(err, ErrFetchRefused) {
				t.Fatalf("err = %v, want ErrFetchRefused", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server was reached %d times", n)
	}
}

// TestFetcher_URLs refuses what is not a plain public http(s) URL.
func TestFetcher_URLs(t *testing.T) {
	f := NewFetcher(FetcherOptions{AllowLoopback: true})
	for _, u := range []string{"ftp://example.org/x", "file:///etc/passwd", "https://user:pass@example.org/", "https:///nohost", "javascript:alert(1)", "relative/path", "gopher://example.org/"} {
		t.Run(u, func(t *testing.T) {
			if _, _, err := f.Fetch(context.Background(), u, KindKey, "*/*"); !errors.Is(err, ErrFetchRefused) {
				t.Fatalf("err = %v, want ErrFetchRefused", err)
			}
		})
	}
}

// redirectServer redirects /r/<n> to /r/<n-1> and answers /r/0, or
// redirects /away to the given location.
func redirectServer(t *testing.T, away string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, away, http.StatusFound)
			return
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/r/"))
		if n > 0 {
			http.Redirect(w, r, "/r/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFetcher_Redirects(t *testing.T) {
	for _, tc := range []struct {
		name, path, away string
		refused          bool
	}{
		{"OK/three redirects", "/r/3", "", false},
		{"four redirects", "/r/4", "", true},
		{"to a private address", "/away", "http://10.0.0.1/key", true},
		{"to another scheme", "/away", "ftp://example.org/key", true},
		{"to credentials", "/away", "http://user:pw@127.0.0.1/", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := redirectServer(t, tc.away)
			f := NewFetcher(FetcherOptions{AllowLoopback: true, Timeout: 2 * time.Second})
			body, _, err := f.Fetch(context.Background(), srv.URL+tc.path, KindCredential, "application/json")
			if tc.refused != (err != nil) {
				t.Fatalf("err = %v, body %q; refused want %v", err, body, tc.refused)
			}
			if err != nil && !errors.Is(err, ErrFetchRefused) {
				t.Fatalf("err = %v, want ErrFetchRefused", err)
			}
		})
	}
}

func TestFetcher_Limits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		case "/missing":
			http.NotFound(w, r)
			return
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		_, _ = w.Write([]byte(strings.Repeat("x", n)))
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetcherOptions{AllowLoopback: true, MaxBytes: 100, Timeout: 100 * time.Millisecond})
	for _, tc := range []struct {
		name, path string
		ok         bool
	}{
		{"OK/at the cap", "/?n=100", true},
		{"over the cap", "/?n=101", false},
		{"too slow", "/slow?n=1", false},
		{"not found", "/missing", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), srv.URL+tc.path, KindCredential, "*/*")
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
		})
	}
}

func TestFetcher_Cache(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
		_, _ = w.Write([]byte(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	f := NewFetcher(FetcherOptions{AllowLoopback: true, CacheEntries: 2})
	now := time.Now()
	f.cache.now = func() time.Time { return now }
	fetch := func(path string, kind FetchKind) {
		t.Helper()
		body, mt, err := f.Fetch(context.Background(), srv.URL+path, kind, "*/*")
		if want, _, _ := strings.Cut(path, "#"); err != nil || string(body) != want || mt != "application/ld+json" {
			t.Fatalf("Fetch(%s) = %q, %q, %v", path, body, mt, err)
		}
	}
	for _, step := range []struct {
		name  string
		path  string
		kind  FetchKind
		later time.Duration
		hits  int32
	}{
		{"key fetched", "/key#frag", KindKey, 0, 1},
		{"key cached, fragment ignored", "/key", KindKey, 0, 1},
		{"credential never cached", "/cred", KindCredential, 0, 2},
		{"credential fetched again", "/cred", KindCredential, 0, 3},
		{"status fetched", "/status", KindStatus, 0, 4},
		{"status cached", "/status", KindStatus, 59 * time.Second, 4},
		{"status expired after 60 s", "/status", KindStatus, 2 * time.Second, 5},
		{"key still cached", "/key", KindKey, 0, 5},
		{"key expired after 10 min", "/key", KindKey, 10 * time.Minute, 6},
	} {
		now = now.Add(step.later)
		fetch(step.path, step.kind)
		if got := hits.Load(); got != step.hits {
			t.Fatalf("%s: %d requests, want %d", step.name, got, step.hits)
		}
	}
	fetch("/another", KindKey)
	fetch("/yet-another", KindKey)
	if n := f.cache.len(); n > 2 {
		t.Fatalf("cache holds %d entries, bound is 2", n)
	}
}

// TestVerifier_LocalFirst proves that URLs Local answers never reach the
// network, even with a Fetcher.
func TestVerifier_LocalFirst(t *testing.T) {
	hosts, f := MustHostServer(t, conformanceHosts)
	local := localFiles{"https://example.com/issuers/876543": "hosts/example.com-issuers-876543.json"}
	v := MustVerifier(t, Options{Fetcher: f, Local: local, Now: FixedClock(conformanceClock)})
	r := MustVerify(t, v, Input{Data: MustRead(t, "validator/simple.json")})
	if r.Verdict != Valid {
		dump(t, r)
		t.Fatalf("verdict %s, want valid", r.Verdict)
	}
	if n := hosts.hitCount("https://example.com/issuers/876543"); n != 0 {
		t.Fatalf("the network was asked %d times for a local document", n)
	}
}

// localFiles answers URLs from testdata files.
type localFiles map[string]string

func (l localFiles) Document(_ context.Context, u string) ([]byte, string, bool, error) {
	file, ok := l[u]
	if !ok {
		return nil, "", false, nil
	}
	b, err := readTestdata(file)
	return b, "application/ld+json", true, err
}

func TestRewrite_KeepsOtherRequestsIntact(t *testing.T) {
	var seen atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Store(r.URL.Path) }))
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	f := NewFetcher(FetcherOptions{AllowLoopback: true, Rewrite: func(u *url.URL) {
		u.Path = "/" + u.Host + u.Path
		u.Scheme, u.Host = target.Scheme, target.Host
	}})
	if _, _, err := f.Fetch(context.Background(), "https://example.net/a/b", KindKey, "*/*"); err != nil {
		t.Fatal(err)
	}
	if got := seen.Load(); got != "/example.net/a/b" {
		t.Fatalf("the server saw %v", got)
	}
}

// TestFetcher_SameErrorOpenOrClosed: a port that refuses the connection, one
// that accepts and hangs up, one that answers something other than HTTP and
// one that never answers all give the same error, so that verifying cannot
// be used to scan ports.
func TestFetcher_SameErrorOpenOrClosed(t *testing.T) {
	f := NewFetcher(FetcherOptions{AllowLoopback: true, Timeout: 300 * time.Millisecond})
	listen := func(t *testing.T, serve func(net.Conn)) string {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() { defer c.Close(); serve(c) }()
			}
		}()
		return ln.Addr().String()
	}
	closedPort := func(t *testing.T) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return addr
	}
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	messages := map[string]string{}
	for name, addr := range map[string]func(t *testing.T) string{
		"closed":   closedPort,
		"hangs up": func(t *testing.T) string { return listen(t, func(net.Conn) {}) },
		"not HTTP": func(t *testing.T) string {
			return listen(t, func(c net.Conn) { _, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n")) })
		},
		"never answers": func(t *testing.T) string { return listen(t, func(net.Conn) { <-hold }) },
	} {
		host := addr(t)
		_, _, err := f.Fetch(context.Background(), "http://"+host+"/key", KindKey, "application/json")
		if err == nil {
			t.Fatalf("%s: fetched", name)
		}
		messages[name] = strings.ReplaceAll(err.Error(), host, "HOST")
	}
	for name, msg := range messages {
		if msg != messages["closed"] {
			t.Errorf("%s: %q; a closed port gives %q", name, msg, messages["closed"])
		}
	}
}

// TestFetcher_StoppedDuringBody: a caller that stops waiting (cancelled, or
// past its own deadline) while the body is read gets its context's error,
// not a report that the host could not be reached.
func TestFetcher_StoppedDuringBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		want error
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"cancelled", context.Canceled, func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) }},
		{"deadline", context.DeadlineExceeded, func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 300*time.Millisecond)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, stop := tc.ctx()
			defer stop()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "100")
				_, _ = w.Write([]byte(`{"partial":`))
				w.(http.Flusher).Flush()
				// The headers are on their way: the fetcher is reading the
				// body when the caller stops.
				time.Sleep(100 * time.Millisecond)
				if tc.want == context.Canceled {
					stop()
				}
				<-r.Context().Done()
			}))
			t.Cleanup(srv.Close)
			f := NewFetcher(FetcherOptions{AllowLoopback: true, Timeout: 5 * time.Second})
			_, _, err := f.Fetch(ctx, srv.URL+"/list", KindStatus, "application/json")
			if !errors.Is(err, tc.want) || strings.Contains(err.Error(), "could not be reached") {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
