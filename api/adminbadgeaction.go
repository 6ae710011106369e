package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// What a manager does to a badge beyond editing it: activate it, archive
// it, re-evaluate its rule for everyone. Each is asked for on a page that
// says what will happen, then done by the service the API's route calls.

type badgeConfirmPage struct {
	adminPage
	Badge   *badges.Achievement
	Action  string // the path's last part: activate, archive, reevaluate
	Members int    // the community's members, for a re-evaluation
	HasRule bool
	Refusal string // why the action cannot be done now
}

// handleBadgeConfirm is the page that asks before an action on a badge.
func (s *Server) handleBadgeConfirm(action string) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := s.communityBadge(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		r, err := s.badgeRule(ctx, a.ID)
		if err != nil {
			return err
		}
		p := badgeConfirmPage{Badge: a, Action: action, HasRule: r != nil}
		titles := map[string]string{"activate": "Activate ", "archive": "Archive ", "reevaluate": "Re-evaluate "}
		p.adminPage = s.adminPageFor(c, visitOf(c), titles[action]+a.Name, "badges")
		p.Refusal = actionRefusal(action, a, r != nil)
		if action == "reevaluate" {
			// Counted as the re-evaluation counts them.
			page, err := s.svc.Members.Members(ctx, badges.MemberFilter{IssuerID: a.IssuerID, ListOptions: badges.ListOptions{Limit: 1}})
			if err != nil {
				return err
			}
			p.Members = page.Total
		}
		return s.renderAdmin(c, http.StatusOK, "badgeconfirm", p)
	}
}

// actionRefusal says why an action does nothing for a badge as it is, or
// "" when it can be done.
func actionRefusal(action string, a *badges.Achievement, hasRule bool) string {
	switch {
	case action == "activate" && a.Status == badges.StatusActive:
		return a.Name + " is active already."
	case action == "archive" && a.Status == badges.StatusArchived:
		return a.Name + " is archived already."
	case action == "reevaluate" && a.Status != badges.StatusActive:
		return a.Name + " is " + string(a.Status) + ": its rule awards nothing until it is active."
	case action == "reevaluate" && !hasRule:
		return a.Name + " has no rule: it is awarded by hand. Give it a rule first."
	}
	return ""
}

// handleBadgeActivate makes a badge active, as PATCH …/achievements/:id
// with status active does: public, awardable, and its rule, if it has
// one, evaluated for every member.
func (s *Server) handleBadgeActivate(c echo.Context) error {
	was, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	active := badges.StatusActive
	a, err := s.svc.Achievements.UpdateAchievement(ctx, was.ID, badges.AchievementUpdate{Status: &active})
	if err != nil {
		return err
	}
	s.forgetAchievement(a)
	if was.Status != badges.StatusActive {
		s.svc.Reevaluations.RuleChanged(ctx, a, badges.ReevaluationActivated)
	}
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID, a.Name+" is active: it is public and can be awarded.")
}

// handleBadgeArchive archives a badge, as POST …/archive does.
func (s *Server) handleBadgeArchive(c echo.Context) error {
	was, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	if was.Status == badges.StatusArchived {
		return badges.Errorf(badges.ECONFLICT, "%s is archived already.", was.Name)
	}
	archived := badges.StatusArchived
	a, err := s.svc.Achievements.UpdateAchievement(c.Request().Context(), was.ID, badges.AchievementUpdate{Status: &archived})
	if err != nil {
		return err
	}
	s.forgetAchievement(a)
	return s.redirectDone(c, "/admin/c/"+a.IssuerID+"/badges/"+a.ID, a.Name+" is archived: it is no longer awarded; the credentials already issued stay valid.")
}

// handleBadgeReevaluate starts a re-evaluation, as POST …/reevaluations
// does (one already queued or running for the same rule is shown
// instead), and sends the manager to its progress.
func (s *Server) handleBadgeReevaluate(c echo.Context) error {
	a, err := s.communityBadge(c)
	if err != nil {
		return err
	}
	j, created, err := s.svc.Reevaluations.Start(c.Request().Context(), a.ID, badges.ReevaluationRequested)
	if err != nil {
		return err
	}
	msg := "The re-evaluation of " + a.Name + " has started."
	if !created {
		msg = "A re-evaluation of " + a.Name + " with this rule is under way already; here is its progress."
	}
	return s.redirectDone(c, reevaluationPath(j), msg)
}

// reevaluationPath is a re-evaluation's progress page.
func reevaluationPath(j *badges.Reevaluation) string {
	return "/admin/c/" + j.IssuerID + "/badges/" + j.AchievementID + "/reevaluations/" + j.ID
}

type reevaluationPage struct {
	adminPage
	Job     *badges.Reevaluation
	Percent int
	Refresh bool // still running: the page asks for itself again
}

// handleReevaluationPage shows a re-evaluation's progress; while it runs
// the progress part refreshes itself (htmx), and without JavaScript the
// page offers a link to look again.
func (s *Server) handleReevaluationPage(c echo.Context) error {
	j, err := communityThing(c, "re-evaluation", c.Param("reevaluation"), s.svc.Reevaluations.Reevaluation,
		func(j *badges.Reevaluation) string { return j.IssuerID })
	if err != nil {
		return err
	}
	if j.AchievementID != c.Param("achievement") {
		return badges.Errorf(badges.ENOTFOUND, "There is no such re-evaluation of this badge.")
	}
	p := reevaluationPage{Job: j, Refresh: !j.State.Finished()}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Re-evaluating "+j.AchievementName, "badges")
	if j.MembersTotal > 0 {
		p.Percent = min(100, j.MembersDone*100/j.MembersTotal)
	} else if j.State.Finished() {
		p.Percent = 100
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		return s.renderAdminPart(c, "badgereevaluation", "reevaluation", p)
	}
	return s.renderAdmin(c, http.StatusOK, "badgereevaluation", p)
}
