package api

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

// A credential's console page: what was issued, to whom, when, and its
// status; and revoking it, through the service POST
// /api/v1/credentials/:id/revoke calls, after a confirmation that says
// whether the reason stays private.

type credentialAdminPage struct {
	adminPage
	Cred      *issuer.Credential
	Badge     string // the badge's name as issued
	Member    string // "" when the member was deleted
	Narrative string
	Evidence  []ob3.Evidence
	Status    issuer.CredentialStatus
	Public    string // the public badge page
	// The revoke form and its confirmation.
	Form    formState
	Reason  string
	Publish bool
	Confirm bool // the confirmation step: the form's answers, to confirm
}

// communityCredential is a credential of the visited community, read
// fresh (not from the public pages' cache: a manager sees a revocation
// at once), with the names its page shows.
func (s *Server) communityCredential(c echo.Context, title string) (*credentialAdminPage, error) {
	id := c.Param("credential")
	if !badges.ValidID(id) {
		return nil, badges.Errorf(badges.ENOTFOUND, "There is no such credential.")
	}
	cred, err := communityThing(c, "credential", id, s.svc.Issuing.Credential, func(cr *issuer.Credential) string { return cr.IssuerID })
	if err != nil {
		return nil, err
	}
	var doc ob3.Credential
	if err := json.Unmarshal(cred.JSON, &doc); err != nil {
		return nil, fmt.Errorf("read stored credential %s: %w", cred.ID, err)
	}
	p := &credentialAdminPage{Cred: cred, Badge: doc.Name, Narrative: doc.CredentialSubject.Narrative, Evidence: doc.Evidence,
		Status: issuer.EntryStatus(cred.RevokedAt, cred.ValidUntil, s.now()), Public: "/credentials/" + cred.ID}
	m, err := s.svc.Members.Member(c.Request().Context(), cred.MemberID)
	switch {
	case err == nil:
		p.Member = m.DisplayName
	case badges.ErrorCode(err) != badges.ENOTFOUND:
		return nil, err
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), fmt.Sprintf(title, p.Badge, p.Recipient()), "awards")
	return p, nil
}

// Recipient names the member, or says they were deleted.
func (p *credentialAdminPage) Recipient() string {
	if p.Member == "" {
		return "a deleted member"
	}
	return p.Member
}

// WhatHappens is the confirmation's sentence: exactly what revoking does.
func (p *credentialAdminPage) WhatHappens() string {
	reason := "the reason stays private"
	if p.Publish {
		reason = "the reason is shown on the public badge page"
	}
	return fmt.Sprintf("Revoke %s of %s; %s.", p.Badge, p.Recipient(), reason)
}

// handleAwardPage is a credential's console page.
func (s *Server) handleAwardPage(c echo.Context) error {
	p, err := s.communityCredential(c, "%s of %s")
	if err != nil {
		return err
	}
	return s.renderAdmin(c, http.StatusOK, "credential", p)
}

// handleAwardRevokePage is the revoke form.
func (s *Server) handleAwardRevokePage(c echo.Context) error {
	p, err := s.communityCredential(c, "Revoke %s of %s")
	if err != nil {
		return err
	}
	if p.Cred.Revoked() {
		return s.redirectDone(c, p.Base()+"/awards/"+p.Cred.ID, "This badge was revoked already.")
	}
	return s.renderAdmin(c, http.StatusOK, "credential-revoke", p)
}

// handleAwardRevoke takes the revoke form: without "confirm" it shows
// what will happen; with it, it revokes.
func (s *Server) handleAwardRevoke(c echo.Context) error {
	p, err := s.communityCredential(c, "Revoke %s of %s")
	if err != nil {
		return err
	}
	p.Reason, p.Publish = c.FormValue("reason"), c.FormValue("publishReason") == "yes"
	if c.FormValue("step") != "confirm" {
		p.Confirm = c.FormValue("step") != "edit"
		return s.renderAdmin(c, http.StatusOK, "credential-revoke", p)
	}
	cred, err := s.svc.Issuing.Revoke(c.Request().Context(), p.Cred.ID, badges.RevokeInput{Reason: p.Reason, PublishReason: p.Publish})
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p.Form.fail(err, "reason")
		return s.renderAdmin(c, formFailStatus(err), "credential-revoke", p)
	}
	s.forgetCredential(cred.ID)
	return s.redirectDone(c, p.Base()+"/awards/"+cred.ID, fitFlash(fmt.Sprintf("%s of %s is revoked.", p.Badge, p.Recipient()), "The badge is revoked."))
}
