package verifier

import "testing"

// TestRun_OwnKey checks which proofs count as this Laurel's own: only those
// whose key document Local answered in the same run.
func TestRun_OwnKey(t *testing.T) {
	v := &run{answered: map[string]bool{
		"https://badges.example.org/issuers/a/keys/k1":    true,
		"https://badges.example.org/issuers/a/did.json":   true,
		"https://badges.example.org/.well-known/did.json": true,
	}}
	for _, tc := range []struct {
		vm   string
		want bool
	}{
		{"https://badges.example.org/issuers/a/keys/k1", true},
		{"https://badges.example.org/issuers/a/keys/k1#k1", true},
		{"did:web:badges.example.org:issuers:a#k1", true},
		{"did:web:badges.example.org#k1", true},
		{"https://elsewhere.example/keys/k1", false},
		{"did:web:elsewhere.example#k1", false},
		{"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", false},
		{"", false},
	} {
		if got := v.ownKey(map[string]any{"verificationMethod": tc.vm}); got != tc.want {
			t.Errorf("ownKey(%q) = %v, want %v", tc.vm, got, tc.want)
		}
	}
}
