package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

type issuerRequest struct {
	Name        *string `json:"name"`
	URL         *string `json:"url"`
	Email       *string `json:"email"`
	Description *string `json:"description"`
	JWTAlg      *string `json:"jwtAlg"`
	AccentColor *string `json:"accentColor"`
	FrontDoor   *bool   `json:"frontDoor"` // listed on Laurel's front door; true unless set false
	// Identifier is how credentials issued from now on name the issuer:
	// "https" (its profile URL, the default) or "did:web".
	Identifier *string `json:"identifier"`
}

type imageJSON struct {
	URL       string `json:"url"`
	Format    string `json:"format"`
	Generated bool   `json:"generated"`
	SHA256    string `json:"sha256"`
}

type issuerJSON struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	URL         string     `json:"url,omitempty"`
	Email       string     `json:"email,omitempty"`
	Description string     `json:"description,omitempty"`
	Image       *imageJSON `json:"image,omitempty"`
	JWTAlg      string     `json:"jwtAlg"`
	AccentColor string     `json:"accentColor,omitempty"`
	FrontDoor   bool       `json:"frontDoor"`
	PublicURL   string     `json:"publicUrl"`
	Identifier  string     `json:"identifier"`
	DID         string     `json:"did,omitempty"` // fixed when did:web was first chosen; kept after a return to https
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

type listJSON[T any] struct {
	Items      []T    `json:"items"`
	Total      int    `json:"total"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func toList[A, B any](p *badges.Page[A], f func(A) B) listJSON[B] {
	l := listJSON[B]{Items: make([]B, 0, len(p.Items)), Total: p.Total, NextCursor: p.NextCursor}
	for _, it := range p.Items {
		l.Items = append(l.Items, f(it))
	}
	return l
}

func (s *Server) imageJSON(r badges.ImageRef) *imageJSON {
	return &imageJSON{URL: s.urls.Image(r), Format: string(r.Format), Generated: r.Generated, SHA256: r.SHA256}
}

func (s *Server) issuerJSON(p *issuer.Profile) issuerJSON {
	j := issuerJSON{ID: p.ID, Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description, JWTAlg: p.JWTAlg,
		AccentColor: p.AccentColor, FrontDoor: !p.Unlisted, PublicURL: s.urls.Issuer(p.ID), Identifier: p.IdentifierKind, DID: p.DID,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Image != nil {
		j.Image = s.imageJSON(*p.Image)
	}
	return j
}

// unlisted turns the API's frontDoor into the profile's Unlisted.
func unlisted(frontDoor *bool) *bool {
	if frontDoor == nil {
		return nil
	}
	off := !*frontDoor
	return &off
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) handleIssuerCreate(c echo.Context) error {
	var req issuerRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.svc.Issuers.CreateProfile(c.Request().Context(), issuer.ProfileInput{
		Name: deref(req.Name), URL: deref(req.URL), Email: deref(req.Email), Description: deref(req.Description), JWTAlg: deref(req.JWTAlg),
		AccentColor: deref(req.AccentColor), Unlisted: req.FrontDoor != nil && !*req.FrontDoor,
		Identifier: deref(req.Identifier), DIDWebHost: s.urls.DIDWebHost()})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/issuers/"+p.ID, s.issuerJSON(p))
}

func (s *Server) handleIssuerList(c echo.Context) error {
	o, err := listParams(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Issuers.Profiles(c.Request().Context(), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toList(p, s.issuerJSON))
}

func (s *Server) handleIssuerGet(c echo.Context) error {
	p, err := s.svc.Issuers.Profile(c.Request().Context(), c.Param("issuer"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.issuerJSON(p))
}

func (s *Server) handleIssuerUpdate(c echo.Context) error {
	var req issuerRequest
	if err := s.decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.svc.Issuers.UpdateProfile(c.Request().Context(), c.Param("issuer"), issuer.ProfileUpdate{
		Name: req.Name, URL: req.URL, Email: req.Email, Description: req.Description, JWTAlg: req.JWTAlg,
		AccentColor: req.AccentColor, Unlisted: unlisted(req.FrontDoor), Identifier: req.Identifier, DIDWebHost: s.urls.DIDWebHost()})
	if err != nil {
		return err
	}
	s.forgetProfile(p.ID)
	return c.JSON(http.StatusOK, s.issuerJSON(p))
}

func (s *Server) handleIssuerImage(c echo.Context) error {
	ctx := c.Request().Context()
	img, err := s.readImage(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Issuers.SetProfileImage(ctx, c.Param("issuer"), img)
	if err != nil {
		return err
	}
	s.forgetProfile(p.ID)
	return c.JSON(http.StatusOK, s.issuerJSON(p))
}

// readImage reads and validates an uploaded PNG or SVG body.
func (s *Server) readImage(c echo.Context) (*badges.Image, error) {
	mt := mediaType(c)
	if mt != string(badges.ImagePNG) && mt != string(badges.ImageSVG) {
		return nil, unsupportedMedia(mt, string(badges.ImagePNG), string(badges.ImageSVG))
	}
	data, err := s.readBody(c)
	if err != nil {
		return nil, err
	}
	f, err := badges.ValidateImage(data, mt, s.cfg.ImageLimit)
	if err != nil {
		return nil, err
	}
	return badges.NewImage(data, f), nil
}

// requireIssuer answers 404 for a route below an issuer that does not
// exist, before the handler reads the body.
func (s *Server) requireIssuer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, err := s.svc.Issuers.Profile(c.Request().Context(), c.Param("issuer")); err != nil {
			return err
		}
		return next(c)
	}
}
