package badges

import (
	"context"
	"time"
)

// CheckInRecorder records activity: the Awarder, whose recording path the
// activity API uses too.
type CheckInRecorder interface {
	Record(ctx context.Context, issuerID string, ins []ActivityInput) ([]ActivityResult, error)
}

// CheckIns opens, closes and confirms check-ins (checkin.go).
type CheckIns struct {
	Store      CheckInStore
	Members    MemberService
	Recorder   CheckInRecorder
	Behaviours func(ctx context.Context, issuerID string) ([]Behaviour, error)
	Limits     SignInLimitStore // counts wrong codes per address and links per e-mail address
	// Notifier queues the e-mails with confirmation links; nil sends none.
	Notifier Notifier
	// LinkURL is the URL of a confirmation link with its token.
	LinkURL func(code, token string) string
	Now     func() time.Time // the clock; required
}

func (s *CheckIns) now() time.Time { return s.Now().UTC() }

// Open opens a check-in of a community, from now for the input's window,
// under a fresh code.
func (s *CheckIns) Open(ctx context.Context, issuerID string, in CheckInInput) (*CheckIn, error) {
	bs, err := s.Behaviours(ctx, issuerID)
	if err != nil {
		return nil, err
	}
	if err := in.validate(bs); err != nil {
		return nil, err
	}
	now := s.now()
	ci := &CheckIn{ID: NewID(), IssuerID: issuerID, Behaviour: in.Behaviour, Title: in.Title,
		OpensAt: now, ClosesAt: now.Add(in.Window), HostName: in.HostName, HostMemberID: in.HostMemberID, CreatedAt: now}
	for range checkInCodeGenerateTo {
		ci.Code = NewCheckInCode()
		err = s.Store.CreateCheckIn(ctx, ci)
		if ErrorCode(err) != ECONFLICT {
			return ci, err
		}
	}
	return nil, Errorf(EUNAVAILABLE, "No free check-in code was found; try again.")
}

// CheckIn reads a check-in of a community; one of another community is not
// found.
func (s *CheckIns) CheckIn(ctx context.Context, issuerID, id string) (*CheckIn, error) {
	ci, err := s.Store.CheckIn(ctx, id)
	if err != nil {
		return nil, err
	}
	if ci.IssuerID != issuerID {
		return nil, Errorf(ENOTFOUND, "No check-in with id %q.", id)
	}
	return ci, nil
}

// CheckInsOf lists a community's latest check-ins, newest first.
func (s *CheckIns) CheckInsOf(ctx context.Context, issuerID string) ([]*CheckIn, error) {
	return s.Store.CheckInsOf(ctx, issuerID)
}

// Close ends a check-in now; closing one that has ended changes nothing.
func (s *CheckIns) Close(ctx context.Context, issuerID, id string) (*CheckIn, error) {
	if _, err := s.CheckIn(ctx, issuerID, id); err != nil {
		return nil, err
	}
	now := s.now()
	return s.Store.ChangeCheckIn(ctx, id, func(ci *CheckIn) error {
		if ci.OpenAt(now) {
			ci.ClosedAt = now
		}
		return nil
	})
}

// errCheckInClosed answers a confirmation after the window.
func errCheckInClosed(ci *CheckIn) error {
	return Errorf(ECONFLICT, "This check-in closed on %s; ask the host if you were there.", ci.Ends().Format("2 January 2006 at 15:04 UTC"))
}

// Confirm records a member's check-in: the check-in's behaviour, once, as
// an activity whose source event id names the check-in and the member, so
// that confirming again (or a retry after a failure) is a duplicate. It
// reports whether the member had checked in already.
func (s *CheckIns) Confirm(ctx context.Context, ci *CheckIn, memberID string) (already bool, err error) {
	now := s.now()
	if !ci.OpenAt(now) {
		return false, errCheckInClosed(ci)
	}
	m, err := s.Members.Member(ctx, memberID)
	if err != nil || m.IssuerID != ci.IssuerID {
		return false, Errorf(ENOTFOUND, "You are not a member of the community running this check-in.")
	}
	res, err := s.Recorder.Record(ctx, ci.IssuerID, []ActivityInput{{Activity: Activity{
		MemberID: memberID, Behaviour: ci.Behaviour, At: now,
		SourceEventID: "checkin:" + ci.ID + ":" + memberID, Narrative: "Checked in: " + ci.Title,
	}}})
	if err != nil {
		return false, err
	}
	if res[0].Outcome == ActivityRejected {
		return false, res[0].Err
	}
	attendee := CheckInAttendee{MemberID: memberID, Name: m.DisplayName, At: now}
	added := false
	_, err = s.Store.ChangeCheckIn(ctx, ci.ID, func(c *CheckIn) error {
		added = c.addAttendee(attendee) // the change may run again: its last run counts
		return nil
	})
	// Two confirmations at once may both find the activity new (the second
	// completes the first's unfinished batch and answers "recorded"), but
	// only one lists the member.
	return res[0].Outcome == ActivityDuplicate || !added, err
}
