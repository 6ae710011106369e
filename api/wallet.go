package api

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/api/render"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// A credential's interaction URL (issuer.URLs.Wallet) is what a member
// scans with a wallet, from the claim page or the portal. A wallet asks it
// for JSON and learns the protocols it may use to fetch the credential:
// a VC-API exchange (walletexchange.go) or an OpenID for Verifiable
// Credential Issuance offer. A browser that opens it gets a page with the
// same QR code, to scan from a phone.

// Wallets are the VC-API exchanges, interaction URLs and holder copies
// the wallet routes need (issuer.Exchanges).
type Wallets interface {
	// Offered checks an interaction URL's code and returns its credential:
	// ENOTFOUND for a wrong code, ECONFLICT for a revoked or expired one.
	Offered(ctx context.Context, credentialID, code string) (*issuer.Credential, error)
	Start(ctx context.Context, credentialID, code string) (*issuer.Exchange, error)
	Present(ctx context.Context, exchangeID string, presentation []byte) (*issuer.HolderCopy, error)
	Exchange(ctx context.Context, exchangeID string) (*issuer.Exchange, error)
	Domain() string
	WalletURL(credentialID string) string
	HolderCopy(ctx context.Context, credentialID, copyID string) (*issuer.HolderCopy, error)
}

// interactionJSON lists the protocols of an interaction URL.
type interactionJSON struct {
	Protocols struct {
		VCAPI   string `json:"vcapi"`
		OID4VCI string `json:"OID4VCI"`
	} `json:"protocols"`
}

// walletPage is the page a browser gets at an interaction URL.
type walletPage struct {
	page
	Name, IssuerName             string
	BadgeImageURL, BadgeImageAlt string
	WalletURL, QRURL             string
}

// handleWalletInteraction answers an interaction URL: the protocols for a
// wallet, the QR code page for a browser.
func (s *Server) handleWalletInteraction(c echo.Context) error {
	id, code := c.Param("credential"), c.Param("code")
	cred, err := s.walletOffered(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the URL is the member's to hand out
	h.Set("Vary", "Accept")
	if negotiate(c.Request().Header.Get("Accept"), "text/html", echo.MIMEApplicationJSON) != "text/html" {
		var j interactionJSON
		j.Protocols.VCAPI = s.urls.WalletVCAPI(id, code)
		j.Protocols.OID4VCI = "openid-credential-offer://?credential_offer_uri=" + url.QueryEscape(s.urls.WalletCredentialOffer(id, code))
		return c.JSON(http.StatusOK, j)
	}
	return s.renderWalletPage(c, cred)
}

// errNoWallets answers the wallet routes of a server built without them.
var errNoWallets = badges.Errorf(badges.ENOTFOUND, "This Laurel offers no wallet links.")

// walletOffered is the credential of the interaction URL a request names.
func (s *Server) walletOffered(c echo.Context) (*issuer.Credential, error) {
	if s.svc.Wallets == nil {
		return nil, errNoWallets
	}
	return s.svc.Wallets.Offered(c.Request().Context(), c.Param("credential"), c.Param("code"))
}

// renderWalletPage draws the page of an interaction URL: the badge and
// the QR code to scan.
func (s *Server) renderWalletPage(c echo.Context, cred *issuer.Credential) error {
	v, err := s.credentialView(c.Request().Context(), cred.ID)
	if err != nil {
		return err
	}
	d := s.credentialPage(v)
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	link := s.urls.Wallet(cred.ID, c.Param("code"))
	p := walletPage{page: page{Title: "Add " + d.Name + " to your wallet", Brand: d.Brand},
		Name: d.Name, IssuerName: d.IssuerName, BadgeImageURL: d.BadgeImageURL, BadgeImageAlt: d.BadgeImageAlt,
		WalletURL: link, QRURL: link + "/qr.svg"}
	return s.renderPage(c, http.StatusOK, "wallet", p)
}

// handleWalletQR draws the QR code of an interaction URL, for the claim
// page, the portal and the interaction URL's own page.
func (s *Server) handleWalletQR(c echo.Context) error {
	if _, err := s.walletOffered(c); err != nil && badges.ErrorCode(err) != badges.ECONFLICT {
		return err // a revoked badge's code still draws: its pages no longer show it
	}
	link := s.urls.Wallet(c.Param("credential"), c.Param("code"))
	b, err := s.cache.images.get("qr|svg|"+link+"|480|1", func() ([]byte, error) {
		return render.QRSVG(link, 480, render.LevelMedium)
	})
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return serveBlob(c, b, imageType("svg"), "private, max-age=3600")
}
