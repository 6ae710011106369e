package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type behaviourJSON struct {
	Key         string     `json:"key"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Category    string     `json:"category"`
	Reciprocal  string     `json:"reciprocal,omitempty"`
	Retired     bool       `json:"retired,omitempty"`
	RetiredAt   *time.Time `json:"retiredAt,omitempty"`
}

// behaviourRequest is a new behaviour: a new one cannot be retired.
type behaviourRequest struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category"`
	Reciprocal  string `json:"reciprocal,omitempty"`
}

func toBehaviourJSON(b badges.Behaviour) behaviourJSON {
	out := behaviourJSON{Key: b.Key, Name: b.Name, Description: b.Description, Category: string(b.Category), Reciprocal: b.Reciprocal, Retired: b.Retired}
	if b.Retired {
		out.RetiredAt = &b.RetiredAt
	}
	return out
}

func (s *Server) handleBehaviourList(c echo.Context) error {
	bs, err := s.svc.Catalogue.Behaviours(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[behaviourJSON]{Items: make([]behaviourJSON, len(bs)), Total: len(bs)}
	for i, b := range bs {
		out.Items[i] = toBehaviourJSON(b)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleBehaviourCreate(c echo.Context) error {
	var req behaviourRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	b := badges.Behaviour{Key: req.Key, Name: req.Name, Description: req.Description, Category: badges.BehaviourCategory(req.Category), Reciprocal: req.Reciprocal}
	if err := s.svc.Catalogue.AddBehaviour(c.Request().Context(), c.Param("issuer"), b); err != nil {
		return err
	}
	return created(c, "/api/v1/issuers/"+c.Param("issuer")+"/behaviours", toBehaviourJSON(b))
}

// behaviourPatch changes a behaviour; absent fields stay as they are.
type behaviourPatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Category    *string `json:"category"`
	Reciprocal  *string `json:"reciprocal"`
	Retired     *bool   `json:"retired"`
}

// handleBehaviourUpdate edits a behaviour, default or the community's
// own, or retires it (retired: true) or brings it back (false).
func (s *Server) handleBehaviourUpdate(c echo.Context) error {
	var req behaviourPatch
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	p := badges.BehaviourPatch{Name: req.Name, Description: req.Description, Reciprocal: req.Reciprocal, Retired: req.Retired}
	if req.Category != nil {
		cat := badges.BehaviourCategory(*req.Category)
		p.Category = &cat
	}
	b, err := s.svc.Catalogue.ChangeBehaviour(c.Request().Context(), c.Param("issuer"), c.Param("behaviour"), p, s.now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toBehaviourJSON(*b))
}
