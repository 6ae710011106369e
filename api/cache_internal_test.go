package api

import (
	"testing"
	"time"
)

// TestTTLCache_Versioned: an entry read at an exact version lasts past the
// lifetime while the version stays, and no longer than keep; a new
// version is read at once; without an exact version the lifetime rules.
func TestTTLCache_Versioned(t *testing.T) {
	now := time.Unix(1e9, 0)
	version, exact := uint64(1), true
	c := newTTLCache[int](time.Second, 10).versioned(func(string) (uint64, bool) { return version, exact }, time.Minute)
	c.now = func() time.Time { return now }
	loads := 0
	get := func() int {
		v, err := c.get("k", func() (int, error) { loads++; return loads, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, step := range []struct {
		name    string
		advance time.Duration
		change  func()
		want    int
	}{
		{"first read", 0, nil, 1},
		{"past the lifetime, unchanged", 30 * time.Second, nil, 1},
		{"changed", 0, func() { version++ }, 2},
		{"unchanged again", 0, nil, 2},
		{"past keep", time.Minute, nil, 3},
		{"not exact: read at once", 0, func() { version++; exact = false }, 4},
		{"not exact, within the lifetime", 500 * time.Millisecond, nil, 4},
		{"not exact, past the lifetime", time.Second, nil, 5},
	} {
		now = now.Add(step.advance)
		if step.change != nil {
			step.change()
		}
		if got := get(); got != step.want {
			t.Fatalf("%s: got load %d, want %d", step.name, got, step.want)
		}
	}
}
