package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// Your profile (/me/profile): the member's own choices of their public
// profile (consent) and display name, each change recorded with when and
// by whom, and shown in words; and the wallet (a DID or URL) that the
// credentials issued to them from then on name as their subject.

type meProfilePage struct {
	mePage
	Name       string // the display name, as typed after an error
	Public     bool
	DID        string // the member's wallet, as typed after an error
	ProfileURL string // the public profile, while it is public
	Since      string // "Your profile is public since 3 May 2026."
	History    []string
	Form       formState
}

// maxHistory bounds the changes the page lists, newest first.
const maxHistory = 5

func (s *Server) handleMeProfile(c echo.Context) error {
	m := memberOf(c).Member
	return s.renderProfile(c, http.StatusOK, meProfilePage{Name: m.DisplayName, Public: m.PublicProfile, DID: m.DID})
}

// renderProfile draws the page for the member as now stored, keeping
// what p holds of a form sent back.
func (s *Server) renderProfile(c echo.Context, status int, p meProfilePage) error {
	v := memberOf(c)
	m := v.Member
	if m.PublicProfile {
		p.ProfileURL = s.urls.Member(m.Slug)
	}
	p.Since = profileSince(m)
	for i := len(m.Choices) - 1; i >= 0 && len(p.History) < maxHistory; i-- {
		p.History = append(p.History, choiceText(m.Choices[i]))
	}
	p.mePage = s.mePageFor(c, v, "Your profile", "badges")
	return s.renderPortal(c, status, "profile", p)
}

// profileSince says since when, and by whose choice, the profile is
// public or private.
func profileSince(m *badges.Member) string {
	at, by := m.PublicSince()
	state := "private"
	if m.PublicProfile {
		state = "public"
	}
	who := ""
	if by == badges.ByAdmin {
		who = ", as your community set it"
	}
	return fmt.Sprintf("Your profile is %s since %s%s.", state, at.UTC().Format(dateLayout), who)
}

// choiceText is one recorded change, in words.
func choiceText(ch badges.MemberChoice) string {
	who := "by you"
	if ch.By == badges.ByAdmin {
		who = "by your community"
	}
	what := "Name changed"
	if ch.What == badges.ChoicePublicProfile {
		what = "Profile made private"
		if ch.Public {
			what = "Profile made public"
		}
	}
	return fmt.Sprintf("%s %s on %s", what, who, ch.At.UTC().Format(dateLayout))
}

func (s *Server) handleMeProfileSave(c echo.Context) error {
	v := memberOf(c)
	name := strings.TrimSpace(c.FormValue("displayName"))
	public := c.FormValue("publicProfile")
	u := badges.MemberUpdate{DisplayName: &name, By: badges.ByMember}
	did := v.Member.DID
	if _, sent := c.Request().PostForm["did"]; sent { // a form without the field leaves the wallet as it is
		did = c.FormValue("did")
		u.DID = &did
	}
	if public != "on" && public != "off" {
		p := meProfilePage{Name: name, Public: v.Member.PublicProfile, DID: did}
		p.Form.fail(badges.FieldErrorf("publicProfile", "Choose whether your profile is public."), "publicProfile")
		return s.renderProfile(c, http.StatusBadRequest, p)
	}
	if name == "" {
		p := meProfilePage{Public: public == "on", DID: did}
		p.Form.fail(badges.FieldErrorf("displayName", "Enter your name, as your badges are to show it."), "displayName")
		return s.renderProfile(c, http.StatusBadRequest, p)
	}
	on := public == "on"
	u.PublicProfile = &on
	_, err := s.svc.Members.UpdateMember(c.Request().Context(), v.Member.ID, u)
	if code := badges.ErrorCode(err); code == badges.EINVALID {
		p := meProfilePage{Name: name, Public: on, DID: did}
		p.Form.fail(walletWords(err), "displayName")
		return s.renderProfile(c, http.StatusBadRequest, p)
	} else if err != nil {
		return err
	}
	s.forgetMember(v.Member.ID)
	s.portalFlash(c, "Your profile is saved.")
	return c.Redirect(http.StatusSeeOther, "/me/profile")
}
