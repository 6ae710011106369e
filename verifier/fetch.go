package verifier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Fetcher defaults.
const (
	DefaultFetchTimeout  = 5 * time.Second
	DefaultFetchMaxBytes = 1 << 20
	DefaultStatusTTL     = 60 * time.Second
	DefaultKeyTTL        = 10 * time.Minute
	DefaultCacheEntries  = 512
	maxRedirects         = 3
)

// ErrFetchRefused is matched by the errors of a URL or address the Fetcher
// will not contact: not http(s), credentials in the URL, too many
// redirects, or an address inside a private network.
var ErrFetchRefused = errors.New("verifier: fetch refused")

// ErrUnreachable is matched by the error of a document that could not be
// fetched: a network failure, a timeout, an unknown host, a refused
// address, an answer other than 200, or an offline folder that does not
// hold it. A check that needs such a document reports Unreachable: the
// document may well be fine, it just could not be had.
var ErrUnreachable = errors.New("verifier: the document could not be fetched")

// unreachableError is a document that could not be fetched, and why.
type unreachableError struct {
	url string
	err error
}

func (e *unreachableError) Error() string   { return e.err.Error() }
func (e *unreachableError) Unwrap() []error { return []error{ErrUnreachable, e.err} }

// couldNotFetch marks err as the failure to fetch rawURL.
func couldNotFetch(rawURL string, err error) error {
	return &unreachableError{url: rawURL, err: err}
}

// unreachableHost is the host of the document err says could not be
// fetched, if it does.
func unreachableHost(err error) (string, bool) {
	var u *unreachableError
	if !errors.As(err, &u) {
		return "", false
	}
	if p, perr := url.Parse(u.url); perr == nil && p.Hostname() != "" {
		return p.Hostname(), true
	}
	return "", true
}

// refusal is a refused fetch, in words fit for a report.
type refusal struct{ reason string }

func refused(format string, args ...any) error { return &refusal{reason: fmt.Sprintf(format, args...)} }

func (e *refusal) Error() string        { return "not fetched: " + e.reason }
func (e *refusal) Is(target error) bool { return target == ErrFetchRefused }

// FetchKind says what a fetched document is, which sets how long it is
// cached.
type FetchKind int

// Kinds of fetched documents.
const (
	KindCredential FetchKind = iota // never cached: the caller asked for it now
	KindKey                         // keys, JWK sets, DID and controller documents
	KindStatus                      // status lists and revocation lists
)

// FetcherOptions configure a Fetcher; zero values take the defaults.
type FetcherOptions struct {
	// AllowLoopback lets the Fetcher reach 127.0.0.0/8 and ::1, for tests
	// against local servers. Private and link-local addresses stay refused.
	AllowLoopback bool
	Timeout       time.Duration // per request, redirects included
	MaxBytes      int64         // response body cap
	StatusTTL     time.Duration // cache lifetime of status lists
	KeyTTL        time.Duration // cache lifetime of keys and DID documents
	CacheEntries  int           // cache bound
	// Offline, if set, answers every fetch from this folder, through its
	// MANIFEST.json, and never from the network (see OpenOffline).
	Offline *Offline
	// Rewrite, if set, changes each request's URL just before it is sent.
	// It exists for tests that serve other hosts' documents from a local
	// server; production code leaves it nil.
	Rewrite func(*url.URL)
}

// Fetcher is the one HTTP client of the verifier: every outbound request
// goes through it, bounded in time and size, never to a private address.
type Fetcher struct {
	client   *http.Client
	timeout  time.Duration
	maxBytes int64
	ttl      map[FetchKind]time.Duration
	cache    *cache
	offline  *Offline
}

// NewFetcher makes a Fetcher.
func NewFetcher(o FetcherOptions) *Fetcher {
	o = o.withDefaults()
	var rt http.RoundTripper = NewGuardedTransport(GuardOptions{AllowLoopback: o.AllowLoopback, Timeout: o.Timeout})
	if o.Rewrite != nil {
		rt = rewriter{next: rt, rewrite: o.Rewrite}
	}
	client := &http.Client{Transport: rt, Timeout: o.Timeout, CheckRedirect: checkRedirect}
	return &Fetcher{
		client:   client,
		timeout:  o.Timeout,
		maxBytes: o.MaxBytes,
		ttl:      map[FetchKind]time.Duration{KindKey: o.KeyTTL, KindStatus: o.StatusTTL},
		cache:    newCache(o.CacheEntries),
		offline:  o.Offline,
	}
}

func (o FetcherOptions) withDefaults() FetcherOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultFetchMaxBytes
	}
	if o.StatusTTL <= 0 {
		o.StatusTTL = DefaultStatusTTL
	}
	if o.KeyTTL <= 0 {
		o.KeyTTL = DefaultKeyTTL
	}
	if o.CacheEntries <= 0 {
		o.CacheEntries = DefaultCacheEntries
	}
	return o
}

