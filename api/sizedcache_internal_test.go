package api

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestSizedCache_ByteBound(t *testing.T) {
	const budget = 64 << 10
	c := newSizedCache(time.Minute, budget, func(b []byte) int { return len(b) })
	for i := range 500 {
		key := strconv.Itoa(i)
		size := 512 + (i*797)%7000 // values of many sizes, each under an eighth of the budget
		if _, err := c.get(key, func() ([]byte, error) { return make([]byte, size), nil }); err != nil {
			t.Fatal(err)
		}
		if c.bytes > budget {
			t.Fatalf("after %d values the cache holds %d bytes, over its budget of %d", i+1, c.bytes, budget)
		}
		if held := heldBytes(c); held != c.bytes {
			t.Fatalf("after %d values the cache counts %d bytes but holds %d", i+1, c.bytes, held)
		}
	}
	if len(c.entries) < 10 {
		t.Fatalf("the cache keeps %d values; a full budget should keep at least 10", len(c.entries))
	}
}

// heldBytes adds up the sizes of the values a cache holds.
func heldBytes(c *sizedCache[[]byte]) int {
	n := 0
	for _, e := range c.entries {
		n += len(e.Value.(*sizedEntry[[]byte]).v)
	}
	return n
}

func TestSizedCache_KeepsRecentlyUsed(t *testing.T) {
	c := newSizedCache(time.Minute, 8000, func(b []byte) int { return len(b) })
	value := func(n int) func() ([]byte, error) { return func() ([]byte, error) { return make([]byte, n), nil } }
	mustGet(t, c, "a", value(1000))
	mustGet(t, c, "b", value(1000))
	for i := range 20 {
		mustGet(t, c, "a", value(1000)) // in use all along: never the one to go
		mustGet(t, c, "x"+strconv.Itoa(i), value(1000))
	}
	if _, ok := c.fresh("a"); !ok {
		t.Fatal("the value in use was dropped")
	}
	if _, ok := c.fresh("b"); ok {
		t.Fatal("the least recently used value was kept past the budget")
	}
}

func TestSizedCache_TooLargeAndErrors(t *testing.T) {
	c := newSizedCache(time.Minute, 8000, func(b []byte) int { return len(b) })
	mustGet(t, c, "small", func() ([]byte, error) { return make([]byte, 500), nil })
	mustGet(t, c, "large", func() ([]byte, error) { return make([]byte, 1001), nil })
	if _, ok := c.fresh("large"); ok || c.bytes != 500 {
		t.Fatalf("a value over an eighth of the budget was kept (%d bytes held)", c.bytes)
	}
	failed := errors.New("read failed")
	if _, err := c.get("bad", func() ([]byte, error) { return nil, failed }); !errors.Is(err, failed) {
		t.Fatalf("get: %v, want the load's error", err)
	}
	if _, ok := c.fresh("bad"); ok {
		t.Fatal("a failed load was kept")
	}
}

func TestSizedCache_Expires(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	c := newSizedCache(time.Second, 8000, func(b []byte) int { return len(b) })
	c.now = func() time.Time { return now }
	loads := 0
	load := func() ([]byte, error) { loads++; return make([]byte, 100), nil }
	mustGet(t, c, "k", load)
	mustGet(t, c, "k", load)
	now = now.Add(time.Second)
	mustGet(t, c, "k", load)
	c.forget("k")
	mustGet(t, c, "k", load)
	if loads != 3 || c.bytes != 100 {
		t.Fatalf("%d loads and %d bytes held, want 3 loads (first, expired, forgotten) and 100 bytes", loads, c.bytes)
	}
}

func TestShownCredential_Size(t *testing.T) {
	sc := &shownCredential{Credential: &issuer.Credential{JSON: make([]byte, 3000), JWT: string(make([]byte, 5000))}}
	if got := sc.size(); got < 2*3000+5000 {
		t.Fatalf("a credential of 3,000 bytes of JSON and 5,000 of JWT counts as %d bytes; its JSON decoded again makes at least %d", got, 2*3000+5000)
	}
}

func mustGet(t *testing.T, c *sizedCache[[]byte], key string, load func() ([]byte, error)) {
	t.Helper()
	if _, err := c.get(key, load); err != nil {
		t.Fatal(err)
	}
}
