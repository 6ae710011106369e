package issuer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// A VC-API exchange hands a credential to a wallet that proves who holds
// it (DID Authentication). The wallet starts one from a credential's
// interaction URL; Laurel answers with a challenge; the wallet signs a
// presentation with its holder's DID and the challenge; Laurel checks it
// and answers with a copy of the credential issued to that holder (see
// holder.go). An exchange lasts ExchangeLifetime, takes one presentation,
// and answers that same presentation again when a wallet retries.

// ExchangeLifetime is how long a wallet has to answer an exchange's
// challenge.
const ExchangeLifetime = 15 * time.Minute

// Exchange is a VC-API exchange started for a credential.
type Exchange struct {
	ID           string
	CredentialID string
	Challenge    string // what the holder's proof must sign
	CreatedAt    time.Time
	ExpiresAt    time.Time
	// Set once a presentation completed it: the holder it proved and a
	// digest of the presentation, which tells a retry from a replay.
	Holder       string
	Presentation string
}

// Completed reports whether a presentation completed the exchange.
func (e *Exchange) Completed() bool { return e.Holder != "" }

// ExchangeStore keeps exchanges.
type ExchangeStore interface {
	CreateExchange(ctx context.Context, e *Exchange) error
	// Exchange returns an exchange by id; ENOTFOUND when there is none.
	Exchange(ctx context.Context, id string) (*Exchange, error)
	// CompleteExchange records the holder and presentation digest of
	// exchange id, unless a presentation completed it already, and
	// returns the exchange as stored: the caller compares the digest.
	CompleteExchange(ctx context.Context, id, holder, presentation string) (*Exchange, error)
	// SweepExchanges deletes the exchanges that expired before before,
	// and says how many.
	SweepExchanges(ctx context.Context, before time.Time) (int, error)
}

// PresentationChecker verifies a wallet's DID Authentication presentation
// for an exchange's challenge and domain, and returns the holder it proves.
// Its errors are *badges.Error saying what is wrong.
type PresentationChecker interface {
	CheckPresentation(ctx context.Context, presentation []byte, challenge, domain string) (holder string, err error)
}

// ErrExchangeExpired is an exchange answered after ExchangeLifetime. The
// HTTP layer answers it as gone.
var ErrExchangeExpired = &badges.Error{Code: badges.ECONFLICT,
	Message: "This exchange has expired; scan the QR code again to start a new one."}

// ExchangeDeps are what the exchanges need.
type ExchangeDeps struct {
	Store   ExchangeStore
	Issuing *Service
	Checker PresentationChecker
	URLs    URLs
	Now     func() time.Time // nil means time.Now
}

// Exchanges runs VC-API exchanges.
type Exchanges struct{ deps ExchangeDeps }

// NewExchanges returns the exchanges over d.
func NewExchanges(d ExchangeDeps) *Exchanges {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Exchanges{deps: d}
}

// At returns the exchanges with another clock, for tests of expiry.
func (x *Exchanges) At(now func() time.Time) *Exchanges {
	d := x.deps
	d.Now = now
	return &Exchanges{deps: d}
}

// WalletExchange is the URL a wallet posts its presentation to.
func (u URLs) WalletExchange(id string) string { return u.base + "/wallet/exchanges/" + id }

// Domain is the domain a holder's proof must name: Laurel's public base
// URL, as wallets copy it from the request into their proof.
func (x *Exchanges) Domain() string { return x.deps.URLs.Base() }

// Start starts an exchange for the credential an interaction URL names,
// after checking its code. An unknown credential or a wrong code is
// ENOTFOUND; a revoked or expired credential ECONFLICT.
func (x *Exchanges) Start(ctx context.Context, credentialID, code string) (*Exchange, error) {
	if _, err := x.Offered(ctx, credentialID, code); err != nil {
		return nil, err
	}
	now := x.deps.Now().UTC()
	e := &Exchange{ID: badges.NewID(), CredentialID: credentialID, Challenge: newChallenge(),
		CreatedAt: now, ExpiresAt: now.Add(ExchangeLifetime)}
	if err := x.deps.Store.CreateExchange(ctx, e); err != nil {
		return nil, err
	}
	return e, nil
}

