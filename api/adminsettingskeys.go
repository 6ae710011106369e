package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Rotating a community's signing keys makes a new key of each kind, with
// which its next credentials are signed; the old keys stay published, so
// every credential issued so far still verifies.

type settingsRotatePage struct {
	adminPage
	Keys []keyRow
}

// handleSettingsRotatePage asks the owner to confirm a rotation.
func (s *Server) handleSettingsRotatePage(c echo.Context) error {
	v := visitOf(c)
	keys, err := s.svc.Issuing.Keys(c.Request().Context(), v.Community.ID)
	if err != nil {
		return err
	}
	p := settingsRotatePage{Keys: keyRows(keys)}
	p.adminPage = s.adminPageFor(c, v, "Rotate the signing keys", "settings")
	return s.renderAdmin(c, http.StatusOK, "settingsrotate", p)
}

// handleSettingsRotate rotates the keys as POST
// /api/v1/issuers/:id/keys/rotate does.
func (s *Server) handleSettingsRotate(c echo.Context) error {
	v := visitOf(c)
	if _, err := s.svc.Issuing.RotateKeys(c.Request().Context(), v.Community.ID); err != nil {
		return err
	}
	return s.redirectDone(c, "/admin/c/"+v.Community.ID+"/settings#keys",
		"The signing keys of "+v.Community.Name+" are rotated; credentials issued before still verify.")
}
