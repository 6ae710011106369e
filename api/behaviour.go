package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type behaviourJSON struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category"`
}

func (s *Server) handleBehaviourList(c echo.Context) error {
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[behaviourJSON]{Items: make([]behaviourJSON, len(bs)), Total: len(bs)}
	for i, b := range bs {
		out.Items[i] = behaviourJSON{Key: b.Key, Name: b.Name, Description: b.Description, Category: string(b.Category)}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleBehaviourCreate(c echo.Context) error {
	var req behaviourJSON
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	b := badges.Behaviour{Key: req.Key, Name: req.Name, Description: req.Description, Category: badges.BehaviourCategory(req.Category)}
	if err := s.svc.Catalogue.AddBehaviour(c.Request().Context(), c.Param("issuer"), b); err != nil {
		return err
	}
	return created(c, "/api/v1/issuers/"+c.Param("issuer")+"/behaviours", req)
}
