package badges_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

var t0 = time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC) // a Wednesday

func TestRecordAddDedupe(t *testing.T) {
	r := badges.NewMemberRecord("m", t0.AddDate(-1, 0, 0))
	a := badges.Activity{ID: "a1", MemberID: "m", Behaviour: "posted", At: t0}
	if !r.Add(a) {
		t.Fatal("first Add = false")
	}
	if r.Add(a) {
		t.Error("same ID added twice")
	}
	s := badges.Activity{ID: "a2", SourceEventID: "slack:42", MemberID: "m", Behaviour: "posted", At: t0}
	if !r.Add(s) {
		t.Fatal("Add with a source event id = false")
	}
	s.ID = "a3" // a retry the store gave a new id
	if r.Add(s) {
		t.Error("same SourceEventID added twice")
	}
	// Ids and source event ids live in different namespaces.
	if !r.Add(badges.Activity{ID: "slack:42", MemberID: "m", Behaviour: "posted", At: t0}) {
		t.Error("an id equal to an earlier source event id was refused")
	}
	// Activities without ids are never deduplicated.
	for range 2 {
		if !r.Add(badges.Activity{Behaviour: "posted", At: t0}) {
			t.Error("Add without ids = false")
		}
	}
	if got := r.Behaviours["posted"].Count; got != 5 {
		t.Errorf("Count = %d; want 5", got)
	}
	if want := []string{"id:a1", "src:slack:42", "id:slack:42"}; !slices.Equal(r.Seen, want) {
		t.Errorf("Seen = %q; want %q", r.Seen, want)
	}
}

func TestRecordAddRefuses(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	before := r.Clone()
	for name, a := range map[string]badges.Activity{
		"other member": {MemberID: "x", Behaviour: "posted", At: t0},
		"no behaviour": {Behaviour: "", At: t0},
		"no time":      {Behaviour: "posted"},
		"NaN":          {Behaviour: "posted", At: t0, Quantity: math.NaN()},
		"Inf":          {Behaviour: "posted", At: t0, Quantity: math.Inf(1)},
		"negative":     {Behaviour: "posted", At: t0, Quantity: -2},
	} {
		if r.Add(a) {
			t.Errorf("%s: Add = true", name)
		}
	}
	if !reflect.DeepEqual(r, before) {
		t.Errorf("refused adds changed the record")
	}
}

func TestRecordAddSummary(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	add := func(at time.Time, q float64, peer, url string) {
		t.Helper()
		if !r.Add(badges.Activity{Behaviour: "mentored-member", At: at, Quantity: q, PeerID: peer, EvidenceURL: url, Cohort: "  spring  "}) {
			t.Fatal("Add = false")
		}
	}
	add(t0, 2, "p2", "https://e.org/2")
	add(t0.AddDate(0, -2, 0), 0, "p1", "")
	add(t0.AddDate(0, 0, -1), 0.5, "p2", "https://e.org/1")
	br := r.Behaviours["mentored-member"]
	want := &badges.BehaviourRecord{
		Count: 3, Sum: 3.5, First: t0.AddDate(0, -2, 0), Last: t0,
		Recent: []badges.Event{
			{At: t0, Amount: 2, PeerID: "p2", EvidenceURL: "https://e.org/2"},
			{At: t0.AddDate(0, 0, -1), Amount: 0.5, PeerID: "p2", EvidenceURL: "https://e.org/1"},
			{At: t0.AddDate(0, -2, 0), Amount: 1, PeerID: "p1"},
		},
		Days:   []int{dayNum(t0.AddDate(0, -2, 0)), dayNum(t0.AddDate(0, 0, -1)), dayNum(t0)},
		Weeks:  []int{weekNum(t0.AddDate(0, -2, 0)), weekNum(t0)}, // Tuesday and Wednesday share a week
		Months: []int{2026*12 + 2, 2026*12 + 4},
		Peers:  []string{"p1", "p2"},
	}
	if !reflect.DeepEqual(br, want) {
		t.Errorf("BehaviourRecord =\n%+v\nwant\n%+v", br, want)
	}
	if !slices.Equal(r.Cohorts, []string{"spring"}) {
		t.Errorf("Cohorts = %q", r.Cohorts)
	}
	// An activity before JoinedAt moves it earlier: they were a member then.
	if !r.JoinedAt.Equal(t0.AddDate(0, -2, 0)) {
		t.Errorf("JoinedAt = %s", r.JoinedAt)
	}
}

func dayNum(t time.Time) int  { return int(math.Floor(float64(t.Unix()) / 86400)) }
func weekNum(t time.Time) int { return int(math.Floor(float64(dayNum(t)-4) / 7)) }

