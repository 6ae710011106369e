package mongodb_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// nudgeNotifier keeps what it is given.
type nudgeNotifier struct {
	mu   sync.Mutex
	sent []badges.Notification
}

func (r *nudgeNotifier) Notify(_ context.Context, ns ...badges.Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, ns...)
	return nil
}

func (r *nudgeNotifier) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ks []string
	for _, n := range r.sent {
		ks = append(ks, n.Key)
	}
	return ks
}

type nudgeFixture struct {
	nudges   *badges.Nudges
	members  *mongodb.MemberService
	notifier *nudgeNotifier
	now      time.Time
	near     map[string]bool // members with a badge near
}

func newNudgeFixture(t *testing.T) *nudgeFixture {
	db := mongotest.NewDB(t)
	f := &nudgeFixture{members: mongodb.NewMemberService(db), notifier: &nudgeNotifier{},
		now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), near: map[string]bool{}}
	progress := func(_ context.Context, memberID string) ([]badges.AchievementProgress, error) {
		if !f.near[memberID] {
			return nil, nil
		}
		return []badges.AchievementProgress{{Achievement: &badges.Achievement{Name: "Session Host"},
			Progress: badges.Progress{Conditions: []badges.ConditionProgress{{Next: "Hosted a session twice more"}}}}}, nil
	}
	f.nudges = &badges.Nudges{Store: mongodb.NewNudgeStore(db), Members: f.members, Progress: progress, Notifier: f.notifier,
		PortalURL: func(string) string { return "https://badges.example.org/me" }, Now: func() time.Time { return f.now }}
	return f
}

func (f *nudgeFixture) sweep(t *testing.T) int {
	t.Helper()
	n, err := f.nudges.Sweep(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNudges_Sweep: an opted-in member with a badge near gets one note a
// week, keyed by the week, with their lines; members who did not opt in,
// opted out, or have nothing near get none.
func TestNudges_Sweep(t *testing.T) {
	ctx := t.Context()
	f := newNudgeFixture(t)
	ann := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann"})
	bea := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "bea@example.org", DisplayName: "Bea"})
	cal := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "cal@example.org", DisplayName: "Cal"})
	dee := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "dee@example.org", DisplayName: "Dee"})
	f.near[ann.ID], f.near[bea.ID], f.near[dee.ID] = true, true, true // Cal has nothing near
	for _, id := range []string{ann.ID, cal.ID, dee.ID} {
		if err := f.nudges.SetOptIn(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.nudges.SetOptIn(ctx, dee.ID, false); err != nil {
		t.Fatal(err)
	}
	if n := f.sweep(t); n != 1 {
		t.Fatalf("first sweep queued %d; want 1 (Ann)", n)
	}
	got := f.notifier.sent[0]
	if got.Key != "progress:"+ann.ID+":2026-W49" || got.Kind != badges.MailProgress || got.To != "ann@example.org" ||
		got.Data["lines"] != "Hosted a session twice more for the Session Host badge." || got.Data["member"] != "Ann" ||
		got.Data["portalURL"] != "https://badges.example.org/me" {
		t.Errorf("note %+v", got)
	}
	f.now = f.now.Add(4 * 24 * time.Hour) // Sunday, the same ISO week
	if n := f.sweep(t); n != 0 {
		t.Errorf("a second sweep in the week queued %d; want none", n)
	}
	f.now = f.now.Add(24 * time.Hour) // Monday of the next week
	f.sweep(t)
	if want := []string{"progress:" + ann.ID + ":2026-W49", "progress:" + ann.ID + ":2026-W50"}; !slices.Equal(f.notifier.keys(), want) {
		t.Errorf("keys %q; want %q", f.notifier.keys(), want)
	}
	if on, err := f.nudges.OptedIn(ctx, bea.ID); on || err != nil {
		t.Errorf("Bea, who never chose: opted in %v, %v", on, err)
	}
}

// TestNudges_Forgotten: a forgotten member is sent nothing, their opt-in
// is turned off, and they cannot opt in again.
func TestNudges_Forgotten(t *testing.T) {
	ctx := t.Context()
	f := newNudgeFixture(t)
	ann := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann"})
	f.near[ann.ID] = true
	if err := f.nudges.SetOptIn(ctx, ann.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.members.ForgetMember(ctx, ann.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.sweep(t); n != 0 {
		t.Errorf("queued %d for a forgotten member", n)
	}
	if on, err := f.nudges.OptedIn(ctx, ann.ID); on || err != nil {
		t.Errorf("opted in %v, %v; want off", on, err)
	}
	if err := f.nudges.SetOptIn(ctx, ann.ID, true); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Errorf("opting in once forgotten: %v; want a conflict", err)
	}
}

// TestNudges_NoNotifier: with no notifier nothing is swept.
func TestNudges_NoNotifier(t *testing.T) {
	f := newNudgeFixture(t)
	ann := mustCreateMember(t, f.members, issuerA, badges.MemberInput{Email: "ann@example.org", DisplayName: "Ann"})
	f.near[ann.ID] = true
	if err := f.nudges.SetOptIn(t.Context(), ann.ID, true); err != nil {
		t.Fatal(err)
	}
	f.nudges.Notifier = nil
	if n := f.sweep(t); n != 0 || len(f.notifier.sent) != 0 {
		t.Errorf("queued %d with no notifier", n)
	}
}
