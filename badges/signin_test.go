package badges_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestAddressGroup(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":             "192.0.2.7",
		"192.0.2.7:4431":        "192.0.2.7",
		"::ffff:192.0.2.7":      "192.0.2.7",
		"2001:db8:1:2:3:4:5:6":  "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":  "2001:db8:1:2::/64",
		"[2001:db8:1:3::1]:443": "2001:db8:1:3::/64",
		"fe80::1%eth0":          "fe80::/64",
		"not an address\x00":    "not an address",
	} {
		if got := badges.AddressGroup(in); got != want {
			t.Errorf("AddressGroup(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAttemptWindow_Take(t *testing.T) {
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	var w badges.AttemptWindow
	for i := range 3 {
		if _, ok := w.Take(t0.Add(time.Duration(i)*time.Minute), 3, 15*time.Minute); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	retry, ok := w.Take(t0.Add(5*time.Minute), 3, 15*time.Minute)
	if ok || !retry.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("fourth attempt: %v, retry at %v", ok, retry)
	}
	if _, ok := w.Take(t0.Add(15*time.Minute), 3, 15*time.Minute); !ok {
		t.Error("attempt after the first left the window refused")
	}
	if len(w.At) != 3 {
		t.Errorf("window holds %d attempts, want 3", len(w.At))
	}
}
