package api

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

func TestDeviceWords(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36":                          "Chrome on Linux",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0":          "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15":             "Safari on macOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile Safari/604": "Safari on iPhone",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36":              "Chrome on Android",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0":                                                 "Firefox on Linux",
		"Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 OPR/106.0":                      "Opera on Windows",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36":                     "Chrome on ChromeOS",
		"curl/8.5.0":         "Curl",
		"Go-http-client/1.1": "A browser",
		"":                   "An unknown device",
	} {
		if got := deviceWords(ua); got != want {
			t.Errorf("deviceWords(%q) = %q, want %q", ua, got, want)
		}
	}
}

func TestAgoWords(t *testing.T) {
	now := time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		10 * time.Second: "just now",
		time.Minute:      "1 minute ago",
		42 * time.Minute: "42 minutes ago",
		3 * time.Hour:    "3 hours ago",
		50 * time.Hour:   "on 1 May 2026",
	} {
		if got := agoWords(now.Add(-d), now); got != want {
			t.Errorf("agoWords(-%s) = %q, want %q", d, got, want)
		}
	}
}

func TestSessionRows_ThisDeviceFirst(t *testing.T) {
	now := time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC)
	rows := sessionRows([]*badges.Session{
		{ID: "a", LastSeenAt: now.Add(-time.Hour), UserAgent: "Firefox/1 (Windows)", Address: "192.0.2.1"},
		{ID: "b", LastSeenAt: now.Add(-2 * time.Hour), UserAgent: "Chrome/1 (Linux)"},
		{ID: "c", LastSeenAt: now, UserAgent: "Safari/1 (Macintosh)"},
	}, "b", now)
	if len(rows) != 3 || !rows[0].ThisDevice || rows[0].Device != "Chrome on Linux" || rows[0].Address != "unknown address" ||
		rows[1].Device != "Safari on macOS" || rows[2].LastActive != "1 hour ago" {
		t.Fatalf("rows %+v", rows)
	}
}
