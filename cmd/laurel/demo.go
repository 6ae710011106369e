package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// demoBadge is a badge of the demo community; rules name other badges by
// their index as "#n". It aligns to the demo outcome of index outcome.
type demoBadge struct {
	in      badges.AchievementInput
	rule    string
	outcome int
}

var demoBadges = []demoBadge{
	{badges.AchievementInput{Name: "Welcome Aboard", Level: "participation", Tags: []string{"onboarding"},
		Description: "Found their way into the community.", Criteria: "Complete the onboarding."},
		`{"condition":{"count":{"behaviour":"completed-onboarding","min":1}}}`, 0},
	{badges.AchievementInput{Name: "Regular Attendee", Level: "participation", Tags: []string{"attending"},
		Description: "Shows up: attends community sessions regularly.", Criteria: "Attend at least **five** community sessions within 90 days."},
		`{"condition":{"count":{"behaviour":"attended-session","min":5,"withinDays":90}}}`, 0},
	{badges.AchievementInput{Name: "Conversation Starter", Level: "contribution", Tags: []string{"discussion"},
		Description: "Gets people talking in the forum.", Criteria: "Start eight discussions, or reply helpfully fifteen times."},
		`{"condition":{"any":[{"count":{"behaviour":"posted","min":8}},{"count":{"behaviour":"replied","min":15}}]}}`, 1},
	{badges.AchievementInput{Name: "Resource Sharer", Level: "contribution", Tags: []string{"sharing"},
		Description: "Shares useful resources with the community.", Criteria: "Share three resources other members can use."},
		`{"condition":{"count":{"behaviour":"shared-resource","min":3}}}`, 1},
	{badges.AchievementInput{Name: "Steady Contributor", Level: "contribution", Tags: []string{"consistency"},
		Description: "Active week after week.", Criteria: "Be active in four consecutive weeks."},
		`{"condition":{"streak":{"unit":"weeks","min":4}}}`, 0},
	{badges.AchievementInput{Name: "Session Host", Level: "leadership", Tags: []string{"hosting"},
		Description: "Hosts sessions for the community.", Criteria: "Be a *Regular Attendee*, then host two sessions."},
		`{"condition":{"all":[{"holds":{"achievement":"#1"}},{"count":{"behaviour":"hosted-session","min":2}}]}}`, 2},
	{badges.AchievementInput{Name: "Mentor", Level: "leadership", Tags: []string{"mentoring"}, AchievementType: "Award",
		Description: "Helps fellow members grow.", Criteria: "Be a *Resource Sharer*, then mentor two different members within six months."},
		`{"condition":{"all":[{"holds":{"achievement":"#3"}},{"peers":{"behaviour":"mentored-member","min":2,"withinDays":180}}]}}`, 2},
	{badges.AchievementInput{Name: "Community Leader", Level: "leadership", Tags: []string{"leading"}, AchievementType: "Award",
		Description: "Leads the community's work.", Criteria: "Be a *Session Host* and a *Mentor*, and lead a project."},
		`{"condition":{"all":[{"holds":{"achievement":"#5"}},{"holds":{"achievement":"#6"}},{"count":{"behaviour":"led-project","min":1}}]}}`, 2},
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

// demoMembers is the size of the demo community.
const demoMembers = 200

const demoUsage = `Usage: laurel demo [flags]

Adds the demo community to a database, even one that has issuers already:
three outcomes, eight badges with rules and a pathway, 200 members in three
cohorts, four months of their activity and the badges it earned, and five
measures of success. With the embedded database, stop
"laurel serve" first.

Flags (each also read from the environment variable shown):
`

// runDemo is "laurel demo": it seeds the demo community into the database
// directly, with the same configuration as serve.
func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	m := NewMain(stdout, stderr)
	fs := flag.NewFlagSet("laurel demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	m.Config.storageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), demoUsage)
		printFlags(fs)
	}
	if err := parseWithEnv(fs, args, getenv); err != nil {
		return err
	}
	m.Config.LogLevel = "error"
	l, err := m.openData(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	return seedDemo(ctx, l, cmp.Or(m.Config.BaseURL, defaultBaseURL), stdout)
}

// seedDemoIfEmpty seeds the demo community into a database that has no
// issuer yet.
func seedDemoIfEmpty(ctx context.Context, l *wire.Laurel, baseURL string, out io.Writer) error {
	if p, err := l.Stores.Profiles.Profiles(ctx, badges.ListOptions{Limit: 1}); err != nil || p.Total > 0 {
		return err
	}
	return seedDemo(ctx, l, baseURL, out)
}

// seedDemo adds a demo community: three outcomes, eight badges across
// participation, contribution and leadership aligned to them with rules
// and a pathway, 200 members in three cohorts, four months of their
// activity and the badges it earned, and five measures of success.
func seedDemo(ctx context.Context, l *wire.Laurel, baseURL string, out io.Writer) error {
	profiles, awarder := l.Stores.Profiles, l.Awarder
	start := time.Now()
	p, err := profiles.CreateProfile(ctx, issuer.ProfileInput{
		Name: "Demo Community of Practice", URL: "https://example.org/community",
		Description: "A community where practitioners meet, share and learn from each other.",
	})
	if err != nil {
		return err
	}
	outcomes := make([]badges.OutcomeRef, len(demoOutcomes))
	for i, in := range demoOutcomes {
		o, err := l.Outcomes.Create(ctx, p.ID, in)
		if err != nil {
			return err
		}
		outcomes[i] = badges.OutcomeRef{ID: o.ID, Name: o.Name}
	}
	achievements := l.Stores.Achievements
	ids := make([]string, len(demoBadges))
	for i, b := range demoBadges {
		b.in.Status = badges.StatusActive
		b.in.Outcomes = []badges.OutcomeRef{outcomes[b.outcome]}
		a, err := achievements.CreateAchievement(ctx, p.ID, b.in)
		if err != nil {
			return err
		}
		ids[i] = a.ID
	}
	for i, b := range demoBadges {
		rule := b.rule
		for j := len(ids) - 1; j >= 0; j-- {
			rule = strings.ReplaceAll(rule, fmt.Sprintf("#%d", j), ids[j])
		}
		r, err := badges.ParseRule([]byte(rule))
		if err != nil {
			return fmt.Errorf("demo rule of %s: %w", b.in.Name, err)
		}
		if _, err := awarder.Catalogue.SetRule(ctx, ids[i], r); err != nil {
			return fmt.Errorf("demo rule of %s: %w", b.in.Name, err)
		}
	}
	members, err := seedDemoMembers(ctx, l.Stores.Members, p.ID, p.ID[:6])
	if err != nil {
		return err
	}
	// Members join their cohorts before their activity is recorded: a
	// cohort's statistics count what its members do while in it.
	if err := seedDemoCohorts(ctx, l.Cohorts, p.ID, members); err != nil {
		return err
	}
	acts := demoActivity(members, time.Now().UTC())
	for from := 0; from < len(acts); from += badges.MaxActivityBatch {
		if _, err := awarder.Record(ctx, p.ID, acts[from:min(from+badges.MaxActivityBatch, len(acts))]); err != nil {
			return err
		}
	}
	// Issue what the activity earned now, so that every page is alive at
	// once; each award may complete a pathway, which queues the next.
	issued := 0
	for {
		n, err := awarder.Drain(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		issued += n
	}
	if err := seedDemoMeasures(ctx, l.Measures, p.ID, ids); err != nil {
		return err
	}
	if err := seedDemoNominations(ctx, l.Nominations, p.ID, members, ids); err != nil {
		return err
	}
	if err := l.Spotlight.SetPin(ctx, p.ID, &badges.Pin{MemberID: members[0].ID, Note: "Started the newcomers' evenings and mentors three members."}); err != nil {
		return err
	}
	sc, err := l.Issuing.MemberShowcase(ctx, members[0].ID)
	if err != nil {
		return err
	}
	if len(sc.Entries) > 0 {
		fmt.Fprintf(out, "Demo credential: %s/credentials/%s\n", baseURL, sc.Entries[0].CredentialID)
	}
	fmt.Fprintf(out, "Demo community created: %s/issuers/%s (%d members, %d activities, %d badges awarded in %.1fs)\n",
		baseURL, p.ID, len(members), len(acts), issued, time.Since(start).Seconds())
	fmt.Fprintf(out, "Demo member profile: %s/members/%s\n", baseURL, members[0].Slug)
	return nil
}

// demoNominations are what the demo community's first member, a leader,
// proposes for a manager to decide: a badge (by index) and a note.
var demoNominations = []struct {
	badge int
	note  string
}{
	{6, "Has quietly helped three newcomers through their first project; a natural mentor."},
	{5, "Ran two lunchtime sessions on testing that people still talk about."},
	{7, "Coordinates the documentation sprint and keeps everyone moving."},
}

// seedDemoNominations leaves nominations waiting for a decision, each for
// the next member who does not hold the badge yet, so that the console's
// queue has work in it.
func seedDemoNominations(ctx context.Context, nominations *badges.Nominations, issuerID string, members []*badges.Member, badgeIDs []string) error {
	next := 1
	for _, d := range demoNominations {
		for ; next < len(members); next++ {
			_, err := nominations.Nominate(ctx, issuerID, badges.NominateInput{NominatorID: members[0].ID,
				MemberID: members[next].ID, AchievementID: badgeIDs[d.badge], Note: d.note})
			if err == nil {
				next++
				break
			}
			if code := badges.ErrorCode(err); code != badges.EINVALID && code != badges.ECONFLICT {
				return fmt.Errorf("demo nomination: %w", err)
			}
		}
	}
	return nil
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
