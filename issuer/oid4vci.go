package issuer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow:
// a wallet that fetched a credential's offer (by the interaction URL,
// whose code proves Laurel made it) trades the offer's pre-authorized
// code, and the transaction code e-mailed to the member when the offer
// asked for one, for an access token; with that token and a proof that it
// holds a key (whose did:key becomes the holder), it receives the holder
// copy of the credential (holder.go). Codes and tokens are random, stored
// hashed, short-lived and, for codes, single use; nonces are signed, so
// that handing one out writes nothing, and spent once.

// PreAuthorizedGrant is the OAuth grant type of the flow.
const PreAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

// The credential configurations Laurel offers: the same Open Badges
// credential secured with Data Integrity, or as a VC-JWT.
const (
	ConfigLDP = "OpenBadgeCredential_ldp_vc"
	ConfigJWT = "OpenBadgeCredential_jwt_vc_json"
)

// CredentialConfigurations are the configurations every offer names.
var CredentialConfigurations = []string{ConfigLDP, ConfigJWT}

// Lifetimes and bounds of the flow.
const (
	OfferLifetime       = 10 * time.Minute // a pre-authorized code
	WalletTokenLifetime = 10 * time.Minute // an access token
	NonceLifetime       = 5 * time.Minute  // a c_nonce
	TxCodeLength        = 6                // digits of a transaction code
	maxTxCodeAttempts   = 5                // transaction codes tried before the grant burns
	// A credential's transaction codes e-mailed in a window: anyone with
	// the interaction URL can ask for one, and the member's mailbox is
	// not theirs to fill.
	maxTxCodeMails = 5
	txCodeWindow   = 15 * time.Minute
)

// WalletGrant is a pre-authorized code not yet traded, stored by its hash.
type WalletGrant struct {
	Hash         string
	CredentialID string
	TxCodeHash   string // "" when the offer asked for no transaction code
	Attempts     int    // transaction codes tried
	ExpiresAt    time.Time
}

// WalletAccess is an access token, stored by its hash: it is good for its
// credential only.
type WalletAccess struct {
	Hash         string
	CredentialID string
	ExpiresAt    time.Time
}

// WalletStore keeps the flow's codes, tokens and spent nonces.
type WalletStore interface {
	SaveWalletGrant(ctx context.Context, g *WalletGrant) error
	// WalletGrant reads a grant by hash; ENOTFOUND when there is none.
	WalletGrant(ctx context.Context, hash string) (*WalletGrant, error)
	// CountWalletGrantAttempt counts one transaction code tried against
	// a grant, atomically, and returns the grant as counted.
	CountWalletGrantAttempt(ctx context.Context, hash string) (*WalletGrant, error)
	// TakeWalletGrant reads and removes a grant atomically: of requests
	// at once, one gets it, the others ENOTFOUND.
	TakeWalletGrant(ctx context.Context, hash string) (*WalletGrant, error)
	SaveWalletAccess(ctx context.Context, a *WalletAccess) error
	// WalletAccess reads a token by hash; ENOTFOUND when there is none.
	WalletAccess(ctx context.Context, hash string) (*WalletAccess, error)
	// SpendNonce records a nonce as used until expiresAt; ECONFLICT when
	// it was used already.
	SpendNonce(ctx context.Context, hash string, expiresAt time.Time) error
	// DeleteWalletStateBefore removes what expired before t.
	DeleteWalletStateBefore(ctx context.Context, t time.Time) error
}

// KeyProofChecker checks a wallet's proof of possession of a key (the
// verifier does): the holder is the DID of the key, nonce its c_nonce.
type KeyProofChecker interface {
	CheckKeyProof(proof, audience string, now time.Time) (holder, nonce string, err error)
}

// OID4VCI runs the flow for the issuing service.
type OID4VCI struct {
	svc    *Service
	store  WalletStore
	proofs KeyProofChecker
	nonces *LinkSigner // signs c_nonces
	limits badges.SignInLimitStore
}

