package wire

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/issuer"
)

// EventRelay is the one badges.EventPublisher every service that causes
// events is given. It forwards to the publisher it was told to Use (the
// webhook outbox), which can be built after the services: until then, and
// without one, events are dropped.
type EventRelay struct{ to atomic.Pointer[publisher] }

type publisher struct{ badges.EventPublisher }

// Use makes p the publisher events are forwarded to; nil drops them.
func (r *EventRelay) Use(p badges.EventPublisher) {
	if p == nil {
		r.to.Store(nil)
		return
	}
	r.to.Store(&publisher{p})
}

// Publish forwards events to the publisher in use.
func (r *EventRelay) Publish(ctx context.Context, events ...badges.CommunityEvent) error {
	p := r.to.Load()
	if p == nil {
		return nil
	}
	return p.Publish(ctx, events...)
}

// newEvents makes the relay, its publisher c.Events, the stores' views
// that publish what they cause (members added, badges activated) and the
// describer of events.
func (l *Laurel) newEvents(c *Config) {
	l.Events = &EventRelay{}
	l.Events.Use(c.Events)
	report := LogNotices(c.Logger)
	st := l.Stores
	l.Members = badges.NewEventingMembers(st.Members, l.Events, report, time.Now)
	l.Achievements = badges.NewEventingAchievements(st.Achievements, l.Events, report)
}

// newDescriber makes the describer of events, once the measures exist.
func (l *Laurel) newDescriber() {
	st := l.Stores
	l.Describer = issuer.NewEventDescriber(issuer.DescriberDeps{Profiles: st.Profiles, Achievements: st.Achievements,
		Members: st.Members, Credentials: st.Credentials, Showcases: st.Showcases, Nominations: st.Nominations,
		Records: st.Records, Measures: l.Measures, Pins: st.Pins, URLs: l.URLs})
}

// measureLookEvery is how often the background work looks for measures
// that reached their targets: a target met is announced within it.
const measureLookEvery = 5 * time.Minute

// sweepMeasures publishes the measures that reached their targets, at
// start and then every measureLookEvery, until ctx ends.
func (l *Laurel) sweepMeasures(ctx context.Context, log *slog.Logger) {
	ids := communityIDs(l.Stores)
	for {
		issuers, err := ids(ctx)
		if err == nil {
			err = l.Measures.PublishTargetsMet(ctx, issuers)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("publishing measures that reached their targets", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(measureLookEvery):
		}
	}
}
