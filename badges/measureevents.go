package badges

import (
	"context"
	"strconv"
)

// A measure's value is computed when it is read, from the weekly counters
// that recording and issuing keep (measurehistory.go): nothing is written
// when a count crosses a target, and adding a check to every activity
// would cost the hot path a read of every measure. So the background work
// looks instead (PublishTargetsMet), every few minutes: for each measure
// it computes the current and the previous period, a few counter
// documents, and publishes measure.target_met for each period whose value
// reached its target. The event's id names the measure and the period, so
// a period is announced once however often it is looked at, and the
// previous period is looked at too so that a target met in a period's
// last minutes is not missed. Each process also remembers what it
// published, so a period met is published once per process, not at every
// look.

// targetPeriods is how many periods, the current one included, each look
// checks.
const targetPeriods = 2

// PublishTargetsMet publishes measure.target_met for the periods of the
// communities' measures that reached their targets and were not published
// by this process already, with one Publish call.
func (s *Measures) PublishTargetsMet(ctx context.Context, issuerIDs []string) error {
	var events []CommunityEvent
	var seen []func()
	for _, issuerID := range issuerIDs {
		ms, err := s.d.Store.Measures(ctx, issuerID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			evs, mark, err := s.targetsMet(ctx, m)
			if err != nil {
				return err
			}
			events, seen = append(events, evs...), append(seen, mark)
		}
	}
	if err := PublishEventBatches(ctx, s.d.Events, events); err != nil {
		return err
	}
	for _, mark := range seen {
		mark()
	}
	return nil
}

// targetsMet lists the events of a measure's recent periods that met its
// target and are not published yet, and what to remember once they are.
func (s *Measures) targetsMet(ctx context.Context, m *Measure) ([]CommunityEvent, func(), error) {
	if m.Target <= 0 {
		return nil, func() {}, nil // met by doing nothing: nothing to announce
	}
	_, points, err := s.History(ctx, m.ID, targetPeriods)
	if ErrorCode(err) == ENOTFOUND {
		return nil, func() {}, nil // deleted meanwhile
	}
	if err != nil {
		return nil, nil, err
	}
	last, _ := s.met.Load(m.ID)
	var events []CommunityEvent
	latest, _ := last.(string)
	for _, p := range points {
		if !p.Met || p.Period <= latest {
			continue
		}
		events = append(events, NewEvent(EventMeasureTargetMet, m.IssuerID, s.d.Now(), EventSubject{MeasureID: m.ID},
			m.ID, p.Period))
		latest = p.Period
	}
	return events, func() { s.met.Store(m.ID, latest) }, nil
}

// MeasureValue is a measure's value in one period, as the describer of a
// measure.target_met event shows it. The period is most often one of the
// latest two, which cost a few counter documents; an older one is looked
// for in the whole history.
func (s *Measures) MeasureValue(ctx context.Context, id, period string) (*Measure, *MeasurePoint, error) {
	m, err := s.d.Store.Measure(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	longest := MaxHistoryWeeks
	if m.Period == MeasureMonthly {
		longest = MaxHistoryMonths
	}
	for _, n := range []int{targetPeriods, longest} {
		m, points, err := s.History(ctx, id, n)
		if err != nil {
			return m, nil, err
		}
		for i := range points {
			if points[i].Period == period {
				return m, &points[i], nil
			}
		}
	}
	return m, nil, Errorf(ENOTFOUND, "Measure %s has no period %s in its history.", id, strconv.Quote(period))
}
