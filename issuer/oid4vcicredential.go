package issuer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// The errors of the token and credential endpoints, in the words of
// OAuth 2.0 (RFC 6749, RFC 6750) and OID4VCI 1.0.
const (
	ErrInvalidRequest           = "invalid_request"
	ErrInvalidGrant             = "invalid_grant"
	ErrUnsupportedGrantType     = "unsupported_grant_type"
	ErrInvalidToken             = "invalid_token"
	ErrInvalidCredentialRequest = "invalid_credential_request"
	ErrUnknownConfiguration     = "unknown_credential_configuration"
	ErrUnknownIdentifier        = "unknown_credential_identifier"
	ErrInvalidProof             = "invalid_proof"
	ErrInvalidNonce             = "invalid_nonce"
	ErrCredentialRequestDenied  = "credential_request_denied"
)

// WalletError is an error of the flow a wallet reads: Code is one of the
// Err* values, Description plain ASCII (the specification allows no
// other characters, nor quotes or backslashes).
type WalletError struct {
	Code        string
	Description string
}

func (e *WalletError) Error() string { return e.Code + ": " + e.Description }

func walletErr(code, description string) *WalletError {
	return &WalletError{Code: code, Description: description}
}

// Nonce returns a fresh c_nonce: random, with its expiry, signed, so that
// nothing is stored until a proof spends it.
func (o *OID4VCI) Nonce() string {
	random := randomToken()[:22]
	expires := strconv.FormatInt(o.svc.now().Add(NonceLifetime).Unix(), 36)
	return random + "." + expires + "." + o.nonces.Code(random, expires)
}

// spendNonce checks that a nonce is one Laurel signed, unexpired, and
// spends it.
func (o *OID4VCI) spendNonce(ctx context.Context, nonce string) error {
	parts := strings.Split(nonce, ".")
	if len(parts) != 3 || !o.nonces.Valid(parts[2], parts[0], parts[1]) {
		return walletErr(ErrInvalidNonce, "The proof nonce is not a c_nonce of this issuer; ask the nonce endpoint for one.")
	}
	unix, err := strconv.ParseInt(parts[1], 36, 64)
	expires := time.Unix(unix, 0)
	if err != nil || !o.svc.now().Before(expires) {
		return walletErr(ErrInvalidNonce, "The proof nonce expired; ask the nonce endpoint for a fresh one.")
	}
	err = o.store.SpendNonce(ctx, walletHash(nonce), expires)
	if badges.ErrorCode(err) == badges.ECONFLICT {
		return walletErr(ErrInvalidNonce, "The proof nonce was used already; ask the nonce endpoint for a fresh one.")
	}
	return err
}

// Access returns the access token's grant: which credential it is good
// for.
func (o *OID4VCI) Access(ctx context.Context, token string) (*WalletAccess, error) {
	if token == "" {
		return nil, walletErr(ErrInvalidToken, "The request carries no access token.")
	}
	a, err := o.store.WalletAccess(ctx, walletHash(token))
	if badges.ErrorCode(err) == badges.ENOTFOUND || (err == nil && !o.svc.now().Before(a.ExpiresAt)) {
		return nil, walletErr(ErrInvalidToken, "The access token is unknown or expired.")
	}
	return a, err
}

// CredentialRequest is a wallet's request for its credential.
type CredentialRequest struct {
	ConfigurationID string
	Proof           string // the one jwt key proof
}

// Credential issues the credential of an access token (see Access) to
// the holder whose key the proof proves: the proof first (its signature,
// audience and time), then its nonce, then the copy. The same token and
// holder get the same copy again (with a fresh nonce).
func (o *OID4VCI) Credential(ctx context.Context, a *WalletAccess, in CredentialRequest) (*HolderCopy, error) {
	if in.ConfigurationID != ConfigLDP && in.ConfigurationID != ConfigJWT {
		return nil, walletErr(ErrUnknownConfiguration, "The credential_configuration_id is not one this issuer offers.")
	}
	holder, nonce, err := o.proofs.CheckKeyProof(in.Proof, o.IssuerIdentifier(), o.svc.now())
	if err != nil {
		return nil, walletErr(ErrInvalidProof, asciiDescription(badges.Sentence(err.Error(), "")))
	}
	if err := o.spendNonce(ctx, nonce); err != nil {
		return nil, err
	}
	c, err := o.svc.IssueToHolder(ctx, a.CredentialID, holder)
	var de *badges.Error
	if errors.As(err, &de) && (de.Code == badges.ECONFLICT || de.Code == badges.ENOTFOUND || de.Code == badges.EINVALID) {
		return nil, walletErr(ErrCredentialRequestDenied, asciiDescription(de.Message))
	}
	return c, err
}

// asciiDescription keeps what an error_description may hold: printable
// ASCII without quotes or backslashes.
func asciiDescription(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\'')
		case r == '…':
			b.WriteString("...")
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Sweep removes expired codes, tokens and spent nonces.
func (o *OID4VCI) Sweep(ctx context.Context) error {
	return o.store.DeleteWalletStateBefore(ctx, o.svc.now().UTC())
}
