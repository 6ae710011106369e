package mongodb_test

import (
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestSpotlight_PinNote refuses a pin note with control characters, as
// other text fields do, and keeps a good one.
func TestSpotlight_PinNote(t *testing.T) {
	f := newNominationFixture(t, 1)
	ctx := t.Context()
	for _, note := range []string{"Ran the evening.\x1b[2J", "Bell\a", "Nul\x00"} {
		err := f.spotlight.SetPin(ctx, issuerA, &badges.Pin{MemberID: f.members[0], Note: note})
		if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "note" {
			t.Errorf("note %q: %v, want a note error", note, err)
		}
	}
	if err := f.spotlight.SetPin(ctx, issuerA, &badges.Pin{MemberID: f.members[0], Note: "Ran the newcomers' evening.\nTwice."}); err != nil {
		t.Fatal(err)
	}
	p, err := f.spotlight.Pinned(ctx, issuerA)
	if err != nil || p == nil || p.Note != "Ran the newcomers' evening.\nTwice." {
		t.Fatalf("pinned %+v, %v", p, err)
	}
}
