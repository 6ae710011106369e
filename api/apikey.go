package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

type apiKeyRequest struct {
	Name   string         `json:"name"`
	Scopes []badges.Scope `json:"scopes"`
}

type apiKeyJSON struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Scopes     []badges.Scope `json:"scopes"`
	CreatedAt  time.Time      `json:"createdAt"`
	LastUsedAt *time.Time     `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time     `json:"revokedAt,omitempty"`
	Key        string         `json:"key,omitempty"` // only when just created
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func apiKeyView(k *badges.APIKey) apiKeyJSON {
	return apiKeyJSON{ID: k.ID, Name: k.Name, Scopes: k.Scopes, CreatedAt: k.CreatedAt,
		LastUsedAt: timePtr(k.LastUsedAt), RevokedAt: timePtr(k.RevokedAt)}
}

func (s *Server) handleAPIKeyCreate(c echo.Context) error {
	var req apiKeyRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	k, token, err := badges.NewAPIKey(req.Name, req.Scopes, s.now())
	if err != nil {
		return err
	}
	if err := s.svc.APIKeys.CreateAPIKey(c.Request().Context(), k); err != nil {
		return err
	}
	j := apiKeyView(k)
	j.Key = token
	c.Response().Header().Set("Cache-Control", "no-store")
	return created(c, "/api/v1/apikeys/"+k.ID, j)
}

func (s *Server) handleAPIKeyList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	p, err := s.svc.APIKeys.APIKeys(c.Request().Context(), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, apiKeyView))
}

func (s *Server) handleAPIKeyRevoke(c echo.Context) error {
	if err := s.svc.APIKeys.RevokeAPIKey(c.Request().Context(), c.Param("key")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
