package badges

import "time"

// A member's public profile is theirs to switch on and off (consent), and
// their display name theirs to choose; an admin may change both too. Each
// change is recorded on the member with when and by whom, so that the
// portal can say "Your profile is public since 3 May 2026" and anyone
// asking can be shown who decided.

// Who changed a member's choices.
const (
	ByMember = "member"
	ByAdmin  = "admin"
)

// What a recorded change was.
const (
	ChoicePublicProfile = "publicProfile"
	ChoiceDisplayName   = "displayName"
)

// MaxMemberChoices bounds the changes a member keeps: the newest.
const MaxMemberChoices = 20

// MemberChoice is one change of a member's public profile switch or
// display name.
type MemberChoice struct {
	At     time.Time
	What   string // ChoicePublicProfile or ChoiceDisplayName
	Public bool   // the switch as it was set, for ChoicePublicProfile
	By     string // ByMember or ByAdmin
}

// RecordChoices adds to n, the member as changed from old, the changes of
// its public profile switch and display name, made by by (ByMember, or an
// admin when empty), keeping the newest MaxMemberChoices.
func RecordChoices(old, n *Member, by string, at time.Time) {
	if by != ByMember {
		by = ByAdmin
	}
	choices := append([]MemberChoice(nil), old.Choices...)
	if n.PublicProfile != old.PublicProfile {
		choices = append(choices, MemberChoice{At: at, What: ChoicePublicProfile, Public: n.PublicProfile, By: by})
	}
	if n.DisplayName != old.DisplayName {
		choices = append(choices, MemberChoice{At: at, What: ChoiceDisplayName, By: by})
	}
	if len(choices) > MaxMemberChoices {
		choices = choices[len(choices)-MaxMemberChoices:]
	}
	n.Choices = choices
}

// PublicSince is when the member's public profile was last switched to
// its present state, and by whom: the last recorded change, or the
// member's creation (by an admin) when none is recorded.
func (m *Member) PublicSince() (time.Time, string) {
	for i := len(m.Choices) - 1; i >= 0; i-- {
		if c := m.Choices[i]; c.What == ChoicePublicProfile {
			return c.At, c.By
		}
	}
	return m.CreatedAt, ByAdmin
}
