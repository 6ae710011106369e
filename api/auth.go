package api

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
)

// touchEvery limits how often a key's last use is written.
const touchEvery = time.Minute

// access is who may call a route, as the route table says it. Today that
// is anyone, or a bearer API key with a scope; the console and the member
// portal add their own kinds (an admin's role on an issuer, a member's
// session) as further values with their own allow.
type access struct {
	name string
	// allow lets a request through or says why not; nil lets everyone in.
	allow func(s *Server, c echo.Context) error
}

var (
	public    = access{name: "public"}
	readKey   = apiKeyScope(badges.ScopeRead)   // reading the admin API
	ingestKey = apiKeyScope(badges.ScopeIngest) // systems that report activity
	adminKey  = apiKeyScope(badges.ScopeAdmin)  // everything; an admin key passes every scope
)

// apiKeyScope is the access of a bearer API key granting scope.
func apiKeyScope(scope badges.Scope) access {
	return access{name: string(scope), allow: func(s *Server, c echo.Context) error {
		key, err := s.apiKey(c)
		if err != nil {
			return err
		}
		if !key.Allows(scope) {
			return badges.Errorf(badges.EFORBIDDEN, "This API key lacks the %q scope needed here.", scope)
		}
		return nil
	}}
}

// authorize is the route middleware that enforces a route's access.
func (s *Server) authorize(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := a.allow(s, c); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// apiKey returns the active API key the request's bearer token names, and
// records its use at most once every touchEvery.
func (s *Server) apiKey(c echo.Context) (*badges.APIKey, error) {
	scheme, token, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, badges.Errorf(badges.EUNAUTHORIZED, "An API key is required: send \"Authorization: Bearer lrl_…\".")
	}
	invalid := badges.Errorf(badges.EUNAUTHORIZED, "The API key is not valid or has been revoked.")
	id, secret, ok := badges.ParseToken(strings.TrimSpace(token))
	if !ok {
		return nil, invalid
	}
	ctx := c.Request().Context()
	key, err := s.svc.APIKeys.APIKey(ctx, id)
	if badges.ErrorCode(err) == badges.ENOTFOUND {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	if !key.Matches(secret) || !key.Active() {
		return nil, invalid
	}
	if now := s.now(); now.Sub(key.LastUsedAt) > touchEvery {
		if err := s.svc.APIKeys.TouchAPIKey(ctx, key.ID, now); err != nil {
			s.log.Warn("record API key use", "err", err, "key", key.ID)
		}
	}
	return key, nil
}
