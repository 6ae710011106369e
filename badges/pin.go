package badges

import (
	"context"
	"fmt"
	"time"
)

// Pin is a member an admin puts in a community's spotlight, with a note.
type Pin struct {
	MemberID string
	Note     string
	PinnedAt time.Time
}

const maxPinNoteLen = 500

// PinStore keeps each community's spotlight pin.
type PinStore interface {
	// SetPin stores (nil: removes) a community's pin.
	SetPin(ctx context.Context, issuerID string, p *Pin) error
	// Pin reads it; nil when there is none.
	Pin(ctx context.Context, issuerID string) (*Pin, error)
}

// Spotlight keeps the member each community puts in its spotlight.
type Spotlight struct {
	pins    PinStore
	members MemberService
	now     func() time.Time
}

// NewSpotlight returns the spotlight kept in pins, of the members of
// members, on the clock now.
func NewSpotlight(pins PinStore, members MemberService, now func() time.Time) *Spotlight {
	return &Spotlight{pins: pins, members: members, now: now}
}

// SetPin puts a member of the community in its spotlight (nil removes
// the pin).
func (s *Spotlight) SetPin(ctx context.Context, issuerID string, p *Pin) error {
	if p != nil {
		m, err := s.members.Member(ctx, p.MemberID)
		if ErrorCode(err) == ENOTFOUND || (err == nil && m.IssuerID != issuerID) {
			return FieldErrorf("memberId", "no member %q in this community", p.MemberID)
		} else if err != nil {
			return err
		}
		// The spotlight is public: it may only show a member who chose a
		// public profile.
		if !m.PublicProfile {
			return &Error{Code: ECONFLICT, Field: "memberId", Message: fmt.Sprintf(
				"%s has not consented to a public profile, so they cannot be pinned to the spotlight.", m.DisplayName)}
		}
		note, err := checkNote("note", p.Note, maxPinNoteLen)
		if err != nil {
			return err
		}
		p.Note, p.PinnedAt = note, s.now().UTC()
	}
	return s.pins.SetPin(ctx, issuerID, p)
}

// Pinned returns the community's pinned member; nil when there is none.
func (s *Spotlight) Pinned(ctx context.Context, issuerID string) (*Pin, error) {
	return s.pins.Pin(ctx, issuerID)
}