// NewOID4VCI returns the flow over the issuing service; limits counts the
// transaction codes e-mailed for each credential.
func NewOID4VCI(svc *Service, store WalletStore, proofs KeyProofChecker, nonces *LinkSigner, limits badges.SignInLimitStore) *OID4VCI {
	return &OID4VCI{svc: svc, store: store, proofs: proofs, nonces: nonces, limits: limits}
}

// IssuerIdentifier is the Credential Issuer Identifier: the public base
// URL, which key proofs name as their audience.
func (o *OID4VCI) IssuerIdentifier() string { return o.svc.deps.URLs.Base() }

// CredentialOffer is a fresh offer of a credential to a wallet.
type CredentialOffer struct {
	CredentialID string
	Code         string // the pre-authorized code, shown once
	TxCode       bool   // whether a transaction code was e-mailed to the member
	ExpiresAt    time.Time
}

// Offer makes a fresh offer of a credential for a wallet that opened its
// interaction URL (linkCode is that URL's code). With txCode, a
// transaction code is e-mailed to the member and the token endpoint asks
// for it.
func (o *OID4VCI) Offer(ctx context.Context, credentialID, linkCode string, txCode bool) (*CredentialOffer, error) {
	if !o.svc.ValidWalletCode(credentialID, linkCode) {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such wallet link.")
	}
	c, err := o.svc.deps.Credentials.Credential(ctx, credentialID)
	if err != nil {
		return nil, err
	}
	now := o.svc.now().UTC()
	if err := OfferableToWallet(c, now); err != nil {
		return nil, err
	}
	code := randomToken()
	g := &WalletGrant{Hash: walletHash(code), CredentialID: c.ID, ExpiresAt: now.Add(OfferLifetime)}
	if txCode {
		tx, err := o.mailTxCode(ctx, c, g.Hash)
		if err != nil {
			return nil, err
		}
		g.TxCodeHash = txCodeHash(g.Hash, tx)
	}
	if err := o.store.SaveWalletGrant(ctx, g); err != nil {
		return nil, err
	}
	return &CredentialOffer{CredentialID: c.ID, Code: code, TxCode: txCode, ExpiresAt: g.ExpiresAt}, nil
}

// mailTxCode queues the e-mail that gives the member the transaction code
// of the offer whose grant hash is grant, and returns the code.
func (o *OID4VCI) mailTxCode(ctx context.Context, c *Credential, grant string) (string, error) {
	m, err := o.svc.deps.Members.Member(ctx, c.MemberID)
	if err != nil {
		return "", err
	}
	if m.Email == "" || o.svc.deps.Notifier == nil {
		return "", badges.Errorf(badges.ECONFLICT, "No transaction code can be e-mailed for this credential: its member has no e-mail address, or e-mail is off.")
	}
	now := o.svc.now().UTC()
	retryAt, err := o.limits.TakeAttempt(ctx, "wallet-mail:"+c.ID, maxTxCodeMails, txCodeWindow, now)
	if err != nil {
		return "", err
	}
	if !retryAt.IsZero() {
		return "", badges.Errorf(badges.ETOOMANY, "Enough codes were e-mailed for this credential for now; try again in %d minutes.",
			int((retryAt.Sub(now)+time.Minute-1)/time.Minute))
	}
	tx := randomDigits(TxCodeLength)
	err = o.svc.deps.Notifier.Notify(ctx, badges.Notification{
		Key: "walletcode:" + grant, Kind: badges.MailWalletCode, IssuerID: c.IssuerID, MemberID: m.ID, To: m.Email,
		Data: map[string]string{"member": m.DisplayName, "code": tx, "expires": "10 minutes",
			"badgeURL": o.svc.deps.URLs.Credential(c.ID)},
	})
	return tx, err
}

