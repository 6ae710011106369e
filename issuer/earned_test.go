package issuer_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// recordingNotifier keeps every call to Notify; fail makes the next calls
// fail.
type recordingNotifier struct {
	mu    sync.Mutex
	calls [][]badges.Notification
	fail  error
}

func (r *recordingNotifier) Notify(_ context.Context, ns ...badges.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.calls = append(r.calls, slices.Clone(ns))
	return nil
}

// keys lists the keys of every notification queued, in order.
func (r *recordingNotifier) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, call := range r.calls {
		for _, n := range call {
			out = append(out, n.Key)
		}
	}
	return out
}

// notifying gives the fixture's service a recording notifier and a
// reporter, built as the program builds them.
func (f *fixture) notifying(t *testing.T) (*recordingNotifier, *[]badges.Notice) {
	t.Helper()
	rec := &recordingNotifier{}
	var notices []badges.Notice
	f.deps.Notifier = rec
	f.deps.Report = func(n badges.Notice) { notices = append(notices, n) }
	sealer, err := issuer.NewSealer([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	f.deps.ClaimLinks = sealer.LinkSigner("claim")
	f.svc = issuer.NewService(f.deps)
	return rec, &notices
}

func TestService_AwardNotifiesEarned(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	rec, notices := f.notifying(t)
	c, issued, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org",
		Name: "Ada <b>Lovelace</b>", IdempotencyKey: "award-1"})
	if err != nil || !issued {
		t.Fatalf("Award: %v (issued %v)", err, issued)
	}
	if len(rec.calls) != 1 || len(rec.calls[0]) != 1 {
		t.Fatalf("Notify calls %+v, want one with one notification", rec.calls)
	}
	n := rec.calls[0][0]
	code := f.deps.ClaimLinks.Code(c.ID)
	want := map[string]string{"badge": "Session Host", "badgeDescription": "Hosted a community session.",
		"claimURL": testBase + "/claim/" + c.ID + "/" + code, "badgeURL": testBase + "/credentials/" + c.ID,
		"imageURL": f.urls.Image(f.ach.Image), "member": "Ada <b>Lovelace</b>"}
	if n.Key != "earned:"+c.ID || n.Kind != badges.MailEarned || n.IssuerID != f.issuer.ID || n.MemberID != c.MemberID ||
		n.To != "ada@example.org" || len(n.Data) != len(want) {
		t.Fatalf("notification %+v", n)
	}
	for k, v := range want {
		if n.Data[k] != v {
			t.Errorf("Data[%q] = %q, want %q", k, n.Data[k], v)
		}
	}
	if !f.deps.ClaimLinks.Valid(code, c.ID) || f.svc.ClaimURL(c.ID) != want["claimURL"] {
		t.Fatal("the claim link's code does not check out")
	}

	t.Run("the same award key queues the same key", func(t *testing.T) {
		again, issued, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org",
			Name: "Ada <b>Lovelace</b>", IdempotencyKey: "award-1"})
		if err != nil || issued || again.ID != c.ID {
			t.Fatalf("Award again: %v, issued %v", err, issued)
		}
		if got := rec.keys(); !slices.Equal(got, []string{"earned:" + c.ID, "earned:" + c.ID}) {
			t.Fatalf("keys %v", got)
		}
	})
	t.Run("a failure to queue does not fail the award", func(t *testing.T) {
		rec.fail = errors.New("outbox down")
		c2, issued, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "bob@example.org",
			Name: "Bob", IdempotencyKey: "award-2"})
		if err != nil || !issued {
			t.Fatalf("Award with the outbox down: %v (issued %v)", err, issued)
		}
		if len(*notices) != 1 || !errors.Is((*notices)[0].Err, rec.fail) || (*notices)[0].Award != "earned:"+c2.ID {
			t.Fatalf("reported %+v", *notices)
		}
		// Sent again, as after a crash between the credential and its
		// e-mail, the award queues it.
		rec.fail = nil
		if _, _, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "bob@example.org",
			Name: "Bob", IdempotencyKey: "award-2"}); err != nil {
			t.Fatal(err)
		}
		if got := rec.keys(); got[len(got)-1] != "earned:"+c2.ID {
			t.Fatalf("keys %v", got)
		}
	})
	t.Run("accepted: no e-mail again", func(t *testing.T) {
		before := len(rec.keys())
		if _, err := f.svc.Accept(ctx, c.ID, issuer.VisibilityPublic); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, Email: "ada@example.org",
			Name: "Ada <b>Lovelace</b>", IdempotencyKey: "award-1"}); err != nil {
			t.Fatal(err)
		}
		if got := rec.keys(); len(got) != before {
			t.Fatalf("an accepted credential's e-mail was queued again: %v", got[before:])
		}
	})
}

// addressless is a member store whose members have no address, as a
// forgotten member has none.
type addressless struct{ badges.MemberService }

func (a addressless) Member(ctx context.Context, id string) (*badges.Member, error) {
	m, err := a.MemberService.Member(ctx, id)
	if err == nil {
		m.Email = ""
	}
	return m, err
}

func TestService_AwardNoAddressNoEmail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	m, err := f.members.CreateMember(ctx, f.issuer.ID, badges.MemberInput{Email: "ada@example.org", DisplayName: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := f.notifying(t)
	f.deps.Members = addressless{f.deps.Members}
	f.svc = issuer.NewService(f.deps)
	if _, issued, err := f.svc.Award(ctx, f.issuer.ID, badges.AwardInput{AchievementID: f.ach.ID, MemberID: m.ID}); err != nil || !issued {
		t.Fatalf("Award: %v", err)
	}
	if len(rec.calls) != 0 {
		t.Fatalf("queued %+v for a member without an address", rec.calls)
	}
}

func TestService_AwardManyNotifiesEarned(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	rec, _ := f.notifying(t)
	rows := bulkRows(f.ach.ID, 5)
	rows = append(rows, rows[0]) // the same award twice in one request
	res, err := f.svc.AwardMany(ctx, f.issuer.ID, "bulk-1", rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 {
		t.Fatalf("%d Notify calls, want one for the whole batch", len(rec.calls))
	}
	var want []string
	for _, r := range res[:5] {
		want = append(want, "earned:"+r.Credential.ID)
	}
	got := rec.keys()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("keys %v, want one per credential %v", got, want)
	}
	for _, n := range rec.calls[0] {
		if n.Data["member"] == "" || !strings.HasPrefix(n.To, "m") || n.Data["claimURL"] == "" {
			t.Fatalf("notification %+v", n)
		}
	}
	// Resent: the same credentials, so the same keys.
	if _, err := f.svc.AwardMany(ctx, f.issuer.ID, "bulk-1", rows); err != nil {
		t.Fatal(err)
	}
	again := rec.keys()[len(want):]
	slices.Sort(again)
	if !slices.Equal(again, want) {
		t.Fatalf("resent: keys %v, want %v", again, want)
	}
}
