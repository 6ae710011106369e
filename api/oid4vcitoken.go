package api

import (
	"mime"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/issuer"
)

// Bounds of the token request: a form of three short fields.
const (
	maxTokenBody   = 4 << 10
	maxGrantCode   = 128 // characters of a pre-authorized code (Laurel's are 43)
	maxTxCodeInput = 64
)

// handleWalletToken trades a pre-authorized code for an access token
// (OID4VCI 1.0 section 6, RFC 6749 section 5).
func (s *Server) handleWalletToken(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	in, err := parseTokenRequest(c.Request().Header.Get(echo.HeaderContentType), body)
	if err != nil {
		return walletError(c, err)
	}
	t, err := s.svc.OID4VCI.Token(c.Request().Context(), in)
	if err != nil {
		return walletError(c, err)
	}
	noStore(c)
	return c.JSON(http.StatusOK, map[string]any{
		"access_token": t.Token, "token_type": "Bearer", "expires_in": int(t.ExpiresIn.Seconds()),
	})
}

// parseTokenRequest reads a token request: a form of the pre-authorized
// code grant whose parameters each appear once. Unknown parameters are
// ignored, as OAuth asks.
func parseTokenRequest(contentType string, body []byte) (issuer.TokenRequest, error) {
	var in issuer.TokenRequest
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/x-www-form-urlencoded" {
		return in, tokenErr(issuer.ErrInvalidRequest, "The token request must be a form (application/x-www-form-urlencoded).")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return in, tokenErr(issuer.ErrInvalidRequest, "The token request is not a well-formed form.")
	}
	for _, name := range []string{"grant_type", "pre-authorized_code", "tx_code"} {
		if len(form[name]) > 1 {
			return in, tokenErr(issuer.ErrInvalidRequest, "The parameter "+name+" is given more than once.")
		}
	}
	switch grant := form.Get("grant_type"); {
	case grant == "":
		return in, tokenErr(issuer.ErrInvalidRequest, "grant_type is required.")
	case grant != issuer.PreAuthorizedGrant:
		return in, tokenErr(issuer.ErrUnsupportedGrantType, "grant_type must be "+issuer.PreAuthorizedGrant+".")
	}
	in.Code = form.Get("pre-authorized_code")
	switch {
	case in.Code == "":
		return in, tokenErr(issuer.ErrInvalidRequest, "pre-authorized_code is required.")
	case len(in.Code) > maxGrantCode:
		return in, tokenErr(issuer.ErrInvalidGrant, "The pre-authorized_code is unknown, used or expired.")
	}
	_, in.HasTxCode = form["tx_code"]
	in.TxCode = form.Get("tx_code")
	if len(in.TxCode) > maxTxCodeInput {
		return in, tokenErr(issuer.ErrInvalidGrant, "The tx_code is not the one e-mailed to the member.")
	}
	return in, nil
}

func tokenErr(code, description string) error {
	return &issuer.WalletError{Code: code, Description: description}
}

// handleWalletNonce hands out a fresh c_nonce (OID4VCI 1.0 section 7).
func (s *Server) handleWalletNonce(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	noStore(c)
	return c.JSON(http.StatusOK, map[string]string{"c_nonce": s.svc.OID4VCI.Nonce()})
}
