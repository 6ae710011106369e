package badges_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/badges"
)

// FuzzApplyInput_Validate: whatever a member sends as evidence, validation
// never panics, and what it accepts is within bounds: at most five http(s)
// links of at most 2,000 characters, text of at most 4,000, not both empty;
// what it refuses names its field.
func FuzzApplyInput_Validate(f *testing.F) {
	f.Add("https://example.org/talk", "http://example.org/a b", "I led three sessions.")
	f.Add("", "", "")
	f.Add("javascript:alert(1)", "https://example.org/\r\nBcc: x@y", "<script>alert(1)</script>")
	f.Add(" https://example.org ", "ftp://example.org", "\x00")
	f.Add(strings.Repeat("https://e.org/", 200), "", strings.Repeat("é", 4001))
	f.Fuzz(func(t *testing.T, l1, l2, text string) {
		in := badges.ApplyInput{Links: []string{l1, l2}, Text: text}
		err := in.Validate()
		if err != nil {
			if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) == "" {
				t.Fatalf("refused without naming a field: %v", err)
			}
			return
		}
		if len(in.Links) > badges.MaxApplicationLinks || len(in.Links) == 0 && in.Text == "" {
			t.Fatalf("accepted %+v", in)
		}
		for _, l := range in.Links {
			if !badges.IsHTTPURL(l) || utf8.RuneCountInString(l) > badges.MaxApplicationLinkLen {
				t.Fatalf("accepted the link %q", l)
			}
		}
		if utf8.RuneCountInString(in.Text) > badges.MaxApplicationTextLen {
			t.Fatalf("accepted %d characters of text", utf8.RuneCountInString(in.Text))
		}
	})
}
