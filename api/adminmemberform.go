package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// memberFormPage adds or changes a member: the fields the API's member
// create and update take.
type memberFormPage struct {
	adminPage
	Member *badges.Member // nil when adding
	In     badges.MemberInput
	Form   formState
}

// Action is where the form posts.
func (p memberFormPage) Action() string {
	if p.Member == nil {
		return p.Base() + "/members/new"
	}
	return memberPath(p.Member) + "/edit"
}

// memberInput is the member form as posted.
func memberInput(c echo.Context) badges.MemberInput {
	return badges.MemberInput{Email: c.FormValue("email"), DisplayName: c.FormValue("displayName"),
		ExternalID: c.FormValue("externalId"), Slug: c.FormValue("slug"), PublicProfile: c.FormValue("publicProfile") == "true",
		DID: c.FormValue("did")}
}

// handleMemberNewPage is the form that adds a member.
func (s *Server) handleMemberNewPage(c echo.Context) error {
	p := memberFormPage{adminPage: s.adminPageFor(c, visitOf(c), "Add a member", "members")}
	return s.renderAdmin(c, http.StatusOK, "memberform", p)
}

// handleMemberCreateForm adds a member, as POST …/members does.
func (s *Server) handleMemberCreateForm(c echo.Context) error {
	v, in := visitOf(c), memberInput(c)
	m, err := s.svc.Members.CreateMember(c.Request().Context(), v.Community.ID, in)
	if err != nil {
		return s.memberFormFailed(c, memberFormPage{In: in}, "Add a member", err)
	}
	return s.redirectDone(c, memberPath(m), m.DisplayName+" is added to "+v.Community.Name+".")
}

// handleMemberEditPage is the form that changes a member.
func (s *Server) handleMemberEditPage(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	p := memberFormPage{adminPage: s.adminPageFor(c, visitOf(c), "Change "+m.DisplayName, "members"), Member: m,
		In: badges.MemberInput{Email: m.Email, DisplayName: m.DisplayName, ExternalID: m.ExternalID, Slug: m.Slug, PublicProfile: m.PublicProfile,
			DID: m.DID}}
	return s.renderAdmin(c, http.StatusOK, "memberform", p)
}

// handleMemberUpdateForm changes a member, as PATCH /members/{id} does
// with every field given.
func (s *Server) handleMemberUpdateForm(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	in := memberInput(c)
	u, err := s.svc.Members.UpdateMember(c.Request().Context(), m.ID, badges.MemberUpdate{Email: &in.Email,
		DisplayName: &in.DisplayName, ExternalID: &in.ExternalID, Slug: &in.Slug, PublicProfile: &in.PublicProfile, DID: &in.DID})
	if err != nil {
		return s.memberFormFailed(c, memberFormPage{Member: m, In: in}, "Change "+m.DisplayName, err)
	}
	s.forgetMember(u.ID)
	return s.redirectDone(c, memberPath(u), "The changes to "+u.DisplayName+" are saved.")
}

// memberFormFailed shows the member form again with what was typed and
// the problem beside its field, or passes on an error not about the form.
func (s *Server) memberFormFailed(c echo.Context, p memberFormPage, title string, err error) error {
	if !isFormError(err) {
		return err
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), title, "members")
	p.Form.fail(walletWords(err), "email")
	status := http.StatusBadRequest
	if badges.ErrorCode(err) == badges.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderAdmin(c, status, "memberform", p)
}

// memberRemovePage says exactly what removing a member does, before it
// is done.
type memberRemovePage struct {
	adminPage
	Member  *badges.Member
	Held    int // credentials of theirs, revoked or not
	Cohorts []*badges.Cohort
}

// handleMemberRemovePage is the confirmation step of removing a member.
func (s *Server) handleMemberRemovePage(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := memberRemovePage{adminPage: s.adminPageFor(c, visitOf(c), "Remove "+m.DisplayName, "members"), Member: m}
	if p.Held, p.Cohorts, err = s.memberStakes(ctx, m); err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "memberremove", p)
}

// memberStakes are what removing or forgetting a member touches, for the
// page that asks first: the credentials they hold and their cohorts.
func (s *Server) memberStakes(ctx context.Context, m *badges.Member) (held int, cohorts []*badges.Cohort, err error) {
	creds, err := s.svc.Issuing.Credentials(ctx, issuer.CredentialFilter{IssuerID: m.IssuerID, MemberID: m.ID, At: s.now(),
		ListOptions: badges.ListOptions{Limit: 1}})
	if err != nil {
		return 0, nil, err
	}
	cohorts, err = s.svc.Cohorts.MemberCohorts(ctx, m.ID)
	return creds.Total, cohorts, err
}

// handleMemberRemove removes a member, as DELETE /members/{id} does.
func (s *Server) handleMemberRemove(c echo.Context) error {
	m, err := s.communityMember(c)
	if err != nil {
		return err
	}
	if err := s.deleteMember(c.Request().Context(), m.ID); err != nil {
		return err
	}
	return s.redirectDone(c, "/admin/c/"+m.IssuerID+"/members", fmt.Sprintf("%s is removed from %s.", m.DisplayName, visitOf(c).Community.Name))
}
