package badges_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// memoryLog is an activity log, records and indexes in memory, which can
// fail to write an index after a number of writes.
type memoryLog struct {
	badges.ActivityStore
	records  map[string]*badges.MemberRecord
	log      []badges.LoggedActivity
	indexes  map[string]*badges.ActivityIndex
	marked   bool
	scans    int // of the log
	writes   int // of indexes
	failFrom int // the write that fails first, 0 for none
}

var errWriteFailed = errors.New("the index could not be written")

func (m *memoryLog) ActivityIndex(_ context.Context, id string) (badges.ActivityIndex, error) {
	if x, ok := m.indexes[id]; ok {
		return badges.ActivityIndex{Entries: slices.Clone(x.Entries), Dropped: x.Dropped}, nil
	}
	return badges.ActivityIndex{}, nil
}
func (m *memoryLog) IndexBackfilled(context.Context) (bool, error) { return m.marked, nil }
func (m *memoryLog) MarkIndexBackfilled(context.Context, time.Time) error {
	m.marked = true
	return nil
}
func (m *memoryLog) EachRecord(_ context.Context, each func(*badges.MemberRecord) error) error {
	for _, r := range m.records {
		if err := each(r); err != nil {
			return err
		}
	}
	return nil
}
func (m *memoryLog) EachLogged(_ context.Context, each func(badges.LoggedActivity) error) error {
	m.scans++
	for _, l := range m.log {
		if err := each(l); err != nil {
			return err
		}
	}
	return nil
}
func (m *memoryLog) IndexLogged(_ context.Context, id string, ls []badges.LoggedActivity) error {
	if m.writes++; m.failFrom > 0 && m.writes >= m.failFrom {
		return errWriteFailed
	}
	if m.indexes[id] == nil {
		m.indexes[id] = &badges.ActivityIndex{}
	}
	m.indexes[id].AddLogged(ls)
	return nil
}

// newMemoryLog is members m0 to m5 with i+1 activities each, in their
// records and in the log; m5's index holds them all, m4's its first only,
// the others' none. m0's first activity is voided in the log.
func newMemoryLog() *memoryLog {
	m := &memoryLog{records: map[string]*badges.MemberRecord{}, indexes: map[string]*badges.ActivityIndex{}}
	for i := range 6 {
		id := fmt.Sprint("m", i)
		rec := badges.NewMemberRecord(id, t0.AddDate(-1, 0, 0))
		var acts []badges.Activity
		for j := range i + 1 {
			a := badges.Activity{ID: fmt.Sprintf("a%d-%d", i, j), MemberID: id, Behaviour: "posted", At: t0.Add(-time.Duration(j) * time.Hour), RecordedAt: t0}
			rec.Add(a)
			acts = append(acts, a)
			m.log = append(m.log, badges.LoggedActivity{Activity: a})
		}
		m.records[id] = rec
		switch i {
		case 5:
			m.indexes[id] = &badges.ActivityIndex{}
			m.indexes[id].Add(acts)
		case 4:
			m.indexes[id] = &badges.ActivityIndex{}
			m.indexes[id].Add(acts[:1])
		}
	}
	m.log[0].Void = &badges.ActivityVoid{At: t0, Reason: "A mistake."}
	return m
}

// TestAwarder_BackfillActivityIndex: the backfill indexes every logged
// activity of the members whose record holds activity their index lacks,
// each once and voided ones marked, a bounded number of members a pass;
// cut short, it goes on at the next run; done, it is remembered and not
// run again.
func TestAwarder_BackfillActivityIndex(t *testing.T) {
	m := newMemoryLog()
	aw := &badges.Awarder{Activities: m, IndexBackfill: m, Now: func() time.Time { return t0 }}
	aw.SetBackfillBounds(2, 3)
	m.failFrom = 3
	if _, err := aw.BackfillActivityIndex(t.Context()); !errors.Is(err, errWriteFailed) {
		t.Fatalf("backfill with failing writes: %v; want its failure", err)
	}
	if m.marked {
		t.Fatal("a backfill cut short was remembered as done")
	}
	m.failFrom = 0
	res, err := aw.BackfillActivityIndex(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !m.marked || res.Done || res.Members == 0 {
		t.Fatalf("backfill %+v, marked %v; want members backfilled and the run remembered", res, m.marked)
	}
	for i := range 6 {
		id := fmt.Sprint("m", i)
		idx := m.indexes[id]
		if idx == nil || len(idx.Entries) != i+1 {
			t.Fatalf("%s: index %+v; want its %d activities", id, idx, i+1)
		}
		for j, e := range idx.Entries {
			if want := fmt.Sprintf("a%d-%d", i, j); e.ID != want || e.Voided != (i == 0 && j == 0) {
				t.Errorf("%s: entry %d is %+v; want %s, voided only if a0-0", id, j, e, want)
			}
		}
	}
	scans := m.scans
	res, err = aw.BackfillActivityIndex(t.Context())
	if err != nil || !res.Done || m.scans != scans {
		t.Fatalf("backfill once done: %+v, %v, %d scans of the log; want nothing read", res, err, m.scans-scans)
	}
}

// TestAwarder_BackfillActivityIndexEmpty: a database without records is
// not remembered as backfilled, so that data restored into it later is.
func TestAwarder_BackfillActivityIndexEmpty(t *testing.T) {
	m := &memoryLog{records: map[string]*badges.MemberRecord{}, indexes: map[string]*badges.ActivityIndex{}}
	aw := &badges.Awarder{Activities: m, IndexBackfill: m, Now: func() time.Time { return t0 }}
	res, err := aw.BackfillActivityIndex(t.Context())
	if err != nil || res.Members != 0 || m.marked || m.scans != 0 {
		t.Fatalf("backfill of nothing: %+v, %v, marked %v, %d scans", res, err, m.marked, m.scans)
	}
}
