package mongodb_test

import (
	"context"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/mongodb"
)

func TestMain(m *testing.M) { mongotest.Main(m) }

func TestProfileService(t *testing.T) {
	ctx := context.Background()
	db := mongotest.NewDB(t)
	s := mongodb.NewProfileService(db, bmongo.NewImageStore(db))
	p, err := s.CreateProfile(ctx, issuer.ProfileInput{Name: "Lyon Gophers", URL: "https://gophers.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Profile(ctx, p.ID)
	if err != nil || got.Name != p.Name || got.URL != p.URL || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("Profile = %+v, %v; want %+v", got, err, p)
	}

	desc := "Gophers in Lyon."
	u, err := s.UpdateProfile(ctx, p.ID, issuer.ProfileUpdate{Description: &desc})
	if err != nil || u.Description != desc || u.Name != p.Name {
		t.Fatalf("UpdateProfile = %+v, %v", u, err)
	}
	accent := "#25613F"
	if u, err = s.UpdateProfile(ctx, p.ID, issuer.ProfileUpdate{AccentColor: &accent}); err != nil || u.AccentColor != "#25613f" {
		t.Fatalf("accent colour: %+v, %v", u, err)
	}
	if got, _ := s.Profile(ctx, p.ID); got.AccentColor != "#25613f" || got.Description != desc {
		t.Fatalf("stored accent colour %q", got.AccentColor)
	}
	bad := "not a url"
	if _, err := s.UpdateProfile(ctx, p.ID, issuer.ProfileUpdate{URL: &bad}); badges.ErrorField(err) != "url" {
		t.Fatalf("bad url: %v", err)
	}

	img := badges.NewImage(badges.DefaultBadgeSVG("Lyon Gophers"), badges.ImageSVG)
	withImage, err := s.SetProfileImage(ctx, p.ID, img)
	if err != nil || withImage.Image == nil || withImage.Image.SHA256 != img.SHA256 {
		t.Fatalf("SetProfileImage = %+v, %v", withImage, err)
	}
	if got, _ := s.Profile(ctx, p.ID); got.Image == nil || *got.Image != *withImage.Image {
		t.Fatalf("stored image ref %+v", got.Image)
	}

	for _, id := range []string{"aaaaaaaaaaaaaaaaaaaa", "../x", ""} {
		if _, err := s.Profile(ctx, id); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("Profile(%q): %v", id, err)
		}
	}
	if _, err := s.CreateProfile(ctx, issuer.ProfileInput{}); badges.ErrorField(err) != "name" {
		t.Fatalf("empty name: %v", err)
	}

	second, _ := s.CreateProfile(ctx, issuer.ProfileInput{Name: "Second"})
	page, err := s.Profiles(ctx, badges.ListOptions{Limit: 1})
	if err != nil || page.Total != 2 || len(page.Items) != 1 || page.Items[0].ID != p.ID || page.NextCursor == "" {
		t.Fatalf("first page %+v, %v", page, err)
	}
	page, err = s.Profiles(ctx, badges.ListOptions{Limit: 1, Cursor: page.NextCursor})
	if err != nil || len(page.Items) != 1 || page.Items[0].ID != second.ID || page.NextCursor != "" {
		t.Fatalf("second page %+v, %v", page, err)
	}
}
