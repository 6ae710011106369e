package badges

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"
)

// A check-in is a live session's way to record that members were there: a
// host opens one for a behaviour of the community ("Attended a session")
// with a time window; Laurel gives it a short code and a link, shown as a
// QR code in the room; each member who confirms has the behaviour recorded
// once, through the same recording as any other activity, so rules award
// as they always do. After the window the code stops working.

// CheckIn is one session's check-in.
type CheckIn struct {
	ID        string
	IssuerID  string
	Code      string // the short code people type; unique while the check-in is open
	Behaviour string // the behaviour key each confirmation records
	Title     string // what the session is, e.g. "Tuesday study group"
	OpensAt   time.Time
	ClosesAt  time.Time
	ClosedAt  time.Time // when the host closed it early; zero otherwise
	HostName  string    // who opened it, for the console
	// HostMemberID is the leader who opened it from the member portal; ""
	// when it was opened in the console or the API.
	HostMemberID string
	CreatedAt    time.Time
	Count        int               // members checked in, all of them
	Attendees    []CheckInAttendee // the latest MaxCheckInAttendees, oldest first
}

// CheckInAttendee is one member who checked in.
type CheckInAttendee struct {
	MemberID string
	Name     string
	At       time.Time
}

// Bounds of a check-in.
const (
	CheckInCodeLen        = 6
	DefaultCheckInWindow  = 2 * time.Hour
	MinCheckInWindow      = 5 * time.Minute
	MaxCheckInWindow      = 24 * time.Hour
	MaxCheckInAttendees   = 500
	maxCheckInTitleLen    = 120
	MaxCheckInsListed     = 200                                // a community's check-ins its list keeps, newest first
	checkInCodeAlphabet   = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" // no 0/O, 1/I: read aloud and typed without doubt
	checkInCodeGenerateTo = 8                                  // codes tried before giving up
)

// Ends is when the check-in stops taking confirmations.
func (ci *CheckIn) Ends() time.Time {
	if !ci.ClosedAt.IsZero() && ci.ClosedAt.Before(ci.ClosesAt) {
		return ci.ClosedAt
	}
	return ci.ClosesAt
}

// OpenAt reports whether the check-in takes confirmations at t.
func (ci *CheckIn) OpenAt(t time.Time) bool {
	return !t.Before(ci.OpensAt) && t.Before(ci.Ends())
}

// Attended reports whether a member is among the listed attendees.
func (ci *CheckIn) Attended(memberID string) bool {
	for _, a := range ci.Attendees {
		if a.MemberID == memberID {
			return true
		}
	}
	return false
}

// addAttendee lists a member once; the list keeps the latest
// MaxCheckInAttendees and Count counts them all.
func (ci *CheckIn) addAttendee(a CheckInAttendee) bool {
	if ci.Attended(a.MemberID) {
		return false
	}
	ci.Count++
	ci.Attendees = append(ci.Attendees, a)
	if over := len(ci.Attendees) - MaxCheckInAttendees; over > 0 {
		ci.Attendees = append([]CheckInAttendee(nil), ci.Attendees[over:]...)
	}
	return true
}

// CheckInLink is a single-use link sent by e-mail that confirms one
// member's check-in; only its token's hash is stored.
type CheckInLink struct {
	CheckInID string
	MemberID  string
	ExpiresAt time.Time
	UsedAt    time.Time
}

