package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type endorseRequest struct {
	EndorserID string `json:"endorserId"`
	MemberID   string `json:"memberId"`
	Note       string `json:"note"`
}

type endorseResponse struct {
	Earned         []string `json:"earned"`
	EndorserEarned []string `json:"endorserEarned"`
}

// handleEndorse records one member endorsing another's contribution.
func (s *Server) handleEndorse(c echo.Context) error {
	var req endorseRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := s.svc.Recognition.Endorse(c.Request().Context(), c.Param("issuer"),
		badges.EndorseInput{EndorserID: req.EndorserID, MemberID: req.MemberID, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, endorseResponse{Earned: nonNil(res.Earned), EndorserEarned: nonNil(res.EndorserEarned)})
}
