package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type memberRequest struct {
	Email         *string `json:"email"`
	DisplayName   *string `json:"displayName"`
	ExternalID    *string `json:"externalId"`
	Slug          *string `json:"slug"`
	PublicProfile *bool   `json:"publicProfile"`
	DID           *string `json:"did"`
}

type memberJSON struct {
	ID            string     `json:"id"`
	IssuerID      string     `json:"issuerId"`
	Email         string     `json:"email,omitempty"` // absent once the member is forgotten
	DisplayName   string     `json:"displayName"`
	ExternalID    string     `json:"externalId,omitempty"`
	Slug          string     `json:"slug,omitempty"` // absent once the member is forgotten
	PublicProfile bool       `json:"publicProfile"`
	DID           string     `json:"did,omitempty"`
	ProfileURL    string     `json:"profileUrl,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
	ForgottenAt   *time.Time `json:"forgottenAt,omitempty"`
}

func (s *Server) memberJSON(m *badges.Member) memberJSON {
	j := memberJSON{ID: m.ID, IssuerID: m.IssuerID, Email: m.Email, DisplayName: m.DisplayName,
		ExternalID: m.ExternalID, Slug: m.Slug, PublicProfile: m.PublicProfile, DID: m.DID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if m.PublicProfile {
		j.ProfileURL = s.urls.Member(m.Slug)
	}
	if m.Forgotten() {
		j.ForgottenAt = &m.ForgottenAt
	}
	return j
}

func (s *Server) handleMemberCreate(c echo.Context) error {
	var req memberRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	in := badges.MemberInput{Email: deref(req.Email), DisplayName: deref(req.DisplayName),
		ExternalID: deref(req.ExternalID), Slug: deref(req.Slug), DID: deref(req.DID)}
	if req.PublicProfile != nil {
		in.PublicProfile = *req.PublicProfile
	}
	m, err := s.svc.Members.CreateMember(ctx, c.Param("issuer"), in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/members/"+m.ID, s.memberJSON(m))
}

func (s *Server) handleMemberList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	q, err := badges.CheckQuery(c.QueryParam("q"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: c.Param("issuer"), Email: c.QueryParam("email"), Query: q, ListOptions: o})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, s.memberJSON))
}

func (s *Server) handleMemberGet(c echo.Context) error {
	m, err := s.svc.Members.Member(c.Request().Context(), c.Param("member"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.memberJSON(m))
}

func (s *Server) handleMemberUpdate(c echo.Context) error {
	var req memberRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	m, err := s.svc.Members.UpdateMember(c.Request().Context(), c.Param("member"), badges.MemberUpdate{
		Email: req.Email, DisplayName: req.DisplayName, ExternalID: req.ExternalID, Slug: req.Slug, PublicProfile: req.PublicProfile, DID: req.DID})
	if err != nil {
		return err
	}
	s.forgetMember(m.ID)
	return c.JSON(http.StatusOK, s.memberJSON(m))
}

// handleMemberDelete deletes a member, then takes them out of their
// cohorts. The clean-up runs even when the member is gone already, so
// that a delete whose clean-up failed is completed by sending it again
// (the answer is then a 404).
func (s *Server) handleMemberDelete(c echo.Context) error {
	if err := s.deleteMember(c.Request().Context(), c.Param("member")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// deleteMember deletes a member and takes them out of their cohorts, for
// the API and the console alike.
func (s *Server) deleteMember(ctx context.Context, id string) error {
	err := s.svc.Members.DeleteMember(ctx, id)
	if err != nil && badges.ErrorCode(err) != badges.ENOTFOUND {
		return err
	}
	if err := s.svc.Cohorts.ForgetMember(ctx, id); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	s.forgetMember(id)
	return nil
}

type importRowJSON struct {
	Line     int    `json:"line"`
	Status   string `json:"status"`
	Email    string `json:"email,omitempty"`
	MemberID string `json:"memberId,omitempty"`
	Error    string `json:"error,omitempty"`
	Field    string `json:"field,omitempty"`
}

type importJSON struct {
	Applied   bool            `json:"applied"`
	DryRun    bool            `json:"dryRun"`
	Created   int             `json:"created"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Rejected  int             `json:"rejected"`
	Rows      []importRowJSON `json:"rows"`
}

// handleMemberImport imports members from CSV, all or nothing: 200 when
// every row was applied (or would be, on a dry run), 422 with the rejected
// rows when any row is bad, and then nothing is applied.
func (s *Server) handleMemberImport(c echo.Context) error {
	dryRun := false
	if v := c.QueryParam("dryRun"); v != "" {
		var err error
		if dryRun, err = strconv.ParseBool(v); err != nil {
			return badges.FieldErrorf("dryRun", "The query parameter \"dryRun\" must be true or false.")
		}
	}
	body, err := s.importBody(c)
	if err != nil {
		return err
	}
	rows, err := badges.ParseMemberCSV(bytes.NewReader(body), badges.MaxImportRows)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.svc.Cohorts.CheckImportCohorts(ctx, c.Param("issuer"), rows); err != nil {
		return err
	}
	rep, err := s.svc.Members.ImportMembers(ctx, c.Param("issuer"), rows, dryRun)
	if err == nil {
		err = s.svc.Cohorts.JoinImported(ctx, rows, rep)
	}
	if err != nil {
		return err
	}
	out := importJSON{Applied: rep.Applied, DryRun: rep.DryRun, Created: rep.Count(badges.RowCreated),
		Updated: rep.Count(badges.RowUpdated), Unchanged: rep.Count(badges.RowUnchanged),
		Rejected: rep.Count(badges.RowRejected), Rows: make([]importRowJSON, 0, len(rep.Rows))}
	for _, r := range rep.Rows {
		row := importRowJSON{Line: r.Line, Status: r.Status, Email: r.Email, MemberID: r.MemberID}
		if r.Err != nil {
			row.Error, row.Field = badges.ErrorMessage(r.Err), badges.ErrorField(r.Err)
		}
		out.Rows = append(out.Rows, row)
	}
	status := http.StatusOK
	if out.Rejected > 0 {
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, out)
}

// importBody is the CSV, sent as text/csv or as the file field of a form.
func (s *Server) importBody(c echo.Context) ([]byte, error) {
	switch mt := mediaType(c); mt {
	case "text/csv":
		return s.readBody(c)
	case echo.MIMEMultipartForm:
		fh, err := c.FormFile("file")
		if errors.Is(err, http.ErrMissingFile) {
			return nil, badges.FieldErrorf("file", "The form needs a CSV file in the field \"file\".")
		}
		if err != nil {
			return nil, s.readFailure(c, err, "upload")
		}
		return readUpload(fh, s.bodyLimitOf(c))
	default:
		return nil, unsupportedMedia(mt, "text/csv", echo.MIMEMultipartForm)
	}
}
