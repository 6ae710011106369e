package main

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/cmd/laurel/wire"
	"github.com/laurel-badges/laurel/issuer"
)

// The demo's history beyond what rules award: Event Steward badges handed
// out over the months, two of which have expired since, and two badges
// revoked, one with its reason published and one with it kept private.

// demoStewards are the members (by index) who took the stewards' briefing,
// and how many days ago each was awarded the 90-day Event Steward badge:
// those of more than 90 days have expired.
var demoStewards = []struct{ member, daysAgo int }{
	{0, 24}, {3, 103}, {4, 61}, {6, 117}, {7, 38}, {9, 12},
}

// seedDemoStewards awards the Event Steward badge by hand, each on the
// day it was given: the issuing clock reads that day, so that the
// credential is signed then and its validity runs from then.
func seedDemoStewards(ctx context.Context, l *wire.Laurel, issuerID string, members []*badges.Member, badgeIDs []string, now time.Time) error {
	for _, s := range demoStewards {
		at := now.AddDate(0, 0, -s.daysAgo)
		in := badges.AwardInput{AchievementID: badgeIDs[demoEventSteward], MemberID: members[s.member].ID,
			Narrative: "Took the stewards' briefing: first aid contacts, step-free routes and the code of conduct."}
		if _, _, err := l.Issuing.At(func() time.Time { return at }).Award(ctx, issuerID, in); err != nil {
			return fmt.Errorf("demo Event Steward of %s: %w", members[s.member].DisplayName, err)
		}
	}
	return nil
}

// demoRevocations are the reasons of the demo's two revoked Conversation
// Starter badges: the first published, the second kept for the managers.
var demoRevocations = []badges.RevokeInput{
	{Reason: "Awarded in error: a forum import counted the same replies twice, so the criteria were not met.", PublishReason: true},
	{Reason: "Withdrawn at the member's request after a dispute in the forum; see the moderators' log.", PublishReason: false},
}

// seedDemoRevocations revokes Conversation Starter badges of members with
// a public profile (not Ada's), so that a revoked badge page can be seen.
func seedDemoRevocations(ctx context.Context, l *wire.Laurel, issuerID string, members []*badges.Member, badgeIDs []string) error {
	public := map[string]bool{}
	for _, m := range members[1:] {
		public[m.ID] = m.PublicProfile
	}
	page, err := l.Issuing.Credentials(ctx, issuer.CredentialFilter{IssuerID: issuerID, AchievementID: badgeIDs[demoConversationStarter],
		ListOptions: badges.ListOptions{Limit: 20}})
	if err != nil {
		return err
	}
	next := 0
	for _, c := range page.Items {
		if next == len(demoRevocations) {
			break
		}
		if !public[c.MemberID] {
			continue
		}
		if _, err := l.Issuing.Revoke(ctx, c.ID, demoRevocations[next]); err != nil {
			return fmt.Errorf("demo revocation: %w", err)
		}
		next++
	}
	if next < len(demoRevocations) {
		return fmt.Errorf("demo revocation: only %d Conversation Starter badges of members with a public profile", next)
	}
	return nil
}
