package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// The VC-API exchange, as wallets that speak it run it: the wallet POSTs
// {} to the interaction URL's vcapi URL and gets a verifiablePresentationRequest
// asking for DID Authentication; it signs a presentation with the
// challenge and domain and POSTs {"verifiablePresentation": …} to the
// request's service endpoint; Laurel answers with the credential, issued
// to the holder, in a presentation.

// maxExchangeBody bounds what a wallet posts to an exchange: the
// presentation and the object around it.
const maxExchangeBody = verifier.MaxPresentationBytes + 1<<10

// vcContextV2 is the context of the presentation Laurel answers with.
const vcContextV2 = "https://www.w3.org/ns/credentials/v2"

// presentationRequestJSON is a verifiable presentation request asking for
// DID Authentication (W3C CCG Verifiable Presentation Request).
type presentationRequestJSON struct {
	Query     []presentationQuery `json:"query"`
	Challenge string              `json:"challenge"`
	Domain    string              `json:"domain"`
	Interact  struct {
		Service []interactService `json:"service"`
	} `json:"interact"`
}

type presentationQuery struct {
	Type string `json:"type"`
}

type interactService struct {
	Type            string `json:"type"`
	ServiceEndpoint string `json:"serviceEndpoint"`
}

type exchangeRequestJSON struct {
	VerifiablePresentationRequest presentationRequestJSON `json:"verifiablePresentationRequest"`
}

// exchangeAnswerJSON is the credential, in a presentation.
type exchangeAnswerJSON struct {
	VerifiablePresentation struct {
		Context              []string          `json:"@context"`
		Type                 []string          `json:"type"`
		VerifiableCredential []json.RawMessage `json:"verifiableCredential"`
	} `json:"verifiablePresentation"`
}

// handleExchangeStart starts an exchange for the credential an
// interaction URL names.
func (s *Server) handleExchangeStart(c echo.Context) error {
	if s.svc.Wallets == nil {
		return errNoWallets
	}
	e, err := s.svc.Wallets.Start(c.Request().Context(), c.Param("credential"), c.Param("code"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, s.exchangeRequest(e))
}

// exchangeRequest is the request of exchange e.
func (s *Server) exchangeRequest(e *issuer.Exchange) exchangeRequestJSON {
	endpoint := s.urls.WalletExchange(e.ID)
	r := presentationRequestJSON{Query: []presentationQuery{{Type: "DIDAuthentication"}},
		Challenge: e.Challenge, Domain: s.svc.Wallets.Domain()}
	r.Interact.Service = []interactService{
		{Type: "UnmediatedHttpPresentationService2021", ServiceEndpoint: endpoint},
		{Type: "VerifiableCredentialApiExchangeService", ServiceEndpoint: endpoint},
	}
	return exchangeRequestJSON{VerifiablePresentationRequest: r}
}

// handleExchangePresent takes a wallet's presentation and answers with
// the credential. An empty object asks for the exchange's request again.
func (s *Server) handleExchangePresent(c echo.Context) error {
	if s.svc.Wallets == nil || !badges.ValidID(c.Param("exchange")) {
		return badges.Errorf(badges.ENOTFOUND, "No exchange %q; start a new one from the wallet link.", c.Param("exchange"))
	}
	vp, err := s.presentationOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	c.Response().Header().Set("Cache-Control", "no-store")
	if vp == nil {
		e, err := s.svc.Wallets.Exchange(ctx, c.Param("exchange"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, s.exchangeRequest(e))
	}
	copied, err := s.svc.Wallets.Present(ctx, c.Param("exchange"), vp)
	if errors.Is(err, issuer.ErrExchangeExpired) {
		return badges.Errorf(eGone, "%s", issuer.ErrExchangeExpired.Message)
	}
	if err != nil {
		return err
	}
	var a exchangeAnswerJSON
	a.VerifiablePresentation.Context = []string{vcContextV2}
	a.VerifiablePresentation.Type = []string{"VerifiablePresentation"}
	a.VerifiablePresentation.VerifiableCredential = []json.RawMessage{copied.JSON}
	return c.JSON(http.StatusOK, a)
}

// presentationOf reads the presentation a wallet posted: nil for an empty
// body or object.
func (s *Server) presentationOf(c echo.Context) ([]byte, error) {
	body, err := s.readBody(c)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return nil, unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	var req struct {
		VerifiablePresentation json.RawMessage `json:"verifiablePresentation"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, jsonError(err)
	}
	if len(req.VerifiablePresentation) == 0 || bytes.Equal(req.VerifiablePresentation, []byte("null")) {
		return nil, nil
	}
	return req.VerifiablePresentation, nil
}
