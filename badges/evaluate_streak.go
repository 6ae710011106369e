package badges

import (
	"fmt"
	"slices"
	"time"
)

// The streak condition: the longest run of consecutive weeks or months with
// activity.

func (e *evaluator) streak(c *StreakCond) ConditionProgress {
	var brs []*BehaviourRecord
	if c.Behaviour != "" {
		brs = append(brs, e.behaviour(c.Behaviour))
	} else {
		keys := make([]string, 0, len(e.rec.Behaviours))
		for k := range e.rec.Behaviours {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			brs = append(brs, e.rec.Behaviours[k])
		}
	}
	unit := unitNamed(c.Unit)
	var units []int
	capped := false
	for i, br := range brs {
		list, limit := br.units(unit)
		capped = capped || len(list) >= limit
		if i == 0 {
			units = e.unitsUpToNow(br, unit, list) // read only
		} else {
			units = mergeIndexes(units, e.unitsUpToNow(br, unit, list))
		}
	}
	best, bestEnd := longestRun(units)
	cp := ConditionProgress{Kind: KindStreak, Current: float64(best), Required: float64(c.Min), Met: best >= c.Min, Capped: capped}
	if best > 0 {
		cp.From = unit.start(bestEnd - best + 1)
		cp.To = unit.start(bestEnd + 1).Add(-time.Second)
		if cp.To.After(e.now) {
			cp.To = e.now
		}
		cp.Links = e.streakLinks(brs, cp.From, cp.To)
	}
	name, subject := "Any activity", "Was active"
	if c.Behaviour != "" {
		name = e.behaviourName(c.Behaviour)
		subject = name
	}
	cp.Description = fmt.Sprintf("%s: %s%d of %d %s in a row", name, atLeast(capped), best, c.Min, c.Unit)
	cp.Narrative = sentence(fmt.Sprintf("%s %s%d %s in a row", subject, atLeast(capped), best, c.Unit), cp.From, cp.To)
	if !cp.Met {
		cp.Next = streakNext(subject, c.Min, best, c.Unit)
	}
	return cp
}

// unitsUpToNow is the active units of list up to now's unit, which is left
// out when all its events are after now.
func (e *evaluator) unitsUpToNow(br *BehaviourRecord, unit period, list []int) []int {
	top := unit.index(e.now)
	end := len(list)
	for end > 0 && list[end-1] > top {
		end--
	}
	list = list[:end]
	if end > 0 && list[end-1] == top && br.Last.After(e.now) {
		if found, _ := e.eventIn(br, unit.start(top).Add(-1), e.now); !found {
			list = list[:end-1]
		}
	}
	return list
}

func (e *evaluator) streakLinks(brs []*BehaviourRecord, from, to time.Time) []string {
	var evs []*Event
	for _, br := range brs {
		for i := range br.Recent {
			ev := &br.Recent[i]
			if ev.At.Before(from) {
				break
			}
			if ev.EvidenceURL != "" && !ev.At.After(to) {
				evs = append(evs, ev)
			}
		}
	}
	slices.SortStableFunc(evs, func(a, b *Event) int { return b.At.Compare(a.At) })
	var q qualifying
	for _, ev := range evs {
		q.add(ev)
	}
	return q.links
}
