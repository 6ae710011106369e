package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// handleRulePut stores an achievement's criteria rule. The body is the
// rule itself; a problem names the JSON path of what is wrong. The rule of
// an active achievement is then re-evaluated for every member, in the
// background, so that those who qualify already are awarded.
func (s *Server) handleRulePut(c echo.Context) error {
	r, err := s.readRule(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ach, err := s.svc.Catalogue.SetRule(ctx, c.Param("achievement"), r)
	if err != nil {
		return err
	}
	// The rule is stored: a job that cannot start now starts later.
	s.svc.Reevaluations.RuleChanged(ctx, ach, badges.ReevaluationRuleChanged)
	return c.JSON(http.StatusOK, r)
}

// readRule reads a rule from the request body: JSON, parsed strictly.
func (s *Server) readRule(c echo.Context) (*badges.Rule, error) {
	if mt := mediaType(c); mt != echo.MIMEApplicationJSON {
		return nil, unsupportedMedia(mt, echo.MIMEApplicationJSON)
	}
	body, err := s.readBody(c)
	if err != nil {
		return nil, err
	}
	return badges.ParseRule(body)
}

func (s *Server) handleRuleGet(c echo.Context) error {
	r, err := s.svc.Catalogue.Rule(c.Request().Context(), c.Param("achievement"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (s *Server) handleRuleDelete(c echo.Context) error {
	if _, err := s.svc.Catalogue.SetRule(c.Request().Context(), c.Param("achievement"), nil); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
