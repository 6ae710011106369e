package verifier

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer/ob3"
)

// The loader parses every embedded context, so the tests share one.
var (
	loaderOnce sync.Once
	loader     *ob3.DocumentLoader
	loaderErr  error
)

// MustLoader returns the shared JSON-LD document loader.
func MustLoader(tb testing.TB) *ob3.DocumentLoader {
	tb.Helper()
	loaderOnce.Do(func() { loader, loaderErr = ob3.NewDocumentLoader() })
	if loaderErr != nil {
		tb.Fatal(loaderErr)
	}
	return loader
}

// MustVerifier builds a Verifier.
func MustVerifier(tb testing.TB, o Options) *Verifier {
	tb.Helper()
	if o.Loader == nil {
		o.Loader = MustLoader(tb)
	}
	v, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// MustRead reads a file under testdata.
func MustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := readTestdata(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// readTestdata reads a file under testdata, named with slashes.
func readTestdata(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
}

// FixedClock returns a clock stopped at t.
func FixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// hostServer answers requests for other hosts' URLs from a table of
// testdata files, standing in for the network.
type hostServer struct {
	srv    *httptest.Server
	routes map[string]string // URL without fragment -> file under testdata
	mu     sync.Mutex
	hits   map[string]int
}

// MustHostServer starts a server answering the given routes; the Fetcher it
// returns sends every request there, whatever the URL's host.
func MustHostServer(tb testing.TB, routes map[string]string) (*hostServer, *Fetcher) {
	tb.Helper()
	h := &hostServer{routes: routes, hits: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	tb.Cleanup(h.srv.Close)
	target, err := url.Parse(h.srv.URL)
	if err != nil {
		tb.Fatal(err)
	}
	f := NewFetcher(FetcherOptions{AllowLoopback: true, Rewrite: func(u *url.URL) {
		u.Path = "/" + u.Scheme + "/" + u.Host + u.Path
		u.RawPath = ""
		u.Scheme, u.Host = target.Scheme, target.Host
	}})
	return h, f
}

func (h *hostServer) serve(w http.ResponseWriter, r *http.Request) {
	scheme, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	original := scheme + "://" + rest
	h.mu.Lock()
	h.hits[original]++
	h.mu.Unlock()
	file, ok := h.routes[original]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, err := readTestdata(file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	_, _ = w.Write(b)
}

func (h *hostServer) hitCount(url string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[url]
}

// findCheck returns the checks with the given id.
func findChecks(r *Report, id string) []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.ID == id {
			out = append(out, c)
		}
	}
	return out
}

// failures returns the failed checks of a report.
func failures(r *Report) []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Outcome == Fail {
			out = append(out, c)
		}
	}
	return out
}

// MustVerify runs Verify and fails the test on an error.
func MustVerify(tb testing.TB, v *Verifier, in Input) *Report {
	tb.Helper()
	r, err := v.Verify(context.Background(), in)
	if err != nil {
		tb.Fatalf("Verify: %v", err)
	}
	return r
}

// dump writes a report to the test log, to explain a failure.
func dump(tb testing.TB, r *Report) {
	tb.Helper()
	tb.Logf("verdict %s, format %s", r.Verdict, r.Format)
	for _, c := range r.Checks {
		tb.Logf("  %-12s %-7s %s", c.ID, c.Outcome, c.Message)
	}
}
