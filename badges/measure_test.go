package badges_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
)

// fakeStats serves weeks of counters from memory, a community's and its
// cohorts'.
type fakeStats struct {
	weeks   map[string]badges.WeekStats
	cohorts map[string]map[string]badges.WeekStats // by cohort id, then week
	read    int                                    // weeks read
}

func (f *fakeStats) CountCohortActivities(context.Context, string, map[string][]badges.Activity) error {
	return nil
}

func (f *fakeStats) CountCohortAwards(context.Context, map[string]map[time.Time][]string) error {
	return nil
}

func (f *fakeStats) CohortWeeks(ctx context.Context, cohortID string, weeks []string) ([]badges.WeekStats, error) {
	return (&fakeStats{weeks: f.cohorts[cohortID]}).Weeks(ctx, "", weeks)
}

func (f *fakeStats) CountActivities(context.Context, string, string, []badges.Activity) error {
	return nil
}

func (f *fakeStats) CountAwards(context.Context, string, map[time.Time][]string, map[string]int) error {
	return nil
}

func (f *fakeStats) Weeks(_ context.Context, _ string, weeks []string) ([]badges.WeekStats, error) {
	out := make([]badges.WeekStats, len(weeks))
	for i, w := range weeks {
		out[i] = f.weeks[w]
		out[i].Week = w
	}
	f.read += len(weeks)
	return out, nil
}

func (f *fakeStats) Funnel(context.Context, string) (map[string]int, error) { return nil, nil }

// fakeMeasures keeps measures in memory.
type fakeMeasures map[string]*badges.Measure

func (f fakeMeasures) CreateMeasure(_ context.Context, m *badges.Measure) error {
	f[m.ID] = m
	return nil
}

func (f fakeMeasures) Measure(_ context.Context, id string) (*badges.Measure, error) {
	if m, ok := f[id]; ok {
		return m, nil
	}
	return nil, badges.Errorf(badges.ENOTFOUND, "No measure %q.", id)
}

func (f fakeMeasures) Measures(context.Context, string) ([]*badges.Measure, error) { return nil, nil }

func (f fakeMeasures) UpdateMeasure(ctx context.Context, id string, change func(*badges.Measure) error) (*badges.Measure, error) {
	m, err := f.Measure(ctx, id)
	if err != nil {
		return nil, err
	}
	return m, change(m)
}

func (f fakeMeasures) DeleteMeasure(_ context.Context, id string) error {
	delete(f, id)
	return nil
}

// Friday 4 December 2026: its ISO week is 2026-W49 (Monday 30 November to
// Sunday 6 December), which belongs to December by its Thursday.
var measureNow = time.Date(2026, time.December, 4, 15, 0, 0, 0, time.UTC)

// mid is a member id made of a name.
func mid(name string) string { return name + strings.Repeat("2", 20-len(name)) }

func members(ids ...string) map[string]int {
	m := map[string]int{}
	for _, id := range ids {
		m[id]++
	}
	return m
}

// newMeasureService is a measures service over weeks of counters; with
// cohorts, "aaaaaaaaaaaaaaaaaaaa" is the community's cohort "First years"
// with the weeks of cohortWeeks, and "aaaaaaaaaaaaaaaaaaab" another
// community's.
func newMeasureService(now time.Time, weeks map[string]badges.WeekStats, withCohorts bool) (*badges.Measures, fakeMeasures, *fakeStats) {
	store, stats := fakeMeasures{}, &fakeStats{weeks: weeks, cohorts: map[string]map[string]badges.WeekStats{"aaaaaaaaaaaaaaaaaaaa": cohortWeeks}}
	d := badges.MeasureDeps{Store: store, Stats: stats, Now: func() time.Time { return now },
		Behaviours: func(context.Context, string) ([]badges.Behaviour, error) { return badges.DefaultBehaviours(), nil },
		Achievement: func(_ context.Context, id string) (*badges.Achievement, error) {
			return &badges.Achievement{ID: id, IssuerID: "iss"}, nil
		},
		Member: func(_ context.Context, id string) (*badges.Member, error) {
			if id == mid("gone") {
				return nil, badges.Errorf(badges.ENOTFOUND, "No member %q.", id)
			}
			return &badges.Member{ID: id, DisplayName: strings.ToUpper(strings.TrimRight(id, "2"))}, nil
		}}
	if withCohorts {
		d.Cohort = func(_ context.Context, issuerID, ref string) (*badges.Cohort, error) {
			if issuerID == "iss" && (ref == "aaaaaaaaaaaaaaaaaaaa" || badges.FoldCohortName(ref) == badges.FoldCohortName("First years")) {
				return &badges.Cohort{ID: "aaaaaaaaaaaaaaaaaaaa", IssuerID: "iss", Name: "First years"}, nil
			}
			return nil, badges.Errorf(badges.ENOTFOUND, "No cohort %q.", ref)
		}
	}
	return badges.NewMeasures(d), store, stats
}

