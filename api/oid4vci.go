package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow
// (issuer/oid4vci.go): the credential offer a wallet fetches by reference
// from a credential's interaction URL, the Credential Issuer and
// Authorization Server metadata, then the token, nonce and credential
// endpoints (oid4vcitoken.go, oid4vcicredential.go). Their errors are the
// specification's JSON bodies, not problems.

// OID4VCI is the flow as the handlers use it.
type OID4VCI interface {
	IssuerIdentifier() string
	Offer(ctx context.Context, credentialID, linkCode string, txCode bool) (*issuer.CredentialOffer, error)
	Token(ctx context.Context, in issuer.TokenRequest) (*issuer.WalletToken, error)
	Nonce() string
	// Access checks an access token before its request is read.
	Access(ctx context.Context, token string) (*issuer.WalletAccess, error)
	Credential(ctx context.Context, a *issuer.WalletAccess, in issuer.CredentialRequest) (*issuer.HolderCopy, error)
}

// The endpoints' paths, below the base URL.
const (
	pathWalletToken      = "/oid4vci/token"
	pathWalletNonce      = "/oid4vci/nonce"
	pathWalletCredential = "/oid4vci/credential"
)

// txCodeDescription tells the member where the transaction code is; at
// most 300 characters (OID4VCI 1.0, section 4.1.1).
const txCodeDescription = "Enter the 6-digit code we just e-mailed to you."

// handleCredentialOffer answers the credential offer of a credential's
// interaction URL with a fresh pre-authorized code. ?tx_code=email asks
// for a transaction code, e-mailed to the member.
func (s *Server) handleCredentialOffer(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	txCode := false
	switch v := c.QueryParam("tx_code"); v {
	case "":
	case "email":
		txCode = true
	default:
		return badges.FieldErrorf("tx_code", "tx_code must be email, or absent for an offer without a transaction code")
	}
	o, err := s.svc.OID4VCI.Offer(c.Request().Context(), c.Param("credential"), c.Param("code"), txCode)
	if err != nil {
		return err
	}
	grant := map[string]any{"pre-authorized_code": o.Code}
	if o.TxCode {
		grant["tx_code"] = map[string]any{"input_mode": "numeric", "length": issuer.TxCodeLength, "description": txCodeDescription}
	}
	noStore(c)
	return c.JSON(http.StatusOK, map[string]any{
		"credential_issuer":            s.svc.OID4VCI.IssuerIdentifier(),
		"credential_configuration_ids": issuer.CredentialConfigurations,
		"grants":                       map[string]any{issuer.PreAuthorizedGrant: grant},
	})
}

// handleIssuerMetadata is the Credential Issuer Metadata. Laurel is its
// own Authorization Server, so it names none (wallets read
// /.well-known/oauth-authorization-server).
func (s *Server) handleIssuerMetadata(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	base := s.svc.OID4VCI.IssuerIdentifier()
	proofTypes := map[string]any{"jwt": map[string]any{"proof_signing_alg_values_supported": verifier.KeyProofAlgs}}
	display := []map[string]any{{"name": "Open Badge", "locale": "en",
		"description": "An Open Badges 3.0 credential: an achievement recognised by a community."}}
	types := []string{"VerifiableCredential", "OpenBadgeCredential"}
	return c.JSON(http.StatusOK, map[string]any{
		"credential_issuer":   base,
		"credential_endpoint": base + pathWalletCredential,
		"nonce_endpoint":      base + pathWalletNonce,
		"display":             []map[string]any{{"name": hostOf(base), "locale": "en"}},
		"credential_configurations_supported": map[string]any{
			issuer.ConfigLDP: map[string]any{
				"format":                "ldp_vc",
				"credential_definition": map[string]any{"@context": ob3.CredentialContexts, "type": types},
				"cryptographic_binding_methods_supported": []string{"did:key"},
				"credential_signing_alg_values_supported": []string{ob3.CryptosuiteEdDSARDFC},
				"proof_types_supported":                   proofTypes,
				"credential_metadata":                     map[string]any{"display": display},
			},
			issuer.ConfigJWT: map[string]any{
				"format":                "jwt_vc_json",
				"credential_definition": map[string]any{"type": types},
				"cryptographic_binding_methods_supported": []string{"did:key"},
				"credential_signing_alg_values_supported": issuer.JWTAlgs,
				"proof_types_supported":                   proofTypes,
				"credential_metadata":                     map[string]any{"display": display},
			},
		},
	})
}

// handleAuthServerMetadata is the OAuth 2.0 Authorization Server Metadata
// (RFC 8414) of the pre-authorized code grant, which needs no client.
func (s *Server) handleAuthServerMetadata(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	base := s.svc.OID4VCI.IssuerIdentifier()
	return c.JSON(http.StatusOK, map[string]any{
		"issuer":                                base,
		"token_endpoint":                        base + pathWalletToken,
		"grant_types_supported":                 []string{issuer.PreAuthorizedGrant},
		"token_endpoint_auth_methods_supported": []string{"none"},
		"pre-authorized_grant_anonymous_access_supported": true,
	})
}

// hostOf is a URL's host, to name the issuer in wallets.
func hostOf(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	return u.Host
}

// noStore keeps answers that carry secrets or one-time values out of
// caches.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Pragma", "no-cache")
}

// walletError writes an error of the flow as the specification's JSON
// body: 401 with a WWW-Authenticate challenge for a missing or bad access
// token (RFC 6750), 400 otherwise. Any other error goes to the central
// handler.
func walletError(c echo.Context, err error) error {
	var we *issuer.WalletError
	if !errors.As(err, &we) {
		return err
	}
	noStore(c)
	status := http.StatusBadRequest
	if we.Code == issuer.ErrInvalidToken {
		status = http.StatusUnauthorized
		c.Response().Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+we.Description+`"`)
	}
	return c.JSON(status, map[string]string{"error": we.Code, "error_description": we.Description})
}
