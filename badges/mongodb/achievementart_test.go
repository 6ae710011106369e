package mongodb_test

import (
	"bytes"
	"testing"

	"go.mongodb.org/mongo-driver/bson"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestAchievementService_GeneratedArt checks that generated art shows the
// badge's name, level and community, and follows edits of the name and
// the level until an image is uploaded.
func TestAchievementService_GeneratedArt(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	if _, err := db.Collection(database.Issuers).InsertOne(ctx, bson.D{{Key: "_id", Value: issuerA}, {Key: "name", Value: "Lyon <Gophers>"}}); err != nil {
		t.Fatal(err)
	}
	s, images := mongodb.NewAchievementService(db), mongodb.NewImageStore(db)
	art := func(a *badges.Achievement) []byte {
		t.Helper()
		img, err := images.Image(ctx, a.Image.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		return img.Data
	}
	a, err := s.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Host", Description: "D", Criteria: "C", Level: "participation", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	first := art(a)
	want := badges.BadgeArt{Name: "Host", Level: "participation", Community: "Lyon <Gophers>"}.SVG()
	if !a.Image.Generated || !bytes.Equal(first, want) {
		t.Fatalf("the new badge's art is not its generated art (generated %v):\n%s", a.Image.Generated, first)
	}
	desc, level := "Other", "leadership"
	if a, err = s.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(art(a), first) {
		t.Error("editing the description redrew the art")
	}
	if a, err = s.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Level: &level}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(art(a), []byte(">LEADERSHIP<")) || !a.Image.Generated {
		t.Errorf("editing the level did not redraw the art:\n%s", art(a))
	}
	upload := badges.NewImage(badges.DefaultBadgeSVG("Uploaded"), badges.ImageSVG)
	if a, err = s.SetAchievementImage(ctx, a.ID, upload); err != nil {
		t.Fatal(err)
	}
	name := "Renamed"
	if a, err = s.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if a.Image.Generated || a.Image.SHA256 != upload.SHA256 {
		t.Error("renaming a badge replaced its uploaded image")
	}
	if a, err = s.SetAchievementImage(ctx, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(art(a), []byte(">Renamed<")) || !a.Image.Generated {
		t.Errorf("restoring the generated art does not show the new name:\n%s", art(a))
	}
}
