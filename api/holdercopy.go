package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// handleHolderCopy serves a credential's copy issued to a wallet's holder
// at its id: the JSON with its Data Integrity proof, or the VC-JWT for
// {copy}.jwt and clients asking for one. A browser is sent to the
// original's page, which shows the badge and its live status: a copy
// shares the original's status entry.
func (s *Server) handleHolderCopy(c echo.Context) error {
	id := c.Param("credential")
	copyID, ext := splitExt(c.Param("copy"))
	form := signedForm(c, ext)
	if s.svc.Wallets == nil || form == "" {
		return badges.Errorf(badges.ENOTFOUND, "No copy %q of credential %q.", c.Param("copy"), id)
	}
	copied, err := s.svc.Wallets.HolderCopy(c.Request().Context(), id, copyID)
	if err != nil {
		return err
	}
	if form == formHTML {
		return c.Redirect(http.StatusSeeOther, s.urls.Credential(id))
	}
	return serveSigned(c, form, copied.JSON, copied.JWT)
}
