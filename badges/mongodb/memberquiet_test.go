package mongodb_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database/mongotest"
	"github.com/laurel-badges/laurel/badges/mongodb"
)

// TestMemberNames_Quiet lists the quiet members named from the member
// index (MemberNames) and named one member at a time: the same pages,
// renamed and deleted members included, at every page size.
func TestMemberNames_Quiet(t *testing.T) {
	ctx := t.Context()
	db := mongotest.NewDB(t)
	members, stats := mongodb.NewMemberService(db), mongodb.NewStatsStore(db)
	if err := members.PrepareIndex(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	var ms []*badges.Member
	for i := range 30 {
		m := mustCreateMember(t, members, issuerA, badges.MemberInput{Email: fmt.Sprintf("q%d@example.org", i), DisplayName: fmt.Sprintf("Quiet %d", i)})
		ms = append(ms, m)
		act := []badges.Activity{{IssuerID: issuerA, MemberID: m.ID, Behaviour: "posted", At: now.AddDate(0, 0, -7*(5+i%9))}}
		if err := stats.CountActivities(ctx, issuerA, "batch-"+m.ID, act); err != nil {
			t.Fatal(err)
		}
	}
	renamed := "Renamed <b>Quiet</b>"
	if _, err := members.UpdateMember(ctx, ms[3].ID, badges.MemberUpdate{DisplayName: &renamed}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*badges.Member{ms[0], ms[17]} {
		if err := members.DeleteMember(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	d := badges.MeasureDeps{Stats: stats, Member: members.Member, Now: func() time.Time { return now }}
	oneByOne := badges.NewMeasures(d)
	d.MemberNames = members.MemberNames
	fromIndex := badges.NewMeasures(d)
	for _, limit := range []int{1, 4, 50} {
		o, pages := badges.ListOptions{Limit: limit}, 0
		for ; ; pages++ {
			want, err := oneByOne.Quiet(ctx, issuerA, badges.DefaultQuietWeeks, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fromIndex.Quiet(ctx, issuerA, badges.DefaultQuietWeeks, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("limit %d, page %d: from the index %+v, one at a time %+v", limit, pages, got, want)
			}
			if got.NextCursor == "" {
				break
			}
			o.Cursor = got.NextCursor
		}
		if want := (30 + limit - 1) / limit; pages+1 != want {
			t.Fatalf("limit %d: %d pages, want %d", limit, pages+1, want)
		}
	}
}
