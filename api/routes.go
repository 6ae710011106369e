package api

import (
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/laurel-badges/laurel/assets"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
)

// route is one entry of the route table: what answers a method and path,
// and the whole policy it is served under. Rows are written without field
// names, so the compiler refuses a route that leaves out part of its
// policy.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	access  access        // who may call it
	timeout time.Duration // time limit of one request
	errors  errorFormat   // how its errors are written
	gzip    compression   // whether its answers are compressed
	limits  limits        // what one request, or one client, may send
}

// errorFormat says how a route's errors are written.
type errorFormat int

const (
	// negotiated errors are an HTML page, or JSON for clients that prefer it.
	negotiated errorFormat = iota + 1
	// jsonErrors are always JSON problems: the route serves programs.
	jsonErrors
	// consoleErrors are console pages, or the sign-in page for a visitor
	// without a session.
	consoleErrors
	// portalErrors are member portal pages, or the portal's sign-in page
	// for a visitor without a session.
	portalErrors
)

// compression says whether a route's answers are gzipped.
type compression int

const (
	compressed compression = iota + 1
	// precompressed answers (PNG images) would not shrink.
	precompressed
	// pageCompressed answers are compressed, a page's gzip once per
	// distinct page (pagegzip.go).
	pageCompressed
)

// limits bound what a route accepts.
type limits struct {
	// body is the largest request body, in bytes, that the route's
	// handler reads (it asks bodyLimitOf); a multipart form may be
	// formOverhead larger, for its other fields and boundaries around the
	// file the limit is for.
	body   int64
	guards []echo.MiddlewareFunc // per-client limits, run after access is checked
}

const (
	// noBody is the body limit of routes that read none: room for the
	// empty JSON object some clients send anyway, and no more.
	noBody = 1 << 10
	// formOverhead is what a multipart form may add to its route's limit.
	formOverhead = 64 << 10
	// maxFormBytes bounds a console form without a file: its fields are
	// short texts and a Markdown narrative or two.
	maxFormBytes = 256 << 10
)

