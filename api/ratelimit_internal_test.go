package api

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/laurel-badges/laurel/badges"
)

// TestInFlight: with two requests of one address in progress, its third
// is refused at once, another address is let in, and a finished request
// frees its place.
func TestInFlight(t *testing.T) {
	e := echo.New()
	e.IPExtractor = echo.ExtractIPDirect()
	started, finish := make(chan struct{}, 8), make(chan struct{})
	slow := newInFlight(2).middleware()(func(c echo.Context) error {
		started <- struct{}{}
		<-finish
		return nil
	})
	call := func(addr string) error {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/verify", nil)
		r.RemoteAddr = net.JoinHostPort(addr, "1234")
		return slow(e.NewContext(r, httptest.NewRecorder()))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	hold := func(addr string) {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- call(addr) }()
		<-started
	}
	hold("198.51.100.1")
	hold("198.51.100.1")
	if err := call("198.51.100.1"); badges.ErrorCode(err) != eRateLimited {
		t.Fatalf("third request in flight: %v, want %s", err, eRateLimited)
	}
	hold("198.51.100.2")
	finish <- struct{}{} // one of the three held requests ends
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	close(finish)
	wg.Wait()
	if err := call("198.51.100.1"); err != nil {
		t.Fatalf("after its requests ended, the address is still refused: %v", err)
	}
}

// TestInFlight_IPv6Network: the addresses of one IPv6 /64 are one client,
// since one subscriber may send from any of them; another /64 is another
// client, and an IPv4 address written as IPv6 is the IPv4 address.
func TestInFlight_IPv6Network(t *testing.T) {
	e := echo.New()
	e.IPExtractor = echo.ExtractIPDirect()
	started, finish := make(chan struct{}, 8), make(chan struct{})
	limited := newInFlight(2).middleware()(func(c echo.Context) error {
		if c.Request().Header.Get("Hold") != "" {
			started <- struct{}{}
			<-finish
		}
		return nil
	})
	call := func(addr string, hold bool) error {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/verify", nil)
		r.RemoteAddr = net.JoinHostPort(addr, "1234")
		if hold {
			r.Header.Set("Hold", "1")
		}
		return limited(e.NewContext(r, httptest.NewRecorder()))
	}
	var wg sync.WaitGroup
	hold := func(addr string) {
		wg.Go(func() {
			if err := call(addr, true); err != nil {
				t.Errorf("held request of %s: %v", addr, err)
			}
		})
		<-started
	}
	defer wg.Wait()
	defer close(finish)
	hold("2001:db8:1:2::1")
	hold("2001:db8:1:2:aaaa:bbbb:cccc:dddd")
	hold("198.51.100.1")
	hold("::ffff:198.51.100.1")
	for _, addr := range []string{"2001:db8:1:2::3", "2001:db8:1:2:ffff:ffff:ffff:ffff", "198.51.100.1", "::ffff:198.51.100.1"} {
		if err := call(addr, false); badges.ErrorCode(err) != eRateLimited {
			t.Errorf("a third request in flight from %s: %v, want %s", addr, err, eRateLimited)
		}
	}
	if err := call("2001:db8:1:3::1", false); err != nil {
		t.Errorf("the next /64 was refused with the first: %v", err)
	}
}

// TestRateStore_Bounded fills the rate limiter's memory with more clients
// than it keeps: it never holds more than its bound, and forgets a client
// whose bucket has filled up again before one still being limited.
func TestRateStore_Bounded(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	s := newRateStore(rate.Limit(1), 1, 8, func() time.Time { return now })
	for i := range 100 {
		s.Allow(fmt.Sprintf("2001:db8:%x::/64", i))
		if n := len(s.buckets); n > 8 {
			t.Fatalf("%d clients kept, want at most 8", n)
		}
	}
	clear(s.buckets)
	for i := range 7 {
		s.Allow(fmt.Sprintf("idle-%d", i))
	}
	now = now.Add(2 * time.Second) // the idle clients' buckets are full again
	if ok, _ := s.Allow("limited"); !ok {
		t.Fatal("a new client's first request was refused")
	}
	s.Allow("newcomer") // the ninth client: the store sweeps
	if ok, _ := s.Allow("limited"); ok || len(s.buckets) != 2 {
		t.Fatalf("after the sweep: %d clients kept, limited client let in: %v; want the limited client and the newcomer", len(s.buckets), ok)
	}
}
