package mongodb_test

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/badges"
)

// TestNotesAreStoredTrimmed checks that endorsement and nomination notes,
// decline reasons and pin notes are stored as they were checked: trimmed,
// so that a note of the longest length with a line break after it is
// accepted and stored without it.
func TestNotesAreStoredTrimmed(t *testing.T) {
	f := newNominationFixture(t, 2)
	ctx := t.Context()
	if _, err := f.awarder.Endorse(ctx, issuerA, badges.EndorseInput{EndorserID: f.leader, MemberID: f.members[0], Note: "  Helpful.\n"}); err != nil {
		t.Fatal(err)
	}
	rec, err := f.awarder.Records.Record(ctx, f.members[0])
	if err != nil || len(rec.Endorsements) != 1 || rec.Endorsements[0].Note != "Helpful." {
		t.Errorf("endorsements %+v, %v; want one noted %q", rec, err, "Helpful.")
	}
	n, err := f.nominations.Nominate(ctx, issuerA, badges.NominateInput{NominatorID: f.leader, MemberID: f.members[1], AchievementID: f.achievement, Note: "\tKind. "})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.nominations.Decide(ctx, n.ID, false, " Not yet.\n")
	if err != nil || d.Note != "Kind." || d.Reason != "Not yet." {
		t.Errorf("nomination %+v, %v; want note %q and reason %q", d, err, "Kind.", "Not yet.")
	}
	longest := strings.Repeat("a", 500)
	if err := f.spotlight.SetPin(ctx, issuerA, &badges.Pin{MemberID: f.members[0], Note: longest + "\n"}); err != nil {
		t.Fatal(err)
	}
	if p, err := f.spotlight.Pinned(ctx, issuerA); err != nil || p == nil || p.Note != longest {
		t.Errorf("pinned %+v, %v; want the note without its line break", p, err)
	}
}
