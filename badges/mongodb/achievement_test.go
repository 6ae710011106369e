package mongodb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

func TestAchievementService_ConcurrentEdits(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewAchievementService(mongotest.NewDB(t))
	a, err := s.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Host", Description: "D", Criteria: "C", Status: badges.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			desc := fmt.Sprintf("Edit %d", i)
			_, err := s.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Description: &desc})
			mu.Lock()
			defer mu.Unlock()
			switch badges.ErrorCode(err) {
			case "":
				won++
			case badges.ECONFLICT:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	cur, err := s.Achievement(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if won == 0 || cur.Version != 1+won {
		t.Fatalf("%d edits won but the version is %d", won, cur.Version)
	}
	// Every version is readable, and the newest snapshot is the current state.
	versions, err := s.AchievementVersions(ctx, a.ID)
	if err != nil || len(versions) != cur.Version {
		t.Fatalf("versions: %d, %v", len(versions), err)
	}
	if last := versions[len(versions)-1]; last.Description != cur.Description || last.Version != cur.Version {
		t.Fatalf("newest snapshot %+v, current %+v", last, cur)
	}
}

func TestAchievementService_NotFound(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewAchievementService(mongotest.NewDB(t))
	for _, id := range []string{"aaaaaaaaaaaaaaaaaaaa", "nope"} {
		if _, err := s.Achievement(ctx, id); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("Achievement(%q): %v", id, err)
		}
		if _, err := s.AchievementVersion(ctx, id, 1); badges.ErrorCode(err) != badges.ENOTFOUND {
			t.Errorf("AchievementVersion(%q): %v", id, err)
		}
	}
}

// TestAchievementService_SnapshotsOutOfOrder checks that the snapshot of a
// version is never replaced by one of an earlier revision: with several
// processes, the snapshot of an earlier edit of a draft can arrive after
// that of a later one.
func TestAchievementService_SnapshotsOutOfOrder(t *testing.T) {
	ctx := context.Background()
	s := mongodb.NewAchievementService(mongotest.NewDB(t))
	a, err := s.CreateAchievement(ctx, issuerA, badges.AchievementInput{Name: "Host", Description: "First", Criteria: "C", Status: badges.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	desc := "Second"
	if _, err := s.UpdateAchievement(ctx, a.ID, badges.AchievementUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if err := s.SnapshotAt(ctx, a, 1); err != nil {
		t.Fatal(err)
	}
	v1, err := s.AchievementVersion(ctx, a.ID, 1)
	if err != nil || v1.Description != desc {
		t.Fatalf("version 1 = %+v, %v; want the description of the later edit", v1, err)
	}
}
