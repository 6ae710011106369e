package issuer_test

import (
	"context"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// TestKeyring_ConcurrentRotations: rotations racing on one issuer each add
// one key of each use, as if they had run one after the other; none stops
// half-way leaving a key published without its pair.
func TestKeyring_ConcurrentRotations(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, badges.AchievementInput{})
	f.mustAward(t, badges.AwardInput{Email: "a@example.org", Name: "A"}) // the first keys
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.RotateKeys(ctx, f.issuer.ID)
		}()
	}
	wg.Wait()
	rotated := 0
	for _, err := range errs {
		if err == nil {
			rotated++
		}
	}
	keys, err := f.svc.Keys(ctx, f.issuer.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, use := range []issuer.KeyUse{issuer.UseDataIntegrity, issuer.UseJWT} {
		gens := map[int]bool{}
		for _, k := range keys {
			if k.Use == use {
				gens[k.Generation] = true
			}
		}
		if len(gens) != 1+rotated {
			t.Errorf("%d of %d rotations succeeded, but there are %d %s keys; want %d", rotated, n, len(gens), use, 1+rotated)
		}
		for g := 1; g <= len(gens); g++ {
			if !gens[g] {
				t.Errorf("%s keys skip generation %d: %v", use, g, gens)
			}
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("rotation %d: %v", i, err)
		}
	}
	if c := f.mustAward(t, badges.AwardInput{Email: "b@example.org", Name: "B"}); c == nil {
		t.Fatal("no credential after the rotations")
	} else if diErr, jwtErr := f.verify(t, c); diErr != nil || jwtErr != nil {
		t.Fatalf("after the rotations: data integrity %v, jwt %v", diErr, jwtErr)
	}
}