// CheckInStore keeps check-ins, their codes, their lists per community and
// their e-mailed links.
type CheckInStore interface {
	// CreateCheckIn stores a new check-in and reserves its code; ECONFLICT
	// when an open check-in holds the code.
	CreateCheckIn(ctx context.Context, ci *CheckIn) error
	// CheckIn reads one by id; ENOTFOUND when there is none.
	CheckIn(ctx context.Context, id string) (*CheckIn, error)
	// CheckInByCode reads the check-in holding a code; ENOTFOUND when none.
	CheckInByCode(ctx context.Context, code string) (*CheckIn, error)
	// CheckInsOf lists a community's latest check-ins, newest first.
	CheckInsOf(ctx context.Context, issuerID string) ([]*CheckIn, error)
	// ChangeCheckIn changes a check-in atomically; change may run more
	// than once and may refuse with an error, writing nothing.
	ChangeCheckIn(ctx context.Context, id string, change func(*CheckIn) error) (*CheckIn, error)
	// SaveCheckInLink stores a link under its token's hash.
	SaveCheckInLink(ctx context.Context, hash string, l CheckInLink) error
	// CheckInLink reads a link; ENOTFOUND when there is none.
	CheckInLink(ctx context.Context, hash string) (*CheckInLink, error)
	// UseCheckInLink marks a link used at now, once: ENOTFOUND when there is
	// none, ECONFLICT when it was used or has expired.
	UseCheckInLink(ctx context.Context, hash string, now time.Time) (*CheckInLink, error)
	// DeleteCheckInLinksBefore removes the links that expired before a time.
	DeleteCheckInLinksBefore(ctx context.Context, before time.Time) error
	// RecentAttempts are the times of the attempts counted under a key of
	// the sign-in limits (see SignInLimitStore), without counting one.
	RecentAttempts(ctx context.Context, key string) ([]time.Time, error)
}

// NewCheckInCode returns a random code of CheckInCodeLen characters of
// the check-in alphabet: 32 symbols, so each random byte gives one without
// bias.
func NewCheckInCode() string {
	var b [CheckInCodeLen]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = checkInCodeAlphabet[int(b[i])%len(checkInCodeAlphabet)]
	}
	return string(b[:])
}

// ParseCheckInCode reads a code as a person types or pastes it: any case,
// with spaces or dashes between characters, or the whole check-in URL.
// It returns the code in its canonical form, or an error naming the field
// "code".
func ParseCheckInCode(s string) (string, error) {
	if len(s) > 2048 || !utf8.ValidString(s) {
		return "", errCheckInCode()
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/checkin/"); i >= 0 {
		s = s[i+len("/checkin/"):]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 0x7f || !strings.ContainsRune(checkInCodeAlphabet, r) || b.Len() >= CheckInCodeLen {
			return "", errCheckInCode()
		}
		b.WriteRune(r)
	}
	if b.Len() != CheckInCodeLen {
		return "", errCheckInCode()
	}
	return b.String(), nil
}

func errCheckInCode() error {
	return FieldErrorf("code", "The check-in code must be %d letters and digits, as shown in the room.", CheckInCodeLen)
}

// CheckInInput is what a host gives to open a check-in.
type CheckInInput struct {
	Behaviour string
	Title     string
	Window    time.Duration // 0 means DefaultCheckInWindow
	HostName  string
	// HostMemberID is the leader opening it from the member portal.
	HostMemberID string
}

// validate checks a check-in's input against the community's behaviours.
func (in *CheckInInput) validate(behaviours []Behaviour) error {
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return FieldErrorf("title", "The title is required: say what the session is.")
	case utf8.RuneCountInString(in.Title) > maxCheckInTitleLen:
		return FieldErrorf("title", "The title is longer than %d characters.", maxCheckInTitleLen)
	case strings.ContainsFunc(in.Title, isControl):
		return FieldErrorf("title", "The title must not contain control characters.")
	}
	if in.Window == 0 {
		in.Window = DefaultCheckInWindow
	}
	if in.Window < MinCheckInWindow || in.Window > MaxCheckInWindow {
		return FieldErrorf("window", "The window must be from 5 minutes to 24 hours.")
	}
	for _, b := range behaviours {
		if b.Key == in.Behaviour && !b.Retired {
			return nil
		}
	}
	return FieldErrorf("behaviour", "Choose one of the community's behaviours for the check-in to record.")
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
