package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// demoMembers is the size of the demo community.
const demoMembers = 200

// demoCohorts are the demo community's cohorts; in says which members
// (by index) are in each.
var demoCohorts = []struct {
	name string
	in   func(i int) bool
}{
	{"Spring 2026 intake", func(i int) bool { return i < demoMembers/2 }},
	{"Autumn 2026 intake", func(i int) bool { return i >= demoMembers/2 }},
	{"Mentors circle", func(i int) bool { return i%7 == 0 }},
}

var (
	demoFirst = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia", "Tim", "Frances",
		"Edsger", "Hedy", "Donald", "Annie", "Guido", "Sophie", "John", "Mary", "Yukihiro", "Jean", "Bjarne", "Lynn", "Niklaus"}
	demoLast = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Perlman",
		"Berners-Lee", "Allen", "Dijkstra", "Lamarr", "Knuth", "Easley", "van Rossum", "Wilson", "McCarthy", "Keller"}
)

// seedDemoMembers imports the demo members in one go; about two in three
// consent to a public profile.
func seedDemoMembers(ctx context.Context, members badges.MemberService, issuerID, tag string) ([]*badges.Member, error) {
	rows := make([]badges.ImportRow, demoMembers)
	for i := range rows {
		first, last := demoFirst[i%len(demoFirst)], demoLast[(i/len(demoFirst)+i)%len(demoLast)]
		rows[i] = badges.ImportRow{Line: i + 2, Input: badges.MemberInput{Email: fmt.Sprintf("member%d@example.org", i),
			DisplayName: first + " " + last, PublicProfile: i%3 != 2}}
	}
	// Slugs are unique across communities: the first demo gets "ada".
	rows[0].Input.Slug = "ada"
	if _, err := members.MemberBySlug(ctx, "ada"); err == nil {
		rows[0].Input.Slug = "ada-" + tag
	}
	if _, err := members.ImportMembers(ctx, issuerID, rows, false); err != nil {
		return nil, err
	}
	out := make([]*badges.Member, 0, demoMembers)
	for _, r := range rows {
		page, err := members.Members(ctx, badges.MemberFilter{IssuerID: issuerID, Email: r.Input.Email, ListOptions: badges.ListOptions{Limit: 1}})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
	}
	return out, nil
}

// demoActivity makes four months of believable activity: most members
// attend now and then, some post and share, a few host, mentor and lead.
// The first member is among the most engaged, so the printed profile is
// a full one. It is deterministic.
func demoActivity(members []*badges.Member, now time.Time) []badges.ActivityInput {
	rnd := rand.New(rand.NewPCG(2026, 11))
	var acts []badges.ActivityInput
	add := func(m *badges.Member, behaviour string, at time.Time, peer string) {
		acts = append(acts, badges.ActivityInput{Activity: badges.Activity{MemberID: m.ID, Behaviour: behaviour, At: at, PeerID: peer,
			EvidenceURL: fmt.Sprintf("https://example.org/community/%s/%d", behaviour, len(acts))}})
	}
	day := func() time.Time { return now.Add(-time.Duration(1+rnd.IntN(120*24)) * time.Hour) }
	for i, m := range members {
		engagement := rnd.Float64() // 0: lurker … 1: pillar of the community
		if i == 0 {
			engagement = 1
		}
		add(m, "completed-onboarding", now.Add(-121*24*time.Hour), "")
		for range int(engagement * 14) {
			add(m, "attended-session", day(), "")
		}
		for range int(engagement * engagement * 24) {
			add(m, []string{"posted", "replied", "replied", "gave-feedback"}[rnd.IntN(4)], day(), "")
		}
		for range int(engagement * engagement * 5) {
			add(m, "shared-resource", day(), "")
		}
		if engagement > 0.7 {
			for w := range 5 { // a run of active weeks
				add(m, "replied", now.Add(-time.Duration(w*7+1)*24*time.Hour), "")
			}
			for range 2 + rnd.IntN(2) {
				add(m, "hosted-session", day(), "")
			}
		}
		if engagement > 0.85 {
			for range 2 + rnd.IntN(2) {
				add(m, "mentored-member", day(), members[(i+1+rnd.IntN(len(members)-1))%len(members)].ID)
			}
			add(m, "led-project", day(), "")
		}
	}
	return acts
}

// seedDemoCohorts creates the demo cohorts and puts their members in them.
func seedDemoCohorts(ctx context.Context, cohorts *badges.Cohorts, issuerID string, members []*badges.Member) error {
	for _, dc := range demoCohorts {
		c, err := cohorts.Create(ctx, issuerID, dc.name)
		if err != nil {
			return err
		}
		var in []string
		for i, m := range members {
			if dc.in(i) {
				in = append(in, m.ID)
			}
		}
		results, err := cohorts.Join(ctx, c.ID, in)
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Err != nil {
				return fmt.Errorf("demo cohort %s: %w", dc.name, r.Err)
			}
		}
	}
	return nil
}
