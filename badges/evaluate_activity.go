package badges

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Conditions on a behaviour's activities: count, sum and peers, read from
// the behaviour's record, all time or within a window.

// inWindow returns the recent events of br in w, newest first. Recent is
// sorted, so this is two binary searches.
func (e *evaluator) inWindow(br *BehaviourRecord, w window) []Event {
	evs := br.Recent
	start := 0
	if br.Last.After(e.now) {
		start = sort.Search(len(evs), func(i int) bool { return !evs[i].At.After(e.now) })
	}
	end := len(evs)
	if !w.open {
		end = sort.Search(len(evs), func(i int) bool { return !evs[i].At.After(w.lo) })
	}
	return evs[start:max(start, end)]
}

// qualifying is the span and evidence links of the events counted.
type qualifying struct {
	from, to time.Time
	links    []string
}

func (q *qualifying) add(ev *Event) {
	if q.to.IsZero() || ev.At.After(q.to) {
		q.to = ev.At
	}
	if q.from.IsZero() || ev.At.Before(q.from) {
		q.from = ev.At
	}
	q.link(ev.EvidenceURL)
}

func (q *qualifying) link(url string) {
	if url != "" && len(q.links) < maxConditionLinks && !slices.Contains(q.links, url) {
		q.links = append(q.links, url)
	}
}

// qualifying describes events, newest first: all of them, or only those
// that name a peer.
func (e *evaluator) qualifying(br *BehaviourRecord, evs []Event, w window, withPeer bool) qualifying {
	var q qualifying
	if !withPeer {
		if len(evs) > 0 {
			q.from, q.to = evs[len(evs)-1].At, evs[0].At
			if w.open && !br.First.IsZero() && !br.First.After(e.now) {
				q.from = br.First // older than Recent may reach
			}
		}
		for i := 0; i < len(evs) && len(q.links) < maxConditionLinks; i++ {
			q.link(evs[i].EvidenceURL)
		}
		return q
	}
	for i := range evs {
		if evs[i].PeerID != "" {
			q.add(&evs[i])
		}
	}
	return q
}

func (e *evaluator) count(c *CountCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), lastDays(e.now, c.WithinDays)
	var n int
	var capped bool
	evs := e.inWindow(br, w)
	switch {
	case c.Distinct != "":
		n, capped = e.activeUnits(br, unitNamed(c.Distinct), w)
	case w.open:
		n = br.Count - e.futureEvents(br)
	default:
		n, capped = len(evs), !br.complete(w.lo)
	}
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, false)
	cp := ConditionProgress{Kind: KindCount, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to, Links: q.links}
	what, times := "", timesPhrase(n, capped)
	if c.Distinct != "" {
		what = " different " + c.Distinct
		times = fmt.Sprintf(unitSentence[unitNamed(c.Distinct)], atLeast(capped)+strconv.Itoa(n))
	}
	cp.Description = fmt.Sprintf("%s: %s%d of %d%s%s", name, atLeast(capped), n, c.Min, what, w.phrase())
	cp.Narrative = sentence(name+" "+times, q.from, q.to)
	cp.Next = countNext(name, c.Distinct, c.Min-n, w.phrase())
	return cp
}

var unitSentence = map[period]string{
	dayPeriod:   "on %s different days",
	weekPeriod:  "in %s different weeks",
	monthPeriod: "in %s different months",
}

// futureEvents counts the recent events after now.
func (e *evaluator) futureEvents(br *BehaviourRecord) int {
	if !br.Last.After(e.now) {
		return 0
	}
	n := 0
	for i := range br.Recent {
		if !br.Recent[i].At.After(e.now) {
			break
		}
		n++
	}
	return n
}

// eventIn reports whether br has an event in (lo, hi], and whether that
// answer is known: a "no" is only known when Recent reaches back to lo.
func (e *evaluator) eventIn(br *BehaviourRecord, lo, hi time.Time) (found, known bool) {
	for i := range br.Recent {
		at := br.Recent[i].At
		if at.After(hi) {
			continue
		}
		if !at.After(lo) {
			break
		}
		return true, true
	}
	return false, br.complete(lo)
}

