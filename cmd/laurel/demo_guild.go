package main

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// The demo's second, smaller community, so that Laurel's front door lists
// more than one: a makers' guild of a dozen members whose three badges,
// drawn in its own colours, are awarded by hand over the same four months.

var demoGuild = issuer.ProfileInput{
	Name: "Riverside Makers Guild", URL: "https://example.org/makers", AccentColor: "#6d28d9",
	Description: "A neighbourhood workshop where makers teach each other to fix, build and share tools.",
}

var demoGuildBadges = []badges.AchievementInput{
	{Name: "Workshop Safety", Level: "participation", Tags: []string{"safety"},
		Description: "Knows the workshop's tools and how to use them safely.", Criteria: "Complete the safety induction with a keyholder."},
	{Name: "Repair Café Fixer", Level: "contribution", Tags: []string{"repair"},
		Description: "Mends neighbours' things at the monthly repair café.", Criteria: "Fix at least **three** items at repair cafés."},
	{Name: "Tool Library Keeper", Level: "leadership", Tags: []string{"tools", "lending"},
		Description: "Looks after the tool library and teaches others to.", Criteria: "Keep the tool library for a season and train a new keeper."},
}

// demoGuildArt is each of demoGuildBadges' art, in demodata.
var demoGuildArt = []string{"guild-safety.svg", "guild-fixer.svg", "guild-keeper.svg"}

var demoGuildMembers = []string{"Priya Natarajan", "Tomás Ferreira", "Amara Okafor", "Jonas Berg", "Mei Lin", "Kwame Mensah",
	"Sofia Rossi", "Oskar Nyström", "Leila Haddad", "Rhys Morgan", "Inês Duarte", "Yuki Tanaka"}

// seedDemoGuild adds the second community: its logo and accent colour,
// three active badges with their art, its members (three in four with a
// public profile) and their awards, each dated the day it was earned.
func seedDemoGuild(ctx context.Context, l *wire.Laurel, now time.Time) (*issuer.Profile, error) {
	p, err := l.Stores.Profiles.CreateProfile(ctx, demoGuild)
	if err != nil {
		return nil, err
	}
	if err := setDemoLogo(ctx, l, p.ID, "guild-logo.svg"); err != nil {
		return nil, err
	}
	ids := make([]string, len(demoGuildBadges))
	for i, in := range demoGuildBadges {
		in.Status = badges.StatusActive
		a, err := l.Stores.Achievements.CreateAchievement(ctx, p.ID, in)
		if err != nil {
			return nil, err
		}
		if err := setDemoBadgeArt(ctx, l, a.ID, demoGuildArt[i]); err != nil {
			return nil, err
		}
		ids[i] = a.ID
	}
	rows := make([]badges.ImportRow, len(demoGuildMembers))
	for i, name := range demoGuildMembers {
		rows[i] = badges.ImportRow{Line: i + 2, Input: badges.MemberInput{Email: fmt.Sprintf("maker%d@example.org", i),
			DisplayName: name, PublicProfile: i%4 != 3}}
	}
	if _, err := l.Stores.Members.ImportMembers(ctx, p.ID, rows, false); err != nil {
		return nil, err
	}
	return p, seedDemoGuildAwards(ctx, l, p.ID, ids, now)
}

// seedDemoGuildAwards awards every member Workshop Safety, every other
// member Repair Café Fixer some weeks later, and two members Tool Library
// Keeper, spread over four months.
func seedDemoGuildAwards(ctx context.Context, l *wire.Laurel, issuerID string, ids []string, now time.Time) error {
	var ins []badges.AwardInput
	award := func(badge, member, daysAgo int) {
		ins = append(ins, badges.AwardInput{AchievementID: ids[badge], Email: fmt.Sprintf("maker%d@example.org", member),
			Name: demoGuildMembers[member], AwardedDate: now.AddDate(0, 0, -daysAgo)})
	}
	for i := range demoGuildMembers {
		joined := 118 - i*9
		award(0, i, joined)
		if i%2 == 0 {
			award(1, i, joined-20)
		}
	}
	award(2, 0, 30)
	award(2, 2, 9)
	res, err := l.Issuing.AwardMany(ctx, issuerID, "", ins)
	if err != nil {
		return err
	}
	for _, r := range res {
		if r.Err != nil {
			return fmt.Errorf("demo guild award: %w", r.Err)
		}
	}
	return nil
}
