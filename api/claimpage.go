package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// The claim page is where the award e-mail's link lands: the member sees
// the badge, accepts it and chooses who sees it, then shares it. The link
// names the credential and carries a code only Laurel can make
// (issuer.LinkSigner), so no token is stored and any number of visits
// work; whoever holds the link acts for the member, as with the e-mail it
// came in. There is no session: the form's CSRF token is a double-submit
// cookie, as on the console's sign-in form.

// The states of a claim page.
const (
	claimOffer    = "offer"    // not accepted yet: the choice and the Accept button
	claimAccepted = "accepted" // accepted: share, LinkedIn, downloads
	claimRevoked  = "revoked"  // nothing to accept
	claimNotFound = "notfound" // a link that does not work
)

// chosenInWords says what a member's choice does, on the accepted page.
var chosenInWords = map[issuer.Visibility]string{
	issuer.VisibilityPublic: "It is shown on your public profile.",
	issuer.VisibilityLink:   "Only people you share its link with will see it.",
	issuer.VisibilityHidden: "Its page does not show your name.",
}

type claimPage struct {
	credentialPage // the badge as its public page shows it
	State          string
	Member         string // the member's own name: the link is theirs
	ActionURL      string
	CSRF           string
	Choices        []visibilityChoice // the portal's choices, in the same words
	Chosen         string             // the choice, in words, once accepted
	Problem        string             // what was wrong with the form
	SignInURL      string
	// The wallet's interaction URL and its QR code, while the badge
	// counts (wallet.go).
	WalletURL, WalletQRURL string
}

// errClaimCSRF is a claim form posted without its token: from another
// site, or from a page opened before the browser's token was replaced.
var errClaimCSRF = badges.Errorf(badges.EFORBIDDEN, "This form has expired or did not come from this page; reload the page and try again.")

// claimFormSent checks that the claim form carries the CSRF token of the
// visitor's cookie (the sign-in forms' cookie), so another site cannot
// accept a badge for them. The handler checks it, not the route's access,
// so that a bad query is answered first, as on every public route.
func (s *Server) claimFormSent(c echo.Context) error {
	cookie, err := c.Cookie(s.guestCookieName())
	if err != nil || cookie.Value == "" || !s.csrfMatches(c, cookie.Value) {
		return errClaimCSRF
	}
	return nil
}

// claimed finds the credential a claim link names, or nil when the link
// does not work: a wrong code and an unknown credential look the same.
func (s *Server) claimed(c echo.Context) (*issuer.Credential, error) {
	id, code := c.Param("credential"), c.Param("code")
	if s.svc.ClaimLinks == nil || !s.svc.ClaimLinks.Valid(code, id) {
		return nil, nil
	}
	cred, err := s.svc.Issuing.Credential(c.Request().Context(), id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, nil
	}
	return cred, err
}

func (s *Server) handleClaimPage(c echo.Context) error {
	cred, err := s.claimed(c)
	if err != nil || cred == nil {
		return s.claimAnswer(c, cred, err)
	}
	return s.renderClaim(c, http.StatusOK, cred, "")
}

// handleClaimAccept records the member's acceptance and choice, then shows
// the accepted page (post, redirect, get: a reload sends nothing twice).
func (s *Server) handleClaimAccept(c echo.Context) error {
	if err := s.claimFormSent(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cred, err := s.claimed(c)
	if err != nil || cred == nil {
		return s.claimAnswer(c, cred, err)
	}
	v, err := issuer.ParseVisibility(c.FormValue("visibility"))
	if err == nil {
		_, err = s.svc.Issuing.Accept(ctx, cred.ID, v)
	}
	switch code := badges.ErrorCode(err); code {
	case "":
		s.forgetCredential(cred.ID)
		return c.Redirect(http.StatusSeeOther, c.Request().URL.Path)
	case badges.EINVALID, badges.ECONFLICT:
		// No choice made, or the badge was revoked meanwhile: the page
		// says so, as it stands now.
		if cred, err = s.svc.Issuing.Credential(ctx, cred.ID); err != nil {
			return err
		}
		problem := ""
		if code == badges.EINVALID {
			problem = "Choose who sees your badge: one of the three options above the button."
		}
		return s.renderClaim(c, statusOf[code], cred, problem)
	default:
		return err
	}
}

// claimAnswer answers a link that did not lead to a credential: the error,
// or the page for a link that does not work.
func (s *Server) claimAnswer(c echo.Context, cred *issuer.Credential, err error) error {
	if err != nil {
		return err
	}
	return s.renderClaim(c, http.StatusNotFound, cred, "")
}

// renderClaim draws the claim page of cred in the state it is in, or, for
// nil, the page of a link that does not work, which offers a way on
// without saying whether the badge exists.
func (s *Server) renderClaim(c echo.Context, status int, cred *issuer.Credential, problem string) error {
	h := c.Response().Header()
	h.Set("Referrer-Policy", "no-referrer") // the link is the member's secret
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex")
	d := claimPage{State: claimNotFound, SignInURL: "/me/signin"}
	if cred == nil {
		d.Title = "This link does not work"
		return s.renderPage(c, status, "claim", d)
	}
	if err := s.fillClaim(c.Request().Context(), &d, cred); err != nil {
		return err
	}
	d.ActionURL, d.CSRF, d.Problem = c.Request().URL.Path, s.guestToken(c), problem
	return s.renderPage(c, status, "claim", d)
}

// fillClaim sets what the page shows of the badge and the state it is in.
func (s *Server) fillClaim(ctx context.Context, d *claimPage, cred *issuer.Credential) error {
	v, err := s.credentialView(ctx, cred.ID)
	if err != nil {
		return err
	}
	d.credentialPage = s.credentialPage(v)
	d.State, d.SignInURL = claimOffer, "/me/signin"
	switch {
	case cred.Revoked() || v.report.Credential.Revoked:
		d.State = claimRevoked
	case cred.Accepted():
		d.State, d.Chosen = claimAccepted, chosenInWords[cred.Visibility]
	}
	d.Choices = visibilityChoices(cred.Visibility)
	if d.State == claimAccepted && d.Live && s.svc.Wallets != nil {
		d.WalletURL = s.svc.Wallets.WalletURL(cred.ID)
		d.WalletQRURL = d.WalletURL + "/qr.svg"
	}
	m, err := s.svc.Members.Member(ctx, cred.MemberID)
	if err != nil && badges.ErrorCode(err) != badges.ENOTFOUND {
		return err
	}
	if m != nil {
		d.Member = m.DisplayName
	}
	// The page is the member's own, not one to share: no social card.
	// The header carries the community's logo and name (Brand).
	d.page = page{Title: d.Name + " · " + v.profile.Name, Brand: s.brandOf(v.profile)}
	return nil
}

// maxClaimForm bounds the claim form: a token and a choice.
const maxClaimForm = 4 << 10
