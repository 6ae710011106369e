package badges

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Session is a signed-in console visit. Only the hash of its token is
// stored.
type Session struct {
	ID         string // SHA-256 (hex) of the token: the token itself is never stored
	AccountID  string
	Epoch      int
	CSRF       string // random, 32 bytes base64url; the console puts it in every form
	CreatedAt  time.Time
	LastSeenAt time.Time
	Address    string // bounded, for the account's "where you are signed in"
	UserAgent  string
}

// SessionStore keeps sessions by id.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	Session(ctx context.Context, id string) (*Session, error) // ENOTFOUND
	TouchSession(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessionsOf and SessionsOf read every session: they are few
	// (the console's people, each with a handful, swept when they end).
	DeleteSessionsOf(ctx context.Context, accountID string) error
	SessionsOf(ctx context.Context, accountID string) ([]*Session, error)
	// DeleteSessionsBefore removes sessions last seen before idle or
	// created before created.
	DeleteSessionsBefore(ctx context.Context, idle, created time.Time) error
}

// touchEvery bounds how often a session's last use is written.
const touchEvery = time.Minute

// Bounds on what a session records of the browser.
const (
	maxAddressLen   = 64
	maxUserAgentLen = 200
)

// errSignedOut is the answer to a session that does not work.
func errSignedOut() error {
	return Errorf(EUNAUTHORIZED, "Your session has ended; sign in again.")
}

// newSession starts a session of a, returning its token.
func (s *Accounts) newSession(ctx context.Context, a *Account, address, userAgent string) (string, *Session, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.Now()
	sess := &Session{ID: hash, AccountID: a.ID, Epoch: a.Epoch, CSRF: csrf, CreatedAt: now, LastSeenAt: now,
		Address: bounded(address, maxAddressLen), UserAgent: bounded(userAgent, maxUserAgentLen)}
	if err := s.sessions.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// Session returns the session of a token and its account; EUNAUTHORIZED
// when it is unknown, idle too long, too old, or of an account whose
// password changed or that signed out everywhere since.
func (s *Accounts) Session(ctx context.Context, token string) (*Session, *Account, error) {
	if len(token) != 43 {
		return nil, nil, errSignedOut()
	}
	sess, err := s.sessions.Session(ctx, tokenHash(token))
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, errSignedOut()
	}
	if err != nil {
		return nil, nil, err
	}
	a, err := s.store.Account(ctx, sess.AccountID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, errSignedOut()
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	if s.ended(sess, a, now) {
		if err := s.sessions.DeleteSession(ctx, sess.ID); err != nil {
			return nil, nil, err
		}
		return nil, nil, errSignedOut()
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.sessions.TouchSession(ctx, sess.ID, now); err != nil {
			return nil, nil, err
		}
		sess.LastSeenAt = now
	}
	return sess, a, nil
}

// SessionsOf lists where an account is signed in: its sessions that
// still work (ended ones wait for the sweep to be removed).
func (s *Accounts) SessionsOf(ctx context.Context, accountID string) ([]*Session, error) {
	a, err := s.store.Account(ctx, accountID)
	if err != nil {
		return nil, err
	}
	all, err := s.sessions.SessionsOf(ctx, accountID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	return slices.DeleteFunc(all, func(sess *Session) bool {
		return s.ended(sess, a, now)
	}), nil
}

// ended reports whether a session of a no longer works: idle too long,
// too old, or of an older epoch of the account.
func (s *Accounts) ended(sess *Session, a *Account, now time.Time) bool {
	return sess.Epoch != a.Epoch || now.Sub(sess.LastSeenAt) > s.IdleTimeout || now.Sub(sess.CreatedAt) > s.AbsoluteTimeout
}

// SignOut ends the session of a token; an unknown one is already ended.
func (s *Accounts) SignOut(ctx context.Context, token string) error {
	return s.sessions.DeleteSession(ctx, tokenHash(token))
}

// SignOutEverywhere ends every session of an account: the new epoch ends
// them at once, everywhere, and their records are then removed.
func (s *Accounts) SignOutEverywhere(ctx context.Context, accountID string) error {
	if _, err := s.store.UpdateAccount(ctx, accountID, func(a *Account) error { a.Epoch++; return nil }); err != nil {
		return err
	}
	return s.sessions.DeleteSessionsOf(ctx, accountID)
}

// bounded keeps what a browser sent short and printable.
func bounded(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	for len(s) > max {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}
