package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

type imageRecord struct {
	ID        string    `bson:"_id"` // SHA-256 of Data, hex
	Format    string    `bson:"format"`
	Data      []byte    `bson:"data"`
	CreatedAt time.Time `bson:"createdAt"`
}

type imageRefRecord struct {
	SHA256    string `bson:"sha256"`
	Format    string `bson:"format"`
	Generated bool   `bson:"generated,omitempty"`
}

func toImageRef(r imageRefRecord) badges.ImageRef {
	return badges.ImageRef{SHA256: r.SHA256, Format: badges.ImageFormat(r.Format), Generated: r.Generated}
}

func fromImageRef(r badges.ImageRef) imageRefRecord {
	return imageRefRecord{SHA256: r.SHA256, Format: string(r.Format), Generated: r.Generated}
}

// ImageStore keeps images by content hash.
type ImageStore struct{ db *database.DB }

var _ badges.ImageStore = (*ImageStore)(nil)

// NewImageStore returns the image store of db.
func NewImageStore(db *database.DB) *ImageStore { return &ImageStore{db: db} }

// PutImage stores an image; storing the same bytes twice is a no-op.
func (s *ImageStore) PutImage(ctx context.Context, img *badges.Image) error {
	_, err := s.db.Collection(database.Images).InsertOne(ctx, imageRecord{ID: img.SHA256, Format: string(img.Format), Data: img.Data, CreatedAt: s.db.Now()})
	if err != nil && !database.IsDuplicate(err) {
		return database.Wrap(err, "store image")
	}
	return nil
}

// renditionRecord is the part of an image record that holds the PNG
// drawn from an SVG.
type renditionRecord struct {
	PNG []byte `bson:"png,omitempty"`
}

// Rendition returns the PNG drawn from the image, or nil when none is
// stored yet.
func (s *ImageStore) Rendition(ctx context.Context, sha string) ([]byte, error) {
	var r renditionRecord
	err := s.db.Collection(database.Images).FindOne(ctx, database.ByID(sha),
		options.FindOne().SetProjection(bson.D{{Key: "png", Value: 1}})).Decode(&r)
	if database.IsNoDocuments(err) {
		return nil, badges.Errorf(badges.ENOTFOUND, "no image %s", sha)
	}
	if err != nil {
		return nil, database.Wrap(err, "read image rendition")
	}
	return r.PNG, nil
}

// PutRendition keeps the PNG drawn from an image beside it. The image's
// bytes never change, so neither does the PNG: writing it twice is
// harmless.
func (s *ImageStore) PutRendition(ctx context.Context, sha string, png []byte) error {
	_, err := s.db.Collection(database.Images).UpdateOne(ctx, database.ByID(sha),
		bson.D{{Key: "$set", Value: bson.D{{Key: "png", Value: png}}}})
	return database.Wrap(err, "store image rendition")
}

// Image returns the image with the given hash.
func (s *ImageStore) Image(ctx context.Context, sha string) (*badges.Image, error) {
	var r imageRecord
	// The rendition, if any, is left where it is.
	opts := options.FindOne().SetProjection(bson.D{{Key: "png", Value: 0}})
	if err := s.db.Collection(database.Images).FindOne(ctx, database.ByID(sha), opts).Decode(&r); err != nil {
		if database.IsNoDocuments(err) {
			return nil, badges.Errorf(badges.ENOTFOUND, "no image %s", sha)
		}
		return nil, database.Wrap(err, "read image")
	}
	return &badges.Image{SHA256: r.ID, Format: badges.ImageFormat(r.Format), Data: r.Data}, nil
}
