package api

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges/jsondepth"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// Bounds of a credential request: a few fields and one key proof.
const (
	maxCredentialRequestBody  = 16 << 10
	maxCredentialRequestDepth = 8
)

// errInvalidEncryption is the error of a request asking for an encrypted
// response, which Laurel does not offer.
const errInvalidEncryption = "invalid_encryption_parameters"

// handleWalletCredential issues the access token's credential to the
// holder of the proven key (OID4VCI 1.0 section 8): a Data Integrity
// credential (ldp_vc, a JSON object) or a VC-JWT (jwt_vc_json, a string).
func (s *Server) handleWalletCredential(c echo.Context) error {
	if s.svc.OID4VCI == nil {
		return echo.ErrNotFound
	}
	token, err := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
	if err != nil {
		return walletError(c, err)
	}
	access, err := s.svc.OID4VCI.Access(c.Request().Context(), token)
	if err != nil {
		return walletError(c, err)
	}
	body, err := s.readBody(c)
	if err != nil {
		return err
	}
	in, err := parseCredentialRequest(c.Request().Header.Get(echo.HeaderContentType), body)
	if err != nil {
		return walletError(c, err)
	}
	hc, err := s.svc.OID4VCI.Credential(c.Request().Context(), access, in)
	if err != nil {
		return walletError(c, err)
	}
	var credential any = hc.JWT
	if in.ConfigurationID == issuer.ConfigLDP {
		credential = json.RawMessage(hc.JSON)
	}
	noStore(c)
	return c.JSON(http.StatusOK, map[string]any{"credentials": []map[string]any{{"credential": credential}}})
}

// bearerToken reads an Authorization header of the Bearer scheme.
func bearerToken(header string) (string, error) {
	scheme, token, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", tokenErr(issuer.ErrInvalidToken, "The request carries no Bearer access token.")
	}
	return strings.TrimSpace(token), nil
}

// credentialRequest is a credential request as sent; pointers tell a
// field left out from one sent empty.
type credentialRequest struct {
	Identifier      *string         `json:"credential_identifier"`
	ConfigurationID *string         `json:"credential_configuration_id"`
	Proofs          json.RawMessage `json:"proofs"`
	Proof           json.RawMessage `json:"proof"`
	Encryption      json.RawMessage `json:"credential_response_encryption"`
}

// parseCredentialRequest reads a credential request: JSON, bounded in
// depth, naming a credential configuration and carrying exactly one jwt
// key proof in proofs. Unknown members are ignored, as the specification
// asks.
func parseCredentialRequest(contentType string, body []byte) (issuer.CredentialRequest, error) {
	var out issuer.CredentialRequest
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
		return out, tokenErr(issuer.ErrInvalidCredentialRequest, "The credential request must be JSON (application/json).")
	}
	if jsondepth.Of(body, maxCredentialRequestDepth) > maxCredentialRequestDepth {
		return out, tokenErr(issuer.ErrInvalidCredentialRequest, "The credential request is nested too deeply.")
	}
	var r credentialRequest
	if err := json.Unmarshal(body, &r); err != nil {
		return out, tokenErr(issuer.ErrInvalidCredentialRequest, "The credential request is not a well-formed JSON object.")
	}
	switch {
	case r.Identifier != nil:
		return out, tokenErr(issuer.ErrUnknownIdentifier, "This issuer returns no credential_identifiers; send credential_configuration_id.")
	case r.ConfigurationID == nil || *r.ConfigurationID == "":
		return out, tokenErr(issuer.ErrInvalidCredentialRequest, "credential_configuration_id is required.")
	case len(r.Encryption) > 0 && !bytes.Equal(r.Encryption, []byte("null")):
		return out, tokenErr(errInvalidEncryption, "This issuer does not encrypt credential responses.")
	}
	out.ConfigurationID = *r.ConfigurationID
	proof, err := oneJWTProof(r.Proofs, r.Proof)
	if err != nil {
		return out, err
	}
	out.Proof = proof
	return out, nil
}

// oneJWTProof reads proofs: {"jwt": ["<one key proof>"]}. The singular
// proof of drafts before 1.0 is not read.
func oneJWTProof(proofs, singular json.RawMessage) (string, error) {
	if len(proofs) == 0 || bytes.Equal(proofs, []byte("null")) {
		if len(singular) > 0 {
			return "", tokenErr(issuer.ErrInvalidProof, "proofs is required; the singular proof of drafts before OID4VCI 1.0 is not accepted.")
		}
		return "", tokenErr(issuer.ErrInvalidProof, "proofs is required.")
	}
	var byType map[string]json.RawMessage
	if err := json.Unmarshal(proofs, &byType); err != nil || len(byType) != 1 {
		return "", tokenErr(issuer.ErrInvalidProof, "proofs must be an object with one proof type.")
	}
	var jwts []string
	raw, ok := byType["jwt"]
	if !ok || json.Unmarshal(raw, &jwts) != nil {
		return "", tokenErr(issuer.ErrInvalidProof, "proofs must hold jwt, an array of key proofs; other proof types are not supported.")
	}
	if len(jwts) != 1 {
		return "", tokenErr(issuer.ErrInvalidProof, "proofs.jwt must hold exactly one key proof: this issuer issues one credential per request.")
	}
	if len(jwts[0]) > verifier.MaxKeyProofBytes {
		return "", tokenErr(issuer.ErrInvalidProof, "The key proof is too large.")
	}
	return jwts[0], nil
}
