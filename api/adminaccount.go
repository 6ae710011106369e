package api

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// sessionRow is one place an account is signed in, in words.
type sessionRow struct {
	Device, Address, LastActive string
	ThisDevice                  bool
}

// sessionRows are an account's sessions, this one first, then the most
// recently active.
func sessionRows(sessions []*badges.Session, current string, now time.Time) []sessionRow {
	sort.SliceStable(sessions, func(i, j int) bool {
		if a, b := sessions[i].ID == current, sessions[j].ID == current; a != b {
			return a
		}
		return sessions[i].LastSeenAt.After(sessions[j].LastSeenAt)
	})
	out := make([]sessionRow, 0, len(sessions))
	for _, s := range sessions {
		addr := s.Address
		if addr == "" {
			addr = "unknown address"
		}
		out = append(out, sessionRow{Device: deviceWords(s.UserAgent), Address: addr, LastActive: agoWords(s.LastSeenAt, now), ThisDevice: s.ID == current})
	}
	return out
}

// deviceWords shortens a browser's User-Agent to what a person knows it
// by ("Chrome on Linux"). Order matters: Edge and Opera also say
// Chrome, Chrome also says Safari, Android also says Linux.
func deviceWords(ua string) string {
	browser := firstMatch(ua, "a browser", [][2]string{{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"},
		{"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"}, {"curl/", "curl"}})
	system := firstMatch(ua, "", [][2]string{{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"},
		{"CrOS", "ChromeOS"}, {"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"}})
	if strings.TrimSpace(ua) == "" {
		return "An unknown device"
	}
	if system == "" {
		return capital(browser)
	}
	return capital(browser) + " on " + system
}

// firstMatch is the words of the first marker ua contains, or otherwise.
func firstMatch(ua, otherwise string, markers [][2]string) string {
	for _, m := range markers {
		if strings.Contains(ua, m[0]) {
			return m[1]
		}
	}
	return otherwise
}

// agoWords says how long ago t was: minutes and hours for today's
// sessions, the date beyond.
func agoWords(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	}
	return "on " + dayOf(t)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
