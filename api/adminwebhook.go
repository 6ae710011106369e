package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// The console's webhook pages: a community's signed webhook endpoints,
// made, changed, disabled and removed through badges.Webhooks as the API
// does (webhook.go). A new endpoint's secret is shown once, as an API
// key's is (adminapikey.go). Chat channels have their own pages.

type webhooksPage struct {
	adminPage
	Endpoints []*badges.Endpoint
	Form      formState
	Input     webhookForm
	Events    []eventChoice
}

// webhookForm is what the create and edit forms hold.
type webhookForm struct {
	URL, Description string
	Events           []badges.EventType
}

// readWebhookForm reads the form's fields.
func readWebhookForm(c echo.Context) (webhookForm, error) {
	form, err := c.FormParams()
	if err != nil {
		return webhookForm{}, err
	}
	f := webhookForm{URL: strings.TrimSpace(form.Get("url")), Description: strings.TrimSpace(form.Get("description"))}
	for _, e := range form["events"] {
		f.Events = append(f.Events, badges.EventType(e))
	}
	return f, nil
}

// webhookEndpoints are a community's signed webhooks, REST hook
// subscriptions among them, oldest first: its chat channels are listed on
// their own page.
func (s *Server) webhookEndpoints(c echo.Context, issuerID string) ([]*badges.Endpoint, error) {
	es, err := s.svc.Webhooks.Endpoints(c.Request().Context(), issuerID)
	var out []*badges.Endpoint
	for _, e := range es {
		if !e.Kind.Chat() {
			out = append(out, e)
		}
	}
	return out, err
}

func (s *Server) handleWebhooksPage(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, webhooksPage{Events: eventChoices([]badges.EventType{badges.EventCredentialIssued})})
}

func (s *Server) renderWebhooks(c echo.Context, status int, p webhooksPage) error {
	v := visitOf(c)
	es, err := s.webhookEndpoints(c, v.Community.ID)
	if err != nil {
		return err
	}
	p.Endpoints = es
	p.adminPage = s.adminPageFor(c, v, "Webhooks", "integrations")
	return s.renderAdmin(c, status, "webhooks", p)
}

// handleWebhookCreateForm makes an endpoint and shows its secret once, on
// the next page.
func (s *Server) handleWebhookCreateForm(c echo.Context) error {
	f, err := readWebhookForm(c)
	if err != nil {
		return s.readFailure(c, err, "form")
	}
	v := visitOf(c)
	in := badges.EndpointInput{Kind: badges.EndpointWebhook, URL: f.URL, Description: f.Description, Events: f.Events}
	e, secret, err := s.svc.Webhooks.Create(c.Request().Context(), v.Community.ID, in)
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := webhooksPage{Input: f, Events: eventChoices(f.Events)}
		p.Form.fail(err, "url")
		return s.renderWebhooks(c, statusOf[badges.ErrorCode(err)], p)
	}
	s.keepOnce(c, "webhook", e.ID, secret)
	return s.redirectDone(c, webhooksBase(v)+"/created", "The webhook is made: copy its signing secret now.")
}

// webhooksBase is the address of the community's webhook pages.
func webhooksBase(v *visit) string { return "/admin/c/" + v.Community.ID + "/integrations/webhooks" }

type webhookSecretPage struct {
	adminPage
	Endpoint *badges.Endpoint
	Secret   string
	Rotated  bool
}

// handleWebhookSecretPage shows a new or rotated secret, once.
func (s *Server) handleWebhookSecretPage(c echo.Context) error {
	v := visitOf(c)
	p := webhookSecretPage{adminPage: s.adminPageFor(c, v, "Copy the signing secret", "integrations")}
	if o := s.takeOnce(c, "webhook", "webhook-rotated"); o != nil {
		e, err := s.svc.Webhooks.Endpoint(c.Request().Context(), v.Community.ID, o.Subject)
		if err != nil {
			return err
		}
		p.Endpoint, p.Secret, p.Rotated = e, o.Secret, o.Kind == "webhook-rotated"
	}
	return s.renderAdmin(c, http.StatusOK, "webhooksecret", p)
}

