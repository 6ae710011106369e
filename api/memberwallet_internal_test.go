package api

import "testing"

func TestShortHolder(t *testing.T) {
	for in, want := range map[string]string{
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK": "did:key:z6Mk…2doK",
		"did:web:ada.example.org":                                  "did:web:ada.example.org",
		"did:web:badges.example.org:members:ada-lovelace":          "did:web:badg…lace",
		"https://ada.example.org/":                                 "https://ada.example.org/",
		"https://wallets.example.org/holders/ada-lovelace-1815":    "https://wallets.exam…e-1815",
	} {
		if got := shortHolder(in); got != want {
			t.Errorf("shortHolder(%q) = %q; want %q", in, got, want)
		}
	}
}
