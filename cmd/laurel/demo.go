package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

const demoUsage = `Usage: laurel demo [flags]

Adds the demo to a database, even one that has issuers already: a
community of practice with its logo, three outcomes, nine badges with rules
and a pathway, 200 members in three cohorts, four months of their activity
and the badges it earned (a few expired or revoked since), endorsements,
nominations waiting, a member in the spotlight, five measures of
success, a forum and a repository sending activity in, a meeting's
attendance imported and two example endpoints (disabled); and a smaller
second community, a makers' guild. With the
embedded database, stop "laurel serve" first.

Flags (each also read from the environment variable shown):
`

// runDemo is "laurel demo": it seeds the demo's communities into the database
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

// seedDemoIfEmpty seeds the demo's communities into a database that has no
// issuer yet.
func seedDemoIfEmpty(ctx context.Context, l *wire.Laurel, baseURL string, out io.Writer) error {
	if p, err := l.Stores.Profiles.Profiles(ctx, badges.ListOptions{Limit: 1}); err != nil || p.Total > 0 {
		return err
	}
	return seedDemo(ctx, l, baseURL, out)
}

// seedDemo adds the demo: the demo community of practice (see
// seedDemoCommunity) and a second, smaller community, the makers' guild.
func seedDemo(ctx context.Context, l *wire.Laurel, baseURL string, out io.Writer) error {
	start, now := time.Now(), time.Now().UTC()
	d, err := seedDemoCommunity(ctx, l, now)
	if err != nil {
		return err
	}
	guild, err := seedDemoGuild(ctx, l, now)
	if err != nil {
		return err
	}
	if d.credential != "" {
		fmt.Fprintf(out, "Demo credential: %s/credentials/%s\n", baseURL, d.credential)
	}
	fmt.Fprintf(out, "Demo community created: %s/issuers/%s (%d members, %d activities, %d badges awarded in %.1fs)\n",
		baseURL, d.issuerID, len(d.members), d.activities, d.issued, time.Since(start).Seconds())
	fmt.Fprintf(out, "Demo member profile: %s/members/%s\n", baseURL, d.members[0].Slug)
	fmt.Fprintf(out, "Second demo community: %s/issuers/%s\n", baseURL, guild.ID)
	return nil
}

// demoSeeded is what seedDemoCommunity made, for the lines it prints.
type demoSeeded struct {
	issuerID   string
	members    []*badges.Member
	activities int
	issued     int
	credential string // Ada's Community Leader, the badge with uploaded art
}

// seedDemoCommunity adds the demo community: its logo and accent colour,
// three outcomes, nine badges across participation, contribution and
// leadership aligned to them with rules and a pathway (one with uploaded
// art, one awarded by hand that expires), 200 members in three cohorts,
// four months of their activity and the badges it earned, dated when
// earned, two of them revoked since, five measures of success, leaders'
// endorsements and nominations, a member in the spotlight, and its
// integrations (see seedDemoIntegrations).
func seedDemoCommunity(ctx context.Context, l *wire.Laurel, now time.Time) (*demoSeeded, error) {
	p, err := l.Stores.Profiles.CreateProfile(ctx, issuer.ProfileInput{
		Name: "Demo Community of Practice", URL: "https://example.org/community", AccentColor: "#0f766e",
		Description: "A community where practitioners meet, share and learn from each other.",
	})
	if err != nil {
		return nil, err
	}
	if err := setDemoLogo(ctx, l, p.ID, "community-logo.svg"); err != nil {
		return nil, err
	}
	ids, err := seedDemoCatalogue(ctx, l, p.ID)
	if err != nil {
		return nil, err
	}
	d := &demoSeeded{issuerID: p.ID}
	if d.members, err = seedDemoMembers(ctx, l.Stores.Members, p.ID, p.ID[:6]); err != nil {
		return nil, err
	}
	// Members join their cohorts before their activity is recorded: a
	// cohort's statistics count what its members do while in it.
	if err := seedDemoCohorts(ctx, l.Cohorts, p.ID, d.members); err != nil {
		return nil, err
	}
	if d.activities, d.issued, err = seedDemoActivity(ctx, l.Awarder, p.ID, d.members, now); err != nil {
		return nil, err
	}
	for _, seed := range []func() error{
		func() error { return seedDemoMeasures(ctx, l.Measures, p.ID, ids) },
		func() error { return seedDemoStewards(ctx, l, p.ID, d.members, ids, now) },
		func() error { return seedDemoRevocations(ctx, l, p.ID, d.members, ids) },
		func() error { return seedDemoLeaders(ctx, l, p.ID, d.members, ids) },
		func() error {
			n, err := seedDemoIntegrations(ctx, l, p.ID, d.members, now)
			d.issued += n
			return err
		},
	} {
		if err := seed(); err != nil {
			return nil, err
		}
	}
	d.credential, err = demoCredential(ctx, l, d.members[0].ID, ids[demoCommunityLeader])
	return d, err
}

// seedDemoActivity records the members' generated activity and issues at
// once what it earned, so that every page is alive at start; each award
// may complete a pathway, which queues the next. It returns how many
// activities it recorded and badges it awarded.
func seedDemoActivity(ctx context.Context, awarder *badges.Awarder, issuerID string, members []*badges.Member, now time.Time) (acts, issued int, err error) {
	all := demoActivity(members, now)
	for from := 0; from < len(all); from += badges.MaxActivityBatch {
		if _, err := awarder.Record(ctx, issuerID, all[from:min(from+badges.MaxActivityBatch, len(all))]); err != nil {
			return 0, 0, err
		}
	}
	for {
		n, err := awarder.Drain(ctx)
		if err != nil || n == 0 {
			return len(all), issued, err
		}
		issued += n
	}
}

// demoCredential is the member's credential of the achievement, or their
// first one when they do not hold it; "" when they hold none.
func demoCredential(ctx context.Context, l *wire.Laurel, memberID, achievementID string) (string, error) {
	sc, err := l.Issuing.MemberShowcase(ctx, memberID)
	if err != nil || len(sc.Entries) == 0 {
		return "", err
	}
	for _, e := range sc.Entries {
		if e.AchievementID == achievementID {
			return e.CredentialID, nil
		}
	}
	return sc.Entries[0].CredentialID, nil
}
