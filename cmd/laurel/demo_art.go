package main

import (
	"context"
	"embed"
	"fmt"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// demoArt is the demo's designer-made art: community logos and one
// badge's uploaded image, all SVG.
//
//go:embed demodata/*.svg
var demoArt embed.FS

// demoImage reads a file of demoArt and checks it as an upload is checked
// (size, format, and the SVG sanitiser's rules), so that the demo's art
// is what an administrator could have uploaded.
func demoImage(name string) (*badges.Image, error) {
	data, err := demoArt.ReadFile("demodata/" + name)
	if err != nil {
		return nil, err
	}
	f, err := badges.ValidateImage(data, string(badges.ImageSVG), badges.MaxImageBytes)
	if err != nil {
		return nil, fmt.Errorf("demo art %s: %w", name, err)
	}
	return badges.NewImage(data, f), nil
}

// setDemoBadgeArt uploads a file of demoArt as a badge's image.
func setDemoBadgeArt(ctx context.Context, l *wire.Laurel, achievementID, name string) error {
	img, err := demoImage(name)
	if err != nil {
		return err
	}
	_, err = l.Stores.Achievements.SetAchievementImage(ctx, achievementID, img)
	return err
}

// setDemoLogo uploads a file of demoArt as a community's logo.
func setDemoLogo(ctx context.Context, l *wire.Laurel, issuerID, name string) error {
	img, err := demoImage(name)
	if err != nil {
		return err
	}
	_, err = l.Stores.Profiles.SetProfileImage(ctx, issuerID, img)
	return err
}
