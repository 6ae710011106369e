package badges_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

func TestParseCheckInCode(t *testing.T) {
	for in, want := range map[string]string{
		"ABC234":    "ABC234",
		" abc 234 ": "ABC234",
		"abc-234":   "ABC234",
		"https://badges.example.org/checkin/ABC234": "ABC234",
		"http://x/checkin/abc234?utm=1":             "ABC234",
	} {
		if got, err := badges.ParseCheckInCode(in); err != nil || got != want {
			t.Errorf("ParseCheckInCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ABC23", "ABC2345", "ABC0O1", "ABCI23", "ÄBC234", "ABC\x00234", "/checkin/"} {
		if got, err := badges.ParseCheckInCode(in); badges.ErrorField(err) != "code" {
			t.Errorf("ParseCheckInCode(%q) = %q, %v; want an error on the code", in, got, err)
		}
	}
}

func TestNewCheckInCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := badges.NewCheckInCode()
		if got, err := badges.ParseCheckInCode(c); err != nil || got != c {
			t.Fatalf("code %q does not parse as itself: %q, %v", c, got, err)
		}
		seen[c] = true
	}
	if len(seen) < 199 {
		t.Errorf("%d distinct codes of 200", len(seen))
	}
}

// FuzzParseCheckInCode: whatever is typed, a code comes out canonical (it
// parses as itself, of the alphabet only) or the error names the field.
func FuzzParseCheckInCode(f *testing.F) {
	for _, s := range []string{"ABC234", " abc-234 ", "https://x/checkin/ABC234/link/t", "0O1I", "", "ÄÖÜ", "/checkin//checkin/ABC234", strings.Repeat("A", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := badges.ParseCheckInCode(s)
		if err != nil {
			if badges.ErrorField(err) != "code" {
				t.Fatalf("error %v names no code field", err)
			}
			return
		}
		if len(code) != badges.CheckInCodeLen || strings.ContainsAny(code, "01IO") || strings.ToUpper(code) != code {
			t.Fatalf("%q gave the code %q", s, code)
		}
		if again, err := badges.ParseCheckInCode(code); err != nil || again != code {
			t.Fatalf("code %q parses as %q, %v", code, again, err)
		}
	})
}
