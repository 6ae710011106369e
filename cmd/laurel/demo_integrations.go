package main

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/mapping"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
)

// The demo's integrations: a forum and a code repository sending activity
// in, with a few deliveries each in their log; last month's call imported
// from its participant report; and, disabled, an example webhook and an
// example chat channel, since the demo reaches no receiver of its own
// (an enabled one would fail and be retried for a day).

// demoHandles are the forum and GitHub handles of the first members, by
// index: the members the deliveries name, as a community links them.
var demoHandles = []string{"ada", "grace", "alan", "katherine", "linus", "margaret", "dennis", "barbara", "ken", "radia"}

// demoToolBehaviours are the behaviours the presets' mappings record that
// Laurel does not ship: the manager added them with the sources.
var demoToolBehaviours = []badges.Behaviour{
	{Key: "solution-accepted", Name: "Had a solution accepted", Category: badges.CategoryContribution,
		Description: "Answered a question in the forum, and the asker marked it as the solution."},
	{Key: "like-received", Name: "Received a like", Category: badges.CategoryParticipation,
		Description: "Wrote a forum post another member liked."},
	{Key: "pull-request-merged", Name: "Had a pull request merged", Category: badges.CategoryContribution,
		Description: "Contributed a change to the project's repository."},
	{Key: "issue-opened", Name: "Opened an issue", Category: badges.CategoryParticipation,
		Description: "Reported a bug or proposed an improvement in the project's repository."},
}

// seedDemoIntegrations adds the demo community's integrations; it returns
// how many badges the activity they brought in awarded.
func seedDemoIntegrations(ctx context.Context, l *wire.Laurel, issuerID string, members []*badges.Member, now time.Time) (int, error) {
	for i, h := range demoHandles {
		if _, err := l.Members.UpdateMember(ctx, members[i].ID, badges.MemberUpdate{ExternalID: &h}); err != nil {
			return 0, fmt.Errorf("demo handle %s: %w", h, err)
		}
	}
	for _, b := range demoToolBehaviours {
		if err := l.Awarder.Catalogue.AddBehaviour(ctx, issuerID, b); err != nil {
			return 0, fmt.Errorf("demo behaviour %s: %w", b.Key, err)
		}
	}
	for _, s := range demoSources(now) {
		if err := seedDemoSource(ctx, l, issuerID, s); err != nil {
			return 0, err
		}
	}
	if err := seedDemoAttendance(ctx, l, issuerID, members[0].DisplayName, now); err != nil {
		return 0, err
	}
	if err := seedDemoEndpoints(ctx, l.Webhooks, issuerID); err != nil {
		return 0, err
	}
	issued := 0
	for {
		n, err := l.Awarder.Drain(ctx)
		if err != nil || n == 0 {
			return issued, err
		}
		issued += n
	}
}

// demoSource is a source of the demo and the deliveries its tool sent, in
// the order sent.
type demoSource struct {
	in         badges.SourceInput
	created    time.Time
	deliveries []demoDelivery
}

// demoDelivery is one delivery, sent at its time; the source's secret
// signs it when it is sent.
type demoDelivery struct {
	at     time.Time
	header map[string]string
	body   string
}

// seedDemoSource creates a source and sends its deliveries through the
// service, signed with its secret, each with the service's clock at the
// time it was sent: their activities are recorded and their outcomes kept
// in the source's log as the tool's calls would have been.
func seedDemoSource(ctx context.Context, l *wire.Laurel, issuerID string, s demoSource) error {
	at := s.created
	sources := *l.Sources
	sources.Now = func() time.Time { return at }
	src, err := sources.Create(ctx, issuerID, s.in)
	if err != nil {
		return fmt.Errorf("demo source %s: %w", s.in.Name, err)
	}
	for _, d := range s.deliveries {
		at = d.at
		sd := badges.SourceDelivery{Header: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(d.body)}
		for k, v := range d.header {
			sd.Header.Set(k, v)
		}
		sd.Header.Set(mapping.SignatureHeader(src.Preset), mapping.Sign(src.Secret, sd.Body))
		if _, err := sources.Ingest(ctx, src.ID, sd); err != nil {
			return fmt.Errorf("demo source %s, delivery of %s: %w", s.in.Name, d.at.Format(time.DateOnly), err)
		}
	}
	return nil
}

// demoEndpoints are the example endpoints: a webhook toward a CRM and a
// Slack channel, created disabled (no event reaches them) until their
// manager gives them a receiver of their own.
var demoEndpoints = []badges.EndpointInput{
	{URL: "https://crm.example.com/hooks/laurel", Description: "Example: your CRM — enable once the URL is yours", Disabled: true,
		Events: []badges.EventType{badges.EventCredentialIssued, badges.EventMemberCreated}},
	{Kind: badges.EndpointSlack, URL: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
		Description: "Example: your Slack channel — enable once the URL is yours", Disabled: true,
		Events: []badges.EventType{badges.EventCredentialIssued}, Spotlight: true},
}

// seedDemoEndpoints adds the example endpoints.
func seedDemoEndpoints(ctx context.Context, w *badges.Webhooks, issuerID string) error {
	for _, in := range demoEndpoints {
		if _, _, err := w.Create(ctx, issuerID, in); err != nil {
			return fmt.Errorf("demo endpoint %s: %w", in.Description, err)
		}
	}
	return nil
}
