package issuer

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// Profile is an issuer: the community or organisation that awards badges.
// Its public JSON form is an Open Badges 3.0 Profile.
type Profile struct {
	ID          string
	Name        string
	URL         string // the community's home page
	Email       string
	Description string
	Image       *badges.ImageRef
	JWTAlg      string // the VC-JWT signature algorithm: RS256 (default), ES256 or EdDSA
	AccentColor string // "#rrggbb" that leads the community's pages; "" for Laurel's own
	// Unlisted keeps the community off Laurel's front door, at its
	// admins' choice; its own pages stay public.
	Unlisted  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProfileInput creates a profile.
type ProfileInput struct {
	Name        string
	URL         string
	Email       string
	Description string
	JWTAlg      string
	AccentColor string
	Unlisted    bool
}

// ProfileUpdate changes a profile; nil fields stay as they are, empty
// strings clear optional fields.
type ProfileUpdate struct {
	Name        *string
	URL         *string
	Email       *string
	Description *string
	JWTAlg      *string
	AccentColor *string
	Unlisted    *bool
}

// ProfileService stores issuer profiles.
type ProfileService interface {
	CreateProfile(ctx context.Context, in ProfileInput) (*Profile, error)
	Profile(ctx context.Context, id string) (*Profile, error)
	Profiles(ctx context.Context, o badges.ListOptions) (*badges.Page[*Profile], error)
	UpdateProfile(ctx context.Context, id string, u ProfileUpdate) (*Profile, error)
	SetProfileImage(ctx context.Context, id string, img *badges.Image) (*Profile, error)
}

// Validate checks and normalises the input.
func (in *ProfileInput) Validate() error {
	var err error
	if in.Name, err = badges.CheckLine("name", in.Name, true, 200); err != nil {
		return err
	}
	in.URL = strings.TrimSpace(in.URL)
	if in.URL != "" && !badges.IsHTTPURL(in.URL) {
		return badges.FieldErrorf("url", "url %q must be an http or https URL", in.URL)
	}
	if in.Email = strings.TrimSpace(in.Email); in.Email != "" {
		e, err := badges.NormalizeEmail(in.Email)
		if err != nil {
			return err
		}
		in.Email = e
	}
	if in.Description, err = badges.CheckText("description", in.Description, false, 5000); err != nil {
		return err
	}
	if in.AccentColor = strings.TrimSpace(in.AccentColor); in.AccentColor != "" {
		a, err := ParseAccent(in.AccentColor)
		if err != nil {
			return err
		}
		in.AccentColor = a.Color
	}
	if in.JWTAlg == "" {
		in.JWTAlg = AlgRS256
	}
	if !slices.Contains(JWTAlgs, in.JWTAlg) {
		return badges.FieldErrorf("jwtAlg", "jwtAlg must be one of %s, not %q", strings.Join(JWTAlgs, ", "), in.JWTAlg)
	}
	return nil
}

// Apply returns a copy of p with the update applied and validated.
func (p *Profile) Apply(u ProfileUpdate) (*Profile, error) {
	in := ProfileInput{Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description, JWTAlg: p.JWTAlg, AccentColor: p.AccentColor, Unlisted: p.Unlisted}
	if u.Unlisted != nil {
		in.Unlisted = *u.Unlisted
	}
	for dst, src := range map[*string]*string{&in.Name: u.Name, &in.URL: u.URL, &in.Email: u.Email, &in.Description: u.Description,
		&in.JWTAlg: u.JWTAlg, &in.AccentColor: u.AccentColor} {
		if src != nil {
			*dst = *src
		}
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	n := *p
	n.Name, n.URL, n.Email, n.Description, n.JWTAlg, n.AccentColor = in.Name, in.URL, in.Email, in.Description, in.JWTAlg, in.AccentColor
	n.Unlisted = in.Unlisted
	return &n, nil
}