// Offered returns the credential an interaction URL offers to wallets: one
// whose code is right, neither revoked nor expired.
func (x *Exchanges) Offered(ctx context.Context, credentialID, code string) (*Credential, error) {
	notFound := badges.Errorf(badges.ENOTFOUND, "This wallet link does not work; open the badge's claim page for a new one.")
	if !badges.ValidID(credentialID) || !x.deps.Issuing.ValidWalletCode(credentialID, code) {
		return nil, notFound
	}
	c, err := x.deps.Issuing.Credential(ctx, credentialID)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return c, OfferableToWallet(c, x.deps.Now())
}

// Present completes exchange id with a wallet's presentation (its JSON):
// it checks the holder's proof, then issues the credential to the holder.
// The same presentation sent again gets the same copy; another one, once
// the exchange is complete, is ECONFLICT.
func (x *Exchanges) Present(ctx context.Context, id string, presentation []byte) (*HolderCopy, error) {
	e, err := x.deps.Store.Exchange(ctx, id)
	if err != nil {
		return nil, err
	}
	digest := presentationDigest(presentation)
	if e.Completed() {
		return x.answerAgain(ctx, e, digest)
	}
	if !x.deps.Now().Before(e.ExpiresAt) {
		return nil, ErrExchangeExpired
	}
	holder, err := x.deps.Checker.CheckPresentation(ctx, presentation, e.Challenge, x.Domain())
	if err != nil {
		return nil, err
	}
	// A holder the copy could not name leaves the exchange open.
	if err := badges.CheckHolderID("holder", holder); err != nil {
		return nil, err
	}
	// Recorded before issuing: one presentation completes the exchange,
	// and a retry after a failed issue issues to the same holder.
	if e, err = x.deps.Store.CompleteExchange(ctx, id, holder, digest); err != nil {
		return nil, err
	}
	return x.answerAgain(ctx, e, digest)
}

// answerAgain answers a completed exchange: the holder's copy for the
// presentation that completed it, ECONFLICT for any other.
func (x *Exchanges) answerAgain(ctx context.Context, e *Exchange, digest string) (*HolderCopy, error) {
	if e.Presentation != digest {
		return nil, badges.Errorf(badges.ECONFLICT, "This exchange was already completed with another presentation; scan the QR code again to start a new one.")
	}
	return x.deps.Issuing.IssueToHolder(ctx, e.CredentialID, e.Holder)
}

// presentationDigest sums up a presentation without its insignificant
// white space, so that a retry re-encoded by the wallet still matches.
func presentationDigest(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err == nil {
		b = buf.Bytes()
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// newChallenge is 128 random bits, URL-safe.
func newChallenge() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// WalletURL is a credential's interaction URL (Service.WalletURL), for
// the pages that show it.
func (x *Exchanges) WalletURL(credentialID string) string {
	return x.deps.Issuing.WalletURL(credentialID)
}

// HolderCopy returns a copy the exchanges issued (Service.HolderCopy).
func (x *Exchanges) HolderCopy(ctx context.Context, credentialID, copyID string) (*HolderCopy, error) {
	return x.deps.Issuing.HolderCopy(ctx, credentialID, copyID)
}

// exchangeKept is how long an expired exchange is kept, so that a
// wallet's late retry of the presentation that completed it is still
// answered, before Sweep deletes it.
const exchangeKept = 24 * time.Hour

// Sweep deletes the exchanges that expired more than a day ago.
func (x *Exchanges) Sweep(ctx context.Context) (int, error) {
	return x.deps.Store.SweepExchanges(ctx, x.deps.Now().Add(-exchangeKept))
}

// Exchange returns an exchange by id, for a wallet that asks for its
// request again.
func (x *Exchanges) Exchange(ctx context.Context, id string) (*Exchange, error) {
	return x.deps.Store.Exchange(ctx, id)
}
