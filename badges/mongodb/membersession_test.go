package mongodb_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberSessionStore_TakeOnce: of many requests using one sign-in
// link at once, exactly one gets it.
func TestMemberSessionStore_TakeOnce(t *testing.T) {
	s := mongodb.NewMemberSessionStore(mongotest.NewDB(t))
	ctx := t.Context()
	in := badges.MemberSignIn{Hash: "h1", Email: "ada@example.org", MemberIDs: []string{"m1"}, ExpiresAt: time.Now().Add(time.Minute)}
	if err := s.SaveMemberSignIn(ctx, in); err != nil {
		t.Fatal(err)
	}
	var got atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			l, err := s.TakeMemberSignIn(ctx, "h1")
			switch {
			case err == nil && l.Email == "ada@example.org" && len(l.MemberIDs) == 1:
				got.Add(1)
			case badges.ErrorCode(err) != badges.ENOTFOUND:
				t.Errorf("take: %v", err)
			}
		})
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("the link was taken %d times", got.Load())
	}
}

// TestMemberSessionStore_Sweep removes expired links and sessions idle or
// old past their limits, and keeps the others.
func TestMemberSessionStore_Sweep(t *testing.T) {
	s := mongodb.NewMemberSessionStore(mongotest.NewDB(t))
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for hash, at := range map[string]time.Time{"old": now.Add(-time.Minute), "new": now.Add(time.Minute)} {
		if err := s.SaveMemberSignIn(ctx, badges.MemberSignIn{Hash: hash, Email: "a@example.org", ExpiresAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	sessions := map[string][2]time.Time{ // created, last seen
		"idle": {now.Add(-10 * 24 * time.Hour), now.Add(-8 * 24 * time.Hour)},
		"aged": {now.Add(-31 * 24 * time.Hour), now},
		"live": {now.Add(-24 * time.Hour), now},
	}
	for id, at := range sessions {
		if err := s.CreateMemberSession(ctx, &badges.MemberSession{ID: id, Email: "a@example.org", MemberIDs: []string{"m"}, CreatedAt: at[0], LastSeenAt: at[1]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteMemberSignInsBefore(ctx, now); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMemberSessionsBefore(ctx, now.Add(-badges.MemberIdleTimeout), now.Add(-badges.MemberSessionMaxAge)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"old": false, "new": true} {
		if _, err := s.MemberSignIn(ctx, id); (err == nil) != want {
			t.Errorf("link %s after the sweep: %v", id, err)
		}
	}
	for id, want := range map[string]bool{"idle": false, "aged": false, "live": true} {
		if _, err := s.MemberSession(ctx, id); (err == nil) != want {
			t.Errorf("session %s after the sweep: %v", id, err)
		}
	}
}
