package badges

import (
	"context"
	"time"
)

// EventingMembers is a MemberService that publishes member.created for
// every member it creates: one by one (the API, the console, an award or
// activity to a new address, a check-in) or by import (a CSV, a bulk
// award, a job). Every path that adds a member goes through the one
// MemberService, so wrapping it catches them all.
type EventingMembers struct {
	MemberService
	Events EventPublisher
	// Report is told of an event that could not be published; the
	// member is added all the same (see eventpublish.go). nil drops it.
	Report func(Notice)
	Now    func() time.Time
}

// NewEventingMembers returns members that publish to events.
func NewEventingMembers(members MemberService, events EventPublisher, report func(Notice), now func() time.Time) *EventingMembers {
	return &EventingMembers{MemberService: members, Events: events, Report: report, Now: now}
}

// CreateMember creates a member and publishes member.created. A second
// attempt finds the address taken and publishes nothing: an event lost
// to a crash between the two is not published again.
func (s *EventingMembers) CreateMember(ctx context.Context, issuerID string, in MemberInput) (*Member, error) {
	m, err := s.MemberService.CreateMember(ctx, issuerID, in)
	if err != nil {
		return nil, err
	}
	reportEvents(ctx, s.Events, s.Report, memberCreated(m.IssuerID, m.ID, m.CreatedAt))
	return m, nil
}

// ImportMembers imports members and publishes member.created for each
// row that created one, a batch at a time: also when the import failed
// after writing some, whose members are added.
func (s *EventingMembers) ImportMembers(ctx context.Context, issuerID string, rows []ImportRow, dryRun bool) (*ImportReport, error) {
	rep, err := s.MemberService.ImportMembers(ctx, issuerID, rows, dryRun)
	if rep == nil || !rep.Applied || rep.DryRun {
		return rep, err
	}
	now := s.Now()
	var events []CommunityEvent
	for _, r := range rep.Rows {
		if r.Status == RowCreated && r.MemberID != "" {
			events = append(events, memberCreated(issuerID, r.MemberID, now))
		}
	}
	if perr := PublishEventBatches(ctx, s.Events, events); perr != nil && s.Report != nil && ctx.Err() == nil {
		s.Report(Notice{Doing: "publishing the events of a member import", Award: events[0].ID, Err: perr})
	}
	return rep, err
}

func memberCreated(issuerID, memberID string, at time.Time) CommunityEvent {
	return NewEvent(EventMemberCreated, issuerID, at, EventSubject{MemberID: memberID}, memberID)
}
