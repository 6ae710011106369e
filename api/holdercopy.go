package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// handleHolderCopy serves a credential's copy issued to a wallet's holder
// at its id: the JSON with its Data Integrity proof, or the VC-JWT for
// {copy}.jwt and clients asking for one. A browser is sent to the
// original's page, which shows the badge and its live status: a copy
// shares the original's status entry.
func (s *Server) handleHolderCopy(c echo.Context) error {
	id, copyID, ext := c.Param("credential"), c.Param("copy"), ""
	if i := strings.LastIndexByte(copyID, '.'); i >= 0 {
		copyID, ext = copyID[:i], copyID[i+1:]
	}
	notFound := badges.Errorf(badges.ENOTFOUND, "No copy %q of credential %q.", c.Param("copy"), id)
	if s.svc.Wallets == nil || (ext != "" && ext != "jwt" && ext != "json") {
		return notFound
	}
	copied, err := s.svc.Wallets.HolderCopy(c.Request().Context(), id, copyID)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Vary", "Accept")
	switch {
	case ext == "jwt":
		return c.Blob(http.StatusOK, mimeVCJWT, []byte(copied.JWT))
	case ext == "json":
		return c.Blob(http.StatusOK, mimeVCLD, copied.JSON)
	}
	switch negotiate(c.Request().Header.Get("Accept"), "text/html", mimeVCLD, mimeLDJSON, echo.MIMEApplicationJSON, mimeVCJWT) {
	case "text/html":
		return c.Redirect(http.StatusSeeOther, s.urls.Credential(id))
	case mimeVCJWT:
		return c.Blob(http.StatusOK, mimeVCJWT, []byte(copied.JWT))
	default:
		return c.Blob(http.StatusOK, mimeVCLD, copied.JSON)
	}
}
