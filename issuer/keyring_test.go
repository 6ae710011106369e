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

// stoppingKeys is a KeyStore in memory whose caller stops waiting (its
// context is cancelled) as soon as a Data Integrity key of generation 2 is
// stored, between the two halves of a rotation.
type stoppingKeys struct {
	mu   sync.Mutex
	keys map[string]*issuer.Key
	stop context.CancelFunc
}

func (s *stoppingKeys) CreateKey(ctx context.Context, k *issuer.Key) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[k.ID]; ok {
		return badges.Errorf(badges.ECONFLICT, "The key %s exists already.", k.ID)
	}
	s.keys[k.ID] = k
	if k.Use == issuer.UseDataIntegrity && k.Generation == 2 {
		s.stop()
	}
	return nil
}

func (s *stoppingKeys) Keys(ctx context.Context, _ string) ([]*issuer.Key, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*issuer.Key
	for _, k := range s.keys {
		out = append(out, k)
	}
	return out, nil
}

func (s *stoppingKeys) Key(_ context.Context, _, id string) (*issuer.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[id]; ok {
		return k, nil
	}
	return nil, badges.Errorf(badges.ENOTFOUND, "No key %s.", id)
}

// TestKeyring_RotateOutlivesItsCaller: a rotation whose caller stops
// waiting once the new Data Integrity key is stored still adds its JWT
// pair, so that the published key is not left alone.
func TestKeyring_RotateOutlivesItsCaller(t *testing.T) {
	sealer, err := issuer.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	store := &stoppingKeys{keys: map[string]*issuer.Key{}, stop: cancel}
	ring := issuer.NewKeyring(store, sealer)
	if _, err := ring.Active(ctx, "issuer1", issuer.AlgES256); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Rotate(ctx, "issuer1", issuer.AlgES256); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	for _, id := range []string{"di-2", "jwt-2"} {
		if _, err := store.Key(t.Context(), "issuer1", id); err != nil {
			t.Errorf("after the rotation: %v", err)
		}
	}
}