// WalletToken is an access token issued for a pre-authorized code.
type WalletToken struct {
	Token     string
	ExpiresIn time.Duration
}

// TokenRequest is a token request of the pre-authorized code grant.
type TokenRequest struct {
	Code      string
	TxCode    string
	HasTxCode bool // tx_code was sent, even empty
}

// Token trades a pre-authorized code, and its transaction code when the
// offer asked for one, for an access token. Each code is traded once;
// each try of a transaction code is counted before it is compared, and
// the grant burns at the last try allowed, so no number of requests at
// once tries more.
func (o *OID4VCI) Token(ctx context.Context, in TokenRequest) (*WalletToken, error) {
	hash := walletHash(in.Code)
	g, err := o.liveGrant(ctx, hash)
	if err != nil {
		return nil, err
	}
	switch {
	case g.TxCodeHash == "" && in.HasTxCode:
		return nil, walletErr(ErrInvalidRequest, "This offer asks for no tx_code; send none.")
	case g.TxCodeHash != "" && !in.HasTxCode:
		return nil, walletErr(ErrInvalidRequest, "This offer asks for the tx_code e-mailed to the member.")
	case g.TxCodeHash != "":
		if err := o.tryTxCode(ctx, hash, in.TxCode); err != nil {
			return nil, err
		}
	}
	g, err = o.store.TakeWalletGrant(ctx, hash)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, errGrantGone()
	}
	if err != nil {
		return nil, err
	}
	token := randomToken()
	a := &WalletAccess{Hash: walletHash(token), CredentialID: g.CredentialID, ExpiresAt: o.svc.now().UTC().Add(WalletTokenLifetime)}
	if err := o.store.SaveWalletAccess(ctx, a); err != nil {
		return nil, err
	}
	return &WalletToken{Token: token, ExpiresIn: WalletTokenLifetime}, nil
}

// liveGrant reads an unexpired grant.
func (o *OID4VCI) liveGrant(ctx context.Context, hash string) (*WalletGrant, error) {
	g, err := o.store.WalletGrant(ctx, hash)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, errGrantGone()
	}
	if err != nil {
		return nil, err
	}
	if !o.svc.now().Before(g.ExpiresAt) || g.Attempts >= maxTxCodeAttempts {
		return nil, errGrantGone()
	}
	return g, nil
}

// tryTxCode counts a try of a transaction code, then compares it. A
// wrong code at the last try allowed removes the grant; a right one
// leaves it for the caller to take.
func (o *OID4VCI) tryTxCode(ctx context.Context, hash, tx string) error {
	g, err := o.store.CountWalletGrantAttempt(ctx, hash)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return errGrantGone()
	}
	if err != nil {
		return err
	}
	if g.Attempts > maxTxCodeAttempts {
		return errGrantGone()
	}
	if subtle.ConstantTimeCompare([]byte(txCodeHash(hash, tx)), []byte(g.TxCodeHash)) == 1 {
		return nil
	}
	if g.Attempts == maxTxCodeAttempts {
		if _, err := o.store.TakeWalletGrant(ctx, hash); err != nil && badges.ErrorCode(err) != badges.ENOTFOUND {
			return err
		}
	}
	return walletErr(ErrInvalidGrant, "The tx_code is not the one e-mailed to the member.")
}

func errGrantGone() error {
	return walletErr(ErrInvalidGrant, "The pre-authorized_code is unknown, used or expired; open the wallet link again for a fresh offer.")
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// randomDigits is n random decimal digits, each as likely.
func randomDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, _ := rand.Int(rand.Reader, limit) // never fails on supported platforms
	return fmt.Sprintf("%0*d", n, v)
}

// walletHash is how codes, tokens and nonces are stored.
func walletHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// txCodeHash binds a transaction code to its grant, so that a stored hash
// of six digits says nothing without the grant's code.
func txCodeHash(grant, tx string) string { return walletHash(grant + ":" + tx) }
