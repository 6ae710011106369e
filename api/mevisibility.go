package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// BadgeChoices is what the portal asks of a member's choices about one
// of their credentials (issuer.Service).
type BadgeChoices interface {
	// SetVisibility answers a credential of another member as one that
	// does not exist.
	SetVisibility(ctx context.Context, credentialID, memberID string, v issuer.Visibility) (*issuer.Credential, error)
}

// visibilityChoice is one way a badge may be shown, in the member's words.
type visibilityChoice struct {
	Value, Label, Hint string
	Chosen             bool
}

// visibilityChoices are the choices of a badge shown as current.
func visibilityChoices(current issuer.Visibility) []visibilityChoice {
	out := []visibilityChoice{
		{string(issuer.VisibilityPublic), "Show it on my public profile", "Anyone can find it on your profile and its page names you.", false},
		{string(issuer.VisibilityLink), "Only people I share the link with", "It is not on your profile; its page names you to whoever has the link.", false},
		{string(issuer.VisibilityHidden), "Keep my name off its page", "It is not on your profile, and its page says only that a verified member holds it.", false},
	}
	for i := range out {
		out[i].Chosen = out[i].Value == string(current)
	}
	return out
}

// visibilityDone says, after a change, what was chosen.
var visibilityDone = map[issuer.Visibility]string{
	issuer.VisibilityPublic: "it shows on your public profile.",
	issuer.VisibilityLink:   "only people you share its link with see it.",
	issuer.VisibilityHidden: "its page no longer names you.",
}

func (s *Server) handleMeVisibility(c echo.Context) error {
	v := memberOf(c)
	choice, err := issuer.ParseVisibility(c.FormValue("visibility"))
	if err != nil {
		return badges.FieldErrorf("visibility", "Choose who sees this badge.")
	}
	cred, err := s.svc.BadgeChoices.SetVisibility(c.Request().Context(), c.Param("credential"), v.Member.ID, choice)
	if err != nil {
		return err
	}
	s.portalFlash(c, "Saved: "+visibilityDone[cred.Visibility])
	return c.Redirect(http.StatusSeeOther, "/me#badge-"+cred.ID)
}
