package badges

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sync"
	"time"
)

// Account is a person who signs in to the console: a service
// administrator, or someone with roles in communities.
type Account struct {
	ID, Email, Name string
	PasswordHash    string          // PHC string "$argon2id$v=19$m=...,t=...,p=...$salt$hash"; "" until set
	ServiceAdmin    bool            // every community, as owner; may create communities and API keys
	Roles           map[string]Role // by issuer (community) id
	Epoch           int             // bumped on password change and "sign out everywhere"; sessions of an older epoch are dead
	CreatedAt       time.Time
	PasswordSetAt   time.Time
	// LinkHash is the hash of the one set-password link that works, ""
	// when none does: a new link replaces it, a use clears it.
	LinkHash string
}

// RoleIn returns the account's role in a community; service
// administrators are owners everywhere.
func (a *Account) RoleIn(issuerID string) (Role, bool) {
	if a.ServiceAdmin {
		return RoleOwner, true
	}
	r, ok := a.Roles[issuerID]
	return r, ok
}

// Can reports whether the account may do what p permits in a community.
func (a *Account) Can(issuerID string, p Permission) bool {
	r, ok := a.RoleIn(issuerID)
	return ok && r.Allows(p)
}

// Authorize is the check of every console request: nil, or an EFORBIDDEN
// error saying who may do it.
func (a *Account) Authorize(issuerID string, p Permission) error {
	if a.Can(issuerID, p) {
		return nil
	}
	msg, ok := needed[p]
	if !ok {
		msg = "This is not allowed."
	}
	return &Error{Code: EFORBIDDEN, Message: msg}
}

// AccountStore keeps accounts, their set-password links and each
// community's set of owners.
type AccountStore interface {
	// CreateAccount stores a new account; ECONFLICT when its e-mail
	// address (compared in lower case) has an account already.
	CreateAccount(ctx context.Context, a *Account) error
	Account(ctx context.Context, id string) (*Account, error)           // ENOTFOUND
	AccountByEmail(ctx context.Context, email string) (*Account, error) // ENOTFOUND
	// UpdateAccount changes an account atomically; change may run more
	// than once.
	UpdateAccount(ctx context.Context, id string, change func(*Account) error) (*Account, error)
	// Accounts reads every account: they are few.
	Accounts(ctx context.Context) ([]*Account, error)
	// ChangeOwners changes the set of a community's owners atomically.
	ChangeOwners(ctx context.Context, issuerID string, change func(ids []string) ([]string, error)) error
	SaveLink(ctx context.Context, l PasswordLink) error
	Link(ctx context.Context, hash string) (*PasswordLink, error) // ENOTFOUND
	DeleteLink(ctx context.Context, hash string) error
	DeleteLinksBefore(ctx context.Context, t time.Time) error
}

// PasswordLink is a one-time set-password link, stored by the hash of its
// token.
type PasswordLink struct {
	Hash      string
	AccountID string
	ExpiresAt time.Time
}

// LinkLifetime is how long a set-password link works.
const LinkLifetime = 72 * time.Hour

// AccountsDeps are what the Accounts service works with.
type AccountsDeps struct {
	Store    AccountStore
	Sessions SessionStore
	Limits   SignInLimitStore
	Now      func() time.Time // nil means time.Now
	// PasswordParams are the costs of new password hashes; zero means
	// DefaultPasswordParams. Tests use cheap ones.
	PasswordParams PasswordParams
}

// Accounts is the service behind the console's people and sign-in.
type Accounts struct {
	store    AccountStore
	sessions SessionStore
	limits   SignInLimitStore
	now      func() time.Time
	params   PasswordParams
	// IdleTimeout and AbsoluteTimeout end sessions unused for, or older
	// than, that long.
	IdleTimeout, AbsoluteTimeout time.Duration

	dummyOnce sync.Once
	dummy     string // a hash to verify against for unknown accounts
	// hashing bounds the password hashes worked at once: each takes
	// PasswordParams.Memory, so a crowd of sign-ins must queue rather than
	// take the machine's memory.
	hashing chan struct{}
}

// MaxHashing is how many passwords are hashed at once; more wait.
const MaxHashing = 4

// NewAccounts returns the Accounts service.
func NewAccounts(d AccountsDeps) *Accounts {
	s := &Accounts{store: d.Store, sessions: d.Sessions, limits: d.Limits, now: d.Now, params: d.PasswordParams,
		IdleTimeout: 2 * time.Hour, AbsoluteTimeout: 24 * time.Hour, hashing: make(chan struct{}, MaxHashing)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.params == (PasswordParams{}) {
		s.params = DefaultPasswordParams
	}
	return s
}

// Now is the service's clock, in UTC to the millisecond, as stored.
func (s *Accounts) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// AccountInput is a new account.
type AccountInput struct {
	Email, Name  string
	ServiceAdmin bool
	Roles        map[string]Role
}

// CreateAccount makes an account and returns it with the token of its
// set-password link, which the caller hands to the person once.
func (s *Accounts) CreateAccount(ctx context.Context, in AccountInput) (*Account, string, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return nil, "", err
	}
	name, err := CheckText("name", in.Name, true, maxNameLen)
	if err != nil {
		return nil, "", err
	}
	for issuer, r := range in.Roles {
		if _, err := ParseRole(string(r)); err != nil {
			return nil, "", err
		}
		if !ValidID(issuer) {
			return nil, "", errNoCommunity()
		}
	}
	token, hash := newToken()
	now := s.Now()
	a := &Account{ID: NewID(), Email: email, Name: name, ServiceAdmin: in.ServiceAdmin, Roles: map[string]Role{},
		CreatedAt: now, LinkHash: hash}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		return nil, "", err
	}
	if err := s.store.SaveLink(ctx, PasswordLink{Hash: hash, AccountID: a.ID, ExpiresAt: now.Add(LinkLifetime)}); err != nil {
		return nil, "", err
	}
	for issuer, r := range in.Roles {
		if err := s.SetRole(ctx, a.ID, issuer, r); err != nil {
			return nil, "", err
		}
	}
	a, err = s.store.Account(ctx, a.ID)
	return a, token, err
}

