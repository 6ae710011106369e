package mongodb

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
)

// communityNameRecord is the one field of an issuer's profile the
// generated art shows; the issuing domain owns the rest of the record.
type communityNameRecord struct {
	Name string `bson:"name"`
}

// generatedArt draws and stores the art of an achievement without an
// upload: its name, its level's design and its community's name.
func (s *AchievementService) generatedArt(ctx context.Context, a *badges.Achievement) (badges.ImageRef, error) {
	community, err := s.communityName(ctx, a.IssuerID)
	if err != nil {
		return badges.ImageRef{}, err
	}
	img := badges.DefaultImage(badges.BadgeArt{Name: a.Name, Level: a.Level, Community: community})
	if err := s.images.PutImage(ctx, img); err != nil {
		return badges.ImageRef{}, err
	}
	return img.Ref(true), nil
}

// communityName reads the name of the issuer; an issuer not found yet
// leaves the art's ribbon blank rather than failing the achievement.
func (s *AchievementService) communityName(ctx context.Context, issuerID string) (string, error) {
	var r communityNameRecord
	opts := options.FindOne().SetProjection(bson.D{{Key: "name", Value: 1}})
	err := s.db.Collection(database.Issuers).FindOne(ctx, database.ByID(issuerID), opts).Decode(&r)
	if database.IsNoDocuments(err) {
		return "", nil
	}
	if err != nil {
		return "", database.Wrap(err, "read the community's name")
	}
	return r.Name, nil
}

// artChanged reports whether an edit changes what generated art shows.
func artChanged(before, after *badges.Achievement) bool {
	return before.Name != after.Name || before.Level != after.Level
}
