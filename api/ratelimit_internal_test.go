package api

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

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
		r.RemoteAddr = addr + ":1234"
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
