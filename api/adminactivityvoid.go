package api

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Voiding an activity recorded by mistake, reached from the member's
// timeline: the page says exactly what voiding does and takes the
// reason; its POST voids through the service POST
// /api/v1/activities/:id/void calls.

type activityVoidPage struct {
	adminPage
	Form      formState
	Activity  badges.LoggedActivity
	Behaviour string // its name
	Member    string // "" when the member was deleted
	Peer      string // the peer whose matching activity is voided too, if any
	Reason    string
	Back      string // the member's page
	Path      string // this page's path, the activity's id escaped
}

// Summary names the activity: "Hosted a session on 3 May 2026".
func (p activityVoidPage) Summary() string {
	return fmt.Sprintf("%s on %s", p.Behaviour, dayOf(p.Activity.At))
}

// communityActivity is an activity of the visited community with the
// names its page shows.
func (s *Server) communityActivity(c echo.Context) (*activityVoidPage, error) {
	ctx := c.Request().Context()
	id, err := pathParam(c, "activity")
	if err != nil {
		return nil, err
	}
	act, err := communityThing(c, "activity", id, s.svc.Corrections.Activity, func(a badges.LoggedActivity) string { return a.IssuerID })
	if err != nil {
		return nil, err
	}
	p := &activityVoidPage{Activity: act, Behaviour: act.Behaviour}
	bs, err := s.svc.Catalogue.Behaviours(ctx, act.IssuerID)
	if err != nil {
		return nil, err
	}
	reciprocal := false
	for _, b := range bs {
		if b.Key == act.Behaviour {
			p.Behaviour, reciprocal = b.Name, b.Reciprocal != ""
		}
	}
	if p.Member, err = s.memberName(c, act.MemberID); err != nil {
		return nil, err
	}
	if reciprocal && act.PeerID != "" && act.ReciprocalOf == "" {
		if p.Peer, err = s.memberName(c, act.PeerID); err != nil {
			return nil, err
		}
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Void an activity", "activity")
	p.Back = p.Base() + "/members/" + act.MemberID
	p.Path = activityVoidPath(act.IssuerID, act.ID)
	return p, nil
}

// activityVoidPath is the console page that voids an activity: its id,
// which may carry a source's event id, escaped as one path segment.
func activityVoidPath(issuerID, activityID string) string {
	return "/admin/c/" + issuerID + "/activity/" + url.PathEscape(activityID) + "/void"
}

// memberName is a member's name, or "" when they were deleted.
func (s *Server) memberName(c echo.Context, id string) (string, error) {
	m, err := s.svc.Members.Member(c.Request().Context(), id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return m.DisplayName, nil
}

// handleActivityVoidPage is the confirmation: what voiding will do.
func (s *Server) handleActivityVoidPage(c echo.Context) error {
	p, err := s.communityActivity(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "activity-void", p)
}

// handleActivityVoidConfirm voids the activity and goes back to its
// member.
func (s *Server) handleActivityVoidConfirm(c echo.Context) error {
	p, err := s.communityActivity(c)
	if err != nil {
		return err
	}
	p.Reason = c.FormValue("reason")
	res, err := s.svc.Corrections.Void(c.Request().Context(), p.Activity.ID, p.Reason)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.fail(err, "reason")
		return s.renderAdmin(c, formFailStatus(err), "activity-void", p)
	}
	msg := fmt.Sprintf("Voided: %s of %s.", p.Summary(), cmp.Or(p.Member, "a deleted member"))
	switch n := len(res.Reviews); {
	case res.AlreadyVoided:
		msg = "This activity was voided already; nothing changed."
	case n == 1:
		msg += " 1 badge it helped earn is listed for review."
	case n > 1:
		msg += fmt.Sprintf(" %d badges it helped earn are listed for review.", n)
	}
	return s.redirectDone(c, p.Back, fitFlash(msg, "The activity is voided."))
}
