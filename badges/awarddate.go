package badges

import (
	"slices"
	"time"
)

// The date of an award by rule is when the member met the rule, not when
// the queue was worked: history imported late, or a rule created after
// the fact, dates each award in the week it was earned.

// maxScannedMoments is how many moments qualifiedAt tries one by one;
// with more it searches them in halves.
const maxScannedMoments = 16

// qualifiedAt is when a member met a rule that is met at ec.Now: the
// earliest moment of their record, within the rule's current period and
// not before the activity that made it true, at which Evaluate finds the
// rule met. The moments tried are the times of the activity, endorsements,
// tenure anniversaries and prerequisite awards the rule reads. With more
// than maxScannedMoments of them it takes about log2(n) evaluations: a
// bisection between a moment the rule is not met and one it is, which
// finds a moment at which the rule became met (with windows, a rule can
// be met, then not, then met again; the moment found is one of those it
// became met). Where the record cannot tell (history beyond its bounds,
// or nothing the rule reads happened in the period) the answer is ec.Now.
func qualifiedAt(r *Rule, rec *MemberRecord, ec EvalContext) time.Time {
	moments := qualifyingMoments(r, rec, ec.Now)
	met := func(t time.Time) bool {
		at := ec
		at.Now, at.Holds = t, heldAt(ec.Holds, rec, t)
		return Evaluate(r, rec, at).Met
	}
	if len(moments) <= maxScannedMoments {
		for _, t := range moments {
			if met(t) {
				return t
			}
		}
		return ec.Now
	}
	if met(moments[0]) {
		return moments[0]
	}
	lo, hi := 0, len(moments) // not met at moments[lo]; met at moments[hi], or now
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if met(moments[mid]) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if hi == len(moments) {
		return ec.Now
	}
	return moments[hi]
}

// qualifyingMoments lists, oldest first and once each, the moments before
// now at which the rule's answer can have changed: the times of what it
// reads, from the start of its period or, where the record keeps only the
// newest events, from the oldest kept.
func qualifyingMoments(r *Rule, rec *MemberRecord, now time.Time) []time.Time {
	d := r.Dependencies()
	var floor time.Time
	if p := rulePeriod(r.Period); p != noPeriod {
		floor = p.start(p.index(now))
	}
	var ts []time.Time
	behaviours := d.Behaviours
	if d.AnyBehaviour {
		behaviours = behaviours[:0:0]
		for k := range rec.Behaviours {
			behaviours = append(behaviours, k)
		}
	}
	for _, k := range behaviours {
		br := rec.Behaviours[k]
		if br == nil || len(br.Recent) == 0 {
			continue
		}
		if br.Count > len(br.Recent) {
			floor = later(floor, br.Recent[len(br.Recent)-1].At)
		}
		for i := range br.Recent {
			ts = append(ts, br.Recent[i].At)
		}
	}
	if d.Endorsements {
		for i := range rec.Endorsements {
			ts = append(ts, rec.Endorsements[i].At)
		}
		if n := len(rec.Endorsements); n >= MaxRecordEndorsements {
			floor = later(floor, rec.Endorsements[n-1].At)
		}
	}
	for _, id := range d.Achievements {
		if on, ok := rec.AwardedOn[id]; ok {
			ts = append(ts, on)
		}
	}
	if d.Tenure && !rec.JoinedAt.IsZero() {
		_ = walkConditions(r.Condition, "", func(c Condition, _ string) error {
			if c.Tenure != nil {
				ts = append(ts, rec.JoinedAt.Add(time.Duration(c.Tenure.Days)*dayDuration))
			}
			return nil
		})
	}
	ts = slices.DeleteFunc(ts, func(t time.Time) bool { return t.Before(floor) || !t.Before(now) })
	slices.SortFunc(ts, time.Time.Compare)
	return slices.CompactFunc(ts, time.Time.Equal)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// heldAt is holds as of t: a badge awarded by rule after t was not held
// then. A badge whose award date the record does not know (awarded by
// hand, or long ago) counts as held all along.
func heldAt(holds func(string) bool, rec *MemberRecord, t time.Time) func(string) bool {
	return func(id string) bool {
		if holds == nil || !holds(id) {
			return false
		}
		on, ok := rec.AwardedOn[id]
		return !ok || !on.After(t)
	}
}

// noteAwardedOn remembers the date of an award by rule that MarkAwarded
// recorded, and forgets the dates of badges Awarded no longer lists.
func noteAwardedOn(rec *MemberRecord, achievementID string, on time.Time) {
	if on.IsZero() {
		return
	}
	if rec.AwardedOn == nil {
		rec.AwardedOn = map[string]time.Time{}
	}
	rec.AwardedOn[achievementID] = on
	if len(rec.AwardedOn) > len(rec.Awarded) {
		for id := range rec.AwardedOn {
			if _, ok := rec.Awarded[id]; !ok {
				delete(rec.AwardedOn, id)
			}
		}
	}
}
