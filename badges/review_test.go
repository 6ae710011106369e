package badges_test

import (
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestReviews_OpenMergesCredentials: a review opened for a member and
// badge with one open already adds its credentials to that one.
func TestReviews_OpenMergesCredentials(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rs badges.Reviews
	first := rs.Open(badges.Review{ID: "r1", MemberID: "m", AchievementID: "a", CredentialIDs: []string{"c1"}, CreatedAt: now})
	again := rs.Open(badges.Review{ID: "r2", MemberID: "m", AchievementID: "a", CredentialIDs: []string{"c1", "c2"}, CreatedAt: now})
	if len(rs.Items) != 1 || first.ID != "r1" || again.ID != "r1" || !slices.Equal(rs.Items[0].CredentialIDs, []string{"c1", "c2"}) {
		t.Fatalf("reviews %+v", rs.Items)
	}
}

// TestReviews_ClaimRevoke: a claimed review is resolved revoked and
// Revoking until finished; claiming it again returns it to finish; a
// dismissed one is a conflict, and so is dismissing a claimed one.
func TestReviews_ClaimRevoke(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rs badges.Reviews
	rs.Open(badges.Review{ID: "r1", MemberID: "m", AchievementID: "a", CredentialIDs: []string{"c1"}, CreatedAt: now})
	rs.Open(badges.Review{ID: "r2", MemberID: "m", AchievementID: "b", CreatedAt: now})
	r, err := rs.ClaimRevoke("r1", []string{"ignored"}, now)
	if err != nil || r.Status != badges.ReviewRevoked || !r.Revoking || !slices.Equal(r.CredentialIDs, []string{"c1"}) {
		t.Fatalf("claim: %+v, %v", r, err)
	}
	if _, err := rs.Resolve("r1", badges.ReviewDismissed, "", now); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("dismiss a claimed review: %v; want a conflict", err)
	}
	if r, err = rs.ClaimRevoke("r1", nil, now); err != nil || !r.Revoking {
		t.Fatalf("claim again: %+v, %v; want it to finish", r, err)
	}
	if r, ok := rs.FinishRevoke("r1"); !ok || r.Revoking {
		t.Fatalf("finish: %+v, %v", r, ok)
	}
	if _, err := rs.ClaimRevoke("r1", nil, now); badges.ErrorCode(err) != badges.ECONFLICT {
		t.Fatalf("claim a finished revocation: %v; want a conflict", err)
	}
	if r, err = rs.ClaimRevoke("r2", []string{"c9"}, now); err != nil || !slices.Equal(r.CredentialIDs, []string{"c9"}) {
		t.Fatalf("claim a review naming no credential: %+v, %v", r, err)
	}
	if _, err := rs.ClaimRevoke("nope", nil, now); badges.ErrorCode(err) != badges.ENOTFOUND {
		t.Fatalf("claim an unknown review: %v", err)
	}
}

// TestReviews_Pending: checks noted twice for one activity are kept once
// each; the oldest corrections under way go past the bound.
func TestReviews_Pending(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var rs badges.Reviews
	rs.NotePending("x", []badges.CredentialCheck{{MemberID: "m", CredentialID: "c1"}}, now)
	rs.NotePending("x", []badges.CredentialCheck{{MemberID: "m", CredentialID: "c1"}, {MemberID: "m", CredentialID: "c2"}}, now)
	if p, ok := rs.PendingOf("x"); !ok || len(p.Checks) != 2 || len(rs.Pending) != 1 {
		t.Fatalf("pending %+v", rs.Pending)
	}
	for i := range badges.MaxPendingCorrections {
		rs.NotePending(string(rune('a'+i%26))+time.Duration(i).String(), nil, now)
	}
	if _, ok := rs.PendingOf("x"); ok || len(rs.Pending) != badges.MaxPendingCorrections {
		t.Fatalf("past the bound: %d pending, the oldest kept %v", len(rs.Pending), ok)
	}
	rs.DropPending(rs.Pending[0].ActivityID)
	if len(rs.Pending) != badges.MaxPendingCorrections-1 {
		t.Fatalf("dropped: %d pending", len(rs.Pending))
	}
}
