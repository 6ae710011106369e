package badges_test

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// TestRecordChoices: changes of the public profile switch and the name
// are recorded with time and who made them; other changes are not; the
// record keeps the newest MaxMemberChoices.
func TestRecordChoices(t *testing.T) {
	at := time.Date(2026, 5, 3, 9, 0, 0, 0, time.UTC)
	old := &badges.Member{DisplayName: "Ada", CreatedAt: at.Add(-time.Hour)}
	if since, by := old.PublicSince(); !since.Equal(old.CreatedAt) || by != badges.ByAdmin {
		t.Fatalf("before any change: since %v by %s", since, by)
	}
	n := *old
	n.PublicProfile, n.DisplayName = true, "Ada King"
	badges.RecordChoices(old, &n, badges.ByMember, at)
	want := []badges.MemberChoice{{At: at, What: badges.ChoicePublicProfile, Public: true, By: badges.ByMember}, {At: at, What: badges.ChoiceDisplayName, By: badges.ByMember}}
	if len(n.Choices) != 2 || n.Choices[0] != want[0] || n.Choices[1] != want[1] {
		t.Fatalf("choices %+v, want %+v", n.Choices, want)
	}
	if since, by := n.PublicSince(); !since.Equal(at) || by != badges.ByMember {
		t.Fatalf("since %v by %s", since, by)
	}
	same := n
	same.Email = "ada@example.org"
	badges.RecordChoices(&n, &same, "", at)
	if len(same.Choices) != 2 {
		t.Fatalf("a change of address recorded a choice: %+v", same.Choices)
	}
	cur := same
	for i := range 2 * badges.MaxMemberChoices {
		next := cur
		next.PublicProfile = !cur.PublicProfile
		badges.RecordChoices(&cur, &next, "", at.Add(time.Duration(i)*time.Minute))
		cur = next
	}
	last := cur.Choices[len(cur.Choices)-1]
	if len(cur.Choices) != badges.MaxMemberChoices || last.By != badges.ByAdmin || !last.At.Equal(at.Add(time.Duration(2*badges.MaxMemberChoices-1)*time.Minute)) {
		t.Fatalf("%d choices, the last %+v", len(cur.Choices), last)
	}
}