func TestRecordUnits(t *testing.T) {
	// Week numbers follow ISO weeks: consecutive weeks are consecutive
	// numbers, and every day of an ISO week has the same number.
	r := badges.NewMemberRecord("m", time.Time{})
	start := time.Date(2020, 12, 28, 0, 0, 0, 0, time.UTC) // Monday of 2020-W53
	for d := range 21 {
		r.Add(badges.Activity{Behaviour: "posted", At: start.AddDate(0, 0, d).Add(23 * time.Hour)})
	}
	br := r.Behaviours["posted"]
	if len(br.Days) != 21 || br.Days[20]-br.Days[0] != 20 {
		t.Errorf("Days = %v", br.Days)
	}
	if len(br.Weeks) != 3 || br.Weeks[1] != br.Weeks[0]+1 || br.Weeks[2] != br.Weeks[0]+2 {
		t.Errorf("Weeks = %v", br.Weeks)
	}
	if want := []int{2020*12 + 11, 2021 * 12}; !slices.Equal(br.Months, want) {
		t.Errorf("Months = %v; want %v", br.Months, want)
	}
	if !r.JoinedAt.Equal(start.Add(23 * time.Hour)) {
		t.Errorf("JoinedAt = %s; want the first activity", r.JoinedAt)
	}
}

// checkInvariants checks the bounds and orderings every record keeps.
func checkInvariants(t *testing.T, r *badges.MemberRecord) {
	t.Helper()
	if len(r.Behaviours) > badges.MaxRecordBehaviours || len(r.Cohorts) > badges.MaxRecordCohorts ||
		len(r.Endorsements) > badges.MaxRecordEndorsements || len(r.Seen) > badges.MaxSeenActivities {
		t.Fatalf("record over its bounds: %d behaviours, %d cohorts, %d endorsements, %d seen",
			len(r.Behaviours), len(r.Cohorts), len(r.Endorsements), len(r.Seen))
	}
	if !sort.StringsAreSorted(r.Cohorts) || len(slices.Compact(slices.Clone(r.Cohorts))) != len(r.Cohorts) {
		t.Fatalf("Cohorts not sorted and distinct: %q", r.Cohorts)
	}
	if !slices.IsSortedFunc(r.Endorsements, func(a, b badges.Endorsement) int { return b.At.Compare(a.At) }) {
		t.Fatal("Endorsements not newest first")
	}
	for key, br := range r.Behaviours {
		if len(br.Recent) > badges.MaxRecentEvents || len(br.Days) > badges.MaxActiveDays ||
			len(br.Weeks) > badges.MaxActiveWeeks || len(br.Months) > badges.MaxActiveMonths || len(br.Peers) > badges.MaxRecordPeers {
			t.Fatalf("%s over its bounds: %d recent, %d days, %d weeks, %d months, %d peers",
				key, len(br.Recent), len(br.Days), len(br.Weeks), len(br.Months), len(br.Peers))
		}
		if !slices.IsSortedFunc(br.Recent, func(a, b badges.Event) int { return b.At.Compare(a.At) }) {
			t.Fatalf("%s: Recent not newest first", key)
		}
		urls := 0
		for _, ev := range br.Recent {
			if ev.EvidenceURL != "" {
				urls++
			}
		}
		if urls > badges.MaxRecentEvidence {
			t.Fatalf("%s: %d evidence URLs kept", key, urls)
		}
		for name, l := range map[string][]int{"Days": br.Days, "Weeks": br.Weeks, "Months": br.Months} {
			for i := 1; i < len(l); i++ {
				if l[i] <= l[i-1] {
					t.Fatalf("%s: %s not sorted and distinct: %v", key, name, l)
				}
			}
		}
		if !sort.StringsAreSorted(br.Peers) || len(slices.Compact(slices.Clone(br.Peers))) != len(br.Peers) {
			t.Fatalf("%s: Peers not sorted and distinct", key)
		}
		if br.Count < len(br.Recent) || br.First.After(br.Last) {
			t.Fatalf("%s: Count %d, %d recent, first %s, last %s", key, br.Count, len(br.Recent), br.First, br.Last)
		}
	}
}

func TestRecordBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := badges.NewMemberRecord("m", t0)
	const n = 100_000
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	span := t0.Sub(start)
	for i := range n {
		a := badges.Activity{
			ID:        fmt.Sprintf("a%d", i),
			Behaviour: []string{"posted", "replied"}[i%2],
			At:        start.Add(time.Duration(rng.Int64N(int64(span)))),
			PeerID:    fmt.Sprintf("p%d", rng.IntN(5000)),
			Cohort:    fmt.Sprintf("c%d", rng.IntN(80)),
		}
		if i%3 == 0 {
			a.EvidenceURL = fmt.Sprintf("https://example.org/%d", i)
		}
		if !r.Add(a) {
			t.Fatalf("Add(%d) = false", i)
		}
		if i%1000 == 0 {
			r.AddEndorsement(badges.Endorsement{From: fmt.Sprintf("e%d", i), At: a.At})
		}
	}
	for i := range 300 {
		r.AddEndorsement(badges.Endorsement{From: fmt.Sprintf("f%d", i), At: t0.Add(-time.Duration(i) * time.Hour)})
	}
	for i := range 60 {
		r.Add(badges.Activity{Behaviour: fmt.Sprintf("b%d", i), At: t0})
	}
	checkInvariants(t, r)
	br := r.Behaviours["posted"]
	if br.Count != n/2 || len(br.Recent) != badges.MaxRecentEvents || len(br.Days) != badges.MaxActiveDays ||
		len(br.Weeks) != badges.MaxActiveWeeks || len(br.Months) != badges.MaxActiveMonths || len(br.Peers) != badges.MaxRecordPeers {
		t.Errorf("posted: Count %d, %d recent, %d days, %d weeks, %d months, %d peers",
			br.Count, len(br.Recent), len(br.Days), len(br.Weeks), len(br.Months), len(br.Peers))
	}
	if len(r.Seen) != badges.MaxSeenActivities || r.Seen[len(r.Seen)-1] != fmt.Sprintf("id:a%d", n-1) {
		t.Errorf("Seen has %d, ending %q", len(r.Seen), r.Seen[len(r.Seen)-1])
	}
	if len(r.Cohorts) != badges.MaxRecordCohorts || len(r.Endorsements) != badges.MaxRecordEndorsements ||
		len(r.Behaviours) != badges.MaxRecordBehaviours {
		t.Errorf("%d cohorts, %d endorsements, %d behaviours", len(r.Cohorts), len(r.Endorsements), len(r.Behaviours))
	}
	// The lists keep the newest: the latest day of activity is the last
	// day kept, and Recent starts with the newest event.
	if br.Days[len(br.Days)-1] != dayNum(br.Last) || !br.Recent[0].At.Equal(br.Last) {
		t.Errorf("newest not kept: last day %d, Recent[0] %s, Last %s", br.Days[len(br.Days)-1], br.Recent[0].At, br.Last)
	}
	// The evidence URLs kept are on the newest events that had one.
	urls := 0
	for _, ev := range br.Recent[:30] {
		if ev.EvidenceURL != "" {
			urls++
		}
	}
	if urls < 5 {
		t.Errorf("only %d evidence URLs among the 30 newest events", urls)
	}
	// A replay older than the Seen window is counted again: stores must
	// also refuse duplicate source events themselves.
	if !r.Add(badges.Activity{ID: "a0", Behaviour: "posted", At: t0}) {
		t.Error("replay of a forgotten id refused")
	}
	if r.Add(badges.Activity{ID: fmt.Sprintf("a%d", n-1), Behaviour: "posted", At: t0}) {
		t.Error("replay of a remembered id accepted")
	}
}

