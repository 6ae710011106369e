package api

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Where a member's credentials went: the copies issued to the holders of
// their wallets (issuer/holder.go), listed in the API, on the member's
// console page and in the member portal, so that members and their
// community see which wallets hold them.

// WalletCopies lists the copies of a member's credentials in wallets.
type WalletCopies interface {
	// MemberHolderCopies lists a member's copies, newest first, without
	// their documents.
	MemberHolderCopies(ctx context.Context, memberID string) ([]*issuer.HolderCopy, error)
}

// walletCopy is one copy as the pages show it.
type walletCopy struct {
	CredentialID  string
	CredentialURL string // the original's public page
	Holder        string // the whole DID or URL, for a title and a copy
	Short         string // the holder shortened: "did:key:z6Mk…2doK"
	Since         shownDate
	URL           string // the copy's id, where it is served
}

// memberWalletCopies are a member's copies for a page, newest first; none
// when Laurel was built without them.
func (s *Server) memberWalletCopies(ctx context.Context, memberID string) ([]walletCopy, error) {
	if s.svc.WalletCopies == nil {
		return nil, nil
	}
	copies, err := s.svc.WalletCopies.MemberHolderCopies(ctx, memberID)
	if err != nil {
		return nil, err
	}
	out := make([]walletCopy, len(copies))
	for i, hc := range copies {
		out[i] = walletCopy{CredentialID: hc.CredentialID, CredentialURL: s.urls.Credential(hc.CredentialID), Holder: hc.Holder, Short: shortHolder(hc.Holder),
			Since: dateOf("In a wallet since", hc.IssuedAt), URL: s.urls.HolderCopy(hc.CredentialID, hc.ID)}
	}
	return out, nil
}

// shortHolder shortens a DID or URL for display, keeping what tells
// holders apart at a glance: a DID's method and the ends of its
// identifier ("did:key:z6Mk…2doK"), a URL's start and end.
func shortHolder(s string) string {
	const ends = 4
	if utf8.RuneCountInString(s) <= 28 {
		return s
	}
	if rest, ok := strings.CutPrefix(s, "did:"); ok {
		if method, id, ok := strings.Cut(rest, ":"); ok && len(id) > 2*ends+1 {
			return "did:" + method + ":" + id[:ends] + "…" + id[len(id)-ends:]
		}
		return s
	}
	r := []rune(s)
	return string(r[:20]) + "…" + string(r[len(r)-6:])
}

// walletWords words an error about the member's DID for the forms, which
// call the field "Wallet DID or URL"; the API names it did, as sent.
func walletWords(err error) error {
	if badges.ErrorField(err) != badges.FieldDID {
		return err
	}
	rest := strings.TrimPrefix(badges.ErrorMessage(err), badges.FieldDID+" ")
	return &badges.Error{Code: badges.ErrorCode(err), Field: badges.FieldDID, Message: "The wallet DID or URL " + rest}
}

// walletCopyJSON is a copy in the API.
type walletCopyJSON struct {
	ID           string    `json:"id"`
	CredentialID string    `json:"credentialId"`
	Holder       string    `json:"holder"`
	IssuedAt     time.Time `json:"issuedAt"`
	URL          string    `json:"url"`
}

// walletCopiesJSON are a member's copies in the API, newest first.
func (s *Server) walletCopiesJSON(ctx context.Context, memberID string) ([]walletCopyJSON, error) {
	out := []walletCopyJSON{}
	if s.svc.WalletCopies == nil {
		return out, nil
	}
	copies, err := s.svc.WalletCopies.MemberHolderCopies(ctx, memberID)
	if err != nil {
		return nil, err
	}
	for _, hc := range copies {
		out = append(out, walletCopyJSON{ID: hc.ID, CredentialID: hc.CredentialID, Holder: hc.Holder,
			IssuedAt: hc.IssuedAt, URL: s.urls.HolderCopy(hc.CredentialID, hc.ID)})
	}
	return out, nil
}

// handleMemberWalletCopies lists the copies of a member's credentials
// issued to their wallets' holders, newest first.
func (s *Server) handleMemberWalletCopies(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.svc.Members.Member(ctx, c.Param("member"))
	if err != nil {
		return err
	}
	items, err := s.walletCopiesJSON(ctx, m.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		Items []walletCopyJSON `json:"items"`
		Total int              `json:"total"`
	}{items, len(items)})
}
