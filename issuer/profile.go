package issuer

import (
	"context"
	"fmt"
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
	Unlisted bool
	// IdentifierKind is how the credentials issued from now on name the
	// issuer: IdentifierHTTPS (its profile URL) or IdentifierDIDWeb.
	IdentifierKind string
	// DID is the issuer's did:web DID, fixed when did:web was first
	// chosen, so that a later change of the base URL cannot alter it. It
	// stays, and its DID document stays published, after a return to
	// https: the credentials issued by it keep verifying.
	DID       string
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
	// Identifier is IdentifierHTTPS ("" too) or IdentifierDIDWeb.
	Identifier string
	// DIDWebHost is URLs.DIDWebHost of the public base URL, from which a
	// did:web DID is made; needed only when choosing did:web.
	DIDWebHost string
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
	Identifier  *string
	DIDWebHost  string // as in ProfileInput
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
	in.Identifier, err = checkIdentifier(in.Identifier)
	return err
}

// chooseIdentifier sets how p's new credentials name it. The DID is made
// the first time did:web is chosen and kept ever after.
func (p *Profile) chooseIdentifier(kind, didWebHost string) error {
	if kind == IdentifierDIDWeb && p.DID == "" {
		if didWebHost == "" {
			return fmt.Errorf("issuer %s: no did:web host to make its DID from", p.ID)
		}
		p.DID = DIDWeb(didWebHost, p.ID)
	}
	p.IdentifierKind = kind
	return nil
}

// NewProfile makes the profile of a validated input, with its id and time.
func NewProfile(id string, in ProfileInput, now time.Time) (*Profile, error) {
	p := &Profile{ID: id, Name: in.Name, URL: in.URL, Email: in.Email, Description: in.Description, JWTAlg: in.JWTAlg,
		AccentColor: in.AccentColor, Unlisted: in.Unlisted, CreatedAt: now, UpdatedAt: now}
	if err := p.chooseIdentifier(in.Identifier, in.DIDWebHost); err != nil {
		return nil, err
	}
	return p, nil
}

// Apply returns a copy of p with the update applied and validated.
func (p *Profile) Apply(u ProfileUpdate) (*Profile, error) {
	in := ProfileInput{Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description, JWTAlg: p.JWTAlg, AccentColor: p.AccentColor,
		Unlisted: p.Unlisted, Identifier: p.IdentifierKind}
	if u.Unlisted != nil {
		in.Unlisted = *u.Unlisted
	}
	for dst, src := range map[*string]*string{&in.Name: u.Name, &in.URL: u.URL, &in.Email: u.Email, &in.Description: u.Description,
		&in.JWTAlg: u.JWTAlg, &in.AccentColor: u.AccentColor, &in.Identifier: u.Identifier} {
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
	if err := n.chooseIdentifier(in.Identifier, u.DIDWebHost); err != nil {
		return nil, err
	}
	return &n, nil
}
