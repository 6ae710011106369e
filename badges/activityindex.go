package badges

import (
	"cmp"
	"slices"
	"time"
)

// The activity index lists one member's activities, newest first, so that
// a manager can see and correct them without a query over the whole
// activity log (which the embedded engine answers by reading all of it).
// It is a computed document per member, written as activity is applied to
// the member's record, before the record itself (see Awarder.apply): a
// record never holds an activity its index lacks, which is what lets a
// correction rebuild the record from the index.

// MaxIndexedActivities is how many activities a member's index keeps, the
// newest by date. Past it the oldest are dropped (and counted): they stay
// in the log and in the record, but cannot be listed, and a record that
// lost index entries cannot be rebuilt, so its activities cannot be voided.
const MaxIndexedActivities = 5000

// ActivityIndex is a member's activities, newest first.
type ActivityIndex struct {
	Entries []IndexedActivity // by At then ID, newest first
	Dropped int               // entries dropped past MaxIndexedActivities
}

// IndexedActivity is one activity in a member's index: enough to order
// and select it; the log has the rest.
type IndexedActivity struct {
	ID         string
	At         time.Time
	RecordedAt time.Time
	Behaviour  string
	Voided     bool
}

// compareIndexed orders entries newest first.
func compareIndexed(x, y IndexedActivity) int {
	return cmp.Or(y.At.Compare(x.At), cmp.Compare(y.ID, x.ID))
}

// Add puts activities in the index, each once: an activity indexed
// already is left as it is. It reports whether anything changed.
func (x *ActivityIndex) Add(acts []Activity) bool {
	changed := false
	for _, a := range acts {
		e := IndexedActivity{ID: a.ID, At: utc(a.At), RecordedAt: utc(a.RecordedAt), Behaviour: a.Behaviour}
		i, found := slices.BinarySearchFunc(x.Entries, e, compareIndexed)
		if found {
			continue
		}
		if i == len(x.Entries) && i >= MaxIndexedActivities {
			x.Dropped++ // older than everything kept
			continue
		}
		x.Entries = slices.Insert(x.Entries, i, e)
		changed = true
		if len(x.Entries) > MaxIndexedActivities {
			x.Entries = x.Entries[:MaxIndexedActivities]
			x.Dropped++
		}
	}
	return changed
}

// AddLogged is Add of activities as the log holds them: those voided are
// marked voided, whether they were indexed before or not.
func (x *ActivityIndex) AddLogged(ls []LoggedActivity) bool {
	acts := make([]Activity, len(ls))
	for i, l := range ls {
		acts[i] = l.Activity
	}
	changed := x.Add(acts)
	for _, l := range ls {
		if l.Void == nil {
			continue
		}
		for i := range x.Entries {
			if e := &x.Entries[i]; e.ID == l.ID && !e.Voided {
				e.Voided, changed = true, true
			}
		}
	}
	return changed
}

// lacks reports whether a member's record holds activity their index
// does not, so that it cannot be rebuilt from the index; for an index
// that dropped entries past MaxIndexedActivities it reports false, as no
// backfill can mend it.
func (x *ActivityIndex) lacks(rec *MemberRecord) bool {
	recorded := 0
	for _, br := range rec.Behaviours {
		recorded += br.Count
	}
	return x.Dropped == 0 && recorded > len(x.Live())
}

// MarkVoided marks an activity voided; it reports false when the index
// does not hold it.
func (x *ActivityIndex) MarkVoided(id string) bool {
	for i := range x.Entries {
		if x.Entries[i].ID == id {
			x.Entries[i].Voided = true
			return true
		}
	}
	return false
}

// Live returns the ids of the activities not voided, oldest recorded
// first: the order a record was given them in.
func (x *ActivityIndex) Live() []string {
	live := slices.DeleteFunc(slices.Clone(x.Entries), func(e IndexedActivity) bool { return e.Voided })
	slices.SortStableFunc(live, func(a, b IndexedActivity) int { return a.RecordedAt.Compare(b.RecordedAt) })
	ids := make([]string, len(live))
	for i, e := range live {
		ids[i] = e.ID
	}
	return ids
}

// Page returns one page of the index, newest first, after the cursor of
// the previous page.
func (x *ActivityIndex) Page(o ListOptions) (Page[IndexedActivity], error) {
	if err := o.Normalize(); err != nil {
		return Page[IndexedActivity]{}, err
	}
	start := 0
	if o.Cursor != "" {
		key, err := DecodeCursor(o.Cursor)
		if err != nil {
			return Page[IndexedActivity]{}, err
		}
		start, _ = slices.BinarySearchFunc(x.Entries, key, func(e IndexedActivity, key string) int {
			return cmp.Compare(key, SortKey(e.At, e.ID)) // the entries run from the greatest key down
		})
		if start < len(x.Entries) && SortKey(x.Entries[start].At, x.Entries[start].ID) == key {
			start++
		}
	}
	end := min(start+o.Limit, len(x.Entries))
	p := Page[IndexedActivity]{Items: slices.Clone(x.Entries[start:end]), Total: len(x.Entries)}
	if end < len(x.Entries) && end > start {
		last := x.Entries[end-1]
		p.NextCursor = EncodeCursor(SortKey(last.At, last.ID))
	}
	return p, nil
}
