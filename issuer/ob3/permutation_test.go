package ob3

import (
	"bytes"
	"strconv"
	"testing"
)

// testPermKey returns a 32-byte key that differs with seed.
func testPermKey(t testing.TB, seed byte) []byte {
	t.Helper()
	return bytes.Repeat([]byte{seed, 0x5a}, 16)
}

func newTestPermutation(t testing.TB, key []byte, size int) *Permutation {
	t.Helper()
	p, err := NewPermutation(key, size)
	if err != nil {
		t.Fatalf("NewPermutation(%d): %v", size, err)
	}
	return p
}

func TestPermutationBijection(t *testing.T) {
	for _, size := range []int{4, 8, 16, 1 << 9, 1 << 10, StatusListSize} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			p := newTestPermutation(t, testPermKey(t, 1), size)
			if p.Size() != size {
				t.Fatalf("Size = %d", p.Size())
			}
			seen := make([]bool, size)
			for n := range size {
				i := p.Apply(n)
				if i < 0 || i >= size {
					t.Fatalf("Apply(%d) = %d, outside the domain", n, i)
				}
				if seen[i] {
					t.Fatalf("Apply(%d) = %d, already taken", n, i)
				}
				seen[i] = true
				if back := p.Invert(i); back != n {
					t.Fatalf("Invert(Apply(%d)) = %d", n, back)
				}
			}
		})
	}
}

func TestPermutationKeyed(t *testing.T) {
	const size = StatusListSize
	a := newTestPermutation(t, testPermKey(t, 1), size)
	tests := []struct {
		name     string
		other    *Permutation
		sameWant bool
	}{
		{"same key again", newTestPermutation(t, testPermKey(t, 1), size), true},
		{"different key", newTestPermutation(t, testPermKey(t, 2), size), false},
		{"key differing in the last byte", newTestPermutation(t, append(testPermKey(t, 1)[:31:31], 0), size), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			same := 0
			for n := range size {
				if a.Apply(n) == tc.other.Apply(n) {
					same++
				}
			}
			if tc.sameWant && same != size {
				t.Errorf("%d of %d positions agree, want all", same, size)
			}
			// Two unrelated permutations agree on about one position.
			if !tc.sameWant && same > 16 {
				t.Errorf("%d of %d positions agree", same, size)
			}
		})
	}
}

// Consecutive allocations must not land near each other, or a list would
// reveal which credentials were issued together.
func TestPermutationSpread(t *testing.T) {
	const size = StatusListSize
	for seed := byte(1); seed <= 4; seed++ {
		t.Run(strconv.Itoa(int(seed)), func(t *testing.T) {
			p := newTestPermutation(t, testPermKey(t, seed), size)
			var total, near int
			for n := range size - 1 {
				d := p.Apply(n+1) - p.Apply(n)
				if d < 0 {
					d = -d
				}
				total += d
				if d < 64 {
					near++
				}
			}
			// A random permutation averages size/3.
			if mean := total / (size - 1); mean <= size/8 {
				t.Errorf("mean distance %d, want > %d", mean, size/8)
			}
			// …and puts a successor within 64 about (2·64/size) of the time.
			if near > 1000 {
				t.Errorf("%d successors within 64 positions", near)
			}
		})
	}
}

func TestNewPermutationRejects(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		size int
	}{
		{"short key", make([]byte, 15), StatusListSize},
		{"no key", nil, StatusListSize},
		{"size 0", make([]byte, 16), 0},
		{"size 2", make([]byte, 16), 2},
		{"size 3", make([]byte, 16), 3},
		{"not a power of two", make([]byte, 16), 100000},
		{"negative", make([]byte, 16), -StatusListSize},
		{"too large", make([]byte, 16), 1 << 27},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewPermutation(tc.key, tc.size); err == nil {
				t.Errorf("NewPermutation(%d-byte key, %d) succeeded", len(tc.key), tc.size)
			}
		})
	}
}

func TestPermutationPanicsOutOfRange(t *testing.T) {
	p := newTestPermutation(t, testPermKey(t, 1), 16)
	for _, tc := range []struct {
		name string
		call func()
	}{
		{"Apply(-1)", func() { p.Apply(-1) }},
		{"Apply(size)", func() { p.Apply(16) }},
		{"Invert(size)", func() { p.Invert(16) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tc.call()
		})
	}
}

func BenchmarkPermutationApply(b *testing.B) {
	p := newTestPermutation(b, testPermKey(b, 1), StatusListSize)
	n := 0
	for b.Loop() {
		_ = p.Apply(n)
		n = (n + 1) % StatusListSize
	}
}

func BenchmarkNewPermutation(b *testing.B) {
	key := testPermKey(b, 1)
	for b.Loop() {
		if _, err := NewPermutation(key, StatusListSize); err != nil {
			b.Fatal(err)
		}
	}
}
