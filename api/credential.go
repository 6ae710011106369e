package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// Issuing is what the handlers need of the issuing service.
type Issuing interface {
	Award(ctx context.Context, issuerID string, in badges.AwardInput) (*issuer.Credential, bool, error)
	AwardMany(ctx context.Context, issuerID, requestKey string, ins []badges.AwardInput) ([]issuer.BulkResult, error)
	Credential(ctx context.Context, id string) (*issuer.Credential, error)
	// Credentials lists a community's credentials, with names.
	Credentials(ctx context.Context, f issuer.CredentialFilter) (*badges.Page[*issuer.CredentialSummary], error)
	Revoke(ctx context.Context, id string, in badges.RevokeInput) (*issuer.Credential, error)
	StatusListCredential(ctx context.Context, issuerID string, number int) ([]byte, error)
	Keys(ctx context.Context, issuerID string) ([]*issuer.Key, error)
	Key(ctx context.Context, issuerID, id string) (*issuer.Key, error)
	// Document answers a URL Laurel publishes (keys, JWK sets, status lists).
	Document(ctx context.Context, url string) (body []byte, mediaType string, ok bool, err error)
	RotateKeys(ctx context.Context, issuerID string) ([]*issuer.Key, error)
	MemberShowcase(ctx context.Context, memberID string) (*issuer.MemberShowcase, error)
	// Accept records that the member accepted their credential, with who
	// sees it (the claim page).
	Accept(ctx context.Context, credentialID string, v issuer.Visibility) (*issuer.Credential, error)
	AchievementShowcase(ctx context.Context, achievementID string) (*issuer.AchievementShowcase, error)
}

// Media types of credentials.
const (
	mimeVCLD  = "application/vc+ld+json"
	mimeVCJWT = "application/vc+jwt"
)