// PasswordLink makes a fresh set-password link for an account (a lost
// password, an invitation not used in time); earlier links stop working.
func (s *Accounts) PasswordLink(ctx context.Context, accountID string) (string, error) {
	token, hash := newToken()
	if _, err := s.store.UpdateAccount(ctx, accountID, func(a *Account) error { a.LinkHash = hash; return nil }); err != nil {
		return "", err
	}
	if err := s.store.SaveLink(ctx, PasswordLink{Hash: hash, AccountID: accountID, ExpiresAt: s.Now().Add(LinkLifetime)}); err != nil {
		return "", err
	}
	return token, nil
}

// errLinkGone is the one answer to a set-password link that does not
// work, whatever the reason.
func errLinkGone() error {
	return Errorf(EINVALID, "This link has expired or has been used; ask for a new one.")
}

// SetPassword sets an account's password through a set-password link,
// which then stops working, and ends the account's sessions.
func (s *Accounts) SetPassword(ctx context.Context, token, password string) (*Account, error) {
	hash := tokenHash(token)
	l, err := s.store.Link(ctx, hash)
	if ErrorCode(err) == ENOTFOUND || err == nil && !s.Now().Before(l.ExpiresAt) {
		return nil, errLinkGone()
	}
	if err != nil {
		return nil, err
	}
	a, err := s.store.Account(ctx, l.AccountID)
	if ErrorCode(err) == ENOTFOUND || err == nil && a.LinkHash != hash {
		return nil, errLinkGone()
	}
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(password, a.Email); err != nil {
		return nil, err
	}
	phc, err := s.hash(ctx, password)
	if err != nil {
		return nil, err
	}
	a, err = s.store.UpdateAccount(ctx, a.ID, func(a *Account) error {
		if a.LinkHash != hash {
			return errLinkGone() // used meanwhile
		}
		a.LinkHash = ""
		s.newPassword(a, phc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := s.store.DeleteLink(ctx, hash); err != nil {
		return nil, err
	}
	return a, s.sessions.DeleteSessionsOf(ctx, a.ID)
}

// newPassword stores a password hash and ends every session.
func (s *Accounts) newPassword(a *Account, phc string) {
	a.PasswordHash = phc
	a.PasswordSetAt = s.Now()
	a.Epoch++
}

// ChangePassword changes the password of a signed-in person, who gives
// the current one again; every session ends, this one too. Wrong current
// passwords count against the account's sign-in limit, so that a session
// left open cannot be used to guess it.
func (s *Accounts) ChangePassword(ctx context.Context, accountID, current, next string) error {
	a, err := s.store.Account(ctx, accountID)
	if err != nil {
		return err
	}
	accountKey := signInKey(a.Email)
	if err := s.take(ctx, accountKey, maxAccountFailure, s.Now()); err != nil {
		return err
	}
	if ok, err := s.verify(ctx, a.PasswordHash, current); err != nil || !ok {
		if ErrorCode(err) == EUNAVAILABLE {
			return err
		}
		return FieldErrorf("currentPassword", "current password is not right")
	}
	if err := s.limits.ResetAttempts(ctx, accountKey); err != nil {
		return err
	}
	if err := CheckPassword(next, a.Email); err != nil {
		return err
	}
	phc, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	if _, err := s.store.UpdateAccount(ctx, accountID, func(a *Account) error { s.newPassword(a, phc); return nil }); err != nil {
		return err
	}
	return s.sessions.DeleteSessionsOf(ctx, accountID)
}

// Account returns one account.
func (s *Accounts) Account(ctx context.Context, id string) (*Account, error) {
	return s.store.Account(ctx, id)
}

// AccountByEmail returns the account of an e-mail address.
func (s *Accounts) AccountByEmail(ctx context.Context, email string) (*Account, error) {
	norm, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	return s.store.AccountByEmail(ctx, norm)
}

// AnyAccount reports whether any account exists, for the first start.
func (s *Accounts) AnyAccount(ctx context.Context) (bool, error) {
	all, err := s.store.Accounts(ctx)
	return len(all) > 0, err
}

// Sweep removes expired links, sessions and sign-in limit windows; it is
// background work, run at most hourly.
func (s *Accounts) Sweep(ctx context.Context) error {
	now := s.Now()
	if err := s.store.DeleteLinksBefore(ctx, now); err != nil {
		return err
	}
	if err := s.sessions.DeleteSessionsBefore(ctx, now.Add(-s.IdleTimeout), now.Add(-s.AbsoluteTimeout)); err != nil {
		return err
	}
	return s.limits.SweepAttempts(ctx, now.Add(-signInWindow))
}

// newToken returns a random token, 32 bytes in base64url, and its hash,
// which is all that is stored.
func newToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, tokenHash(token)
}

// tokenHash is the SHA-256 of a token, in hex: tokens are random, so no
// slow hash is needed.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