// activeUnits counts the distinct days, weeks or months in which br has an
// event in window w. Whole units inside the window are read from the unit
// lists; the partly covered units at either end are checked against the
// recent events, and are left out (capped) when those do not reach back far
// enough to tell.
func (e *evaluator) activeUnits(br *BehaviourRecord, unit period, w window) (n int, capped bool) {
	list, limit := br.units(unit)
	top := unit.index(e.now)
	bottom := math.MinInt
	if !w.open {
		bottom = unit.index(w.lo)
	}
	if len(list) >= limit && (w.open || list[0] > bottom) {
		capped = true // older units may have been dropped
	}
	for _, u := range list {
		if u < bottom || u > top {
			continue
		}
		if u != bottom && u != top {
			n++
			continue
		}
		lo := unit.start(u).Add(-1)
		if u == bottom {
			lo = w.lo
		}
		hi := e.now
		if u != top {
			hi = unit.start(u + 1).Add(-1)
		}
		if u == top && u != bottom && !br.Last.After(e.now) {
			n++ // nothing after now, so the unit's events are all in the window
			continue
		}
		found, known := e.eventIn(br, lo, hi)
		if found {
			n++
		} else if !known {
			capped = true
		}
	}
	return n, capped
}

func (e *evaluator) sum(c *SumCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), lastDays(e.now, c.WithinDays)
	evs := e.inWindow(br, w)
	var s float64
	var capped bool
	switch {
	case !w.open:
		s, capped = sumAmounts(evs), !br.complete(w.lo)
	case !br.Last.After(e.now):
		s = br.Sum
	case len(br.Recent) >= br.Count:
		s = sumAmounts(evs)
	default: // leave out the events after now
		s = br.Sum
		for i := range br.Recent {
			if br.Recent[i].At.After(e.now) {
				s -= br.Recent[i].Amount
			}
		}
		s = max(s, 0)
	}
	s = roundAmount(s)
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, false)
	cp := ConditionProgress{Kind: KindSum, Current: s, Required: c.Min, Met: s >= roundAmount(c.Min), Capped: capped,
		From: q.from, To: q.to, Links: q.links}
	cp.Description = fmt.Sprintf("%s: %s%s of %s in total%s", name, atLeast(capped), formatAmount(s), formatAmount(c.Min), w.phrase())
	cp.Narrative = sentence(fmt.Sprintf("%s (%s%s in total)", name, atLeast(capped), formatAmount(s)), q.from, q.to)
	if !cp.Met {
		cp.Next = fmt.Sprintf("%s: %s more in total%s", name, formatAmount(roundAmount(c.Min-s)), w.phrase())
	}
	return cp
}

func sumAmounts(evs []Event) float64 {
	s := 0.0
	for i := range evs {
		s += evs[i].Amount
	}
	return s
}

// roundAmount rounds a sum to a millionth, so that the rounding error of
// adding fractions (0.7 + 0.1 + 0.1 + 0.1) does not decide whether a
// condition is met. Rounding is monotone, so larger sums never round lower.
func roundAmount(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func formatAmount(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}

func (e *evaluator) peers(c *PeersCond) ConditionProgress {
	br, w := e.behaviour(c.Behaviour), lastDays(e.now, c.WithinDays)
	var n int
	var capped bool
	evs := e.inWindow(br, w)
	countRecent := func() int {
		seen := make(map[string]struct{}, len(evs))
		for i := range evs {
			if evs[i].PeerID != "" {
				seen[evs[i].PeerID] = struct{}{}
			}
		}
		return len(seen)
	}
	switch {
	case !w.open:
		n, capped = countRecent(), !br.complete(w.lo)
	case !br.Last.After(e.now):
		n, capped = len(br.Peers), len(br.Peers) >= MaxRecordPeers
	case len(br.Recent) >= br.Count:
		n = countRecent()
	default:
		// Some events are after now: leave out the peers only they name.
		past, future := map[string]bool{}, map[string]bool{}
		for _, ev := range br.Recent {
			if ev.PeerID != "" {
				if ev.At.After(e.now) {
					future[ev.PeerID] = true
				} else {
					past[ev.PeerID] = true
				}
			}
		}
		n = len(br.Peers)
		for p := range future {
			if !past[p] {
				n--
			}
		}
		capped = true
	}
	name, q := e.behaviourName(c.Behaviour), e.qualifying(br, evs, w, true)
	cp := ConditionProgress{Kind: KindPeers, Current: float64(n), Required: float64(c.Min), Met: n >= c.Min,
		Capped: capped, From: q.from, To: q.to, Links: q.links}
	cp.Description = fmt.Sprintf("%s: %s%d of %d different members%s", name, atLeast(capped), n, c.Min, w.phrase())
	cp.Narrative = sentence(peersClause(name, atLeast(capped)+strconv.Itoa(n)), q.from, q.to)
	if !cp.Met {
		cp.Next = peersClause(name, strconv.Itoa(c.Min-n)+" more") + w.phrase()
	}
	return cp
}