// communityWebhook is the path's webhook in the visited community. A
// chat channel is not found here: its URL is its credential, which its
// own pages show shortened, and it is changed only there, where the URL
// is checked against its platform's form.
func (s *Server) communityWebhook(c echo.Context) (*badges.Endpoint, error) {
	e, err := s.svc.Webhooks.Endpoint(c.Request().Context(), visitOf(c).Community.ID, c.Param("webhook"))
	if err == nil && e.Kind.Chat() {
		return nil, badges.Errorf(badges.ENOTFOUND, "No webhook with id %q; chat channels are under Integrations, Chat.", e.ID)
	}
	return e, err
}

type webhookEditPage struct {
	adminPage
	Endpoint *badges.Endpoint
	Input    webhookForm
	Events   []eventChoice
	Form     formState
}

func (s *Server) renderWebhookEdit(c echo.Context, status int, e *badges.Endpoint, f webhookForm, fs formState) error {
	p := webhookEditPage{Endpoint: e, Input: f, Events: eventChoices(f.Events), Form: fs}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Change the webhook", "integrations")
	return s.renderAdmin(c, status, "webhookedit", p)
}

func (s *Server) handleWebhookEditPage(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	return s.renderWebhookEdit(c, http.StatusOK, e, webhookForm{URL: e.URL, Description: e.Description, Events: e.Events}, formState{})
}

func (s *Server) handleWebhookEditForm(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	f, err := readWebhookForm(c)
	if err != nil {
		return s.readFailure(c, err, "form")
	}
	u := badges.EndpointUpdate{URL: &f.URL, Description: &f.Description, Events: &f.Events}
	if _, err := s.svc.Webhooks.Update(c.Request().Context(), e.IssuerID, e.ID, u); err != nil {
		if !isFormError(err) {
			return err
		}
		var fs formState
		fs.fail(err, "url")
		return s.renderWebhookEdit(c, statusOf[badges.ErrorCode(err)], e, f, fs)
	}
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID, "The webhook is changed.")
}

// handleWebhookState enables or disables an endpoint: no confirmation,
// since either is undone with one click.
func (s *Server) handleWebhookState(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	enable := c.FormValue("enabled") == "true"
	if _, err := s.svc.Webhooks.Update(c.Request().Context(), e.IssuerID, e.ID, badges.EndpointUpdate{Enabled: &enable}); err != nil {
		return err
	}
	done := "The webhook is disabled: it receives nothing until you enable it again."
	if enable {
		done = "The webhook is enabled: new events are delivered to it."
	}
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/"+e.ID, done)
}

type webhookConfirmPage struct {
	adminPage
	Endpoint *badges.Endpoint
	Action   string // "delete" or "rotate"
	Form     formState
}

// handleWebhookConfirmPage asks before removing an endpoint or rotating
// its secret.
func (s *Server) handleWebhookConfirmPage(action string) echo.HandlerFunc {
	titles := map[string]string{"delete": "Remove the webhook?", "rotate": "Rotate the signing secret?"}
	return func(c echo.Context) error {
		e, err := s.communityWebhook(c)
		if err != nil {
			return err
		}
		p := webhookConfirmPage{Endpoint: e, Action: action}
		p.adminPage = s.adminPageFor(c, visitOf(c), titles[action], "integrations")
		return s.renderAdmin(c, http.StatusOK, "webhookconfirm", p)
	}
}

func (s *Server) handleWebhookDeleteForm(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	if err := s.svc.Webhooks.Delete(c.Request().Context(), e.IssuerID, e.ID); err != nil {
		return err
	}
	return s.redirectDone(c, webhooksBase(visitOf(c)), "The webhook is removed.")
}

// handleWebhookRotateForm rotates the secret and shows the new one once;
// the old one signs beside it for a day.
func (s *Server) handleWebhookRotateForm(c echo.Context) error {
	e, err := s.communityWebhook(c)
	if err != nil {
		return err
	}
	e, secret, err := s.svc.Webhooks.RotateSecret(c.Request().Context(), e.IssuerID, e.ID, 0)
	if err != nil {
		return err
	}
	s.keepOnce(c, "webhook-rotated", e.ID, secret)
	return s.redirectDone(c, webhooksBase(visitOf(c))+"/created", "The signing secret is rotated.")
}
