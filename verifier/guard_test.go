package verifier

import (
	"net/netip"
	"testing"
)

// TestRefusedAddr_AllowPrivate: the operator's switch for private ranges
// lets them through and nothing else: loopback keeps its own switch, and
// link-local addresses, where cloud metadata answers, stay refused.
func TestRefusedAddr_AllowPrivate(t *testing.T) {
	o := GuardOptions{AllowPrivate: true}
	for addr, refused := range map[string]bool{
		"10.1.2.3":        false,
		"172.16.0.1":      false,
		"192.168.1.10":    false,
		"fd00::1":         false,
		"127.0.0.1":       true,
		"169.254.169.254": true,
		"fe80::1":         true,
		"100.64.0.1":      true,
	} {
		if got := refusedAddr(netip.MustParseAddr(addr), o) != ""; got != refused {
			t.Errorf("%s: refused = %v, want %v", addr, got, refused)
		}
		if refusedAddr(netip.MustParseAddr(addr), GuardOptions{}) == "" {
			t.Errorf("%s is let through without the switch", addr)
		}
	}
}
