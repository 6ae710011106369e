package issuer

import (
	"context"
	"time"
)

// SetClock makes the service read the time from now and wait with sleep.
func (s *Service) SetClock(now func() time.Time, sleep func(context.Context, time.Duration) error) {
	s.now, s.sleep = now, sleep
}

// Internals the tests of package issuer_test reach.
var (
	IdempotencyClaim = idempotencyClaim
	InFlightWait     = inFlightWait
)
