package badges

import (
	"strings"
	"testing"
)

// TestCheckNote checks that a note is judged, and returned, trimmed: the
// form it is stored in.
func TestCheckNote(t *testing.T) {
	long := strings.Repeat("é", 20)
	for _, tc := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"OK", "Helpful.", "Helpful.", false},
		{"OK/trimmed", " \n Helpful.\tTwice.\n ", "Helpful.\tTwice.", false},
		{"OK/blank", "   ", "", false},
		{"OK/long once trimmed", "  " + long + "\n", long, false},
		{"400/too long", long + "é", "", true},
		{"400/control", "Helpful.\x1b[2J", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkNote("note", tc.in, 20)
			if got != tc.want || (err != nil) != tc.wantErr || (err != nil && (ErrorCode(err) != EINVALID || ErrorField(err) != "note")) {
				t.Fatalf("checkNote(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
