package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// demoBadge is a badge of the demo community; rules name other badges by
// their index as "#n", and a badge without a rule is awarded by hand. It
// aligns to the demo outcome of index outcome; art, when set, is the file
// under demodata/ uploaded as its image.
type demoBadge struct {
	in      badges.AchievementInput
	rule    string
	outcome int
	art     string
}

// The demo badges whose index other parts of the demo use.
const (
	demoConversationStarter = 2
	demoCommunityLeader     = 7
	demoEventSteward        = 8
)

var demoBadges = []demoBadge{
	{badges.AchievementInput{Name: "Welcome Aboard", Level: "participation", Tags: []string{"onboarding"},
		Description: "Found their way into the community.", Criteria: "Complete the onboarding."},
		`{"condition":{"count":{"behaviour":"completed-onboarding","min":1}}}`, 0, ""},
	{badges.AchievementInput{Name: "Regular Attendee", Level: "participation", Tags: []string{"attending"},
		Description: "Shows up: attends community sessions regularly.", Criteria: "Attend at least **five** community sessions within 90 days."},
		`{"condition":{"count":{"behaviour":"attended-session","min":5,"withinDays":90}}}`, 0, ""},
	{badges.AchievementInput{Name: "Conversation Starter", Level: "contribution", Tags: []string{"discussion"},
		Description: "Gets people talking in the forum.", Criteria: "Start eight discussions, or reply helpfully fifteen times."},
		`{"condition":{"any":[{"count":{"behaviour":"posted","min":8}},{"count":{"behaviour":"replied","min":15}}]}}`, 1, ""},
	{badges.AchievementInput{Name: "Resource Sharer", Level: "contribution", Tags: []string{"sharing"},
		Description: "Shares useful resources with the community.", Criteria: "Share three resources other members can use."},
		`{"condition":{"count":{"behaviour":"shared-resource","min":3}}}`, 1, ""},
	{badges.AchievementInput{Name: "Steady Contributor", Level: "contribution", Tags: []string{"consistency"},
		Description: "Active week after week.", Criteria: "Be active in four consecutive weeks."},
		`{"condition":{"streak":{"unit":"weeks","min":4}}}`, 0, ""},
	{badges.AchievementInput{Name: "Session Host", Level: "leadership", Tags: []string{"hosting"},
		Description: "Hosts sessions for the community.", Criteria: "Be a *Regular Attendee*, then host two sessions."},
		`{"condition":{"all":[{"holds":{"achievement":"#1"}},{"count":{"behaviour":"hosted-session","min":2}}]}}`, 2, ""},
	{badges.AchievementInput{Name: "Mentor", Level: "leadership", Tags: []string{"mentoring"}, AchievementType: "Award",
		Description: "Helps fellow members grow.", Criteria: "Be a *Resource Sharer*, then mentor two different members within six months."},
		`{"condition":{"all":[{"holds":{"achievement":"#3"}},{"peers":{"behaviour":"mentored-member","min":2,"withinDays":180}}]}}`, 2, ""},
	{badges.AchievementInput{Name: "Community Leader", Level: "leadership", Tags: []string{"leading"}, AchievementType: "Award",
		Description: "Leads the community's work.", Criteria: "Be a *Session Host* and a *Mentor*, and lead a project."},
		`{"condition":{"all":[{"holds":{"achievement":"#5"}},{"holds":{"achievement":"#6"}},{"count":{"behaviour":"led-project","min":1}}]}}`, 2,
		"community-leader.svg"},
	{badges.AchievementInput{Name: "Event Steward", Level: "participation", Tags: []string{"events", "safety"}, ValidityDays: 90,
		Description: "Briefed to steward in-person events: safety, accessibility and the code of conduct.",
		Criteria:    "Take the stewards' briefing. The briefing is renewed every **90 days**, so the badge expires with it."},
		"", 0, ""},
}

