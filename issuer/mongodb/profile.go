// Package mongodb stores the issuing domain — issuer profiles, signing
// keys, credentials, status lists and showcases — in MongoDB, through
// badges/database. Its stores keep private record types and map them to
// the domain's.
package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/issuer"
)

type profileRecord struct {
	ID          string          `bson:"_id"`
	Name        string          `bson:"name"`
	URL         string          `bson:"url,omitempty"`
	Email       string          `bson:"email,omitempty"`
	Description string          `bson:"description,omitempty"`
	Image       *imageRefRecord `bson:"image,omitempty"`
	JWTAlg      string          `bson:"jwtAlg,omitempty"`
	AccentColor string          `bson:"accentColor,omitempty"`
	Unlisted    bool            `bson:"unlisted,omitempty"`
	Identifier  string          `bson:"identifier,omitempty"` // "" is https, as before the choice existed
	DID         string          `bson:"did,omitempty"`
	CreatedAt   time.Time       `bson:"createdAt"`
	UpdatedAt   time.Time       `bson:"updatedAt"`
}

type imageRefRecord struct {
	SHA256 string `bson:"sha256"`
	Format string `bson:"format"`
}

func (r *profileRecord) profile() *issuer.Profile {
	p := &issuer.Profile{ID: r.ID, Name: r.Name, URL: r.URL, Email: r.Email, Description: r.Description,
		JWTAlg: r.JWTAlg, AccentColor: r.AccentColor, Unlisted: r.Unlisted, IdentifierKind: r.Identifier, DID: r.DID,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if p.JWTAlg == "" {
		p.JWTAlg = issuer.AlgRS256
	}
	if p.IdentifierKind == "" {
		p.IdentifierKind = issuer.IdentifierHTTPS
	}
	if r.Image != nil {
		p.Image = &badges.ImageRef{SHA256: r.Image.SHA256, Format: badges.ImageFormat(r.Image.Format)}
	}
	return p
}

func toProfileRecord(p *issuer.Profile) *profileRecord {
	r := &profileRecord{ID: p.ID, Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description,
		JWTAlg: p.JWTAlg, AccentColor: p.AccentColor, Unlisted: p.Unlisted, Identifier: p.IdentifierKind, DID: p.DID,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if p.Image != nil {
		r.Image = &imageRefRecord{SHA256: p.Image.SHA256, Format: string(p.Image.Format)}
	}
	return r
}

// ImageWriter stores images by content; the profile service keeps
// issuers' images in one (the badges stores' image store).
type ImageWriter interface {
	PutImage(ctx context.Context, img *badges.Image) error
}

// ProfileService stores issuer profiles. Issuers are few, so lists read
// them whole.
type ProfileService struct {
	db     *database.DB
	images ImageWriter
}

var _ issuer.ProfileService = (*ProfileService)(nil)

// NewProfileService returns the profile service of db, which keeps
// issuers' images in images.
func NewProfileService(db *database.DB, images ImageWriter) *ProfileService {
	return &ProfileService{db: db, images: images}
}

func notFound(id string) error { return badges.Errorf(badges.ENOTFOUND, "No issuer with id %q.", id) }

// CreateProfile creates an issuer.
func (s *ProfileService) CreateProfile(ctx context.Context, in issuer.ProfileInput) (*issuer.Profile, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p, err := issuer.NewProfile(badges.NewID(), in, s.db.Now())
	if err != nil {
		return nil, err
	}
	if _, err := s.db.Collection(database.Issuers).InsertOne(ctx, toProfileRecord(p)); err != nil {
		return nil, database.Wrap(err, "store issuer")
	}
	return p, nil
}

// Profile returns one issuer.
func (s *ProfileService) Profile(ctx context.Context, id string) (*issuer.Profile, error) {
	if !badges.ValidID(id) {
		return nil, notFound(id)
	}
	var r profileRecord
	if err := s.db.Collection(database.Issuers).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, notFound(id)
		}
		return nil, database.Wrap(err, "read issuer")
	}
	return r.profile(), nil
}

// Profiles lists issuers, oldest first.
func (s *ProfileService) Profiles(ctx context.Context, o badges.ListOptions) (*badges.Page[*issuer.Profile], error) {
	recs, err := database.FindAll[profileRecord](ctx, s.db.Collection(database.Issuers), bson.D{}, "list issuers")
	if err != nil {
		return nil, err
	}
	items := make([]*issuer.Profile, len(recs))
	for i := range recs {
		items[i] = recs[i].profile()
	}
	return badges.Paginate(items, func(p *issuer.Profile) string { return badges.SortKey(p.CreatedAt, p.ID) }, o)
}

// UpdateProfile changes an issuer's fields; the image is left alone.
func (s *ProfileService) UpdateProfile(ctx context.Context, id string, u issuer.ProfileUpdate) (*issuer.Profile, error) {
	defer s.db.LockDoc(database.Issuers, id)()
	p, err := s.Profile(ctx, id)
	if err != nil {
		return nil, err
	}
	n, err := p.Apply(u)
	if err != nil {
		return nil, err
	}
	n.UpdatedAt = s.db.Now()
	r := toProfileRecord(n)
	return n, s.set(ctx, id, bson.D{{Key: "name", Value: r.Name}, {Key: "url", Value: r.URL}, {Key: "email", Value: r.Email},
		{Key: "description", Value: r.Description}, {Key: "jwtAlg", Value: r.JWTAlg}, {Key: "accentColor", Value: r.AccentColor},
		{Key: "unlisted", Value: r.Unlisted}, {Key: "identifier", Value: r.Identifier}, {Key: "did", Value: r.DID},
		{Key: "updatedAt", Value: r.UpdatedAt}})
}

// SetProfileImage stores an image and makes it the issuer's.
func (s *ProfileService) SetProfileImage(ctx context.Context, id string, img *badges.Image) (*issuer.Profile, error) {
	if err := s.images.PutImage(ctx, img); err != nil {
		return nil, err
	}
	defer s.db.LockDoc(database.Issuers, id)()
	p, err := s.Profile(ctx, id)
	if err != nil {
		return nil, err
	}
	ref := img.Ref(false)
	p.Image, p.UpdatedAt = &ref, s.db.Now()
	return p, s.set(ctx, id, bson.D{{Key: "image", Value: toProfileRecord(p).Image}, {Key: "updatedAt", Value: p.UpdatedAt}})
}

// set changes some fields only, so that concurrent changes of other fields
// are kept.
func (s *ProfileService) set(ctx context.Context, id string, fields bson.D) error {
	_, err := s.db.Collection(database.Issuers).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: fields}})
	return database.Wrap(err, "update issuer")
}
