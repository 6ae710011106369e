package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// API keys are for the programs that use Laurel's API: a service
// administrator makes them here as with POST /api/v1/apikeys, through the
// same service, and sees each token once.

// scopeWords say what each scope lets a program do.
var scopeWords = []struct {
	Scope badges.Scope
	Words string
}{
	{badges.ScopeRead, "Read: every GET of the API (badges, members, credentials, statistics), changing nothing."},
	{badges.ScopeIngest, "Ingest: record activity, endorsements and nominations from another system, such as a chat bot or an event tool."},
	{badges.ScopeAdmin, "Admin: everything, in every community: issuing, revoking, members, settings and API keys."},
}

type apiKeysPage struct {
	adminPage
	Keys   []*badges.APIKey
	Name   string
	Scopes []scopeChoice
	Form   formState
}

type scopeChoice struct {
	Value, Words string
	Checked      bool
}

// maxKeyPages bounds how many pages of keys the list reads: keys are few.
const maxKeyPages = 10

func (s *Server) handleConsoleAPIKeys(c echo.Context) error {
	return s.renderAPIKeys(c, http.StatusOK, apiKeysPage{}, nil)
}

// renderAPIKeys draws the list of keys, newest first, with the form that
// makes one (its scopes as checked).
func (s *Server) renderAPIKeys(c echo.Context, status int, p apiKeysPage, checked []badges.Scope) error {
	o := badges.ListOptions{Limit: badges.MaxPageSize}
	for range maxKeyPages {
		page, err := s.svc.APIKeys.APIKeys(c.Request().Context(), o)
		if err != nil {
			return err
		}
		p.Keys = append(p.Keys, page.Items...)
		if o.Cursor = page.NextCursor; o.Cursor == "" {
			break
		}
	}
	slices.Reverse(p.Keys)
	for _, w := range scopeWords {
		p.Scopes = append(p.Scopes, scopeChoice{Value: string(w.Scope), Words: w.Words, Checked: slices.Contains(checked, w.Scope)})
	}
	p.adminPage = s.adminPageFor(c, visitOf(c), "API keys", "apikeys")
	return s.renderAdmin(c, status, "apikeys", p)
}

// handleConsoleAPIKeyCreate makes a key and shows its token once, on the next page.
func (s *Server) handleConsoleAPIKeyCreate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return s.readFailure(c, err, "form")
	}
	name := strings.TrimSpace(form.Get("name"))
	var scopes []badges.Scope
	for _, v := range form["scopes"] {
		scopes = append(scopes, badges.Scope(v))
	}
	k, token, err := badges.NewAPIKey(name, scopes, s.now())
	if err == nil {
		err = s.svc.APIKeys.CreateAPIKey(c.Request().Context(), k)
	}
	if err != nil {
		if !isFormError(err) {
			return err
		}
		p := apiKeysPage{Name: name}
		p.Form.fail(err, "name")
		return s.renderAPIKeys(c, statusOf[badges.ErrorCode(err)], p, scopes)
	}
	s.keepOnce(c, "apikey", k.ID, token)
	return s.redirectDone(c, "/admin/apikeys/created", fmt.Sprintf("The API key “%s” is made.", k.Name))
}

type apiKeyCreatedPage struct {
	adminPage
	Key   *badges.APIKey
	Token string
}

// handleConsoleAPIKeyCreated shows a new key's token, once.
func (s *Server) handleConsoleAPIKeyCreated(c echo.Context) error {
	p := apiKeyCreatedPage{adminPage: s.adminPageFor(c, visitOf(c), "Copy the new API key", "apikeys")}
	if o := s.takeOnce(c, "apikey"); o != nil {
		k, err := s.svc.APIKeys.APIKey(c.Request().Context(), o.Subject)
		if err != nil {
			return err
		}
		p.Key, p.Token = k, o.Secret
	}
	return s.renderAdmin(c, http.StatusOK, "apikeycreated", p)
}

type apiKeyRevokePage struct {
	adminPage
	Key  *badges.APIKey
	Form formState
}

func (s *Server) handleConsoleAPIKeyRevokePage(c echo.Context) error {
	k, err := s.svc.APIKeys.APIKey(c.Request().Context(), c.Param("key"))
	if err != nil {
		return err
	}
	return s.renderAPIKeyRevoke(c, http.StatusOK, k, formState{})
}

func (s *Server) renderAPIKeyRevoke(c echo.Context, status int, k *badges.APIKey, f formState) error {
	p := apiKeyRevokePage{Key: k, Form: f}
	p.adminPage = s.adminPageFor(c, visitOf(c), "Revoke “"+k.Name+"”", "apikeys")
	return s.renderAdmin(c, status, "apikeyrevoke", p)
}

// handleConsoleAPIKeyRevoke revokes a key; the service refuses the last active
// admin key, and the confirmation page shows its answer.
func (s *Server) handleConsoleAPIKeyRevoke(c echo.Context) error {
	ctx := c.Request().Context()
	k, err := s.svc.APIKeys.APIKey(ctx, c.Param("key"))
	if err != nil {
		return err
	}
	if err := s.svc.APIKeys.RevokeAPIKey(ctx, k.ID); err != nil {
		if !isFormError(err) {
			return err
		}
		var f formState
		f.fail(err, "confirm")
		// The service's message names the key by its id; people know it
		// by its name.
		f.Errors[len(f.Errors)-1].Message = strings.ReplaceAll(f.Errors[len(f.Errors)-1].Message, k.ID, "“"+k.Name+"”")
		return s.renderAPIKeyRevoke(c, statusOf[badges.ErrorCode(err)], k, f)
	}
	return s.redirectDone(c, "/admin/apikeys", fmt.Sprintf("The API key “%s” is revoked: programs using it are refused from now on.", k.Name))
}