func TestRecordOutOfOrder(t *testing.T) {
	// The same activities in any order make the same record.
	rng := rand.New(rand.NewPCG(3, 4))
	var acts []badges.Activity
	for i := range 3000 {
		a := badges.Activity{
			ID: fmt.Sprintf("a%d", i), Behaviour: []string{"posted", "hosted-session"}[rng.IntN(2)],
			At:       t0.Add(-time.Duration(i) * 29 * time.Hour), // distinct times, over ten years: every list overflows
			Quantity: float64(rng.IntN(4)),
			PeerID:   fmt.Sprintf("p%d", rng.IntN(900)),
		}
		if rng.IntN(2) == 0 {
			a.EvidenceURL = fmt.Sprintf("https://example.org/%d", i)
		}
		acts = append(acts, a)
	}
	build := func(order []badges.Activity) *badges.MemberRecord {
		r := badges.NewMemberRecord("m", t0.AddDate(-10, 0, 0))
		for _, a := range order {
			r.Add(a)
		}
		r.Seen = nil // insertion order, by design
		for _, br := range r.Behaviours {
			br.Sum = math.Round(br.Sum) // addition order changes rounding
		}
		return r
	}
	inOrder := slices.Clone(acts)
	slices.Reverse(inOrder) // oldest first
	want := build(inOrder)
	checkInvariants(t, want)
	if br := want.Behaviours["posted"]; len(br.Recent) != badges.MaxRecentEvents || len(br.Days) != badges.MaxActiveDays || len(br.Weeks) != badges.MaxActiveWeeks {
		t.Fatalf("lists did not overflow: %d recent, %d days, %d weeks", len(br.Recent), len(br.Days), len(br.Weeks))
	}
	for range 3 {
		shuffled := slices.Clone(acts)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got := build(shuffled)
		checkInvariants(t, got)
		for k, wb := range want.Behaviours {
			gb := got.Behaviours[k]
			// Which older evidence URLs survive depends on arrival order;
			// everything else is the same.
			wr, gr := slices.Clone(wb.Recent), slices.Clone(gb.Recent)
			for i := range wr {
				wr[i].EvidenceURL, gr[i].EvidenceURL = "", ""
			}
			if !reflect.DeepEqual(wr, gr) || wb.Count != gb.Count || wb.Sum != gb.Sum || !wb.First.Equal(gb.First) || !wb.Last.Equal(gb.Last) ||
				!slices.Equal(wb.Days, gb.Days) || !slices.Equal(wb.Weeks, gb.Weeks) || !slices.Equal(wb.Months, gb.Months) {
				t.Fatalf("%s differs with arrival order", k)
			}
			// Peers beyond the cap depend on arrival order; the count does not.
			if len(wb.Peers) != len(gb.Peers) {
				t.Fatalf("%s: %d peers vs %d", k, len(wb.Peers), len(gb.Peers))
			}
		}
	}
}

func TestRecordEvidenceCap(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	for i := range 50 {
		r.Add(badges.Activity{Behaviour: "posted", At: t0.Add(time.Duration(i) * time.Hour), EvidenceURL: fmt.Sprintf("https://e.org/%d", i)})
	}
	// An old event with evidence arrives late: its URL is not kept.
	r.Add(badges.Activity{Behaviour: "posted", At: t0.Add(-time.Hour), EvidenceURL: "https://e.org/old"})
	var kept []string
	for _, ev := range r.Behaviours["posted"].Recent {
		if ev.EvidenceURL != "" {
			kept = append(kept, ev.EvidenceURL)
		}
	}
	if len(kept) != badges.MaxRecentEvidence || kept[0] != "https://e.org/49" || kept[len(kept)-1] != "https://e.org/30" {
		t.Errorf("kept %q", kept)
	}
}

func TestAddEndorsement(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	for _, tc := range []struct {
		name string
		e    badges.Endorsement
		want bool
	}{
		{"first", badges.Endorsement{From: "a", At: t0, Note: "Great host"}, true},
		{"same day", badges.Endorsement{From: "a", At: t0.Add(-11 * time.Hour)}, false},
		{"next day", badges.Endorsement{From: "a", At: t0.Add(12 * time.Hour)}, true},
		{"other", badges.Endorsement{From: "b", At: t0.Add(-48 * time.Hour)}, true},
		{"self", badges.Endorsement{From: "m", At: t0}, false},
		{"nobody", badges.Endorsement{At: t0}, false},
		{"no time", badges.Endorsement{From: "c"}, false},
		{"long note", badges.Endorsement{From: "c", At: t0, Note: string(make([]rune, 501))}, false},
	} {
		if got := r.AddEndorsement(tc.e); got != tc.want {
			t.Errorf("%s: AddEndorsement = %v; want %v", tc.name, got, tc.want)
		}
	}
	var from []string
	for _, e := range r.Endorsements {
		from = append(from, e.From)
	}
	if !slices.Equal(from, []string{"a", "a", "b"}) {
		t.Errorf("Endorsements from %q; want newest first", from)
	}
	// When full, an endorsement older than all kept is refused.
	for i := range badges.MaxRecordEndorsements {
		r.AddEndorsement(badges.Endorsement{From: fmt.Sprintf("x%d", i), At: t0.AddDate(0, 0, i+1)})
	}
	if r.AddEndorsement(badges.Endorsement{From: "late", At: t0.AddDate(-1, 0, 0)}) {
		t.Error("old endorsement added to a full record")
	}
	checkInvariants(t, r)
}

func TestAddCohort(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	for _, c := range []string{"b", " a ", "", "   ", "b", string(make([]byte, 101))} {
		r.AddCohort(c)
	}
	if !slices.Equal(r.Cohorts, []string{"a", "b"}) || !r.InCohort("a") || r.InCohort("c") {
		t.Errorf("Cohorts = %q", r.Cohorts)
	}
}

