// Package api is Laurel's HTTP face: the admin REST API, public JSON
// documents and HTML pages, health and metrics endpoints, authentication,
// and the one error handler that turns domain errors into responses.
package api

import (
	"context"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Config tunes the server.
type Config struct {
	BaseURL        string        // public origin, e.g. https://badges.example.org
	BodyLimit      int64         // largest JSON body; default 1 MiB
	ImageLimit     int           // largest image upload; default badges.MaxImageBytes
	RequestTimeout time.Duration // per request, except the long routes; default 30s
	ImportTimeout  time.Duration // per bulk award or member import; default 5m
	// VerifyRate limits the public verify endpoints per client address, in
	// requests a second (bursts of 5×); 0 turns the limit off.
	VerifyRate float64
	// VerifyInFlight is how many verifications one client address may
	// have in progress at once; 0 turns the limit off.
	VerifyInFlight int
	// TrustedProxies are the networks of the reverse proxies in front of
	// Laurel, whose X-Forwarded-For is believed; with none, a client is
	// the address its connection comes from.
	TrustedProxies []*net.IPNet
	// CORSOrigins are the exact origins (https://app.example.org) whose
	// browser applications may call /api/v1/*; none by default (cors.go).
	CORSOrigins []string
	Logger      *slog.Logger
	Now         func() time.Time // the clock; nil means time.Now
	// ChatAnyURL lets a chat channel have any http or https URL, not only
	// its platform's (LAUREL_WEBHOOK_ALLOW_LOOPBACK): a local receiver
	// stands in for Slack in development and tests.
	ChatAnyURL bool
}

// Services are what the handlers call.
type Services struct {
	Issuers      issuer.ProfileService
	Achievements badges.AchievementService
	Members      badges.MemberService
	Directory    badges.MemberDirectory // consenting members, for the public directory (directory.go)
	APIKeys      badges.APIKeyService
	Images       badges.ImageStore
	Issuing      Issuing
	Verifier     Verifier
	Catalogue    Catalogue
	Recognition  Recognition
	Nominations  Nominations
	Applications Applications // members' applications, in the nominations' queue
	Spotlight    Spotlight
	Previews     Previews
	Cohorts      Cohorts
	Outcomes     Outcomes
	Measures     Measures
	Corrections  Corrections
	Accounts     Accounts                    // the console's accounts and sessions
	Jobs         Jobs                        // the console's uploaded files, worked through in the background
	Outbox       Outbox                      // the e-mail outbox the console shows
	CheckIns     CheckIns                    // check-ins of live sessions (admincheckin.go, checkin.go)
	Portal       Portal                      // members' sign-in links and sessions (me.go)
	BadgeChoices BadgeChoices                // members' choices about their credentials (mevisibility.go)
	Notifier     badges.Notifier             // queues e-mail; nil sends none
	Leaders      Leaders                     // leaders acting from the portal (melead.go)
	Ping         func(context.Context) error // readiness of the database
	ClaimLinks   *issuer.LinkSigner          // checks the codes of claim links; nil serves no claim pages
	Wallets      Wallets                     // interaction URLs, VC-API exchanges, holder copies (wallet.go); nil offers none

	Reevaluations Reevaluations

	MailTemplates MailTemplates // communities' wording of their e-mail
	Mail          Mail          // e-mail previews and unsubscribe links
	MemberData    MemberData    // everything about one member (memberdata.go)
	Forgetter     Forgetting    // forgets members at their request
	Nudges        Nudges        // members' choice of the weekly progress e-mail
	// Webhooks are communities' endpoints and the deliveries of their events.
	Webhooks *badges.Webhooks
	Sources  Sources // tools activity comes in from (source.go, sourcehook.go)
	// WalletCopies are the copies of members' credentials in their
	// wallets (memberwallet.go); nil lists none.
	WalletCopies WalletCopies
	OID4VCI      OID4VCI // wallets' credential offers, tokens and credentials (oid4vci*.go)
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
	routes  map[string]route // by "METHOD path", as registered
	openapi []byte           // the OpenAPI document as served (openapi.go)
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
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	urls, err := issuer.NewURLs(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	origins, err := corsOrigins(cfg.CORSOrigins)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	if err := parseLayoutPages(pages, "admin", adminFuncs, fieldFuncs); err != nil {
		return nil, err
	}
	if err := parseLayoutPages(pages, "me", pageFuncs); err != nil {
		return nil, err
	}
	doc, err := servedOpenAPI(urls.Base())
	if err != nil {
		return nil, err
	}
	s := &Server{echo: echo.New(), cfg: cfg, svc: svc, urls: urls, log: cfg.Logger, pages: pages,
		metrics: newMetrics(), cache: newPublicCache(), now: cfg.Now, openapi: doc}
	if svc.Members != nil {
		// Consent is kept until the member changes, where that is known.
		s.cache.members.versioned(svc.Members.MemberVersion, memberKeep)
	}
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.IPExtractor = clientAddress(cfg.TrustedProxies)
	s.echo.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	s.echo.Use(
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
		cors(origins),
	)
	if err := s.register(s.routeTable()); err != nil {
		return nil, err
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.Error("panic", "err", err, "path", loggedURI(c, c.Request().URL.Path), "request_id", requestID(c), "stack", string(stack))
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
