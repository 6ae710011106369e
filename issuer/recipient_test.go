package issuer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestService_AwardConcurrentNewEmail awards to an address that is not a
// member yet from many requests at once: each must find or add the one
// member, none may fail or panic half-way through the member's creation.
func TestService_AwardConcurrentNewEmail(t *testing.T) {
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	const n = 50
	members := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := f.svc.Award(context.Background(), f.issuer.ID, badges.AwardInput{
				AchievementID: f.ach.ID, Email: "new.member@example.org", Name: "New Member"})
			if err != nil {
				t.Errorf("award %d: %v", i, err)
				return
			}
			members[i] = c.MemberID
		}()
	}
	wg.Wait()
	page, err := f.members.Members(context.Background(), badges.MemberFilter{IssuerID: f.issuer.ID, Email: "new.member@example.org"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("members with the address: %v, %v; want exactly one", page, err)
	}
	for i, m := range members {
		if m != page.Items[0].ID {
			t.Errorf("award %d went to member %q, want %s", i, m, page.Items[0].ID)
		}
	}
}