func TestRecordClone(t *testing.T) {
	r := badges.NewMemberRecord("m", t0)
	r.Add(badges.Activity{ID: "1", Behaviour: "posted", At: t0, PeerID: "p"})
	r.AddCohort("c")
	r.AddEndorsement(badges.Endorsement{From: "e", At: t0})
	c := r.Clone()
	if !reflect.DeepEqual(c, r) {
		t.Fatal("Clone differs")
	}
	c.Add(badges.Activity{ID: "2", Behaviour: "posted", At: t0.Add(-time.Hour), PeerID: "q"})
	c.AddCohort("d")
	if r.Behaviours["posted"].Count != 1 || len(r.Behaviours["posted"].Recent) != 1 || len(r.Seen) != 1 || len(r.Cohorts) != 1 {
		t.Error("changing the clone changed the original")
	}
}

func BenchmarkRecordAdd(b *testing.B) {
	r := badges.NewMemberRecord("m", t0)
	// A full record: every list at its bound.
	for i := range 5000 {
		r.Add(badges.Activity{ID: fmt.Sprintf("w%d", i), Behaviour: "posted", At: t0.Add(-time.Duration(i) * 13 * time.Hour), PeerID: fmt.Sprintf("p%d", i)})
	}
	acts := make([]badges.Activity, 1024)
	for i := range acts {
		acts[i] = badges.Activity{Behaviour: "posted", At: t0.Add(-time.Duration(i*7) * time.Hour), PeerID: fmt.Sprintf("p%d", i), EvidenceURL: "https://example.org/x"}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := acts[i%len(acts)]
		a.ID = "b" + fmt.Sprint(i)
		r.Add(a)
		i++
	}
}

func TestMemberRecord_Awarded(t *testing.T) {
	r := badges.NewMemberRecord("m", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if r.AwardedIn("a", "") {
		t.Fatal("a new record says a badge was awarded")
	}
	r.MarkAwarded("a", "2026-11")
	r.MarkAwarded("once", "")
	if !r.AwardedIn("a", "2026-11") || r.AwardedIn("a", "2026-12") || !r.AwardedIn("once", "") || r.AwardedIn("once", "2026-11") {
		t.Fatalf("Awarded = %v", r.Awarded)
	}
	r.MarkAwarded("a", "2026-12") // the next period replaces the last
	if r.AwardedIn("a", "2026-11") || !r.AwardedIn("a", "2026-12") {
		t.Fatalf("Awarded = %v", r.Awarded)
	}

	for i := len(r.Awarded); i < badges.MaxRecordAwarded; i++ {
		r.MarkAwarded(fmt.Sprintf("b%04d", i), "2027-01")
	}
	r.MarkAwarded("new", "2027-02")
	if len(r.Awarded) != badges.MaxRecordAwarded {
		t.Fatalf("%d entries, want the cap %d", len(r.Awarded), badges.MaxRecordAwarded)
	}
	if r.AwardedIn("once", "") || !r.AwardedIn("new", "2027-02") || !r.AwardedIn("a", "2026-12") {
		t.Errorf("at the cap the oldest period (the rule without one) should go first: once=%v new=%v a=%v",
			r.AwardedIn("once", ""), r.AwardedIn("new", "2027-02"), r.AwardedIn("a", "2026-12"))
	}
}

func TestMemberRecord_NoteBatch(t *testing.T) {
	r := badges.NewMemberRecord("m", t0.AddDate(-1, 0, 0))
	old := badges.Batch{ID: "old", StartedAt: t0.Add(-badges.RecordBatchAge - time.Minute)}
	if !r.NoteBatch(old, t0.Add(-2*badges.RecordBatchAge)) || r.NoteBatch(old, t0) {
		t.Fatalf("a batch is noted once: %v", r.Batches)
	}
	if !r.NoteBatch(badges.Batch{ID: "b0", StartedAt: t0}, t0) || len(r.Batches) != 1 || r.Batches[0].ID != "b0" {
		t.Fatalf("a batch older than RecordBatchAge should be forgotten: %v", r.Batches)
	}
	for i := 1; i <= badges.MaxRecordBatches; i++ {
		r.NoteBatch(badges.Batch{ID: fmt.Sprint("b", i), StartedAt: t0}, t0)
	}
	if len(r.Batches) != badges.MaxRecordBatches || r.Batches[0].ID != "b1" || r.NoteBatch(badges.Batch{ID: "b1", StartedAt: t0}, t0) {
		t.Fatalf("at the cap the oldest batch goes first: %d batches, first %v", len(r.Batches), r.Batches[0])
	}
}