// routeTable is every route Laurel serves. ingest marks what other systems
// report (activities, endorsements, nominations); read keys may use every
// GET of the API, admin keys everything.
func (s *Server) routeTable() []route {
	quick, long := s.cfg.RequestTimeout, s.cfg.ImportTimeout
	none := limits{body: noBody}
	object := limits{body: s.cfg.BodyLimit} // a JSON object (-max-body-bytes)
	image := limits{body: int64(s.cfg.ImageLimit)}
	rule := limits{body: badges.MaxRuleBytes}
	form := limits{body: maxFormBytes} // a console form without a file
	guards := s.verifyGuards()         // one set for every verify route
	verification, verifyLink := limits{body: maxVerifyBytes, guards: guards}, limits{body: noBody, guards: guards}
	exists := s.requireIssuer // for routes whose service does not check the issuer itself
	csrf := s.guestCSRF       // for public forms: the guest CSRF token
	static, _ := fs.Sub(assets.Static, "static")
	const get, post, put, patch, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete
	return []route{
		// For programs and operators.
		{get, "/healthz", s.handleHealthz, public, quick, jsonErrors, compressed, none},
		{get, "/readyz", s.handleReadyz, public, quick, jsonErrors, compressed, none},
		{get, "/metrics", s.metrics.handler(), public, quick, jsonErrors, precompressed, none}, // compresses itself
		{get, "/api/v1/openapi.json", s.handleOpenAPI, public, quick, jsonErrors, compressed, none},
		{get, "/api/docs", s.handleAPIDocs(), public, quick, negotiated, compressed, none},
		{get, "/static*", echo.StaticDirectoryHandler(static, true), public, quick, negotiated, compressed, none},

		// Public documents and pages.
		{get, "/issuers/:issuer", s.handleIssuerPublic, public, quick, negotiated, compressed, none},
		{get, "/achievements/:achievement", s.handleAchievementPublic, public, quick, negotiated, compressed, none},
		{get, "/achievements/:achievement/holders", s.handleAchievementHolders, public, quick, negotiated, compressed, none},
		{get, "/images/:file", s.handleImage, public, quick, jsonErrors, precompressed, none},
		{get, "/credentials/:credential", s.handleCredentialPublic, public, quick, negotiated, pageCompressed, none},
		{get, "/credentials/:credential/qr.png", s.handleCredentialQR("png"), public, quick, negotiated, precompressed, none},
		{get, "/credentials/:credential/qr.svg", s.handleCredentialQR("svg"), public, quick, negotiated, compressed, none},
		{get, "/credentials/:credential/preview.png", s.handleCredentialPreview, public, quick, negotiated, precompressed, none},
		{get, "/credentials/:credential/badge.png", s.handleCredentialBadge("png"), public, quick, negotiated, precompressed, none},
		{get, "/credentials/:credential/badge.svg", s.handleCredentialBadge("svg"), public, quick, negotiated, compressed, none},
		{get, "/members/:slug", s.handleMemberPublic, public, quick, negotiated, compressed, none},
		{get, "/claim/:credential/:code", s.handleClaimPage, public, quick, negotiated, compressed, none},
		{post, "/claim/:credential/:code", s.handleClaimAccept, public, quick, negotiated, compressed, limits{body: maxClaimForm}},
		{get, "/credentials/:credential/copies/:copy", s.handleHolderCopy, public, quick, negotiated, compressed, none},
		// Wallets: a credential's interaction URL and its VC-API exchange (wallet.go, walletexchange.go).
		{get, "/wallet/:credential/:code", s.handleWalletInteraction, public, quick, negotiated, compressed, none},
		{get, "/wallet/:credential/:code/qr.svg", s.handleWalletQR, public, quick, negotiated, compressed, none},
		{post, "/wallet/:credential/:code/vcapi", s.handleExchangeStart, public, quick, jsonErrors, compressed, none},
		{post, "/wallet/exchanges/:exchange", s.handleExchangePresent, public, quick, jsonErrors, compressed, limits{body: maxExchangeBody}},
		{get, "/issuers/:issuer/spotlight", s.handleSpotlight, public, quick, negotiated, compressed, none},
		{get, "/issuers/:issuer/theme.css", s.handleTheme, public, quick, negotiated, compressed, none},
		{get, "/issuers/:issuer/members", s.handleDirectory, public, quick, negotiated, compressed, none},
		{get, "/", s.handleFrontDoor, public, quick, negotiated, compressed, none},
		{get, "/status/:issuer/:list", s.handleStatusList, public, quick, jsonErrors, compressed, none},
		{get, "/issuers/:issuer/keys/:key", s.handleKeyPublic, public, quick, jsonErrors, compressed, none},
		{get, "/issuers/:issuer/jwks.json", s.handleJWKS, public, quick, jsonErrors, compressed, none},
		{get, "/issuers/:issuer/did.json", s.handleDIDDocument, public, quick, jsonErrors, compressed, none},
		{get, "/issuers/:issuer/status-lists/:list", s.handleStatusList, public, quick, jsonErrors, compressed, none},
		{get, "/.well-known/jwks.json", s.handleJWKS, public, quick, jsonErrors, compressed, none},
		{get, "/mail/unsubscribe/:issuer/:code", s.handleUnsubscribePage, public, quick, negotiated, compressed, none},
		{post, "/mail/unsubscribe/:issuer/:code", s.handleUnsubscribe, public, quick, negotiated, compressed, none},
		{post, "/mail/resubscribe/:issuer/:code", s.handleResubscribe, public, quick, negotiated, compressed, none},
		// The public pages' social previews, 1200×630 PNGs (socialimage.go).
		{get, LaurelPreviewPath, s.handleLaurelPreview, public, quick, negotiated, precompressed, none},
		{get, "/issuers/:issuer" + previewSuffix, s.handleIssuerPreview, public, quick, negotiated, precompressed, none},
		{get, "/issuers/:issuer/spotlight" + previewSuffix, s.handleSpotlightPreview, public, quick, negotiated, precompressed, none},
		{get, "/achievements/:achievement" + previewSuffix, s.handleAchievementPreview, public, quick, negotiated, precompressed, none},
		{get, "/members/:slug" + previewSuffix, s.handleMemberPreview, public, quick, negotiated, precompressed, none},

		// Check-ins of live sessions, for the people in the room (checkin.go).
		{get, "/checkin", s.handleCheckInEnter, public, quick, negotiated, compressed, none},
		{post, "/checkin", csrf(s.handleCheckInCode), public, quick, negotiated, compressed, form},
		{get, "/checkin/:code", s.handleCheckInPublic, public, quick, negotiated, compressed, none},
		{post, "/checkin/:code", csrf(s.handleCheckInEmail), public, quick, negotiated, compressed, form},
		{get, "/checkin/:code/link/:token", s.handleCheckInLinkPage, public, quick, negotiated, compressed, none},
		{post, "/checkin/:code/link/:token", csrf(s.handleCheckInLinkConfirm), public, quick, negotiated, compressed, form},
		{post, "/checkin/:code/confirm", s.handleCheckInSignedIn, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/checkins", s.handleMeCheckIns, memberAccess, quick, portalErrors, compressed, none},
		{post, "/me/checkins", s.handleMeCheckInOpen, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/checkins/:checkin", s.handleMeCheckIn, memberAccess, quick, portalErrors, compressed, none},
		{get, "/me/checkins/:checkin/qr.svg", s.handleMeCheckInQR, memberAccess, quick, portalErrors, compressed, none},

		// Wallets: OpenID for Verifiable Credential Issuance (oid4vci*.go).
		{get, "/wallet/:credential/:code/oid4vci", s.handleCredentialOffer, public, quick, jsonErrors, compressed, none},
		{get, "/.well-known/openid-credential-issuer", s.handleIssuerMetadata, public, quick, jsonErrors, compressed, none},
		{get, "/.well-known/oauth-authorization-server", s.handleAuthServerMetadata, public, quick, jsonErrors, compressed, none},
		{post, pathWalletToken, s.handleWalletToken, public, quick, jsonErrors, compressed, limits{body: maxTokenBody}},
		{post, pathWalletNonce, s.handleWalletNonce, public, quick, jsonErrors, compressed, none},
		{post, pathWalletCredential, s.handleWalletCredential, public, quick, jsonErrors, compressed, limits{body: maxCredentialRequestBody}},

		// Verification, for anyone.
		{get, "/verify", s.handleVerifyPage, public, quick, negotiated, compressed, verifyLink},
		{post, "/verify", s.handleVerifyPage, public, quick, negotiated, compressed, verification},
		{post, "/api/v1/verify", s.handleVerifyAPI, public, quick, jsonErrors, compressed, verification},

		// Issuers, achievements, keys and credentials.
		{post, "/api/v1/issuers", s.handleIssuerCreate, adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers", s.handleIssuerList, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer", s.handleIssuerGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/issuers/:issuer", s.handleIssuerUpdate, adminKey, quick, jsonErrors, compressed, object},
		{put, "/api/v1/issuers/:issuer/image", exists(s.handleIssuerImage), adminKey, quick, jsonErrors, compressed, image},
		{post, "/api/v1/issuers/:issuer/achievements", exists(s.handleAchievementCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/achievements", exists(s.handleAchievementList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/achievements/:achievement", s.handleAchievementGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/achievements/:achievement", s.handleAchievementUpdate, adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/achievements/:achievement/archive", s.handleAchievementArchive, adminKey, quick, jsonErrors, compressed, none},
		{put, "/api/v1/achievements/:achievement/image", s.handleAchievementImage, adminKey, quick, jsonErrors, compressed, image},
		{del, "/api/v1/achievements/:achievement/image", s.handleAchievementImageReset, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/achievements/:achievement/versions", s.handleAchievementVersions, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/achievements/:achievement/versions/:version", s.handleAchievementVersion, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/keys", exists(s.handleKeyList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/keys/rotate", s.handleKeyRotate, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/mail-templates/:kind", exists(s.handleMailTemplateGet), adminKey, quick, jsonErrors, compressed, none},
		{put, "/api/v1/issuers/:issuer/mail-templates/:kind", exists(s.handleMailTemplatePut), adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/issuers/:issuer/mail-templates/:kind", exists(s.handleMailTemplateDelete), adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/awards", s.handleAwardCreate, adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/awards/bulk", s.handleAwardBulk, adminKey, long, jsonErrors, compressed, limits{body: maxBulkBytes}},
		{get, "/api/v1/issuers/:issuer/credentials", s.handleCredentialList, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/credentials/:credential", s.handleCredentialGet, readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/credentials/:credential/revoke", s.handleCredentialRevoke, adminKey, quick, jsonErrors, compressed, object},

		// Members.
		{post, "/api/v1/issuers/:issuer/members", exists(s.handleMemberCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/members", exists(s.handleMemberList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/members/import", exists(s.handleMemberImport), adminKey, long, jsonErrors, compressed, limits{body: badges.MaxImportBytes}},
		{get, "/api/v1/members/:member", s.handleMemberGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/members/:member", s.handleMemberUpdate, adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/members/:member", s.handleMemberDelete, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/members/:member/export", s.handleMemberExport, adminKey, long, jsonErrors, compressed, none},
		{post, "/api/v1/members/:member/forget", s.handleMemberForget, adminKey, long, jsonErrors, compressed, none},
		{get, "/api/v1/members/:member/wallet-copies", s.handleMemberWalletCopies, readKey, quick, jsonErrors, compressed, none},

		// Recognition: behaviours, activity, rules, nominations, statistics.
		{get, "/api/v1/issuers/:issuer/behaviours", exists(s.handleBehaviourList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/behaviours", exists(s.handleBehaviourCreate), adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/activities", exists(s.handleActivities), ingestKey, quick, jsonErrors, compressed, limits{body: maxActivityBody}},
		{post, "/api/v1/issuers/:issuer/activities/attendance", exists(s.handleAttendanceImport), ingestKey, long, jsonErrors, compressed, limits{body: badges.MaxAttendanceBytes}},
		{post, "/api/v1/issuers/:issuer/endorsements", exists(s.handleEndorse), ingestKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/nominations", exists(s.handleNominate), ingestKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/checkins", exists(s.handleCheckInCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/checkins", exists(s.handleCheckInList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/checkins/:checkin/close", exists(s.handleCheckInCloseAPI), adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/nominations", exists(s.handleNominationList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/nominations/:nomination/approve", s.handleNominationDecide(true), adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/nominations/:nomination/decline", s.handleNominationDecide(false), adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/applications", exists(s.handleApply), ingestKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/achievements/:achievement/rule", s.handleRuleGet, readKey, quick, jsonErrors, compressed, none},
		{put, "/api/v1/achievements/:achievement/rule", s.handleRulePut, adminKey, quick, jsonErrors, compressed, rule},
		{del, "/api/v1/achievements/:achievement/rule", s.handleRuleDelete, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/achievements/:achievement/preview", s.handleRulePreview, adminKey, quick, jsonErrors, compressed, rule},
		{get, "/api/v1/members/:member/progress", s.handleProgress, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/stats", exists(s.handleStats), readKey, quick, jsonErrors, compressed, none},
		{put, "/api/v1/issuers/:issuer/spotlight", exists(s.handlePinPut), adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/issuers/:issuer/spotlight", exists(s.handlePinDelete), adminKey, quick, jsonErrors, compressed, none},

		// Cohorts.
		{post, "/api/v1/issuers/:issuer/cohorts", exists(s.handleCohortCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/cohorts", exists(s.handleCohortList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/cohorts/:cohort", s.handleCohortGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/cohorts/:cohort", s.handleCohortUpdate, adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/cohorts/:cohort/members", s.handleCohortMembers, readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/cohorts/:cohort/members", s.handleCohortJoin, adminKey, long, jsonErrors, compressed, object},
		{put, "/api/v1/cohorts/:cohort/members/:member", s.handleCohortJoinOne, adminKey, quick, jsonErrors, compressed, none},
		{del, "/api/v1/cohorts/:cohort/members/:member", s.handleCohortLeave, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/members/:member/cohorts", s.handleMemberCohorts, readKey, quick, jsonErrors, compressed, none},
		// Outcomes and measures of success.
		{get, "/outcomes/:outcome", s.handleOutcomePublic, public, quick, negotiated, compressed, none},
		{post, "/api/v1/issuers/:issuer/outcomes", exists(s.handleOutcomeCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/outcomes", exists(s.handleOutcomeList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/outcomes/:outcome", s.handleOutcomeGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/outcomes/:outcome", s.handleOutcomeUpdate, adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/outcomes/:outcome/archive", s.handleOutcomeArchive, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/measures", exists(s.handleMeasureCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/measures", exists(s.handleMeasureList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/measures/:measure", s.handleMeasureGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/measures/:measure", s.handleMeasureUpdate, adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/measures/:measure", s.handleMeasureDelete, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/measures/:measure/history", s.handleMeasureHistory, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/quiet-members", exists(s.handleQuietMembers), readKey, quick, jsonErrors, compressed, none},
		// Corrections: behaviours edited or retired, activities listed and voided, reviews.
		{patch, "/api/v1/issuers/:issuer/behaviours/:behaviour", exists(s.handleBehaviourUpdate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/members/:member/activities", s.handleMemberActivities, readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/activities/:activity/void", s.handleActivityVoid, adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/reviews", exists(s.handleReviewList), readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/reviews/:review/revoke", exists(s.handleReviewRevoke), adminKey, quick, jsonErrors, compressed, object},
		{post, "/api/v1/issuers/:issuer/reviews/:review/dismiss", exists(s.handleReviewDismiss), adminKey, quick, jsonErrors, compressed, object},
		// Re-evaluating a rule for every member, in the background.
		{post, "/api/v1/achievements/:achievement/reevaluations", s.handleReevaluationStart, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/reevaluations/:reevaluation", s.handleReevaluationGet, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/reevaluations", exists(s.handleReevaluationList), readKey, quick, jsonErrors, compressed, none},
		// Sources of activity: tools' signed deliveries, public as their
		// signature is their authentication (sourcehook.go), and their set-up
		// (source.go).
		{post, "/hooks/in/:source", s.handleSourceHook, public, quick, jsonErrors, compressed, limits{body: mapping.MaxPayloadBytes}},
		{post, "/api/v1/issuers/:issuer/sources", exists(s.handleSourceCreate), adminKey, quick, jsonErrors, compressed, limits{body: mapping.MaxMappingBytes + 4<<10}},
		{get, "/api/v1/issuers/:issuer/sources", exists(s.handleSourceList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/sources/:source", s.handleSourceGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/sources/:source", s.handleSourceUpdate, adminKey, quick, jsonErrors, compressed, limits{body: mapping.MaxMappingBytes + 4<<10}},
		{del, "/api/v1/sources/:source", s.handleSourceDelete, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/sources/:source/rotate-secret", s.handleSourceRotate, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/sources/:source/dry-run", s.handleSourceDryRun, adminKey, quick, jsonErrors, compressed, limits{body: maxDryRunBody}},

		// Webhooks out: a community's endpoints, their delivery logs and
		// replays (webhook*.go), and REST hooks for no-code tools (resthook*.go).
		{post, "/api/v1/issuers/:issuer/webhooks", exists(s.handleWebhookCreate), adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/issuers/:issuer/webhooks", exists(s.handleWebhookList), readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/webhooks/:webhook", s.handleWebhookGet, readKey, quick, jsonErrors, compressed, none},
		{patch, "/api/v1/issuers/:issuer/webhooks/:webhook", s.handleWebhookUpdate, adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/issuers/:issuer/webhooks/:webhook", s.handleWebhookDelete, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/webhooks/:webhook/rotate-secret", s.handleWebhookRotate, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/webhooks/:webhook/ping", s.handleWebhookPing, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/webhooks/:webhook/deliveries", s.handleWebhookDeliveries, readKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/webhooks/:webhook/deliveries/:delivery", s.handleWebhookDelivery, readKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/webhooks/:webhook/deliveries/:delivery/redeliver", s.handleWebhookRedeliver, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/webhooks/:webhook/replay", s.handleWebhookReplay, adminKey, quick, jsonErrors, compressed, none},
		{post, "/api/v1/issuers/:issuer/hooks", exists(s.handleRestHookSubscribe), adminKey, quick, jsonErrors, compressed, object},
		{del, "/api/v1/issuers/:issuer/hooks/:hook", s.handleRestHookUnsubscribe, adminKey, quick, jsonErrors, compressed, none},
		{get, "/api/v1/issuers/:issuer/hooks/samples/:event", exists(s.handleRestHookSamples), readKey, quick, jsonErrors, compressed, none},

		// The console, for community managers (admin*.go): pages and forms
		// under /admin, each needing a role in the community it names.
		{get, "/admin/login", s.handleSignInPage, consoleGuest, quick, consoleErrors, compressed, none},
		{post, "/admin/login", s.handleSignIn, consoleGuest, quick, consoleErrors, compressed, form},
		{get, "/admin/password/:token", s.handlePasswordPage, consoleGuest, quick, consoleErrors, compressed, none},
		{post, "/admin/password/:token", s.handlePasswordSet, consoleGuest, quick, consoleErrors, compressed, form},
		{post, "/admin/logout", s.handleSignOut, consoleAccess(0), quick, consoleErrors, compressed, form},
		{get, "/admin", s.handleConsoleHome, consoleAccess(0), quick, consoleErrors, compressed, none},
		{post, "/admin/communities", s.handleCommunityCreate, serviceAdmin, quick, consoleErrors, compressed, form},
		{get, "/admin/account", s.handleAccountPage, consoleAccess(0), quick, consoleErrors, compressed, none},
		{post, "/admin/account/password", s.handlePasswordChange, consoleAccess(0), quick, consoleErrors, compressed, form},
		{post, "/admin/account/sign-out-everywhere", s.handleSignOutEverywhere, consoleAccess(0), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer", s.handleDashboard, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/jobs/:job", s.handleJobPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/jobs/:job/result.csv", s.handleJobResult, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		// The rule builder (adminrule*.go).
		{get, "/admin/c/:issuer/badges/:achievement/rule", s.handleRulePage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/rule", s.handleRuleForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/rule/remove", s.handleRuleRemovePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/rule/remove", s.handleRuleRemove, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Dashboard, nominations, spotlight, cohorts, outcomes and measures (admindashboard*.go … adminmeasure*.go).
		{get, "/admin/c/:issuer/quiet-members", s.handleQuietPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/nominations", s.handleNominationsPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/nominations/:nomination", s.handleNominationPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/nominations/:nomination/approve", s.handleNominationDecision(true), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/nominations/:nomination/decline", s.handleNominationDecision(false), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/spotlight", s.handleSpotlightPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/spotlight", s.handleSpotlightPin, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/spotlight/remove", s.handleSpotlightRemovePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/spotlight/remove", s.handleSpotlightRemove, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/cohorts", s.handleCohortsPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/cohorts", s.handleCohortCreatePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/cohorts/:cohort", s.handleCohortPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/cohorts/:cohort", s.handleCohortRename, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/cohorts/:cohort/archive", s.handleCohortArchive, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/cohorts/:cohort/members", s.handleCohortJoinPage, consoleAccess(badges.PermManage), long, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/cohorts/:cohort/members/:member/remove", s.handleCohortLeavePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/cohorts/:cohort/members/:member/remove", s.handleCohortLeaveDone, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/outcomes", s.handleOutcomesPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/outcomes", s.handleOutcomeCreatePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/outcomes/:outcome", s.handleOutcomeEditPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/outcomes/:outcome", s.handleOutcomeEdit, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/measures", s.handleMeasureCreatePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/measures/:measure", s.handleMeasurePage(false), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/measures/:measure", s.handleMeasureEdit, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/measures/:measure/delete", s.handleMeasurePage(true), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/measures/:measure/delete", s.handleMeasureDeleteDone, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/measures/:measure/history", s.handleMeasureHistoryExport, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/export/stats", s.handleStats, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		// Chat channels (adminchat.go, adminchatform.go).
		{get, "/admin/c/:issuer/integrations/chat", s.handleChatPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/chat", s.handleChatAdd, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/integrations/chat/:endpoint/test", s.handleChatTest, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/chat/:endpoint/remove", s.handleChatRemovePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/chat/:endpoint/remove", s.handleChatRemove, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// The e-mail outbox (adminmessage.go).
		{get, "/admin/c/:issuer/messages", s.handleMessagesPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/messages/:message", s.handleMessagePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/messages/:message/send", s.handleMessageSendPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/messages/:message/send", s.handleMessageSend, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Integrations (adminintegrations.go) and webhooks (adminwebhook*.go).
		{get, "/admin/c/:issuer/integrations", s.handleIntegrationsPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/integrations/webhooks", s.handleWebhooksPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks", s.handleWebhookCreateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/webhooks/created", s.handleWebhookSecretPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook", s.handleWebhookPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook/edit", s.handleWebhookEditPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/edit", s.handleWebhookEditForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/state", s.handleWebhookState, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook/rotate", s.handleWebhookConfirmPage("rotate"), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/rotate", s.handleWebhookRotateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook/delete", s.handleWebhookConfirmPage("delete"), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/delete", s.handleWebhookDeleteForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/ping", s.handleWebhookPingForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook/replay", s.handleWebhookReplayPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/replay", s.handleWebhookReplayForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/webhooks/:webhook/deliveries/:delivery", s.handleWebhookDeliveryPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/webhooks/:webhook/deliveries/:delivery/redeliver", s.handleWebhookRedeliverForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Badges (adminbadge*.go).
		{get, "/admin/c/:issuer/badges", s.handleBadgesPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/badges/new", s.handleBadgeNewPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/new", s.handleBadgeCreate, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/badges/markdown", s.handleCriteriaPreview, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/preview", s.handleBadgePreview, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/preview", s.handleBadgePreview, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/art.svg", s.handleBadgeArtSVG, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/badges/:achievement", s.handleBadgePage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/badges/:achievement/edit", s.handleBadgeEditPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/edit", s.handleBadgeUpdate, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/image", s.handleBadgeImagePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/image", s.handleBadgeImageUpload, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, image},
		{post, "/admin/c/:issuer/badges/:achievement/image/reset", s.handleBadgeImageReset, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/art.png", s.handleBadgeArtPNG, consoleAccess(badges.PermView), quick, consoleErrors, precompressed, none},
		{get, "/admin/c/:issuer/badges/:achievement/activate", s.handleBadgeConfirm("activate"), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/activate", s.handleBadgeActivate, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/archive", s.handleBadgeConfirm("archive"), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/archive", s.handleBadgeArchive, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/reevaluate", s.handleBadgeConfirm("reevaluate"), consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/badges/:achievement/reevaluate", s.handleBadgeReevaluate, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/badges/:achievement/reevaluations/:reevaluation", s.handleReevaluationPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		// People, API keys and settings (adminpeople*.go, adminapikey*.go, adminsettings*.go).
		{get, "/admin/c/:issuer/people", s.handlePeoplePage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/people", s.handlePersonInvite, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/people/link", s.handlePeopleLinkPage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/people/:account", s.handlePersonPage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/people/:account/role", s.handlePersonRole, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/people/:account/link", s.handlePersonLink, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/people/:account/remove", s.handlePersonRemovePage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/people/:account/remove", s.handlePersonRemove, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		{get, "/admin/apikeys", s.handleConsoleAPIKeys, serviceAdmin, quick, consoleErrors, compressed, none},
		{post, "/admin/apikeys", s.handleConsoleAPIKeyCreate, serviceAdmin, quick, consoleErrors, compressed, form},
		{get, "/admin/apikeys/created", s.handleConsoleAPIKeyCreated, serviceAdmin, quick, consoleErrors, compressed, none},
		{get, "/admin/apikeys/:key/revoke", s.handleConsoleAPIKeyRevokePage, serviceAdmin, quick, consoleErrors, compressed, none},
		{post, "/admin/apikeys/:key/revoke", s.handleConsoleAPIKeyRevoke, serviceAdmin, quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/settings", s.handleSettingsPage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/settings", s.handleSettingsSave, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/settings/logo", s.handleSettingsLogo, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, image},
		{get, "/admin/c/:issuer/settings/rotate", s.handleSettingsRotatePage, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/settings/rotate", s.handleSettingsRotate, consoleAccess(badges.PermOwn), quick, consoleErrors, compressed, form},
		// The community's e-mail, its wording and previews (adminmail*.go).
		{get, "/admin/c/:issuer/settings/emails", s.handleMailSettingsPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/settings/emails/:kind", s.handleMailTemplatePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/settings/emails/:kind", s.handleMailTemplateSave, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/settings/emails/:kind/preview", s.handleMailPreviewPart, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/settings/emails/:kind/preview.html", s.handleMailPreviewHTML, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/settings/emails/:kind/reset", s.handleMailTemplateResetPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/settings/emails/:kind/reset", s.handleMailTemplateReset, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Members (adminmember*.go).
		{get, "/admin/c/:issuer/members", s.handleMembersPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/members/new", s.handleMemberNewPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/members/new", s.handleMemberCreateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/members/import", s.handleMemberImportPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/members/import", s.handleMemberImportForm, consoleAccess(badges.PermManage), long, consoleErrors, compressed, limits{body: badges.MaxImportBytes}},
		{get, "/admin/c/:issuer/members/import/example.csv", s.handleMembersExample, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/members/:member", s.handleMemberPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/members/:member/edit", s.handleMemberEditPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/members/:member/edit", s.handleMemberUpdateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/members/:member/remove", s.handleMemberRemovePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/members/:member/remove", s.handleMemberRemove, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/members/:member/forget", s.handleMemberForgetPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/members/:member/forget", s.handleMemberForgetForm, consoleAccess(badges.PermManage), long, consoleErrors, compressed, form},
		// Awards and Activity (adminaward*.go, adminactivity*.go).
		{get, "/admin/c/:issuer/awards", s.handleAwardsPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/awards/new", s.handleAwardNewPage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/awards/new", s.handleAwardNew, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/awards/import", s.handleAwardImportPage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/awards/import", s.handleAwardImport, consoleAccess(badges.PermAward), long, consoleErrors, compressed, limits{body: maxBulkBytes}},
		{get, "/admin/c/:issuer/awards/import/example.csv", s.handleAwardExample, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/awards/:credential", s.handleAwardPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/awards/:credential/revoke", s.handleAwardRevokePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/awards/:credential/revoke", s.handleAwardRevoke, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/activity", s.handleActivityPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/activity/new", s.handleActivityNewPage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/activity/new", s.handleActivityNew, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/activity/import", s.handleActivityImportPage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/activity/import", s.handleActivityImport, consoleAccess(badges.PermAward), long, consoleErrors, compressed, limits{body: maxActivityBody}},
		{get, "/admin/c/:issuer/activity/import/example.csv", s.handleActivityExample, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		// Meeting attendance: a participant report, previewed, then worked through as a job (adminattendance.go).
		{get, "/admin/c/:issuer/integrations/attendance", s.handleAttendancePage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/attendance", s.handleAttendancePreview, consoleAccess(badges.PermManage), long, consoleErrors, compressed, limits{body: badges.MaxAttendanceBytes}},
		{post, "/admin/c/:issuer/integrations/attendance/confirm", s.handleAttendanceConfirm, consoleAccess(badges.PermManage), long, consoleErrors, compressed, limits{body: maxAttendanceConfirm}},
		{get, "/admin/c/:issuer/activity/:activity/void", s.handleActivityVoidPage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/activity/:activity/void", s.handleActivityVoidConfirm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Activity sources (adminsource*.go): viewers read, admins change.
		{get, "/admin/c/:issuer/integrations/sources", s.handleSourcesPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/sources", s.handleSourceCreateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/sources/:source", s.handleSourcePage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/sources/:source", s.handleSourceSave, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{post, "/admin/c/:issuer/integrations/sources/:source/dry-run", s.handleSourceTry, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, limits{body: maxTryForm}},
		{post, "/admin/c/:issuer/integrations/sources/:source/rotate", s.handleSourceRotateForm, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/integrations/sources/:source/remove", s.handleSourceRemovePage, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/integrations/sources/:source/remove", s.handleSourceRemove, consoleAccess(badges.PermManage), quick, consoleErrors, compressed, form},
		// Check-ins (admincheckin.go): awarders open and close them.
		{get, "/admin/c/:issuer/checkins", s.handleCheckInsPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/checkins/new", s.handleCheckInNewPage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/checkins/new", s.handleCheckInNew, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, form},
		{get, "/admin/c/:issuer/checkins/:checkin", s.handleCheckInPage, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/checkins/:checkin/qr.svg", s.handleCheckInQR, consoleAccess(badges.PermView), quick, consoleErrors, compressed, none},
		{get, "/admin/c/:issuer/checkins/:checkin/close", s.handleCheckInClosePage, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, none},
		{post, "/admin/c/:issuer/checkins/:checkin/close", s.handleCheckInClose, consoleAccess(badges.PermAward), quick, consoleErrors, compressed, form},

		// The member portal (me*.go): sign-in by e-mailed link, then pages
		// about the signed-in member only (memberOf).
		{get, "/me/signin", s.handleMeSignInPage, memberGuest, quick, portalErrors, compressed, none},
		{post, "/me/signin", s.handleMeSignIn, memberGuest, quick, portalErrors, compressed, form},
		{get, "/me/signin/:token", s.handleMeLinkPage, memberGuest, quick, portalErrors, compressed, none},
		{post, "/me/signin/:token", s.handleMeLinkUse, memberGuest, quick, portalErrors, compressed, form},
		{get, "/me/theme/:issuer", s.handleTheme, public, quick, negotiated, compressed, none}, // the address portal pages used first
		{post, "/me/signout", s.handlePortalSignOut, memberAccess, quick, portalErrors, compressed, form},
		{post, "/me/community", s.handlePortalSwitch, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me", s.handleMeBadges, memberAccess, quick, portalErrors, compressed, none},
		{get, "/me/apply", s.handleApplyPage, memberAccess, quick, portalErrors, compressed, none}, // applying for a badge (meapply*.go)
		{get, "/me/apply/:achievement", s.handleApplyForm, memberAccess, quick, portalErrors, compressed, none},
		{post, "/me/apply/:achievement", s.handleApplySubmit, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/lead", s.handleMeLead, memberAccess, quick, portalErrors, compressed, none},
		{post, "/me/lead/endorse", s.handleMeEndorse, memberAccess, quick, portalErrors, compressed, form},
		{post, "/me/lead/nominate", s.handleMeNominate, memberAccess, quick, portalErrors, compressed, form},
		{post, "/me/badges/:credential/visibility", s.handleMeVisibility, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/profile", s.handleMeProfile, memberAccess, quick, portalErrors, compressed, none},
		{post, "/me/profile", s.handleMeProfileSave, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/progress", s.handleMeProgress, memberAccess, quick, portalErrors, compressed, none},
		{get, "/me/data", s.handleMeData, memberAccess, quick, portalErrors, compressed, none},
		{get, "/me/data/export", s.handleMeDataExport, memberAccess, long, portalErrors, compressed, none},
		{post, "/me/data/weekly", s.handleMeWeekly, memberAccess, quick, portalErrors, compressed, form},
		{get, "/me/data/forget", s.handleMeForgetPage, memberAccess, quick, portalErrors, compressed, none},
		{post, "/me/data/forget", s.handleMeForget, memberAccess, long, portalErrors, compressed, form},

		// API keys: admin keys only, reading included.
		{post, "/api/v1/apikeys", s.handleAPIKeyCreate, adminKey, quick, jsonErrors, compressed, object},
		{get, "/api/v1/apikeys", s.handleAPIKeyList, adminKey, quick, jsonErrors, compressed, none},
		{del, "/api/v1/apikeys/:key", s.handleAPIKeyRevoke, adminKey, quick, jsonErrors, compressed, none},
	}
}

// register adds the table's routes to Echo, each wrapped in its policy:
// compression, body limit, time limit, access, its per-client limits,
// then the query parameters it takes (query.go).
// The policy is route middleware, not global, so that a request matching no
// route is answered 404 or 405 at once (the OpenAPI document shows every
// route anyway).
func (s *Server) register(table []route) error {
	gzip := middleware.GzipWithConfig(middleware.GzipConfig{Level: 1}) // pages and JSON shrink nearly as much as at the default level, at a fraction of its CPU
	pages := pageGzip(s.cache.pages)
	s.routes = make(map[string]route, len(table))
	params := queryParams()
	for _, rt := range table {
		key := rt.method + " " + rt.path
		if err := rt.check(); err != nil {
			return fmt.Errorf("route %s: %w", key, err)
		}
		if _, dup := s.routes[key]; dup {
			return fmt.Errorf("route %s is registered twice", key)
		}
		s.routes[key] = rt
		var chain []echo.MiddlewareFunc
		switch rt.gzip {
		case compressed:
			chain = append(chain, gzip)
		case pageCompressed:
			chain = append(chain, pages)
		}
		chain = append(chain, bodyLimit(rt.limits.body, rt.timeout),
			middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: rt.timeout}))
		if rt.access.allow != nil {
			chain = append(chain, s.authorize(rt.access))
		}
		chain = append(chain, rt.limits.guards...)
		chain = append(chain, strictQuery(params[key], rt.publicGet()))
		s.echo.Add(rt.method, rt.path, rt.handler, chain...)
	}
	return checkQueryParams(params, s.routes)
}

// check refuses a route whose policy is left at a zero value.
func (rt route) check() error {
	switch {
	case rt.handler == nil:
		return fmt.Errorf("no handler")
	case rt.access.name == "":
		return fmt.Errorf("no access rule")
	case rt.timeout <= 0:
		return fmt.Errorf("no time limit")
	case rt.errors == 0 || rt.gzip == 0:
		return fmt.Errorf("no error format or compression")
	case rt.limits.body <= 0:
		return fmt.Errorf("no body limit")
	}
	return nil
}

// route is the route table's entry for the route c matched.
func (s *Server) route(c echo.Context) (route, bool) {
	rt, ok := s.routes[c.Request().Method+" "+c.Path()]
	return rt, ok
}

// bodyLimitOf is the body limit the route table gives c's route: what its
// handler may read, or the largest file a form may carry.
func (s *Server) bodyLimitOf(c echo.Context) int64 {
	rt, _ := s.route(c)
	return rt.limits.body
}