var measureWeeks = map[string]badges.WeekStats{
	"2026-W44": {Members: members("ada", "bob"), Activities: map[string]int{"posted": 2}},                    // Thursday 29 October
	"2026-W45": {Members: members("ada"), Activities: map[string]int{"posted": 1}},                           // November
	"2026-W48": {Members: members("bob", "cy", "cy"), Activities: map[string]int{"posted": 1, "replied": 2}}, // Thursday 26 November
	"2026-W49": {Members: members("cy", "ada"), Activities: map[string]int{"replied": 2}, Awards: map[string]int{"aaaaaaaaaaaaaaaaaaab": 1}},
}

// cohortWeeks are the counters of the cohort "First years": Ada and Cy,
// counted while they were in it; Ada joined after W44.
var cohortWeeks = map[string]badges.WeekStats{
	"2026-W45": {Members: members("ada"), Activities: map[string]int{"posted": 1}},
	"2026-W48": {Members: members("cy", "cy"), Activities: map[string]int{"replied": 2}, Awards: map[string]int{"aaaaaaaaaaaaaaaaaaac": 1}},
	"2026-W49": {Members: members("cy", "ada"), Activities: map[string]int{"replied": 2}, Awards: map[string]int{"aaaaaaaaaaaaaaaaaaab": 1}},
}

