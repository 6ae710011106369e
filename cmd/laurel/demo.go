package main

import (
	"context"
	"fmt"
	"io"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
)

// seedDemo adds a demo community with badges for the behaviours Laurel is
// about, a few members and their awards, to a database that has no issuer
// yet.
func seedDemo(ctx context.Context, db *mongodb.DB, issuing *issuer.Service, baseURL string, out io.Writer) error {
	profiles := imongo.NewProfileService(db)
	if p, err := profiles.Profiles(ctx, badges.ListOptions{Limit: 1}); err != nil || p.Total > 0 {
		return err
	}
	p, err := profiles.CreateProfile(ctx, issuer.ProfileInput{
		Name: "Demo Community of Practice", URL: "https://example.org/community",
		Description: "A community where practitioners meet, share and learn from each other.",
	})
	if err != nil {
		return err
	}
	achievements := mongodb.NewAchievementService(db)
	var ids []string
	for _, in := range []badges.AchievementInput{
		{Name: "Regular Attendee", Level: "participation", Tags: []string{"attending"},
			Description: "Shows up: attended community sessions regularly.",
			Criteria:    "Attend at least **five** community sessions within six months."},
		{Name: "Resource Sharer", Level: "contribution", Tags: []string{"sharing"},
			Description: "Shares useful resources with the community.",
			Criteria:    "Share three resources that other members found useful."},
		{Name: "Session Host", Level: "leadership", Tags: []string{"hosting"},
			Description: "Hosted a community session.",
			Criteria:    "Plan and host a session for the community."},
		{Name: "Mentor", Level: "leadership", Tags: []string{"mentoring"}, AchievementType: "Award",
			Description: "Mentored fellow members.",
			Criteria:    "Mentor at least two members over three months."},
	} {
		in.Status = badges.StatusActive
		a, err := achievements.CreateAchievement(ctx, p.ID, in)
		if err != nil {
			return err
		}
		ids = append(ids, a.ID)
	}
	members := mongodb.NewMemberService(db)
	for _, d := range []struct {
		in     badges.MemberInput
		badges []int // indexes into ids
	}{
		{badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada Lovelace", Slug: "ada", PublicProfile: true}, []int{0, 1, 2}},
		{badges.MemberInput{Email: "grace@example.org", DisplayName: "Grace Hopper", Slug: "grace", PublicProfile: true}, []int{0, 3}},
		{badges.MemberInput{Email: "alan@example.org", DisplayName: "Alan Turing"}, []int{0}},
	} {
		m, err := members.CreateMember(ctx, p.ID, d.in)
		if err != nil {
			return err
		}
		for _, i := range d.badges {
			c, _, err := issuing.Award(ctx, p.ID, badges.AwardInput{AchievementID: ids[i], MemberID: m.ID,
				Narrative: "Awarded in the demo community."})
			if err != nil {
				return err
			}
			if d.in.Slug == "ada" && i == 2 {
				fmt.Fprintf(out, "Demo credential: %s/credentials/%s\n", baseURL, c.ID)
			}
		}
	}
	fmt.Fprintf(out, "Demo community created: %s/issuers/%s\n", baseURL, p.ID)
	fmt.Fprintf(out, "Demo member profile: %s/members/ada\n", baseURL)
	return nil
}