func (s *Server) handleCredentialGet(c echo.Context) error {
	cred, err := s.svc.Issuing.Credential(c.Request().Context(), c.Param("credential"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.credentialJSON(cred))
}

type revokeRequest struct {
	Reason        string `json:"reason"`
	PublishReason bool   `json:"publishReason"` // false keeps the reason off public pages
}

func (s *Server) handleCredentialRevoke(c echo.Context) error {
	var req revokeRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	cred, err := s.svc.Issuing.Revoke(c.Request().Context(), c.Param("credential"),
		badges.RevokeInput{Reason: req.Reason, PublishReason: req.PublishReason})
	if err != nil {
		return err
	}
	s.forgetCredential(cred.ID)
	return c.JSON(http.StatusOK, s.credentialJSON(cred))
}

// handleCredentialPublic serves a credential: /credentials/{id}.jwt is the
// VC-JWT, /credentials/{id}.json and JSON-asking clients get the JSON with
// its Data Integrity proof, browsers a page.
func (s *Server) handleCredentialPublic(c echo.Context) error {
	id, ext := splitExt(c.Param("credential"))
	form := signedForm(c, ext)
	if form == "" {
		return badges.Errorf(badges.ENOTFOUND, "No credential %q.", c.Param("credential"))
	}
	cred, err := s.credential(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if form != formHTML {
		return serveSigned(c, form, cred.JSON, cred.JWT)
	}
	v, err := s.credentialView(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := s.withDetails(c.Request().Context(), v); err != nil {
		return err
	}
	// Revalidated every time: a revocation must show at once.
	c.Response().Header().Set("Cache-Control", "no-cache")
	return s.serveCredentialPage(c, v)
}

// The forms of a signed credential a request may ask for.
const (
	formJSON = "json" // with its Data Integrity proof
	formJWT  = "jwt"
	formHTML = "html" // the page of the credential
)

// splitExt splits a path segment's extension off: "abc.jwt" is "abc", "jwt".
func splitExt(segment string) (name, ext string) {
	if i := strings.LastIndexByte(segment, '.'); i >= 0 {
		return segment[:i], segment[i+1:]
	}
	return segment, ""
}

// signedForm is the form of a signed credential a request asks for, by its
// path's extension, else by its Accept header; "" for an extension that
// names no form. It sets the headers every form shares.
func signedForm(c echo.Context, ext string) string {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Vary", "Accept")
	switch ext {
	case formJWT, formJSON:
		return ext
	case "":
	default:
		return ""
	}
	switch negotiate(c.Request().Header.Get("Accept"), "text/html", mimeVCLD, mimeLDJSON, echo.MIMEApplicationJSON, mimeVCJWT) {
	case "text/html":
		return formHTML
	case mimeVCJWT:
		return formJWT
	}
	return formJSON
}

// serveSigned answers a signed credential as its JWT or its JSON.
func serveSigned(c echo.Context, form string, doc []byte, jwt string) error {
	if form == formJWT {
		return c.Blob(http.StatusOK, mimeVCJWT, []byte(jwt))
	}
	return c.Blob(http.StatusOK, mimeVCLD, doc)
}

// handleStatusList serves a signed revocation list. It is read on every
// status check, so it must never be stale: no caching beyond revalidation.
func (s *Server) handleStatusList(c echo.Context) error {
	return s.servePublished(c, c.Request().URL.Path, "no-cache")
}

// handleKeyPublic serves one public key at its URL: a Data Integrity key as
// a Multikey document, a JWT key as a single JWK, as verifiers expect.
func (s *Server) handleKeyPublic(c echo.Context) error {
	return s.servePublished(c, c.Request().URL.Path, "public, max-age=3600")
}

// handleJWKS serves an issuer's JWK set, or every issuer's at
// /.well-known/jwks.json.
func (s *Server) handleJWKS(c echo.Context) error {
	return s.servePublished(c, c.Request().URL.Path, "public, max-age=300")
}

// handleDIDDocument serves a did:web issuer's DID document, which lists
// its keys; a rotation adds to it, so it is cached briefly.
func (s *Server) handleDIDDocument(c echo.Context) error {
	return s.servePublished(c, c.Request().URL.Path, "public, max-age=300")
}

// servePublished answers a path of Laurel's published documents with what
// the issuing service makes of its URL, the very documents the verifier
// reads for Laurel's own credentials.
func (s *Server) servePublished(c echo.Context, path, cacheControl string) error {
	body, mediaType, ok, err := s.svc.Issuing.Document(c.Request().Context(), s.urls.Base()+path)
	if err != nil {
		return err
	}
	if !ok {
		return badges.Errorf(badges.ENOTFOUND, "Nothing is published at %s.", path)
	}
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", cacheControl)
	return c.Blob(http.StatusOK, mediaType, body)
}

type keyJSON struct {
	ID         string    `json:"id"`
	URL        string    `json:"url"`
	Use        string    `json:"use"`
	Alg        string    `json:"alg"`
	Generation int       `json:"generation"`
	Current    bool      `json:"current"`
	CreatedAt  time.Time `json:"createdAt"`
}

func (s *Server) keysJSON(keys []*issuer.Key) listJSON[keyJSON] {
	l := listJSON[keyJSON]{Items: []keyJSON{}, Total: len(keys)}
	for _, k := range keys {
		newest := issuer.Newest(keys, k.Use)
		l.Items = append(l.Items, keyJSON{ID: k.ID, URL: s.urls.Key(k.IssuerID, k.ID), Use: string(k.Use), Alg: k.Alg,
			Generation: k.Generation, Current: newest == k, CreatedAt: k.CreatedAt})
	}
	return l
}

func (s *Server) handleKeyList(c echo.Context) error {
	ctx := c.Request().Context()
	keys, err := s.svc.Issuing.Keys(ctx, c.Param("issuer"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.keysJSON(keys))
}

func (s *Server) handleKeyRotate(c echo.Context) error {
	keys, err := s.svc.Issuing.RotateKeys(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.keysJSON(keys))
}
