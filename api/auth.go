package api

import (
	"golang.org/x/time/rate"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/laurel-badges/laurel/badges"
)

const ctxAPIKey = "laurel.apikey"

// touchEvery limits how often a key's last use is written.
const touchEvery = time.Minute

// publicAPI are the /api/v1 paths anyone may call.
var publicAPI = map[string]bool{"/api/v1/openapi.json": true, "/api/v1/verify": true}

// authenticate requires a valid bearer API key on every /api/v1 path but
// the OpenAPI document. GET and HEAD need the read scope, anything else
// admin; routes may ask for more with requireScope.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Request().URL.Path
		if !strings.HasPrefix(p, "/api/v1/") || publicAPI[p] {
			return next(c)
		}
		key, err := s.apiKey(c)
		if err != nil {
			return err
		}
		c.Set(ctxAPIKey, key)
		need := badges.ScopeAdmin
		switch m := c.Request().Method; {
		case m == http.MethodGet || m == http.MethodHead:
			need = badges.ScopeRead
		case ingestRoutes[c.Path()]:
			need = badges.ScopeIngest // what systems that report activity get
		}
		if !key.Allows(need) {
			return forbidden(need)
		}
		return next(c)
	}
}

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

// requireScope demands a scope beyond what authenticate checked.
func requireScope(scope badges.Scope) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			key, _ := c.Get(ctxAPIKey).(*badges.APIKey)
			if key == nil || !key.Allows(scope) {
				return forbidden(scope)
			}
			return next(c)
		}
	}
}

func forbidden(scope badges.Scope) error {
	return badges.Errorf(badges.EFORBIDDEN, "This API key lacks the %q scope needed here.", scope)
}

// rateLimit limits a route per client address, for the public endpoints
// that do real work for strangers.
func (s *Server) rateLimit() echo.MiddlewareFunc {
	if s.cfg.VerifyRate <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(s.cfg.VerifyRate), Burst: int(5 * s.cfg.VerifyRate), ExpiresIn: 3 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "1")
			return badges.Errorf(eRateLimited, "Too many verifications from your address; wait a moment and try again.")
		},
	})
}
