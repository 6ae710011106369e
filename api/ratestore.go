package api

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxRateClients bounds how many clients the verify rate limiter keeps in
// mind at once, so that a crowd of addresses cannot grow it without end.
const maxRateClients = 1 << 16

// rateStore is the rate limiter's memory: a token bucket per client key.
// A bucket that has filled up again is the same as a new one, so it may be
// forgotten; when the store is full it forgets those, and starts afresh if
// that frees less than a quarter of it (keeping each sweep's cost a
// fraction of the insertions that led to it).
type rateStore struct {
	mu      sync.Mutex
	limit   rate.Limit
	burst   int
	max     int
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

func newRateStore(limit rate.Limit, burst, max int, now func() time.Time) *rateStore {
	return &rateStore{limit: limit, burst: burst, max: max, now: now, buckets: make(map[string]*rate.Limiter)}
}

// Allow takes a token from key's bucket, reporting whether there was one;
// it is Echo's RateLimiterStore.
func (s *rateStore) Allow(key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	b, ok := s.buckets[key]
	if !ok {
		if len(s.buckets) >= s.max {
			s.sweep(now)
		}
		b = rate.NewLimiter(s.limit, s.burst)
		s.buckets[key] = b
	}
	return b.AllowN(now, 1), nil
}

// sweep forgets the full buckets, or all of them when few are full;
// s.mu is held.
func (s *rateStore) sweep(now time.Time) {
	for key, b := range s.buckets {
		if b.TokensAt(now) >= float64(s.burst) {
			delete(s.buckets, key)
		}
	}
	if len(s.buckets) > s.max*3/4 {
		clear(s.buckets)
	}
}
