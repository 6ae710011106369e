package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type alignmentJSON struct {
	TargetName        string `json:"targetName"`
	TargetURL         string `json:"targetUrl"`
	TargetDescription string `json:"targetDescription,omitempty"`
	TargetFramework   string `json:"targetFramework,omitempty"`
	TargetCode        string `json:"targetCode,omitempty"`
	TargetType        string `json:"targetType,omitempty"`
}

type achievementRequest struct {
	Name            *string          `json:"name"`
	Description     *string          `json:"description"`
	Criteria        *string          `json:"criteria"`
	AchievementType *string          `json:"achievementType"`
	Tags            *[]string        `json:"tags"`
	Alignments      *[]alignmentJSON `json:"alignments"`
	Outcomes        *[]string        `json:"outcomes"`
	Level           *string          `json:"level"`
	ValidityDays    *int             `json:"validityDays"`
	Repeatable      *bool            `json:"repeatable"`
	Applications    *bool            `json:"openToApplications"`
	Status          *string          `json:"status"`

	GrantsLeadership *bool `json:"grantsLeadership"`
}

type achievementJSON struct {
	ID              string          `json:"id"`
	IssuerID        string          `json:"issuerId"`
	Name            string          `json:"name"`
	Description     string          `json:"description"`
	Criteria        string          `json:"criteria"`
	AchievementType string          `json:"achievementType"`
	Tags            []string        `json:"tags,omitempty"`
	Alignments      []alignmentJSON `json:"alignments,omitempty"`
	Outcomes        []string        `json:"outcomes,omitempty"`
	Level           string          `json:"level,omitempty"`
	ValidityDays    int             `json:"validityDays,omitempty"`
	Repeatable      bool            `json:"repeatable"`
	Applications    bool            `json:"openToApplications"`
	Status          string          `json:"status"`
	Version         int             `json:"version"`
	Image           *imageJSON      `json:"image"`
	PublicURL       string          `json:"publicUrl"`
	CreatedAt       time.Time       `json:"createdAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`

	GrantsLeadership bool `json:"grantsLeadership"`
}

func (s *Server) achievementJSON(a *badges.Achievement) achievementJSON {
	j := achievementJSON{ID: a.ID, IssuerID: a.IssuerID, Name: a.Name, Description: a.Description,
		Criteria: a.Criteria, AchievementType: a.AchievementType, Tags: a.Tags, Level: a.Level,
		ValidityDays: a.ValidityDays, Repeatable: a.Repeatable, Status: string(a.Status), Version: a.Version,
		Image: s.imageJSON(a.Image), PublicURL: s.urls.Achievement(a.ID), CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Applications: a.Applications, GrantsLeadership: a.GrantsLeadership}
	for _, al := range a.Alignments {
		j.Alignments = append(j.Alignments, alignmentJSON(al))
	}
	for _, o := range a.Outcomes {
		j.Outcomes = append(j.Outcomes, o.ID)
	}
	return j
}

func (r *achievementRequest) update() badges.AchievementUpdate {
	u := badges.AchievementUpdate{Name: r.Name, Description: r.Description, Criteria: r.Criteria,
		AchievementType: r.AchievementType, Tags: r.Tags, Level: r.Level, ValidityDays: r.ValidityDays, Repeatable: r.Repeatable, Applications: r.Applications, GrantsLeadership: r.GrantsLeadership}
	if r.Alignments != nil {
		as := make([]badges.Alignment, len(*r.Alignments))
		for i, a := range *r.Alignments {
			as[i] = badges.Alignment(a)
		}
		u.Alignments = &as
	}
	if r.Status != nil {
		st := badges.AchievementStatus(*r.Status)
		u.Status = &st
	}
	return u
}

func (s *Server) handleAchievementCreate(c echo.Context) error {
	var req achievementRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := req.update()
	var err error
	in := badges.AchievementInput{Name: deref(u.Name), Description: deref(u.Description), Criteria: deref(u.Criteria),
		AchievementType: deref(u.AchievementType), Level: deref(u.Level), GrantsLeadership: u.GrantsLeadership}
	if u.Tags != nil {
		in.Tags = *u.Tags
	}
	if u.Alignments != nil {
		in.Alignments = *u.Alignments
	}
	if req.Outcomes != nil {
		if in.Outcomes, err = s.svc.Outcomes.Resolve(ctx, c.Param("issuer"), "outcomes", *req.Outcomes, nil); err != nil {
			return err
		}
	}
	if u.ValidityDays != nil {
		in.ValidityDays = *u.ValidityDays
	}
	if u.Repeatable != nil {
		in.Repeatable = *u.Repeatable
	}
	in.Applications = u.Applications != nil && *u.Applications
	if u.Status != nil {
		in.Status = *u.Status
	}
	a, err := s.svc.Achievements.CreateAchievement(ctx, c.Param("issuer"), in)
	if err != nil {
		return err
	}
	s.forgetAchievement(a)
	return created(c, "/api/v1/achievements/"+a.ID, s.achievementJSON(a))
}

