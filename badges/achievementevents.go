package badges

import "context"

// EventingAchievements is an AchievementService that publishes
// badge.activated whenever a badge becomes active: created active, or its
// status changed to active (a draft published, an archived badge brought
// back). Each activation is its own event, named by the time the active
// badge was stored.
type EventingAchievements struct {
	AchievementService
	Events EventPublisher
	// Report is told of an event that could not be published; the change
	// stands all the same. nil drops it.
	Report func(Notice)
}

// NewEventingAchievements returns achievements that publish to events.
func NewEventingAchievements(achievements AchievementService, events EventPublisher, report func(Notice)) *EventingAchievements {
	return &EventingAchievements{AchievementService: achievements, Events: events, Report: report}
}

// CreateAchievement creates an achievement, publishing badge.activated
// when it is created active.
func (s *EventingAchievements) CreateAchievement(ctx context.Context, issuerID string, in AchievementInput) (*Achievement, error) {
	a, err := s.AchievementService.CreateAchievement(ctx, issuerID, in)
	if err != nil {
		return nil, err
	}
	if a.Status == StatusActive {
		reportEvents(ctx, s.Events, s.Report, badgeActivated(a))
	}
	return a, nil
}

// UpdateAchievement changes an achievement, publishing badge.activated
// when the change made it active. Only a change of status to active reads
// the achievement before: the others cost nothing more. Changing an
// active badge's status to active again publishes nothing, so an event
// lost to a crash after the write is not published again.
func (s *EventingAchievements) UpdateAchievement(ctx context.Context, id string, u AchievementUpdate) (*Achievement, error) {
	if u.Status == nil || *u.Status != StatusActive {
		return s.AchievementService.UpdateAchievement(ctx, id, u)
	}
	was, err := s.AchievementService.Achievement(ctx, id)
	if err != nil {
		return nil, err
	}
	a, err := s.AchievementService.UpdateAchievement(ctx, id, u)
	if err != nil {
		return nil, err
	}
	if was.Status != StatusActive && a.Status == StatusActive {
		reportEvents(ctx, s.Events, s.Report, badgeActivated(a))
	}
	return a, nil
}

// badgeActivated is the event of a badge stored active at a.UpdatedAt.
func badgeActivated(a *Achievement) CommunityEvent {
	return NewEvent(EventBadgeActivated, a.IssuerID, a.UpdatedAt, EventSubject{AchievementID: a.ID},
		a.ID, a.UpdatedAt.UTC().Format("20060102T150405.000Z"))
}