func TestMeasures_History(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     badges.MeasureInput
		n      int
		want   string
		cohort bool
	}{
		{"weekly activity", badges.MeasureInput{Kind: badges.MeasureActivity, Behaviours: []string{"replied"}}, 2, "2026-W48=2 2026-W49=2*", false},
		{"monthly activity", badges.MeasureInput{Kind: badges.MeasureActivity, Period: badges.MeasureMonthly}, 3, "2026-10=2 2026-11=4 2026-12=2*", false},
		{"monthly members", badges.MeasureInput{Kind: badges.MeasureActiveMembers, Period: badges.MeasureMonthly}, 3, "2026-10=2 2026-11=3 2026-12=2*", false},
		// Ada and Bob were active in October and November; Ada and Cy in
		// November and December.
		{"monthly returning", badges.MeasureInput{Kind: badges.MeasureReturningMembers, Period: badges.MeasureMonthly}, 2, "2026-11=2 2026-12=2*", false},
		{"weekly returning", badges.MeasureInput{Kind: badges.MeasureReturningMembers}, 2, "2026-W48=0 2026-W49=1*", false},
		{"awards", badges.MeasureInput{Kind: badges.MeasureAwards, Achievements: []string{"aaaaaaaaaaaaaaaaaaab"}}, 1, "2026-W49=1*", false},
		// A cohort's measures read its own counters: Ada's activity of
		// W44, before she joined, is not the cohort's.
		{"cohort members", badges.MeasureInput{Kind: badges.MeasureActiveMembers, Cohort: "aaaaaaaaaaaaaaaaaaaa", Period: badges.MeasureMonthly}, 3, "2026-10=0 2026-11=2 2026-12=2*", true},
		{"cohort activity", badges.MeasureInput{Kind: badges.MeasureActivity, Cohort: "aaaaaaaaaaaaaaaaaaaa"}, 2, "2026-W48=2 2026-W49=2*", true},
		{"cohort activity of a behaviour", badges.MeasureInput{Kind: badges.MeasureActivity, Cohort: "first YEARS", Behaviours: []string{"posted"}, Period: badges.MeasureMonthly}, 2, "2026-11=1 2026-12=0*", true},
		{"cohort awards", badges.MeasureInput{Kind: badges.MeasureAwards, Cohort: "aaaaaaaaaaaaaaaaaaaa", Achievements: []string{"aaaaaaaaaaaaaaaaaaac"}}, 2, "2026-W48=1 2026-W49=0*", true},
		{"cohort returning", badges.MeasureInput{Kind: badges.MeasureReturningMembers, Cohort: "aaaaaaaaaaaaaaaaaaaa"}, 1, "2026-W49=1*", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, _, _ := newMeasureService(measureNow, measureWeeks, tc.cohort)
			tc.in.Name, tc.in.Target = tc.name, 2
			m, err := svc.Create(t.Context(), "iss", tc.in)
			if err != nil {
				t.Fatal(err)
			}
			_, points, err := svc.History(t.Context(), m.ID, tc.n)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range points {
				s := fmt.Sprintf("%s=%d", p.Period, p.Value)
				if p.Partial {
					s += "*"
				}
				if p.Met != (p.Value >= 2) || p.Target != 2 {
					t.Errorf("point %+v", p)
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("history %q, want %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func TestMeasures_HistoryBounds(t *testing.T) {
	svc, _, stats := newMeasureService(measureNow, measureWeeks, false)
	weekly, err := svc.Create(t.Context(), "iss", badges.MeasureInput{Name: "W", Kind: badges.MeasureActivity})
	if err != nil {
		t.Fatal(err)
	}
	monthly, err := svc.Create(t.Context(), "iss", badges.MeasureInput{Name: "M", Kind: badges.MeasureAwards, Period: badges.MeasureMonthly})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id      string
		periods int
		ok      bool
	}{{weekly.ID, 104, true}, {weekly.ID, 105, false}, {weekly.ID, 0, false}, {monthly.ID, 24, true}, {monthly.ID, 25, false}} {
		stats.read = 0
		_, points, err := svc.History(t.Context(), tc.id, tc.periods)
		if tc.ok != (err == nil) || (!tc.ok && badges.ErrorField(err) != "periods") {
			t.Fatalf("%d periods: %v", tc.periods, err)
		}
		// Reads stay bounded: the periods' weeks and those of one more.
		if tc.ok && (len(points) != tc.periods || stats.read > 5*(tc.periods+1)) {
			t.Fatalf("%d periods: %d points from %d weeks", tc.periods, len(points), stats.read)
		}
	}
	t.Run("cohorts not wired", func(t *testing.T) {
		_, err := svc.Create(t.Context(), "iss", badges.MeasureInput{Name: "C", Kind: badges.MeasureActiveMembers, Cohort: "aaaaaaaaaaaaaaaaaaaa"})
		if badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "cohort" {
			t.Fatalf("a cohort measure without cohorts: %v", err)
		}
	})
}

// TestMeasures_Cohort: a measure takes a cohort of its community by id or
// name and keeps its id; any other cohort is refused on "cohort".
func TestMeasures_Cohort(t *testing.T) {
	svc, store, _ := newMeasureService(measureNow, measureWeeks, true)
	m, err := svc.Create(t.Context(), "iss", badges.MeasureInput{Name: "C", Kind: badges.MeasureAwards, Cohort: " first years "})
	if err != nil || m.Cohort != "aaaaaaaaaaaaaaaaaaaa" || store[m.ID].Cohort != m.Cohort {
		t.Fatalf("created %+v: %v", m, err)
	}
	for _, ref := range []string{"aaaaaaaaaaaaaaaaaaab", "Second years"} {
		if _, err := svc.Create(t.Context(), "iss", badges.MeasureInput{Name: "C", Kind: badges.MeasureActivity, Cohort: ref}); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "cohort" {
			t.Errorf("create with cohort %q: %v", ref, err)
		}
		if _, err := svc.Update(t.Context(), m.ID, badges.MeasureUpdate{Cohort: &ref}); badges.ErrorCode(err) != badges.EINVALID || badges.ErrorField(err) != "cohort" {
			t.Errorf("update to cohort %q: %v", ref, err)
		}
	}
	none, byName := "", "FIRST YEARS"
	if u, err := svc.Update(t.Context(), m.ID, badges.MeasureUpdate{Cohort: &none}); err != nil || u.Cohort != "" {
		t.Fatalf("cohort removed: %+v, %v", u, err)
	}
	if u, err := svc.Update(t.Context(), m.ID, badges.MeasureUpdate{Cohort: &byName}); err != nil || u.Cohort != "aaaaaaaaaaaaaaaaaaaa" {
		t.Fatalf("cohort set by name: %+v, %v", u, err)
	}
}

func TestMeasureInput_Validate(t *testing.T) {
	id := "aaaaaaaaaaaaaaaaaaaa"
	for _, tc := range []struct {
		in    badges.MeasureInput
		field string
	}{
		{badges.MeasureInput{Name: "OK", Kind: badges.MeasureActivity, Behaviours: []string{"posted", "posted"}}, ""},
		{badges.MeasureInput{Name: "OK", Kind: badges.MeasureReturningMembers, Cohort: id, Period: badges.MeasureMonthly, Target: 10}, ""},
		{badges.MeasureInput{Name: " ", Kind: badges.MeasureActivity}, "name"},
		{badges.MeasureInput{Name: "A\x00", Kind: badges.MeasureActivity}, "name"},
		{badges.MeasureInput{Name: "A"}, "kind"},
		{badges.MeasureInput{Name: "A", Kind: "sum"}, "kind"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Period: "year"}, "period"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Target: -1}, "target"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Target: 2_000_000_000}, "target"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Behaviours: []string{"posted"}}, "behaviours"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureActivity, Behaviours: []string{"Posted!"}}, "behaviours"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureActivity, Achievements: []string{id}}, "achievements"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Achievements: []string{"x"}}, "achievements"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureAwards, Cohort: id}, ""},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureActivity, Cohort: "first years", Behaviours: []string{"posted"}}, ""},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureActiveMembers, Cohort: strings.Repeat("c", 101)}, "cohort"},
		{badges.MeasureInput{Name: "A", Kind: badges.MeasureActiveMembers, Cohort: "a\nb"}, "cohort"},
	} {
		err := tc.in.Validate()
		if badges.ErrorField(err) != tc.field || (tc.field != "" && badges.ErrorCode(err) != badges.EINVALID) {
			t.Errorf("%+v: %v, want a problem with %q", tc.in, err, tc.field)
		}
		if err != nil && !strings.HasSuffix(badges.ErrorMessage(err), ".") {
			t.Errorf("message %q is not a sentence", badges.ErrorMessage(err))
		}
	}
}

