package badges

import (
	"context"
	"testing"
)

// TestAccounts_HashingBounded: no more than MaxHashing passwords are
// hashed at once; a check that finds every slot taken waits, and gives up
// with EUNAVAILABLE when its request ends, rather than adding to the
// memory the others hold.
func TestAccounts_HashingBounded(t *testing.T) {
	s := NewAccounts(AccountsDeps{PasswordParams: PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	phc, err := s.hash(context.Background(), "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	for range MaxHashing {
		s.hashing <- struct{}{} // every slot taken
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.verify(ended, phc, "a long enough passphrase"); ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("verify with every slot taken: %v, want EUNAVAILABLE", err)
	}
	if _, err := s.hash(ended, "another passphrase"); ErrorCode(err) != EUNAVAILABLE {
		t.Fatalf("hash with every slot taken: %v, want EUNAVAILABLE", err)
	}
	<-s.hashing // one slot frees
	ok, err := s.verify(context.Background(), phc, "a long enough passphrase")
	if err != nil || !ok {
		t.Fatalf("verify with a free slot: %v, %v", ok, err)
	}
	if len(s.hashing) != MaxHashing-1 {
		t.Fatalf("%d slots taken after a verification, want it to give its slot back", len(s.hashing))
	}
}
