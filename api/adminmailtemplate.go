package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The console's e-mail settings: each kind of message with its subject
// and whether the community words it its own way, and a page per kind
// that edits the subject and opening (the same service as PUT
// /api/v1/issuers/:id/mail-templates/:kind) beside a preview of the
// message as a member would get it.

// mailKindWords name each kind and say when it is sent, for people.
var mailKindWords = map[badges.MessageKind][2]string{
	badges.MailEarned:          {"Badge earned", "When a member is awarded a badge, with the link to accept it."},
	badges.MailSignIn:          {"Sign-in link", "When a member asks to sign in to their badges."},
	badges.MailProgress:        {"Weekly progress", "Once a week, to members who asked for a summary of their progress."},
	badges.MailDecision:        {"Nomination or application decided", "When a nomination or an application for a badge is approved or declined."},
	badges.MailEndorsement:     {"Endorsement received", "When a leader endorses a member."},
	badges.MailCheckIn:         {"Check-in link", "When a member checks in to a session by e-mail."},
	badges.MailWalletCode:      {"Wallet code", "When a wallet asks for a badge through an offer that needs a transaction code."},
	badges.MailWebhookDisabled: {"Webhook endpoint disabled", "To the community’s owners, when one of its webhook endpoints kept failing and was disabled."},
}

// placeholderWords say what each placeholder becomes.
var placeholderWords = map[string]string{
	"member":    "the member’s name",
	"community": "the community’s name",
	"badge":     "the badge’s name",
	"expires":   "how long the link works, such as “15 minutes”",
	"what":      "“nomination” or “application”",
	"outcome":   "“approved” or “declined”",
	"endorser":  "the name of who endorsed the member",
	"behaviour": "what the member checks in for",
}

type mailKindRow struct {
	Kind, Name, When, Subject string
	Custom, Transactional     bool
}

type mailSettingsPage struct {
	adminPage
	Kinds []mailKindRow
}

// handleMailSettingsPage lists the kinds of e-mail with their wording.
func (s *Server) handleMailSettingsPage(c echo.Context) error {
	v := visitOf(c)
	p := mailSettingsPage{}
	for _, k := range badges.MailKinds {
		t, err := s.svc.MailTemplates.Template(c.Request().Context(), v.Community.ID, k)
		if err != nil {
			return err
		}
		w := mailKindWords[k]
		p.Kinds = append(p.Kinds, mailKindRow{Kind: string(k), Name: w[0], When: w[1], Subject: t.Subject, Custom: t.Custom, Transactional: k.Transactional()})
	}
	p.adminPage = s.adminPageFor(c, v, "E-mails", "emails")
	return s.renderAdmin(c, http.StatusOK, "emails", p)
}

type placeholderRow struct{ Name, Means string }

type mailTemplatePage struct {
	adminPage
	Kind, Name, When string
	Transactional    bool
	Custom           bool
	In               mailTemplateForm
	Placeholders     []placeholderRow
	Preview          mailPreview
	Form             formState
}

// mailTemplateForm is the wording as typed.
type mailTemplateForm struct{ Subject, Opening string }

// mailKindOf is the :kind of a console route.
func mailKindOf(c echo.Context) (badges.MessageKind, error) {
	return badges.ParseMessageKind(c.Param("kind"))
}

// handleMailTemplatePage shows a kind's wording in a form beside its
// preview.
func (s *Server) handleMailTemplatePage(c echo.Context) error {
	kind, err := mailKindOf(c)
	if err != nil {
		return err
	}
	t, err := s.svc.MailTemplates.Template(c.Request().Context(), visitOf(c).Community.ID, kind)
	if err != nil {
		return err
	}
	return s.renderMailTemplate(c, http.StatusOK, kind, mailTemplateForm{Subject: t.Subject, Opening: t.Opening}, formState{})
}

// handleMailTemplateSave saves the wording, or (action "preview", the
// form without JavaScript) shows its preview without saving.
func (s *Server) handleMailTemplateSave(c echo.Context) error {
	v := visitOf(c)
	kind, err := mailKindOf(c)
	if err != nil {
		return err
	}
	in := mailTemplateForm{Subject: c.FormValue("subject"), Opening: c.FormValue("opening")}
	if c.FormValue("action") == "preview" {
		return s.renderMailTemplate(c, http.StatusOK, kind, in, formState{})
	}
	if _, err := s.svc.MailTemplates.Set(c.Request().Context(), v.Community.ID, kind, in.Subject, in.Opening); err != nil {
		if !isFormError(err) {
			return err
		}
		var f formState
		f.fail(err, "subject")
		return s.renderMailTemplate(c, statusOf[badges.ErrorCode(err)], kind, in, f)
	}
	return s.redirectDone(c, v.communityPath()+"/settings/emails", "The “"+mailKindWords[kind][0]+"” e-mail of "+v.Community.Name+" now uses your wording.")
}

// renderMailTemplate draws the form of kind with the wording as typed.
func (s *Server) renderMailTemplate(c echo.Context, status int, kind badges.MessageKind, in mailTemplateForm, f formState) error {
	v := visitOf(c)
	saved, err := s.svc.MailTemplates.Template(c.Request().Context(), v.Community.ID, kind)
	if err != nil {
		return err
	}
	w := mailKindWords[kind]
	p := mailTemplatePage{Kind: string(kind), Name: w[0], When: w[1], Transactional: kind.Transactional(), Custom: saved.Custom, In: in, Form: f}
	for _, name := range kind.Placeholders() {
		p.Placeholders = append(p.Placeholders, placeholderRow{Name: "{" + name + "}", Means: placeholderWords[name]})
	}
	if p.Preview, err = s.mailPreview(c, kind, in); err != nil {
		return err
	}
	p.adminPage = s.adminPageFor(c, v, w[0]+" e-mail", "emails")
	return s.renderAdmin(c, status, "email", p)
}

type mailResetPage struct {
	adminPage
	Kind, Name string
}

// handleMailTemplateResetPage asks before going back to Laurel's wording.
func (s *Server) handleMailTemplateResetPage(c echo.Context) error {
	kind, err := mailKindOf(c)
	if err != nil {
		return err
	}
	p := mailResetPage{Kind: string(kind), Name: mailKindWords[kind][0]}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Reset the "+p.Name+" e-mail", "emails")
	return s.renderAdmin(c, http.StatusOK, "emailreset", p)
}

// handleMailTemplateReset goes back to Laurel's wording, as DELETE
// /api/v1/issuers/:id/mail-templates/:kind does.
func (s *Server) handleMailTemplateReset(c echo.Context) error {
	v := visitOf(c)
	kind, err := mailKindOf(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.MailTemplates.Reset(c.Request().Context(), v.Community.ID, kind); err != nil {
		return err
	}
	return s.redirectDone(c, v.communityPath()+"/settings/emails", "The “"+mailKindWords[kind][0]+"” e-mail of "+v.Community.Name+" uses Laurel’s wording again.")
}

// previewQuery is the query of the preview routes for the wording in.
func previewQuery(in mailTemplateForm) string {
	return url.Values{"subject": {in.Subject}, "opening": {in.Opening}}.Encode()
}