func TestMeasures_Quiet(t *testing.T) {
	// Over the new year: 2026-W53 is the last week of 2026.
	now := time.Date(2027, time.February, 3, 12, 0, 0, 0, time.UTC) // 2027-W05
	weeks := map[string]badges.WeekStats{
		"2026-W40": {Members: members(mid("ada"), mid("gone"))},
		"2026-W53": {Members: members(mid("bob"), mid("bob"))},
		"2026-W52": {Members: members(mid("cy"))},
		"2027-W01": {Members: members(mid("dee"))},
		"2027-W04": {Members: members(mid("eve"))}, // within the quiet weeks
	}
	svc, _, _ := newMeasureService(now, weeks, false)
	var got []string
	o := badges.ListOptions{Limit: 2}
	for range 5 {
		p, err := svc.Quiet(t.Context(), "iss", 3, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 5 {
			t.Fatalf("total %d", p.Total)
		}
		for _, q := range p.Items {
			got = append(got, fmt.Sprintf("%s@%s×%d", q.Name, q.LastActive, q.Activities))
		}
		if o.Cursor = p.NextCursor; o.Cursor == "" {
			break
		}
	}
	// Most recently active first; a member deleted since is left out.
	if want := "DEE@2027-W01×1 BOB@2026-W53×2 CY@2026-W52×1 ADA@2026-W40×1"; strings.Join(got, " ") != want {
		t.Fatalf("quiet %q, want %q", strings.Join(got, " "), want)
	}
	for _, weeks := range []int{0, badges.MaxQuietWeeks + 1} {
		if _, err := svc.Quiet(t.Context(), "iss", weeks, nil, badges.ListOptions{}); badges.ErrorField(err) != "weeks" {
			t.Errorf("%d weeks: %v", weeks, err)
		}
	}
}