// demoOutcomes are what the demo community wants to achieve, each with the
// behaviours that show it; badges align to them by index.
var demoOutcomes = []badges.OutcomeInput{
	{Name: "Members show up and belong", Description: "Newcomers find their way in and keep coming back.",
		Behaviours: []string{"completed-onboarding", "attended-session"}},
	{Name: "Members share what they know", Description: "Questions get answers, and useful resources reach everyone.",
		Behaviours: []string{"posted", "replied", "shared-resource", "gave-feedback"}},
	{Name: "Members grow each other", Description: "Experienced members host, mentor and lead.",
		Behaviours: []string{"hosted-session", "mentored-member", "led-project"}},
}

// seedDemoCatalogue creates the demo community's outcomes and badges, with
// their art and rules, and returns the badges' ids in demoBadges' order.
func seedDemoCatalogue(ctx context.Context, l *wire.Laurel, issuerID string) ([]string, error) {
	outcomes := make([]badges.OutcomeRef, len(demoOutcomes))
	for i, in := range demoOutcomes {
		o, err := l.Outcomes.Create(ctx, issuerID, in)
		if err != nil {
			return nil, err
		}
		outcomes[i] = badges.OutcomeRef{ID: o.ID, Name: o.Name}
	}
	ids := make([]string, len(demoBadges))
	for i, b := range demoBadges {
		b.in.Status = badges.StatusActive
		b.in.Outcomes = []badges.OutcomeRef{outcomes[b.outcome]}
		a, err := l.Stores.Achievements.CreateAchievement(ctx, issuerID, b.in)
		if err != nil {
			return nil, err
		}
		ids[i] = a.ID
		// The art comes before any award, so every credential shows it.
		if b.art != "" {
			if err := setDemoBadgeArt(ctx, l, a.ID, b.art); err != nil {
				return nil, err
			}
		}
	}
	return ids, seedDemoRules(ctx, l.Awarder.Catalogue, ids)
}

// seedDemoRules gives each demo badge with a rule its rule, naming the
// other badges by id.
func seedDemoRules(ctx context.Context, catalogue *badges.Catalogue, ids []string) error {
	for i, b := range demoBadges {
		if b.rule == "" {
			continue
		}
		rule := b.rule
		for j := len(ids) - 1; j >= 0; j-- {
			rule = strings.ReplaceAll(rule, fmt.Sprintf("#%d", j), ids[j])
		}
		r, err := badges.ParseRule([]byte(rule))
		if err != nil {
			return fmt.Errorf("demo rule of %s: %w", b.in.Name, err)
		}
		if _, err := catalogue.SetRule(ctx, ids[i], r); err != nil {
			return fmt.Errorf("demo rule of %s: %w", b.in.Name, err)
		}
	}
	return nil
}

// seedDemoMeasures defines measures of success with targets, two of them
// scoped to a cohort; badges are the demo badges' ids.
func seedDemoMeasures(ctx context.Context, measures *badges.Measures, issuerID string, badgeIDs []string) error {
	for _, in := range []badges.MeasureInput{
		{Name: "Weekly active members", Description: "Members who did anything in the week.", Kind: badges.MeasureActiveMembers, Target: 110},
		{Name: "Knowledge shared", Description: "Posts and shared resources per month.", Kind: badges.MeasureActivity,
			Behaviours: []string{"posted", "shared-resource"}, Period: badges.MeasureMonthly, Target: 150},
		{Name: "Leadership badges", Description: "Session Host, Mentor and Community Leader awarded per month.", Kind: badges.MeasureAwards,
			Achievements: badgeIDs[5:8], Period: badges.MeasureMonthly, Target: 30},
		{Name: "Spring intake coming back", Description: "Spring 2026 intake members active two weeks running.", Kind: badges.MeasureReturningMembers,
			Cohort: "Spring 2026 intake", Target: 50},
		{Name: "Mentoring in the mentors circle", Description: "Mentoring sessions by the mentors circle per month.", Kind: badges.MeasureActivity,
			Behaviours: []string{"mentored-member"}, Cohort: "Mentors circle", Period: badges.MeasureMonthly, Target: 3},
	} {
		if _, err := measures.Create(ctx, issuerID, in); err != nil {
			return fmt.Errorf("demo measure %s: %w", in.Name, err)
		}
	}
	return nil
}
