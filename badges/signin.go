package badges

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// SignInLimitStore keeps the windows of recent sign-in attempts, in the
// database, so that every Laurel process on it counts the same ones.
type SignInLimitStore interface {
	// TakeAttempt counts one attempt under key unless max were counted in
	// the window before now; then it counts nothing and returns when the
	// next attempt is allowed. It is atomic.
	TakeAttempt(ctx context.Context, key string, max int, window time.Duration, now time.Time) (retryAt time.Time, err error)
	// ResetAttempts forgets the attempts under key.
	ResetAttempts(ctx context.Context, key string) error
	// SweepAttempts removes windows with no attempt since before.
	SweepAttempts(ctx context.Context, before time.Time) error
}

// Sign-in limits: failures per account e-mail address, attempts per
// address (IPv4, or IPv6 /64), each over a sliding window.
const (
	signInWindow      = 15 * time.Minute
	maxAccountFailure = 5
	maxAddressAttempt = 30
)

// AttemptWindow is the times of recent attempts under one key.
type AttemptWindow struct {
	At []time.Time
}

// Take counts an attempt at now unless max were made in the window before
// it, and otherwise returns when the next one is allowed.
func (w *AttemptWindow) Take(now time.Time, max int, window time.Duration) (retryAt time.Time, ok bool) {
	kept := w.At[:0]
	for _, t := range w.At {
		if now.Sub(t) < window {
			kept = append(kept, t)
		}
	}
	w.At = kept
	if len(w.At) >= max {
		return w.At[len(w.At)-max].Add(window), false
	}
	w.At = append(w.At, now)
	return time.Time{}, true
}

// errSignIn is the one answer to a wrong e-mail address or password, so
// that it does not tell whether an account exists.
func errSignIn() error {
	return Errorf(EUNAUTHORIZED, "The e-mail address or password is not right.")
}

// SignIn checks an e-mail address and password and starts a session,
// returning its token. A wrong password and an unknown address get the
// same answer after the same work. Attempts are limited per address of
// the browser, and failures per e-mail address, known or not; every
// attempt is counted as a failure before the password is checked (so
// that attempts at once cannot pass the limit) and a success forgets
// the account's failures.
func (s *Accounts) SignIn(ctx context.Context, email, password, address, userAgent string) (string, *Session, *Account, error) {
	norm := strings.ToLower(strings.TrimSpace(email))
	now := s.Now()
	if err := s.take(ctx, "address:"+tokenHash(AddressGroup(address)), maxAddressAttempt, now); err != nil {
		return "", nil, nil, err
	}
	accountKey := signInKey(norm)
	if err := s.take(ctx, accountKey, maxAccountFailure, now); err != nil {
		return "", nil, nil, err
	}
	a, err := s.store.AccountByEmail(ctx, norm)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return "", nil, nil, err
	}
	if len(password) > 4*maxPasswordLen {
		return "", nil, nil, errSignIn() // no password is that long: not worth hashing
	}
	phc := s.dummyHash() // the same work for an unknown account as for a known one
	if a != nil && a.PasswordHash != "" {
		phc = a.PasswordHash
	}
	ok, err := s.verify(ctx, phc, password)
	if ErrorCode(err) == EUNAVAILABLE {
		return "", nil, nil, err
	}
	if err != nil || !ok || a == nil || phc != a.PasswordHash {
		return "", nil, nil, errSignIn()
	}
	if err := s.limits.ResetAttempts(ctx, accountKey); err != nil {
		return "", nil, nil, err
	}
	token, sess, err := s.newSession(ctx, a, address, userAgent)
	if err != nil {
		return "", nil, nil, err
	}
	return token, sess, a, nil
}

// signInKey is the key of an e-mail address's sign-in failures.
func signInKey(email string) string { return "account:" + tokenHash(email) }

// take counts an attempt under key, or says when to try again.
func (s *Accounts) take(ctx context.Context, key string, max int, now time.Time) error {
	retryAt, err := s.limits.TakeAttempt(ctx, key, max, signInWindow, now)
	if err != nil || retryAt.IsZero() {
		return err
	}
	minutes := int((retryAt.Sub(now) + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if minutes == 1 {
		unit = "minute"
	}
	return Errorf(ETOOMANY, "There were too many attempts to sign in; try again in %d %s.", minutes, unit)
}

// dummyHash is a hash with the service's costs, verified against when
// there is no account, so that an unknown address takes as long.
func (s *Accounts) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = HashPassword(s.params, NewID()) })
	return s.dummy
}

// AddressGroup is what the per-address limit counts by: an IPv4 address,
// or an IPv6 address's /64 (one host usually has a whole /64). Anything
// else counts as itself.
func AddressGroup(address string) string {
	if host, _, err := net.SplitHostPort(address); err == nil {
		address = host
	}
	ip, err := netip.ParseAddr(strings.TrimSpace(address))
	if err != nil {
		return bounded(address, maxAddressLen)
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return fmt.Sprint(p)
}
