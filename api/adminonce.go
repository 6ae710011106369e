package api

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// A secret made by a console form (an invitation's set-password link, an
// API key's token) is shown once, on the page the form sends the browser
// to, and never again: only its hash is stored. It travels there in a
// short-lived cookie that the page reads and clears at once, tied to the
// session that made it, so reloading the page, or another session in the
// same browser, does not show it again.

const (
	onceCookie = "laurel-once"
	onceMaxAge = 300 // seconds: the redirect follows at once
)

// onceSecret is what the cookie carries.
type onceSecret struct {
	Kind    string `json:"k"` // "invite", "reset" or "apikey": the page that shows it
	Session string `json:"s"` // the id of the session that made it
	Subject string `json:"i"` // the account or key it is for
	Secret  string `json:"t"`
}

// keepOnce leaves a secret for the next page of this session.
func (s *Server) keepOnce(c echo.Context, kind, subject, secret string) {
	b, _ := json.Marshal(onceSecret{Kind: kind, Session: visitOf(c).Session.ID, Subject: subject, Secret: secret})
	c.SetCookie(&http.Cookie{Name: onceCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/admin",
		MaxAge: onceMaxAge, HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteStrictMode})
}

// takeOnce returns the secret of one of kinds left for this session, and
// clears it whatever it was; nil when there is none.
func (s *Server) takeOnce(c echo.Context, kinds ...string) *onceSecret {
	cookie, err := c.Cookie(onceCookie)
	if err != nil || cookie.Value == "" {
		return nil
	}
	s.setCookie(c, onceCookie, "", "/admin")
	b, err := base64.RawURLEncoding.DecodeString(cookie.Value)
	var o onceSecret
	if err != nil || json.Unmarshal(b, &o) != nil || o.Session != visitOf(c).Session.ID {
		return nil
	}
	for _, k := range kinds {
		if o.Kind == k {
			return &o
		}
	}
	return nil
}