// Fetch GETs a URL with the given Accept header and returns the body and
// its media type. Only a 200 response is a success; successes are cached by
// kind. An error that says the document could not be had (rather than that
// the URL is not one to fetch, or its answer too large) matches
// ErrUnreachable.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, kind FetchKind, accept string) ([]byte, string, error) {
	u, err := checkURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	u.Fragment = ""
	if f.offline != nil {
		return f.offline.document(u)
	}
	key := accept + " " + u.String()
	if e, ok := f.cache.get(key); ok {
		return e.body, e.mediaType, nil
	}
	reqCtx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", refused("%v", err)
	}
	req.Header.Set("Accept", accept)
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", couldNotFetch(u.String(), fetchError(ctx, u.Host, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", couldNotFetch(u.String(), fmt.Errorf("%s answered %s", u.Host, resp.Status))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, "", couldNotFetch(u.String(), fetchError(ctx, u.Host, err))
	}
	if int64(len(body)) > f.maxBytes {
		return nil, "", fmt.Errorf("the response from %s is larger than %d bytes", u.Host, f.maxBytes)
	}
	mediaType, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ttl := f.ttl[kind]; ttl > 0 {
		f.cache.put(key, entry{body: body, mediaType: mediaType}, ttl)
	}
	return body, mediaType, nil
}

// fetchError says why a request failed, briefly: the report shows it. A
// refused connection, a timeout, a reset or an answer that is not HTTP all
// read the same, so that the verifier cannot be used to tell open ports
// from closed ones. A caller that stopped waiting (ctx cancelled or past
// its deadline) learns that instead: it says nothing of the host.
func fetchError(ctx context.Context, host string, err error) error {
	var r *refusal
	var dns *net.DNSError
	switch {
	case ctx.Err() != nil:
		return &stoppedError{host: host, err: ctx.Err()}
	case errors.As(err, &r):
		return r
	case errors.As(err, &dns):
		return fmt.Errorf("%s: no such host", host)
	case errors.Is(err, context.Canceled):
		return err
	}
	return unreachable(host)
}

// stoppedError is a fetch the caller stopped waiting for; it matches
// context.Canceled or context.DeadlineExceeded, as the caller's context
// ended.
type stoppedError struct {
	host string
	err  error
}

func (e *stoppedError) Error() string {
	return "the verification was stopped before " + e.host + " answered"
}

func (e *stoppedError) Unwrap() error { return e.err }

func unreachable(host string) error {
	return fmt.Errorf("%s could not be reached, or did not answer in time", host)
}

// checkURL admits absolute http(s) URLs with a host and no user information.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, refused("%q is not a URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, refused("only http and https URLs are fetched, not %q", u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, refused("%q has no host", raw)
	}
	if u.User != nil {
		return nil, refused("URLs with credentials are not fetched")
	}
	return u, nil
}

// checkRedirect follows at most maxRedirects redirects, each to a URL that
// passes the same checks as the first; the dialer re-checks its address.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return refused("more than %d redirects", maxRedirects)
	}
	_, err := checkURL(req.URL.String())
	return err
}

// rewriter applies FetcherOptions.Rewrite to every request, redirects
// included.
type rewriter struct {
	next    http.RoundTripper
	rewrite func(*url.URL)
}

func (rw rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	u := *req.URL
	rw.rewrite(&u)
	r.URL = &u
	r.Host = ""
	return rw.next.RoundTrip(r)
}

// cache keeps fetched documents in memory for a while. It is bounded: when
// full, expired entries go first, then the one closest to expiry.
type cache struct {
	mu      sync.Mutex
	max     int
	entries map[string]entry
	now     func() time.Time
}

type entry struct {
	body      []byte
	mediaType string
	expires   time.Time
}

func newCache(max int) *cache {
	return &cache{max: max, entries: make(map[string]entry), now: time.Now}
}

func (c *cache) get(key string) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return entry{}, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, key)
		return entry{}, false
	}
	return e, true
}

func (c *cache) put(key string, e entry, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	e.expires = now.Add(ttl)
	if _, exists := c.entries[key]; !exists && len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[key] = e
}

// evict makes room for one entry. It scans the whole map, which is small and
// bounded, rather than keeping an expiry heap.
func (c *cache) evict(now time.Time) {
	var victim string
	var soonest time.Time
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		if victim == "" || e.expires.Before(soonest) {
			victim, soonest = k, e.expires
		}
	}
	if len(c.entries) >= c.max && victim != "" {
		delete(c.entries, victim)
	}
}

func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
