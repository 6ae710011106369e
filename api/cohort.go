package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Cohorts keeps each community's cohorts and who is in them.
type Cohorts interface {
	Create(ctx context.Context, issuerID, name string) (*badges.Cohort, error)
	Cohort(ctx context.Context, id string) (*badges.Cohort, error)
	List(ctx context.Context, issuerID string, archived *bool) ([]*badges.Cohort, error)
	Update(ctx context.Context, id string, u badges.CohortUpdate) (*badges.Cohort, error)
	Resolve(ctx context.Context, issuerID, ref string) (*badges.Cohort, error)
	Join(ctx context.Context, cohortID string, memberIDs []string) ([]badges.JoinResult, error)
	Leave(ctx context.Context, cohortID, memberID string) error
	CohortMembers(ctx context.Context, cohortID string) ([]string, error)
	MemberCohorts(ctx context.Context, memberID string) ([]*badges.Cohort, error)
	ForgetMember(ctx context.Context, memberID string) error
	CheckImportCohorts(ctx context.Context, issuerID string, rows []badges.ImportRow) error
	JoinImported(ctx context.Context, rows []badges.ImportRow, rep *badges.ImportReport) error
}

type cohortJSON struct {
	ID        string    `json:"id"`
	IssuerID  string    `json:"issuerId"`
	Name      string    `json:"name"`
	Archived  bool      `json:"archived"`
	Members   int       `json:"members"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func toCohortJSON(c *badges.Cohort) cohortJSON {
	return cohortJSON{ID: c.ID, IssuerID: c.IssuerID, Name: c.Name, Archived: c.Archived, Members: c.Members,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func toCohortList(cs []*badges.Cohort) listJSON[cohortJSON] {
	out := listJSON[cohortJSON]{Items: make([]cohortJSON, len(cs)), Total: len(cs)}
	for i, c := range cs {
		out.Items[i] = toCohortJSON(c)
	}
	return out
}

type cohortRequest struct {
	Name     *string `json:"name"`
	Archived *bool   `json:"archived"`
}

func (s *Server) handleCohortCreate(c echo.Context) error {
	var req cohortRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Archived != nil {
		return badges.FieldErrorf("archived", "archived cannot be set on a new cohort")
	}
	if req.Name == nil {
		return badges.FieldErrorf("name", "name is required")
	}
	co, err := s.svc.Cohorts.Create(c.Request().Context(), c.Param("issuer"), *req.Name)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/cohorts/"+co.ID, toCohortJSON(co))
}

func (s *Server) handleCohortList(c echo.Context) error {
	var archived *bool
	if v := c.QueryParam("archived"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return badges.FieldErrorf("archived", "The query parameter \"archived\" must be true or false.")
		}
		archived = &b
	}
	cs, err := s.svc.Cohorts.List(c.Request().Context(), c.Param("issuer"), archived)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCohortList(cs))
}

func (s *Server) handleCohortGet(c echo.Context) error {
	co, err := s.svc.Cohorts.Cohort(c.Request().Context(), c.Param("cohort"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCohortJSON(co))
}

// handleCohortUpdate renames, archives or unarchives a cohort.
func (s *Server) handleCohortUpdate(c echo.Context) error {
	var req cohortRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Name == nil && req.Archived == nil {
		return badges.FieldErrorf("name", "The request changes nothing: give a new name, or archived.")
	}
	co, err := s.svc.Cohorts.Update(c.Request().Context(), c.Param("cohort"), badges.CohortUpdate{Name: req.Name, Archived: req.Archived})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCohortJSON(co))
}

// pathMember turns "no such member in this community", about a member
// named in the path, into a 404.
func pathMember(err error) error {
	if badges.ErrorCode(err) == badges.EINVALID && badges.ErrorField(err) == "memberId" {
		return badges.Errorf(badges.ENOTFOUND, "%s", badges.ErrorMessage(err))
	}
	return err
}

func (s *Server) handleCohortJoinOne(c echo.Context) error {
	out, err := s.svc.Cohorts.Join(c.Request().Context(), c.Param("cohort"), []string{c.Param("member")})
	if err == nil {
		err = out[0].Err
	}
	if err != nil {
		return pathMember(err)
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) handleCohortLeave(c echo.Context) error {
	if err := s.svc.Cohorts.Leave(c.Request().Context(), c.Param("cohort"), c.Param("member")); err != nil {
		return pathMember(err)
	}
	return c.NoContent(http.StatusNoContent)
}

type cohortJoinRequest struct {
	MemberIDs []string `json:"memberIds"`
}

type cohortJoinRowJSON struct {
	MemberID string `json:"memberId"`
	Status   string `json:"status"` // "joined" or "rejected"
	Error    string `json:"error,omitempty"`
	Field    string `json:"field,omitempty"`
}

type cohortJoinJSON struct {
	Joined   int                 `json:"joined"`
	Rejected int                 `json:"rejected"`
	Results  []cohortJoinRowJSON `json:"results"`
}

// handleCohortJoin adds a list of members to a cohort, each with its own
// answer.
func (s *Server) handleCohortJoin(c echo.Context) error {
	var req cohortJoinRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	if len(req.MemberIDs) == 0 {
		return badges.FieldErrorf("memberIds", "memberIds must list at least one member")
	}
	res, err := s.svc.Cohorts.Join(c.Request().Context(), c.Param("cohort"), req.MemberIDs)
	if err != nil {
		return err
	}
	out := cohortJoinJSON{Results: make([]cohortJoinRowJSON, len(res))}
	for i, r := range res {
		row := cohortJoinRowJSON{MemberID: r.MemberID, Status: "joined"}
		if r.Err != nil {
			row.Status, row.Error, row.Field = "rejected", badges.ErrorMessage(r.Err), fmt.Sprintf("memberIds[%d]", i)
			out.Rejected++
		} else {
			out.Joined++
		}
		out.Results[i] = row
	}
	return c.JSON(http.StatusOK, out)
}

type cohortMemberJSON struct {
	MemberID    string `json:"memberId"`
	DisplayName string `json:"displayName"`
}

// handleCohortMembers lists a cohort's members by id, a page at a time.
func (s *Server) handleCohortMembers(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	co, err := s.svc.Cohorts.Cohort(ctx, c.Param("cohort"))
	if err != nil {
		return err
	}
	ids, err := s.svc.Cohorts.CohortMembers(ctx, co.ID)
	if err != nil {
		return err
	}
	p, err := badges.Paginate(ids, func(id string) string { return id }, o)
	if err != nil {
		return err
	}
	out := listJSON[cohortMemberJSON]{Items: []cohortMemberJSON{}, Total: p.Total, NextCursor: p.NextCursor}
	for _, id := range p.Items {
		m, err := s.svc.Members.Member(ctx, id)
		if badges.ErrorCode(err) == badges.ENOTFOUND {
			continue // deleted
		}
		if err != nil {
			return err
		}
		out.Items = append(out.Items, cohortMemberJSON{MemberID: m.ID, DisplayName: m.DisplayName})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) handleMemberCohorts(c echo.Context) error {
	cs, err := s.svc.Cohorts.MemberCohorts(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toCohortList(cs))
}
