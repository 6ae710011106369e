package api

import (
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/laurel-badges/laurel/badges"
)

// clientAddress is how the server tells clients apart for its limits and
// its log. X-Forwarded-For is believed only as far as it was written by a
// listed proxy: anyone else can put any address in it. Echo would trust
// loopback and private networks by default; here only the listed ranges.
func clientAddress(trustedProxies []*net.IPNet) echo.IPExtractor {
	if len(trustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// verifyGuards are the per-client limits of the public verify endpoints,
// which do real work for strangers: a rate, and a number in progress at
// once. They are made once and shared by every verify route, so a client
// cannot double its allowance by using the page and the API.
func (s *Server) verifyGuards() []echo.MiddlewareFunc {
	var guards []echo.MiddlewareFunc
	if s.cfg.VerifyRate > 0 {
		guards = append(guards, s.rateLimit(s.cfg.VerifyRate))
	}
	if s.cfg.VerifyInFlight > 0 {
		guards = append(guards, newInFlight(s.cfg.VerifyInFlight).middleware())
	}
	return guards
}

// rateLimit allows each client perSecond requests a second, in bursts of
// five seconds' worth.
func (s *Server) rateLimit(perSecond float64) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               newRateStore(rate.Limit(perSecond), max(1, int(5*perSecond)), maxRateClients, s.now),
		IdentifierExtractor: func(c echo.Context) (string, error) { return clientKey(c), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "1")
			return badges.Errorf(eRateLimited, "Too many verifications from your address; wait a moment and try again.")
		},
	})
}

// clientKey is what the per-client limits count a request under: the
// client's IPv4 address (also when written as IPv6), or the /64 network
// of its IPv6 address. One subscriber commonly has a whole /64, 2^64
// addresses, to send from: counted address by address, it would have no
// limit at all.
func clientKey(c echo.Context) string {
	ip := c.RealIP()
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if addr = addr.Unmap(); addr.Is4() {
		return addr.String()
	}
	network, _ := addr.Prefix(64) // cannot fail: an IPv6 address has 128 bits
	return network.String()
}

// inFlight bounds how many requests each client has in progress
// at once. A rate limit alone still lets one client start a burst of
// expensive verifications that then run side by side on every core.
type inFlight struct {
	max int
	mu  sync.Mutex
	n   map[string]int // addresses with requests in progress, and how many
}

func newInFlight(max int) *inFlight { return &inFlight{max: max, n: map[string]int{}} }

func (l *inFlight) acquire(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[addr] >= l.max {
		return false
	}
	l.n[addr]++
	return true
}

func (l *inFlight) release(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.n[addr]--; l.n[addr] <= 0 {
		delete(l.n, addr) // the map holds only addresses with work in progress
	}
}

func (l *inFlight) middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			addr := clientKey(c)
			if !l.acquire(addr) {
				c.Response().Header().Set("Retry-After", "1")
				return badges.Errorf(eRateLimited, "Your address already has %s in progress; wait for one to finish and try again.", verifications(l.max))
			}
			defer l.release(addr)
			return next(c)
		}
	}
}

func verifications(n int) string {
	if n == 1 {
		return "a verification"
	}
	return strconv.Itoa(n) + " verifications"
}