func (s *Server) handleAchievementList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st := badges.AchievementStatus(c.QueryParam("status"))
	switch st {
	case "", badges.StatusDraft, badges.StatusActive, badges.StatusArchived:
	default:
		return badges.FieldErrorf("status", "The query parameter \"status\" must be draft, active or archived.")
	}
	p, err := s.svc.Achievements.Achievements(ctx, badges.AchievementFilter{IssuerID: c.Param("issuer"), Status: st, ListOptions: o})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, s.achievementJSON))
}

func (s *Server) handleAchievementGet(c echo.Context) error {
	a, err := s.svc.Achievements.Achievement(c.Request().Context(), c.Param("achievement"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}

func (s *Server) handleAchievementUpdate(c echo.Context) error {
	var req achievementRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	was, err := s.svc.Achievements.Achievement(ctx, c.Param("achievement"))
	if err != nil {
		return err
	}
	u := req.update()
	if req.Outcomes != nil {
		// Outcomes are resolved to the names the badge's credentials carry.
		refs, err := s.svc.Outcomes.Resolve(ctx, was.IssuerID, "outcomes", *req.Outcomes, was.Outcomes)
		if err != nil {
			return err
		}
		u.Outcomes = &refs
	}
	a, err := s.svc.Achievements.UpdateAchievement(ctx, was.ID, u)
	if err != nil {
		return err
	}
	s.forgetAchievement(a)
	if was.Status != badges.StatusActive && a.Status == badges.StatusActive {
		// Its rule, if it has one, starts awarding: those who qualify
		// already too, later if the job cannot start now.
		s.svc.Reevaluations.RuleChanged(ctx, a, badges.ReevaluationActivated)
	}
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}

func (s *Server) handleAchievementArchive(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.svc.Achievements.Achievement(ctx, c.Param("achievement"))
	if err != nil {
		return err
	}
	if a.Status == badges.StatusArchived {
		return badges.Errorf(badges.ECONFLICT, "Achievement %s is already archived.", a.ID)
	}
	archived := badges.StatusArchived
	if a, err = s.svc.Achievements.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Status: &archived}); err != nil {
		return err
	}
	s.forgetAchievement(a)
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}

func (s *Server) handleAchievementImage(c echo.Context) error {
	ctx := c.Request().Context()
	if _, err := s.svc.Achievements.Achievement(ctx, c.Param("achievement")); err != nil {
		return err
	}
	img, err := s.readImage(c)
	if err != nil {
		return err
	}
	rendition, err := uploadRendition(img)
	if err != nil {
		return err
	}
	a, err := s.svc.Achievements.SetAchievementImage(ctx, c.Param("achievement"), img)
	if err != nil {
		return err
	}
	if err := s.keepRendition(ctx, img, rendition); err != nil {
		return err
	}
	s.forgetAchievement(a)
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}

func (s *Server) handleAchievementImageReset(c echo.Context) error {
	a, err := s.svc.Achievements.SetAchievementImage(c.Request().Context(), c.Param("achievement"), nil)
	if err != nil {
		return err
	}
	s.forgetAchievement(a)
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}

func (s *Server) handleAchievementVersions(c echo.Context) error {
	vs, err := s.svc.Achievements.AchievementVersions(c.Request().Context(), c.Param("achievement"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(&badges.Page[*badges.Achievement]{Items: vs, Total: len(vs)}, s.achievementJSON))
}

func (s *Server) handleAchievementVersion(c echo.Context) error {
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v < 1 {
		return badges.FieldErrorf("version", "The version must be a whole number from 1.")
	}
	a, err := s.svc.Achievements.AchievementVersion(c.Request().Context(), c.Param("achievement"), v)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.achievementJSON(a))
}
