package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Outcomes keeps the outcomes communities state and badges align to.
type Outcomes interface {
	Outcome(ctx context.Context, id string) (*badges.Outcome, error)
	List(ctx context.Context, issuerID string) ([]*badges.Outcome, error)
	Create(ctx context.Context, issuerID string, in badges.OutcomeInput) (*badges.Outcome, error)
	// Update returns the ids of the achievements saved again to carry a
	// new name.
	Update(ctx context.Context, id string, u badges.OutcomeUpdate) (*badges.Outcome, []string, error)
	Resolve(ctx context.Context, issuerID, field string, ids []string, current []badges.OutcomeRef) ([]badges.OutcomeRef, error)
}

type outcomeCreateRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Behaviours  []string `json:"behaviours"`
}

type outcomeUpdateRequest struct {
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	Behaviours  *[]string `json:"behaviours"`
	Status      *string   `json:"status"`
}

// namedJSON is something named by its key or id, with its name.
type namedJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type outcomeJSON struct {
	ID          string      `json:"id"`
	IssuerID    string      `json:"issuerId"`
	Name        string      `json:"name"`
	Description string      `json:"description,omitempty"`
	Behaviours  []namedJSON `json:"behaviours"`
	Status      string      `json:"status"`
	PublicURL   string      `json:"publicUrl"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
}

// outcomeJSON is o with its behaviours named (names of behaviours no
// longer in the catalogue are their keys).
func (s *Server) outcomeJSON(ctx context.Context, o *badges.Outcome) (outcomeJSON, error) {
	names, err := s.behaviourNames(ctx, o.IssuerID)
	if err != nil {
		return outcomeJSON{}, err
	}
	return s.namedOutcomeJSON(o, names), nil
}

// namedOutcomeJSON is o with its behaviours named from names.
func (s *Server) namedOutcomeJSON(o *badges.Outcome, names map[string]string) outcomeJSON {
	j := outcomeJSON{ID: o.ID, IssuerID: o.IssuerID, Name: o.Name, Description: o.Description, Behaviours: []namedJSON{},
		Status: string(o.Status), PublicURL: s.urls.Outcome(o.ID), CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	for _, k := range o.Behaviours {
		j.Behaviours = append(j.Behaviours, namedJSON{ID: k, Name: nameOr(names, k)})
	}
	return j
}

// behaviourNames are a community's behaviour names by key.
func (s *Server) behaviourNames(ctx context.Context, issuerID string) (map[string]string, error) {
	bs, err := s.svc.Catalogue.Behaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(bs))
	for _, b := range bs {
		names[b.Key] = b.Name
	}
	return names, nil
}

// nameOr is names[id], or id for something no longer known by a name.
func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

func (s *Server) handleOutcomeCreate(c echo.Context) error {
	var req outcomeCreateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	o, err := s.svc.Outcomes.Create(ctx, c.Param("issuer"), badges.OutcomeInput{Name: req.Name, Description: req.Description, Behaviours: req.Behaviours})
	if err != nil {
		return err
	}
	j, err := s.outcomeJSON(ctx, o)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/outcomes/"+o.ID, j)
}

func (s *Server) handleOutcomeList(c echo.Context) error {
	st := badges.OutcomeStatus(c.QueryParam("status"))
	if st != "" && st != badges.OutcomeActive && st != badges.OutcomeArchived {
		return badges.FieldErrorf("status", "The query parameter \"status\" must be active or archived.")
	}
	ctx := c.Request().Context()
	list, err := s.svc.Outcomes.List(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	names, err := s.behaviourNames(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	out := listJSON[outcomeJSON]{Items: []outcomeJSON{}}
	for _, o := range list {
		if st == "" || o.Status == st {
			out.Items = append(out.Items, s.namedOutcomeJSON(o, names))
		}
	}
	out.Total = len(out.Items)
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleOutcomeGet(c echo.Context) error {
	ctx := c.Request().Context()
	o, err := s.svc.Outcomes.Outcome(ctx, c.Param("outcome"))
	if err != nil {
		return err
	}
	j, err := s.outcomeJSON(ctx, o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (s *Server) handleOutcomeUpdate(c echo.Context) error {
	var req outcomeUpdateRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	u := badges.OutcomeUpdate{Name: req.Name, Description: req.Description, Behaviours: req.Behaviours}
	if req.Status != nil {
		st := badges.OutcomeStatus(*req.Status)
		u.Status = &st
	}
	return s.updateOutcome(c, u)
}

// handleOutcomeArchive archives an outcome: it is no longer pursued, and
// its page stays, since credentials point at it.
func (s *Server) handleOutcomeArchive(c echo.Context) error {
	st := badges.OutcomeArchived
	return s.updateOutcome(c, badges.OutcomeUpdate{Status: &st})
}

// updateOutcome applies u and forgets the cached copies of the
// achievements it saved again.
func (s *Server) updateOutcome(c echo.Context, u badges.OutcomeUpdate) error {
	ctx := c.Request().Context()
	o, saved, err := s.svc.Outcomes.Update(ctx, c.Param("outcome"), u)
	for _, id := range saved {
		s.forgetAchievement(&badges.Achievement{ID: id, IssuerID: o.IssuerID})
	}
	if err != nil {
		return err
	}
	j, err := s.outcomeJSON(ctx, o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}
