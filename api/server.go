// Package api is Laurel's HTTP face: the admin REST API, public JSON
// documents and HTML pages, health and metrics endpoints, authentication,
// and the one error handler that turns domain errors into responses.
package api

import (
	"context"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Config tunes the server.
type Config struct {
	BaseURL        string        // public origin, e.g. https://badges.example.org
	BodyLimit      int64         // largest JSON body; default 1 MiB
	ImageLimit     int           // largest image upload; default badges.MaxImageBytes
	RequestTimeout time.Duration // per request, except imports; default 30s
	ImportTimeout  time.Duration // per import; default 5m
	// VerifyRate limits the public verify endpoints per client address, in
	// requests a second (bursts of 5×); 0 turns the limit off.
	VerifyRate float64
	Logger     *slog.Logger
}

// Services are what the handlers call.
type Services struct {
	Issuers      issuer.ProfileService
	Achievements badges.AchievementService
	Members      badges.MemberService
	APIKeys      badges.APIKeyService
	Images       badges.ImageStore
	Issuing      Issuing
	Verifier     Verifier
	Catalogue    Catalogue
	Recognition  Recognition
	Nominations  Nominations
	Spotlight    Spotlight
	Previews     Previews
	Ping         func(context.Context) error // readiness of the database
}

// longRunning routes get ImportTimeout instead of RequestTimeout.
var longRunning = map[string]bool{
	"/api/v1/issuers/:issuer/members/import": true,
	"/api/v1/issuers/:issuer/awards/bulk":    true,
}

// Server is the Echo application with its dependencies.
type Server struct {
	echo    *echo.Echo
	cfg     Config
	svc     Services
	urls    issuer.URLs
	log     *slog.Logger
	pages   map[string]*template.Template
	metrics *metrics
	cache   *publicCache
	now     func() time.Time
}

// NewServer builds the server and its routes.
func NewServer(cfg Config, svc Services) (*Server, error) {
	if cfg.BodyLimit == 0 {
		cfg.BodyLimit = 1 << 20
	}
	if cfg.ImageLimit == 0 {
		cfg.ImageLimit = badges.MaxImageBytes
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.ImportTimeout == 0 {
		cfg.ImportTimeout = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	urls, err := issuer.NewURLs(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{echo: echo.New(), cfg: cfg, svc: svc, urls: urls, log: cfg.Logger, pages: pages,
		metrics: newMetrics(), cache: newPublicCache(), now: time.Now}
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.IPExtractor = echo.ExtractIPDirect()
	s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(
		middleware.RequestID(),
		s.accessLog(),
		s.metrics.middleware(),
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: s.logPanic}),
		middleware.SecureWithConfig(middleware.SecureConfig{
			XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
			ReferrerPolicy:        "strict-origin-when-cross-origin",
			HSTSMaxAge:            365 * 24 * 3600, // sent only over HTTPS (or X-Forwarded-Proto: https)
			ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
		}),
		// The fastest level: pages and JSON shrink nearly as much, at a
		// fraction of the default's CPU.
		middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, Skipper: func(c echo.Context) bool {
			return c.Request().URL.Path == "/metrics" || compressedRoutes[c.Path()]
		}}),
		// A hard ceiling for any body; routes read with their own, lower limits.
		middleware.BodyLimit("8M"),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
			Timeout: s.cfg.RequestTimeout,
			Skipper: func(c echo.Context) bool { return longRunning[c.Path()] },
		}),
		// Not group middleware: Echo would then answer 404 instead of 405
		// for a known path with another method.
		s.authenticate,
	)

	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", s.metrics.handler())
	e.GET("/api/v1/openapi.json", s.handleOpenAPI)
	static, _ := fs.Sub(assets.Static, "static")
	e.StaticFS("/static", static)

	e.GET("/issuers/:issuer", s.handleIssuerPublic)
	e.GET("/achievements/:achievement", s.handleAchievementPublic)
	e.GET("/images/:file", s.handleImage)
	e.GET("/credentials/:credential", s.handleCredentialPublic)
	e.GET("/credentials/:credential/qr.png", s.handleCredentialQR("png"))
	e.GET("/credentials/:credential/qr.svg", s.handleCredentialQR("svg"))
	e.GET("/credentials/:credential/preview.png", s.handleCredentialPreview)
	e.GET("/credentials/:credential/badge.png", s.handleCredentialBadge("png"))
	e.GET("/credentials/:credential/badge.svg", s.handleCredentialBadge("svg"))
	e.GET("/members/:slug", s.handleMemberPublic)
	e.GET("/issuers/:issuer/spotlight", s.handleSpotlight)
	e.GET("/status/:issuer/:list", s.handleStatusList)
	e.GET("/issuers/:issuer/keys/:key", s.handleKeyPublic)
	e.GET("/issuers/:issuer/jwks.json", s.handleJWKS)
	e.GET("/.well-known/jwks.json", s.handleJWKS)
	limit := s.rateLimit()
	e.GET("/verify", s.handleVerifyPage, limit)
	e.POST("/verify", s.handleVerifyPage, limit)

	v1 := e.Group("/api/v1")
	v1.POST("/verify", s.handleVerifyAPI, limit)
	v1.POST("/issuers", s.handleIssuerCreate)
	v1.GET("/issuers", s.handleIssuerList)
	v1.GET("/issuers/:issuer", s.handleIssuerGet)
	v1.PATCH("/issuers/:issuer", s.handleIssuerUpdate)
	// Routes below an issuer that do not go through a service which
	// checks it themselves.
	issuerExists := s.requireIssuer
	v1.PUT("/issuers/:issuer/image", s.handleIssuerImage, issuerExists)

	v1.POST("/issuers/:issuer/achievements", s.handleAchievementCreate, issuerExists)
	v1.GET("/issuers/:issuer/achievements", s.handleAchievementList, issuerExists)
	v1.GET("/achievements/:achievement", s.handleAchievementGet)
	v1.PATCH("/achievements/:achievement", s.handleAchievementUpdate)
	v1.POST("/achievements/:achievement/archive", s.handleAchievementArchive)
	v1.PUT("/achievements/:achievement/image", s.handleAchievementImage)
	v1.DELETE("/achievements/:achievement/image", s.handleAchievementImageReset)
	v1.GET("/achievements/:achievement/versions", s.handleAchievementVersions)
	v1.GET("/achievements/:achievement/versions/:version", s.handleAchievementVersion)

	v1.GET("/issuers/:issuer/keys", s.handleKeyList, issuerExists)
	v1.POST("/issuers/:issuer/keys/rotate", s.handleKeyRotate)
	v1.POST("/issuers/:issuer/awards", s.handleAwardCreate)
	v1.POST("/issuers/:issuer/awards/bulk", s.handleAwardBulk)
	v1.GET("/credentials/:credential", s.handleCredentialGet)
	v1.POST("/credentials/:credential/revoke", s.handleCredentialRevoke)

	v1.POST("/issuers/:issuer/members", s.handleMemberCreate, issuerExists)
	v1.GET("/issuers/:issuer/members", s.handleMemberList, issuerExists)
	v1.POST("/issuers/:issuer/members/import", s.handleMemberImport, issuerExists)
	v1.GET("/members/:member", s.handleMemberGet)
	v1.PATCH("/members/:member", s.handleMemberUpdate)
	v1.DELETE("/members/:member", s.handleMemberDelete)

	v1.GET("/issuers/:issuer/behaviours", s.handleBehaviourList, issuerExists)
	v1.POST("/issuers/:issuer/behaviours", s.handleBehaviourCreate, issuerExists)
	v1.POST(strings.TrimPrefix(activitiesRoute, "/api/v1"), s.handleActivities, issuerExists)
	v1.POST(strings.TrimPrefix(endorsementsRoute, "/api/v1"), s.handleEndorse, issuerExists)
	v1.POST(strings.TrimPrefix(nominationsRoute, "/api/v1"), s.handleNominate, issuerExists)
	v1.GET(strings.TrimPrefix(nominationsRoute, "/api/v1"), s.handleNominationList, issuerExists)
	v1.POST("/nominations/:nomination/approve", s.handleNominationDecide(true))
	v1.POST("/nominations/:nomination/decline", s.handleNominationDecide(false))
	v1.GET("/achievements/:achievement/rule", s.handleRuleGet)
	v1.PUT("/achievements/:achievement/rule", s.handleRulePut)
	v1.DELETE("/achievements/:achievement/rule", s.handleRuleDelete)
	v1.POST("/achievements/:achievement/preview", s.handleRulePreview)
	v1.GET("/members/:member/progress", s.handleProgress)
	v1.GET("/issuers/:issuer/stats", s.handleStats, issuerExists)
	v1.PUT("/issuers/:issuer/spotlight", s.handlePinPut, issuerExists)
	v1.DELETE("/issuers/:issuer/spotlight", s.handlePinDelete, issuerExists)

	admin := requireScope(badges.ScopeAdmin)
	v1.POST("/apikeys", s.handleAPIKeyCreate, admin)
	v1.GET("/apikeys", s.handleAPIKeyList, admin)
	v1.DELETE("/apikeys/:key", s.handleAPIKeyRevoke, admin)
}

func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.Error("panic", "err", err, "path", c.Request().URL.Path, "request_id", requestID(c), "stack", string(stack))
	return err
}

func requestID(c echo.Context) string { return c.Response().Header().Get(echo.HeaderXRequestID) }

func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(c echo.Context) error {
	if err := s.svc.Ping(c.Request().Context()); err != nil {
		return &badges.Error{Code: badges.EUNAVAILABLE, Message: "The database is not reachable."}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) handleOpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "public, max-age=300")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, assets.OpenAPI)
}
