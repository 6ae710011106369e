package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/issuer/ob3"
)

func bulkRows(achievementID string, n int) []badges.AwardInput {
	rows := make([]badges.AwardInput, n)
	for i := range rows {
		rows[i] = badges.AwardInput{AchievementID: achievementID, Email: fmt.Sprintf("m%d@example.org", i), Name: fmt.Sprintf("Member %d", i)}
	}
	return rows
}

// TestService_AwardManyStatusIndexes: every credential of one bulk award
// has a status index of its own, so revoking one revokes only that one.
func TestService_AwardManyStatusIndexes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "", bulkRows(f.ach.ID, 12))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for i, r := range res {
		if r.Outcome != issuer.OutcomeIssued {
			t.Fatalf("row %d: %+v", i, r)
		}
		c := r.Credential
		if prev, dup := seen[c.StatusIndex]; dup {
			t.Fatalf("credentials %s and %s share status index %d", prev, c.ID, c.StatusIndex)
		}
		seen[c.StatusIndex] = c.ID
		var doc struct {
			CredentialStatus struct {
				StatusListIndex string `json:"statusListIndex"`
			} `json:"credentialStatus"`
		}
		if err := json.Unmarshal(c.JSON, &doc); err != nil || doc.CredentialStatus.StatusListIndex != strconv.Itoa(c.StatusIndex) {
			t.Fatalf("credential %s says index %q, its record %d (%v)", c.ID, doc.CredentialStatus.StatusListIndex, c.StatusIndex, err)
		}
	}
	revoked := res[5].Credential
	if _, err := f.svc.Revoke(ctx, revoked.ID, badges.RevokeInput{Reason: "Awarded by mistake"}); err != nil {
		t.Fatal(err)
	}
	bits := f.statusBits(t, 0)
	for _, r := range res {
		set, err := bits.Get(r.Credential.StatusIndex)
		if err != nil || set != (r.Credential.ID == revoked.ID) {
			t.Errorf("credential %s: revoked bit %v (%v); only %s is revoked", r.Credential.ID, set, err, revoked.ID)
		}
	}
}

// statusBits decodes one of the issuer's published status lists.
func (f *fixture) statusBits(t testing.TB, list int) *ob3.Bitstring {
	t.Helper()
	body, err := f.svc.StatusListCredential(context.Background(), f.issuer.ID, list)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	bits, err := ob3.DecodeBitstring(doc.CredentialSubject.EncodedList)
	if err != nil {
		t.Fatal(err)
	}
	return bits
}

// crashedClaims keeps every claim, as a process killed before it could
// release them does.
type crashedClaims struct{ issuer.Claims }

func (crashedClaims) ReleaseKey(context.Context, string, string) error { return nil }

// crashedStore dies before storing credentials.
type crashedStore struct{ issuer.CredentialStore }

func (crashedStore) CreateCredentials(_ context.Context, cs []*issuer.Credential) []error {
	errs := make([]error, len(cs))
	for i := range errs {
		errs[i] = errors.New("killed")
	}
	return errs
}

// fakeClock counts the waits of a service and moves its time on by them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps int
	slept  time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps++
	c.slept += d
	c.now = c.now.Add(d)
	return nil
}

// TestService_AwardManyResendAfterCrash resends a bulk award whose rows'
// claims a crashed request left behind a moment ago: the rows wait for
// those credentials together, once, and are then answered with a conflict
// to retry later, instead of waiting in turn, row after row.
func TestService_AwardManyResendAfterCrash(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{Name: "Attendee", Description: "Attended.", Criteria: "Attend.", Repeatable: true})
	deps := f.deps
	deps.Claims, deps.Credentials = crashedClaims{deps.Claims}, crashedStore{deps.Credentials}
	rows := bulkRows(f.ach.ID, 20)
	if _, err := issuer.NewService(deps).AwardMany(ctx, f.issuer.ID, "bulk-1", rows); err != nil {
		t.Fatal(err)
	}

	clock := &fakeClock{now: time.Now()}
	f.svc.SetClock(clock.Now, clock.Sleep)
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "bulk-1", rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome != issuer.OutcomeRejected || badges.ErrorCode(r.Err) != badges.ECONFLICT {
			t.Errorf("row %d: %+v; want rejected with a conflict to retry", i, r)
		}
	}
	if clock.slept > issuer.InFlightWait {
		t.Fatalf("%d rows waited %s in %d sleeps; want one wait of at most %s", len(rows), clock.slept, clock.sleeps, issuer.InFlightWait)
	}
	if clock.sleeps == 0 {
		t.Fatal("the rows did not wait for the credentials in flight")
	}
}

// TestService_AwardManyExistingMembers: a bulk award finds the members it
// names by address without changing them (their names stay), adds the
// new ones, and asks a name only of an address that is new; a new member
// that cannot be added holds back the other new ones, not the members.
func TestService_AwardManyExistingMembers(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	old, err := f.members.CreateMember(ctx, f.issuer.ID, badges.MemberInput{Email: "old@example.org", DisplayName: "Old Name"})
	if err != nil {
		t.Fatal(err)
	}
	nameless, err := f.members.CreateMember(ctx, f.issuer.ID, badges.MemberInput{Email: "quiet@example.org", DisplayName: "Quiet"})
	if err != nil {
		t.Fatal(err)
	}
	rows := []badges.AwardInput{
		{AchievementID: f.ach.ID, Email: "old@example.org", Name: "New Name"},
		{AchievementID: f.ach.ID, Email: "quiet@example.org"},
		{AchievementID: f.ach.ID, Email: "new@example.org", Name: "Newcomer"},
		{AchievementID: f.ach.ID, Email: "nameless@example.org"},
	}
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "", rows)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{old.ID, nameless.ID, ""} {
		if res[i].Outcome != issuer.OutcomeIssued || (want != "" && res[i].Credential.MemberID != want) {
			t.Fatalf("row %d: %+v, want issued to %q", i, res[i], want)
		}
	}
	if res[3].Outcome != issuer.OutcomeRejected || badges.ErrorField(res[3].Err) != "name" {
		t.Fatalf("row of a new address without a name: %+v", res[3])
	}
	if m, err := f.members.Member(ctx, old.ID); err != nil || m.DisplayName != "Old Name" {
		t.Fatalf("member named again by a bulk award: %+v, %v", m, err)
	}

	bad := []badges.AwardInput{
		{AchievementID: f.ach.ID, Email: "old@example.org", Name: "Two\nlines"},
		{AchievementID: f.ach.ID, Email: "other@example.org", Name: "Other"},
		{AchievementID: f.ach.ID, Email: "toolong@example.org", Name: "Also two\nlines"},
	}
	res, err = f.svc.AwardMany(ctx, f.issuer.ID, "", bad)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Outcome == issuer.OutcomeRejected {
		t.Fatalf("existing member's row: %+v", res[0])
	}
	for _, r := range res[1:] {
		if r.Outcome != issuer.OutcomeRejected {
			t.Fatalf("a new member's row was not rejected with the bad one: %+v", r)
		}
	}
}
